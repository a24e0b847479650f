"""The LLM path against a real OpenAI-compatible server (tests/fake_llm.py), not LangChain fakes:
tokens stream as they come, and a text that fails the check is replaced by the extractive answer with why.

Over chain.stream in this process, and over SSE on /v1/chat/completions of a live `newsqa serve`."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from newsqa.service import Service
from newsqa.ui import build_ui
from qa.chain import Replaced, build_chain
from qa.engine import Engine
from tests import fake_llm
from tests.live_server import launch, sample_store, wait_ready

Q = "南昌7月16日新增多少例？"
GOOD = "南昌7月16日新增9例阳性感染者，其中2例确诊、7例无症状[1]。"
ALTERED = "南昌7月16日新增19例阳性感染者，其中2例确诊[1]。"
UNCITED = "南昌7月16日新增9例阳性感染者，其中2例确诊、7例无症状。"
TIMEOUT = 2.0


@pytest.fixture(scope="module")
def fake():
    server = fake_llm.start()
    yield server
    server.stop()


@pytest.fixture
def script(fake):
    """Set what the fake model answers for one test."""

    def set_script(**kw) -> fake_llm.Script:
        fake.script = fake_llm.Script(**kw)
        return fake.script

    yield set_script
    fake.script = fake_llm.Script()


@pytest.fixture(scope="module")
def llm_engine(sample_engine, fake):
    s = sample_engine.settings.with_(llm_base_url=fake.base_url, llm_model="fake", llm_timeout=TIMEOUT)
    return Engine(s, store=sample_engine.store, embedder=sample_engine.embedder)


@pytest.fixture(scope="module")
def extractive(sample_engine) -> str:
    return sample_engine.ask(Q).answer


def timed_stream(chain, question):
    """(event, seconds since the call) for each event of chain.stream."""
    t0 = time.monotonic()
    return [(e, time.monotonic() - t0) for e in chain.stream(question)]


def test_good_answer_streams_token_by_token_and_is_kept(llm_engine, fake, script):
    sent = script(text=GOOD, delay=0.1)
    events = timed_stream(build_chain(llm_engine), Q)
    tokens = [(e, t) for e, t in events if isinstance(e, str)]
    assert [e for e, _ in tokens] == sent.pieces()  # each chunk the server sent, as its own event
    assert tokens[-1][1] - tokens[0][1] > 0.5 * 0.1 * (len(tokens) - 1)  # as they came, not all at the end
    assert not any(isinstance(e, Replaced) for e, _ in events)
    answer = events[-1][0]
    assert answer.answer == GOOD and [c.n for c in answer.citations] == [1]
    assert "9例阳性感染者" in fake.requests[-1]["messages"][-1]["content"] and fake.requests[-1]["stream"]


def test_answer_with_an_altered_number_is_replaced_by_the_extractive_one_with_why(llm_engine, script, extractive):
    script(text=ALTERED, delay=0.01)
    events = list(build_chain(llm_engine).stream(Q))
    assert "".join(e for e in events if isinstance(e, str)) == ALTERED
    notice = next(e for e in events if isinstance(e, Replaced))
    assert notice.reason == "numbers" and "19" in notice.message
    assert events[-1].answer == extractive and "19例" not in events[-1].answer


def test_answer_without_citations_is_replaced(llm_engine, script, extractive):
    script(text=UNCITED, delay=0.01)
    events = list(build_chain(llm_engine).stream(Q))
    assert next(e for e in events if isinstance(e, Replaced)).reason == "no_citation"
    assert events[-1].answer == extractive


def test_answer_citing_a_passage_it_was_not_given_is_replaced(llm_engine, script, extractive):
    script(text="南昌7月16日新增9例阳性感染者[9]。", delay=0.01)
    events = list(build_chain(llm_engine).stream(Q))
    notice = next(e for e in events if isinstance(e, Replaced))
    assert notice.reason == "bad_citation" and "[9]" in notice.message
    assert events[-1].answer == extractive


def test_server_that_hangs_past_the_timeout_falls_back_within_it(llm_engine, script, extractive):
    script(text=GOOD, hang=30)
    events = list(build_chain(llm_engine).stream(Q))
    answer = events[-1]
    assert next(e for e in events if isinstance(e, Replaced)).reason == "timeout"
    assert answer.answer == extractive
    assert answer.timings_ms["llm_ms"] < (TIMEOUT + 1.5) * 1000


def test_server_that_trickles_past_the_timeout_is_cut_off(llm_engine, script, extractive):
    script(text=GOOD * 4, piece=2, delay=0.3)  # ~25 s of tokens, each within the read timeout
    events = list(build_chain(llm_engine).stream(Q))
    assert next(e for e in events if isinstance(e, Replaced)).reason == "timeout"
    assert events[-1].answer == extractive and events[-1].timings_ms["llm_ms"] < (TIMEOUT + 1.5) * 1000


def test_server_error_falls_back(llm_engine, script, extractive):
    script(text=GOOD, status=500)
    events = list(build_chain(llm_engine).stream(Q))
    assert next(e for e in events if isinstance(e, Replaced)).reason == "error"
    assert events[-1].answer == extractive


def test_invoke_keeps_a_good_answer_and_drops_an_altered_one(llm_engine, fake, script, extractive):
    script(text=GOOD)
    assert llm_engine.ask(Q).answer == GOOD and not fake.requests[-1].get("stream")
    script(text=ALTERED)
    assert llm_engine.ask(Q).answer == extractive


# -- over HTTP: SSE of a live `newsqa serve` pointed at the fake model ------------------------------------

@pytest.fixture(scope="module")
def llm_server(settings, embedder, fake, tmp_path_factory):
    base = tmp_path_factory.mktemp("llm-live")
    server = launch(sample_store(base / "store", settings, embedder), settings, base / "serve.log",
                    NEWSQA_LLM_BASE_URL=fake.base_url, NEWSQA_LLM_MODEL="fake", NEWSQA_LLM_TIMEOUT=str(TIMEOUT))
    wait_ready(server)
    yield server
    server.stop()


def sse_chunks(url: str, question: str) -> list[tuple[dict, float]]:
    """(chunk, seconds since the request) for each data line of a streamed chat completion."""
    body = json.dumps({"model": "newsqa", "stream": True, "messages": [{"role": "user", "content": question}]},
                      ensure_ascii=False).encode()
    req = urllib.request.Request(url + "/v1/chat/completions", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    out = []
    t0 = time.monotonic()
    with urllib.request.urlopen(req, timeout=120) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r:
            line = line.decode().strip()
            if not line.startswith("data: "):
                continue
            if line == "data: [DONE]":
                break
            out.append((json.loads(line[6:]), time.monotonic() - t0))
    return out


def content(chunks) -> list[tuple[str, float]]:
    return [(c["choices"][0]["delta"]["content"], t) for c, t in chunks if c["choices"][0]["delta"].get("content")]


def test_sse_streams_the_models_tokens_as_they_come_and_keeps_a_good_answer(llm_server, script):
    sent = script(text=GOOD, delay=0.1)
    chunks = sse_chunks(llm_server.url, Q)
    pieces = content(chunks)
    assert [p for p, _ in pieces] == sent.pieces()
    assert pieces[-1][1] - pieces[0][1] > 0.5 * 0.1 * (len(pieces) - 1)
    final = chunks[-1][0]
    assert final["choices"][0]["finish_reason"] == "stop" and "replaced" not in final
    assert [c["n"] for c in final["citations"]] == [1]


def test_sse_replaces_an_altered_answer_and_says_why(llm_server, script, extractive):
    script(text=ALTERED, delay=0.01)
    chunks = sse_chunks(llm_server.url, Q)
    text = "".join(p for p, _ in content(chunks))
    final = chunks[-1][0]
    assert final["replaced"]["reason"] == "numbers" and final["replaced"]["content"] == extractive
    assert text.startswith(ALTERED) and text.endswith(extractive) and final["replaced"]["message"] in text


def test_sse_falls_back_within_the_timeout_when_the_model_hangs(llm_server, script, extractive):
    script(text=GOOD, hang=30)
    t0 = time.monotonic()
    chunks = sse_chunks(llm_server.url, Q)
    assert time.monotonic() - t0 < TIMEOUT + 10  # the extractive part plus the timeout, not the 30 s hang
    final = chunks[-1][0]
    assert final["replaced"]["reason"] == "timeout"
    assert "".join(p for p, _ in content(chunks)) == extractive


# -- the chat UI ------------------------------------------------------------------------------------------

def ui_respond(engine):
    demo = build_ui(Service(engine.settings, engine=engine))
    fns = demo.fns.values() if isinstance(demo.fns, dict) else demo.fns
    return next(f.fn for f in fns if getattr(f.fn, "__name__", "") == "respond")


def test_chat_shows_the_tokens_as_they_come_then_the_notice_when_replaced(llm_engine, script):
    respond = ui_respond(llm_engine)
    script(text=ALTERED, delay=0.01)
    bubbles = [history[-1]["content"] for _, history in respond(Q, [], "zh")]
    assert any("新增19例" in b for b in bubbles[1:-1])  # the model's text, while it streamed
    assert 'data-reason="numbers"' in bubbles[-1] and "19例" not in bubbles[-1].split("</div>", 1)[1]
    script(text=GOOD, delay=0.01)
    bubbles = [history[-1]["content"] for _, history in respond(Q, [], "zh")]
    assert "nq-notice" not in bubbles[-1] and "7例无症状" in bubbles[-1]
