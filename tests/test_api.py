"""The HTTP API over real HTTP: `newsqa serve` runs as a subprocess on a loopback port over a sample store."""

from __future__ import annotations

import io
import json
import stat
import zipfile

import pytest

from tests.live_server import http, post_json, shared_servers, stop_shared, upload

Q_NANCHANG = "南昌7月16日新增多少例"

JIUJIANG = """---
title: 九江市新冠肺炎疫情情况通报
source: 九江发布
date: 2022-05-04
---
2022年5月3日0时至24时，九江市新增本土确诊病例4例，新增本土无症状感染者11例，均在隔离管控中发现。

目前全市累计报告本土确诊病例27例。
"""


@pytest.fixture(scope="session")
def servers(settings, embedder, tmp_path_factory):
    yield shared_servers(settings, embedder, tmp_path_factory)
    stop_shared()


@pytest.fixture(scope="session")
def url(servers) -> str:
    return servers["on"].url


def body_of(url: str, doc_id: str) -> str:
    status, _, raw = http("GET", f"{url}/api/articles/{doc_id}")
    assert status == 200
    return json.loads(raw)["body"]


def test_health_reports_the_sample_corpus(url):
    status, _, raw = http("GET", url + "/api/health")
    health = json.loads(raw)
    assert status == 200 and health["status"] == "ok"
    assert health["articles"] >= 5 and health["chunks"] >= 5
    assert health["model"] and health["upload"] is True


def test_answers_with_a_citation_that_is_the_article_text(url):
    status, out = post_json(url + "/api/ask", {"question": Q_NANCHANG})
    assert status == 200
    assert set(out) >= {"question", "answer", "abstained", "citations", "timings_ms"}
    assert not out["abstained"] and "9例" in out["answer"] and "[1]" in out["answer"]
    c = out["citations"][0]
    assert "南昌" in c["title"] and c["published"] == "2022-07-17"
    assert body_of(url, c["doc_id"])[c["start"]:c["end"]] == c["quote"]


def test_abstains_when_date_not_in_corpus(url):
    status, out = post_json(url + "/api/ask", {"question": "南昌7月20日新增多少例"})
    assert status == 200 and out["abstained"] is True


@pytest.mark.parametrize("history", [
    ["南昌7月16日新增多少例"],
    [{"role": "user", "content": Q_NANCHANG}, {"role": "assistant", "content": "……9例阳性感染者[1]"}],
    [[Q_NANCHANG, "……9例阳性感染者[1]"]],
])
def test_follow_up_question_uses_the_history(url, history):
    status, out = post_json(url + "/api/ask", {"question": "其中确诊几例？", "history": history})
    assert status == 200 and not out["abstained"]
    assert "2例" in out["answer"] and "南昌" in out["citations"][0]["title"]


def test_invalid_json_is_400(url):
    status, _, raw = http("POST", url + "/api/ask", b'{"question": ', {"Content-Type": "application/json"})
    assert status == 400 and "JSON" in json.loads(raw)["error"]["message"]


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "question"),
    ({"question": 42}, "question"),
    ({"question": "南昌", "k": "many"}, "k"),
    ({"question": "南昌", "k": 0}, "k"),
    ({"question": "南昌", "history": "南昌7月16日"}, "history"),
    ({"question": "   "}, "question"),
])
def test_bad_fields_are_422_naming_the_field(url, payload, field):
    status, out = post_json(url + "/api/ask", payload)
    assert status == 422
    assert out["error"]["param"] == field and field in out["error"]["message"]


def test_body_that_is_not_an_object_is_422(url):
    status, out = post_json(url + "/api/ask", ["南昌7月16日新增多少例"])
    assert status == 422 and "JSON object" in out["error"]["message"]


def test_over_long_question_is_413_and_states_the_limit(url):
    status, out = post_json(url + "/api/ask", {"question": "问" * 2001})
    assert status == 413 and "2000" in out["error"]["message"]


def test_unknown_article_is_404(url):
    status, _, raw = http("GET", url + "/api/articles/0000000000000000")
    assert status == 404 and "0000000000000000" in json.loads(raw)["error"]["message"]


def test_openai_models_lists_newsqa(url):
    status, _, raw = http("GET", url + "/v1/models")
    assert status == 200 and [m["id"] for m in json.loads(raw)["data"]] == ["newsqa"]


def test_openai_completion_carries_markers_and_citations(url):
    status, out = post_json(url + "/v1/chat/completions",
                            {"model": "newsqa", "messages": [{"role": "user", "content": Q_NANCHANG}]})
    assert status == 200 and out["object"] == "chat.completion"
    msg = out["choices"][0]["message"]
    assert msg["role"] == "assistant" and "9例" in msg["content"] and "[1]" in msg["content"]
    assert out["choices"][0]["finish_reason"] == "stop"
    assert msg["citations"] == out["citations"] and out["citations"][0]["n"] == 1


def sse_events(raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    assert text.endswith("\n\n")
    events = [e for e in text.split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events)
    return [e[len("data: "):] for e in events]


def test_openai_stream_sends_chunks_then_citations_then_done(url):
    payload = {"model": "newsqa", "stream": True, "messages": [{"role": "user", "content": Q_NANCHANG}]}
    status, headers, raw = http("POST", url + "/v1/chat/completions", json.dumps(payload).encode(),
                                {"Content-Type": "application/json"})
    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    events = sse_events(raw)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert len([c for c in chunks if c["choices"][0]["delta"].get("content")]) > 3  # really streamed
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"]
    _, plain = post_json(url + "/v1/chat/completions", {**payload, "stream": False})
    assert text == plain["choices"][0]["message"]["content"]


def test_openai_history_is_the_earlier_messages(url):
    messages = [{"role": "system", "content": "answer from the articles"},
                {"role": "user", "content": Q_NANCHANG},
                {"role": "assistant", "content": "7月16日……9例阳性感染者[1]"},
                {"role": "user", "content": [{"type": "text", "text": "其中确诊几例？"}]}]
    status, out = post_json(url + "/v1/chat/completions", {"model": "newsqa", "messages": messages})
    assert status == 200 and "2例" in out["choices"][0]["message"]["content"]


@pytest.mark.parametrize(("messages", "why"), [
    ([], "messages"),
    ([{"role": "user", "content": Q_NANCHANG}, {"role": "assistant", "content": "9例"}], "last message"),
    ([{"role": "robot", "content": "hi"}], "role"),
])
def test_openai_bad_messages_are_422(url, messages, why):
    status, out = post_json(url + "/v1/chat/completions", {"model": "newsqa", "messages": messages})
    assert status == 422 and why in out["error"]["message"]


def test_openai_sdk_reads_plain_and_streamed_answers(url):
    import openai  # installed with the [llm] extra (langchain-openai)

    client = openai.OpenAI(base_url=url + "/v1", api_key="unused", timeout=120)
    messages = [{"role": "user", "content": Q_NANCHANG}]
    plain = client.chat.completions.create(model="newsqa", messages=messages)
    assert "9例" in plain.choices[0].message.content and plain.model_extra["citations"]
    streamed = list(client.chat.completions.create(model="newsqa", messages=messages, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in streamed) == plain.choices[0].message.content
    assert streamed[-1].model_extra["citations"][0]["doc_id"] == plain.model_extra["citations"][0]["doc_id"]


def test_gradio_client_chats_with_history(url):
    from gradio_client import Client

    client = Client(url + "/", verbose=False)
    first = client.predict(Q_NANCHANG, api_name="/chat")
    assert "9例" in first and "[1]" in first
    follow = client.predict("其中确诊几例？", [{"role": "user", "content": Q_NANCHANG}], api_name="/chat")
    assert "2例" in follow


def test_upload_ingests_a_new_article_then_skips_it_unchanged(url):
    status, report = upload(url, [("jiujiang.md", JIUJIANG.encode("utf-8"))])
    assert status == 200, report
    assert report["articles"] == 1 and report["chunks"] >= 1 and not report["failed"]
    _, out = post_json(url + "/api/ask", {"question": "九江5月3日新增本土确诊多少例？"})
    assert not out["abstained"] and "4例" in out["answer"]
    assert out["citations"][0]["path"].endswith("jiujiang.md")
    status, again = upload(url, [("jiujiang.md", JIUJIANG.encode("utf-8"))])
    assert status == 200 and again["skipped"] == 1 and again["articles"] == 0


def test_upload_reports_unsupported_and_unreadable_files(url):
    status, report = upload(url, [("report.pptx", b"PK\x03\x04 binary"), ("empty.txt", b"   \n")])
    assert status == 200
    failed = {f["path"]: f["error"] for f in report["failed"]}
    assert "unsupported file type" in failed["report.pptx"]
    assert "empty.txt" in failed and report["articles"] == 0


def evil_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("news/jiangxi.md", JIUJIANG.replace("九江", "景德镇"))
        link = zipfile.ZipInfo("passwd.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("inner.zip", b"PK\x05\x06" + b"\0" * 18)
        zf.writestr("tool.exe", b"MZ")
    return buf.getvalue()


def test_zip_upload_is_unpacked_safely(servers):
    """Links, nested zips and unknown types inside a zip are skipped one by one; a path outside the
    archive or a bomb refuses the whole zip (tests/test_security.py)."""
    server = servers["on"]
    data = evil_zip()
    assert len(data) < 1_000_000
    status, report = upload(server.url, [("batch.zip", data)])
    assert status == 200, report
    failed = {f["path"]: f["error"] for f in report["failed"]}
    assert "symbolic link" in failed["batch.zip:passwd.txt"]
    assert "zip" in failed["batch.zip:inner.zip"]
    assert "unsupported" in failed["batch.zip:tool.exe"]
    assert report["articles"] == 1  # 景德镇
    uploads = server.store / "uploads"
    kept = {p.name for p in uploads.rglob("*") if p.is_file()}
    assert "jiangxi.md" in kept
    assert not kept & {"escaped.md", "passwd.txt", "inner.zip", "tool.exe", "bomb.txt"}
    assert not [n for n in kept if n.startswith(".")]  # no half-written temporary files left
    assert [p for p in server.store.parent.rglob("escaped.md") if uploads not in p.parents] == []
    _, out = post_json(server.url + "/api/ask", {"question": "景德镇5月3日新增本土确诊多少例？"})
    assert not out["abstained"] and "4例" in out["answer"]


def test_upload_without_files_is_422(url):
    status, _, raw = http("POST", url + "/api/ingest", b"", {"Content-Type": "multipart/form-data; boundary=x"})
    assert status in (400, 422) and "files" in json.loads(raw)["error"]["message"]


def test_upload_is_403_when_turned_off(servers):
    url = servers["off"].url
    status, report = upload(url, [("jiujiang.md", JIUJIANG.encode("utf-8"))])
    assert status == 403 and "NEWSQA_ALLOW_UPLOAD" in report["error"]["message"]
    _, _, raw = http("GET", url + "/api/health")
    health = json.loads(raw)
    assert health["upload"] is False and health["articles"] == 5


def test_upload_panel_is_absent_when_turned_off(servers):
    def elem_ids(url: str) -> set:
        _, _, raw = http("GET", url + "/config")
        return {c.get("props", {}).get("elem_id") for c in json.loads(raw)["components"]}

    assert "nq-files" in elem_ids(servers["on"].url)
    assert "nq-files" not in elem_ids(servers["off"].url) and "nq-chat" in elem_ids(servers["off"].url)
