"""Server mode: NEWSQA_CHROMA_URL points newsqa at a real Chroma server and nothing else changes.

Uses the server at NEWSQA_TEST_CHROMA_URL when set (.ci/run starts one); otherwise starts its own
through scripts/chroma-server.sh, so the file also runs on its own.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE, SEED
from tests.storecheck import check_consistent

pytestmark = pytest.mark.server

SCRIPT = ROOT / "scripts" / "chroma-server.sh"
NEW_ARTICLE = """南昌市举行新冠肺炎疫情防控第二十六场新闻发布会
  发布日期: 2022-07-19

7月19日,南昌市召开新冠肺炎疫情防控第26场新闻发布会,通报疫情防控工作最新进展情况。

7月18日0时至24时,南昌市新增报告13例阳性感染者,均在集中隔离点检出。经定点医院诊断,4例为确诊病例(轻型),9例为无症状感染者。

市指挥部决定7月19日在东湖区、西湖区继续开展区域核酸筛查,请市民朋友继续配合与支持。
"""


class Remembering:
    """The real embedder, remembering vectors by text for the whole session: these tests store the same
    few articles and ask the same questions many times, and the model is deterministic."""

    passages: dict[str, object] = {}
    queries: dict[str, object] = {}

    def __init__(self, embedder):
        self.embedder = embedder

    def _encode(self, texts, seen: dict, encode):
        import numpy as np

        todo = [t for t in dict.fromkeys(texts) if t not in seen]
        if todo:
            seen.update(zip(todo, encode(todo), strict=True))
        return np.stack([seen[t] for t in texts])

    def encode_passages(self, texts, batch_size=None):
        return self._encode(texts, self.passages, lambda t: self.embedder.encode_passages(t, batch_size=batch_size))

    def encode_queries(self, texts):
        return self._encode(texts, self.queries, self.embedder.encode_queries)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory):
    """A running Chroma server: NEWSQA_TEST_CHROMA_URL, or one started (and stopped) here."""
    url = os.environ.get("NEWSQA_TEST_CHROMA_URL")
    if url:
        yield url
        return
    data = tmp_path_factory.mktemp("chroma-server")
    started = subprocess.run([str(SCRIPT), "start", str(data), str(free_port())], capture_output=True, text=True,
                             timeout=120)
    if started.returncode != 0:
        pytest.fail(f"could not start a Chroma server with {SCRIPT}: {started.stderr.strip()}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(SCRIPT), "stop", str(data / "chroma.pid")], capture_output=True, timeout=60)


def server_settings(settings, url: str):
    """Settings for a fresh collection of its own on the server, so tests never see each other's data."""
    return settings.with_(chroma_url=url, collection=f"t{uuid.uuid4().hex[:12]}")


def sample_in(s, embedder):
    from ingest.pipeline import ingest_paths
    from qa.engine import Engine
    from storage.store import open_store

    store = open_store(s)
    report = ingest_paths([str(SAMPLE)], s, store=store, embedder=Remembering(embedder))
    assert report.articles == 5 and not report.failed
    return Engine(s, store=store, embedder=Remembering(embedder))


@pytest.fixture(scope="module")
def server_engine(settings, embedder, chroma_url):
    """The five sample articles, ingested into the server."""
    return sample_in(server_settings(settings, chroma_url), embedder)


def test_server_mode_answers_and_refuses(server_engine):
    found = server_engine.ask("南昌7月16日新增多少例")
    assert not found.abstained and "9例阳性感染者" in found.answer
    assert found.citations[0].path.endswith(SEED["nanchang"].name)
    assert server_engine.ask("南昌7月20日新增多少例").abstained
    check_consistent(server_engine.store)


def test_server_mode_gives_the_embedded_answers(server_engine, settings, embedder, tmp_path):
    embedded = sample_in(settings.with_(store=tmp_path / "store"), embedder)
    rows = [json.loads(line) for line in (ROOT / "eval" / "sample_qa.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    for row in rows[:12]:
        if row.get("history"):
            continue
        here, there = server_engine.ask(row["q"]), embedded.ask(row["q"])
        assert (here.answer, here.abstained) == (there.answer, there.abstained), row["q"]
        assert [(c.doc_id, c.start, c.end) for c in here.citations] == [(c.doc_id, c.start, c.end)
                                                                         for c in there.citations]


def says_how_to_bring_it_back(message: str, url: str) -> None:
    port = url.rsplit(":", 1)[1]
    assert url in message, message
    assert f"scripts/chroma-server.sh start DIR {port}" in message and "unset NEWSQA_CHROMA_URL" in message, message
    assert "Traceback" not in message and "httpx" not in message, message


def test_a_server_that_is_down_fails_at_once_and_says_how_to_start_one(settings):
    from storage.store import StoreUnavailable, open_store

    url = f"http://127.0.0.1:{free_port()}"
    t = time.perf_counter()
    with pytest.raises(StoreUnavailable) as err:
        open_store(settings.with_(chroma_url=url))
    assert time.perf_counter() - t < 5
    assert "cannot reach the Chroma server" in str(err.value)
    says_how_to_bring_it_back(str(err.value), url)

    env = {**os.environ, "NEWSQA_CHROMA_URL": url}
    cli = subprocess.run([sys.executable, "-m", "newsqa", "ask", "南昌7月16日新增多少例"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 1, cli.stderr
    assert cli.stderr.startswith("newsqa: error: cannot reach") and cli.stderr.count("\n") == 1, cli.stderr
    says_how_to_bring_it_back(cli.stderr, url)

    ingest = subprocess.run([sys.executable, "-m", "newsqa", "ingest", str(SAMPLE)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert ingest.returncode == 1 and "run the ingest again" in ingest.stderr, ingest.stderr
    says_how_to_bring_it_back(ingest.stderr, url)


class PrivateServer:
    """A Chroma server of one test's own (scripts/chroma-server.sh), which the test may stop and start again
    on the same folder and port."""

    def __init__(self, data: Path):
        self.data, self.port = data, free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        done = subprocess.run([str(SCRIPT), "start", str(self.data), str(self.port)], capture_output=True, text=True,
                              timeout=120)
        if done.returncode != 0:
            pytest.fail(f"could not start a Chroma server with {SCRIPT}: {done.stderr.strip()}")

    def stop(self) -> None:
        if (self.data / "chroma.pid").exists():
            done = subprocess.run([str(SCRIPT), "stop", str(self.data / "chroma.pid")], capture_output=True,
                                  text=True, timeout=60)
            assert done.returncode == 0, done.stderr


@pytest.fixture
def private_server(tmp_path):
    server = PrivateServer(tmp_path / "chroma")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_server_that_dies_after_the_store_opened_gives_one_clear_message_everywhere(
        settings, embedder, private_server, tmp_path):
    """Python API, `newsqa ask` (exit 1) and the HTTP API (503) of processes that were answering."""
    from storage.store import StoreUnavailable
    from tests.live_server import http, launch, post_json, wait_ready

    s = server_settings(settings, private_server.url)
    engine = sample_in(s, embedder)
    question = "南昌7月16日新增多少例"
    env = {"NEWSQA_CHROMA_URL": s.chroma_url, "NEWSQA_COLLECTION": s.collection}
    web = launch(tmp_path / "serve", settings, tmp_path / "serve.log", **env)
    cli = AskProcess({**os.environ, **env, "NEWSQA_MODELS": str(s.models), "TOKENIZERS_PARALLELISM": "false"})
    try:
        assert not engine.ask(question).abstained
        assert not cli.ask(question)["abstained"]
        wait_ready(web)
        assert post_json(f"{web.url}/api/ask", {"question": question})[0] == 200

        private_server.stop()

        with pytest.raises(StoreUnavailable) as err:
            engine.ask(question)
        assert "stopped answering" in str(err.value)
        says_how_to_bring_it_back(str(err.value), s.chroma_url)

        for method, path, payload in [
                ("POST", "/api/ask", {"question": question}),
                ("POST", "/v1/chat/completions", {"model": "newsqa", "messages": [{"role": "user", "content": question}]}),
                ("GET", "/api/health", None)]:
            status, _, raw = http(method, web.url + path, json.dumps(payload).encode() if payload else None,
                                  {"Content-Type": "application/json"})
            assert status == 503, (path, status, raw[:500])
            says_how_to_bring_it_back(json.loads(raw)["error"]["message"], s.chroma_url)
        assert "Traceback" not in web.log_tail(), web.log_tail()

        cli.proc.stdin.write(question + "\n")
        cli.proc.stdin.close()
        assert cli.proc.wait(timeout=120) == 1
        stderr = cli.proc.stderr.read()
        assert stderr.startswith("newsqa: error: the Chroma server at") and stderr.count("\n") == 1, stderr
        says_how_to_bring_it_back(stderr, s.chroma_url)
    finally:
        web.stop()
        cli.stop()


class StopsTheServer(Remembering):
    """The real embedder, which stops the Chroma server the first time it is asked for passages: the ingest
    has written its pending file record and is about to store the first chunks."""

    def __init__(self, embedder, server: PrivateServer):
        super().__init__(embedder)
        self.server = server

    def encode_passages(self, texts, batch_size=None):
        self.server.stop()
        return super().encode_passages(texts, batch_size=batch_size)


def test_an_ingest_cut_short_by_the_server_loses_nothing_and_a_rerun_repairs_it(
        settings, embedder, private_server, tmp_path):
    from ingest.pipeline import ingest_paths
    from storage.store import StoreUnavailable, get_all, open_store

    s = server_settings(settings, private_server.url)
    store = open_store(s)
    assert ingest_paths([str(SEED["jilin"])], s, store=store, embedder=Remembering(embedder)).articles == 1
    before = check_consistent(store)
    new = tmp_path / "new"
    new.mkdir()
    for name in ("nanchang", "changchun"):
        shutil.copy(SEED[name], new / SEED[name].name)

    with pytest.raises(StoreUnavailable) as err:
        ingest_paths([str(new)], s, store=store, embedder=StopsTheServer(embedder, private_server))
    says_how_to_bring_it_back(str(err.value), s.chroma_url)

    private_server.start()
    store = open_store(s)  # as the next run would
    assert store.files.get(where={"status": "pending"})["ids"], "the premise: the ingest stopped half way"
    assert store.articles.count() == before[0]  # nothing stored before is lost, nothing half stored is served
    report = ingest_paths([str(new)], s, store=store, embedder=Remembering(embedder))
    assert report.articles == 2 and not report.failed
    assert check_consistent(store) == (before[0] + 2, before[1] + report.chunks)
    paths = {m["path"] for m in get_all(store.articles, include=["metadatas"])["metadatas"]}
    assert paths == {str(SEED["jilin"]), *(str(new / SEED[n].name) for n in ("nanchang", "changchun"))}


def test_lexical_index_follows_another_clients_reingest(settings, embedder, chroma_url, tmp_path):
    """A changed article with the same number of chunks: only the version marker can tell the reader."""
    from ingest.pipeline import ingest_paths
    from storage.lexical import lexical_index
    from storage.store import get_all, open_store

    s = server_settings(settings, chroma_url)
    path = tmp_path / "nanchang.txt"
    shutil.copy(SEED["nanchang"], path)
    writer = open_store(s)
    ingest_paths([str(path)], s, store=writer, embedder=Remembering(embedder))
    reader = open_store(s)
    before = lexical_index(reader)
    count = reader.chunks.count()

    path.write_text(path.read_text(encoding="utf-8").replace("新增报告9例阳性感染者", "新增报告19例阳性感染者"),
                    encoding="utf-8")
    assert ingest_paths([str(path)], s, store=writer, embedder=Remembering(embedder)).articles == 1
    assert reader.chunks.count() == count  # the premise: the chunk count alone would not show the change

    after = lexical_index(reader)
    assert set(after.ids) == set(get_all(reader.chunks)["ids"]) != set(before.ids)
    top = reader.chunks.get(ids=[after.search("南昌 新增报告19例阳性感染者", 1)[0][0]], include=["documents"])
    assert "新增报告19例阳性感染者" in top["documents"][0]


class AskProcess:
    """``newsqa ask --json`` reading questions from stdin: a separate process with its own Engine."""

    def __init__(self, env: dict[str, str]):
        self.proc = subprocess.Popen([sys.executable, "-m", "newsqa", "ask", "--json"], cwd=ROOT, env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def ask(self, question: str, timeout: float = 180) -> dict:
        self.proc.stdin.write(question + "\n")
        self.proc.stdin.flush()
        try:
            answer = json.loads(self.lines.get(timeout=timeout))
        except queue.Empty:
            raise AssertionError(f"no answer in {timeout}s; stderr: {self.stop()}") from None
        return {k: v for k, v in answer.items() if k != "timings_ms"}

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.stderr.read()[-2000:]


def test_two_processes_give_the_same_answers_before_and_after_an_ingest(settings, embedder, chroma_url, tmp_path):
    from ingest.pipeline import ingest_paths
    from storage.store import open_store

    s = server_settings(settings, chroma_url)
    store = open_store(s)
    ingest_paths([str(SEED["nanchang"]), str(SEED["changchun"])], s, store=store, embedder=Remembering(embedder))
    env = {**os.environ, "NEWSQA_CHROMA_URL": s.chroma_url, "NEWSQA_COLLECTION": s.collection,
           "NEWSQA_MODELS": str(s.models), "TOKENIZERS_PARALLELISM": "false"}
    procs = [AskProcess(env), AskProcess(env)]
    try:
        known, new = "南昌7月16日新增多少例", "南昌7月18日新增多少例"
        first: dict[str, dict] = {}
        for q in (known, new):
            one, two = (p.ask(q) for p in procs)
            assert one == two, q
            first[q] = one
        assert "9例阳性感染者" in first[known]["answer"] and first[new]["abstained"]

        path = tmp_path / "nanchang-0719.txt"
        path.write_text(NEW_ARTICLE, encoding="utf-8")
        assert ingest_paths([str(path)], s, store=store, embedder=embedder).articles == 1

        one, two = (p.ask(new) for p in procs)
        assert one == two
        assert not one["abstained"] and "13例阳性感染者" in one["answer"]
        assert one["citations"][0]["path"] == str(path)
        again = [p.ask(known) for p in procs]
        assert again[0] == again[1]
        # the answer and its cited passages stay; a citation's fused score may move, since the
        # corpus it is ranked against gained an article about the same city
        assert _without_scores(again[0]) == _without_scores(first[known])
    finally:
        for p in procs:
            p.stop()


def _without_scores(answer: dict) -> dict:
    return {**answer, "citations": [{k: v for k, v in c.items() if k != "score"} for c in answer["citations"]]}
