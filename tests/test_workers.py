"""Embedding in worker processes: the vectors and chunks of in-process, and no worker outlives its ingest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from embedding.pool import (
    EmbeddingPool,
    WorkerError,
    auto_workers,
    available_gib,
    resolve_workers,
    usable_cores,
)
from ingest.load import load_file
from ingest.pipeline import ingest_paths
from ingest.prepare import prepare
from newsqa.cli import main as cli_main
from storage.store import open_store
from tests.conftest import ROOT, SAMPLE, crud_lines


def _sample_texts() -> list[str]:
    """Every chunk of the sample articles as the pipeline embeds it: lengths vary, so batches differ."""
    texts = []
    for path in sorted(SAMPLE.glob("*.txt")):
        for raw in load_file(path)[0]:
            p = prepare(raw)
            texts += [c.text for c in p.chunks]
    return texts


def _children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is ``pid``, read from /proc."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_until(check, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return bool(check())


def _within(seconds: float, fn):
    """Run ``fn`` in a thread; fail (instead of hanging the suite) when it takes longer than ``seconds``."""
    out: dict = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as err:  # handed back to the test
            out["error"] = err

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"still waiting after {seconds} s: a hang"
    return out


@pytest.fixture(scope="module")
def pool(settings):
    with EmbeddingPool(settings, 2) as p:
        yield p


def test_pool_vectors_equal_in_process_vectors_in_order(pool, embedder):
    texts = _sample_texts()
    assert len(texts) > 2 * 4  # several batches of 4, dealt to both workers
    got = pool.encode_passages(texts, batch_size=4)
    want = embedder.encode_passages(texts, batch_size=4)
    assert got.shape == want.shape and got.dtype == np.float32
    assert float((got * want).sum(1).min()) >= 0.9999
    assert (pool.name, pool.dim, pool.precision) == (embedder.name, embedder.dim, embedder.precision)


def test_pool_embeds_one_text_and_none(pool, embedder):
    text = "7月16日0时至24时,南昌市新增报告9例阳性感染者。"
    assert float(pool.encode_passages([text])[0] @ embedder.encode_passages([text])[0]) >= 0.9999
    assert pool.encode_passages([]).shape == (0, embedder.dim)


def test_two_workers_store_the_same_chunks_as_one(settings, pool, embedder, tmp_path):
    reports, stores = [], []
    for workers, embed in ((1, embedder), (2, pool)):  # the module's pool: its start is paid once
        s = settings.with_(store=tmp_path / f"w{workers}", workers=workers, batch_size=4)
        reports.append(ingest_paths([str(SAMPLE)], s, embedder=embed))
        stores.append(open_store(s).chunks.get(include=["documents", "metadatas", "embeddings"]))
    assert not reports[1].failed and reports[1].articles == reports[0].articles == 5
    one, two = ({i: (d, m) for i, d, m in zip(st["ids"], st["documents"], st["metadatas"], strict=True)}
                for st in stores)
    assert one == two
    vec = [dict(zip(st["ids"], np.asarray(st["embeddings"]), strict=True)) for st in stores]
    assert min(float(vec[0][i] @ vec[1][i]) for i in one) >= 0.9999


def test_a_worker_that_dies_fails_the_call_with_what_to_do(settings):
    with EmbeddingPool(settings, 1) as dying:
        pid = dying._procs[0].pid
        os.kill(pid, signal.SIGKILL)
        out = _within(60, lambda: dying.encode_passages(["南昌市新增报告9例阳性感染者"]))
    assert isinstance(out.get("error"), WorkerError)
    assert "killed by SIGKILL" in str(out["error"]) and "--workers" in str(out["error"])
    assert not _alive(pid)
    with pytest.raises(WorkerError, match="closed"):
        dying.encode_passages(["长春市新增本地确诊病例"])


def test_ctrl_c_during_a_call_stops_the_workers(settings):
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    texts = _sample_texts() * 20
    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        with EmbeddingPool(settings, 2) as pool2:
            pids = [p.pid for p in pool2._procs]
            signal.setitimer(signal.ITIMER_REAL, 0.5)  # Ctrl-C lands while the call waits for the workers
            with pytest.raises(KeyboardInterrupt):
                pool2.encode_passages(texts, batch_size=4)
            assert _wait_until(lambda: not any(_alive(p) for p in pids), 5)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_workers_finish_and_exit_when_the_pool_closes(settings):
    with EmbeddingPool(settings, 2) as closing:
        closing.encode_passages(["长春市新增本地确诊病例"])
        procs = list(closing._procs)
        assert all(_alive(p.pid) for p in procs)
    assert [p.exitcode for p in procs] == [0, 0]  # they returned on the stop message, nobody killed them


def test_killed_ingest_leaves_no_worker_alive(settings, tmp_path):
    news = tmp_path / "in" / "news.txt"
    news.parent.mkdir()
    news.write_text("\n".join(crud_lines(40)) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "newsqa", "ingest", str(news.parent), "--store", str(tmp_path / "store"),
           "--workers", "2", "--batch-size", "4", "--json"]
    env = {**os.environ, "NEWSQA_MODELS": str(settings.models)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers: set[int] = set()

        def started() -> bool:
            workers.update(_children(proc.pid))
            return len(workers) >= 2

        assert _wait_until(started, 60), f"no worker processes started: {proc.poll()=}"
        time.sleep(4)  # loading or embedding: the kill lands mid-run either way
        assert proc.poll() is None, "the ingest finished before it could be killed"
        workers |= _children(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    assert _wait_until(lambda: not any(_alive(p) for p in workers), 10), \
        f"still alive after the ingest was killed: {[p for p in workers if _alive(p)]}"


def test_bad_workers_value_is_refused_with_what_to_give(settings, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli_main(["ingest", str(SAMPLE), "--workers", "two", "--store", str(tmp_path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--workers" in err and "'two' is not a number of worker processes" in err and "auto" in err
    with pytest.raises(ValueError, match="NEWSQA_WORKERS"):
        ingest_paths([str(SAMPLE)], settings.with_(store=tmp_path, workers=-2))
    assert resolve_workers(" 3 ") == 3 and resolve_workers(1) == 1


def test_auto_means_one_worker_per_core_as_memory_allows():
    assert auto_workers(2, 24.0) == 2
    assert auto_workers(64, 16.0) == 10  # 1.5 GB each
    assert auto_workers(1, 24.0) == auto_workers(8, 0.5) == 1
    assert resolve_workers("auto") == resolve_workers(0) == auto_workers(usable_cores(), available_gib())


def test_workers_env_var_takes_auto_like_the_flag():
    from core.settings import Settings

    assert Settings.from_env(env={"NEWSQA_WORKERS": "auto"}).workers == 0
    assert Settings.from_env(env={"NEWSQA_WORKERS": "2"}).workers == 2
    with pytest.raises(ValueError, match="NEWSQA_WORKERS"):
        Settings.from_env(env={"NEWSQA_WORKERS": "many"})
