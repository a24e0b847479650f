"""A real ingest process killed midway, then re-run: no duplicate chunk, no half-stored article."""

import os
import signal
import subprocess
import sys
import time

import pytest

from newsqa.settings import Settings
from newsqa.store import open_store
from tests.conftest import ROOT, SAMPLE, crud_lines
from tests.storecheck import check_consistent

pytestmark = pytest.mark.slow


def _run(paths, store, models, kill_after=None):
    cmd = [sys.executable, "-m", "newsqa", "ingest", *paths, "--store", str(store), "--json"]
    env = {**os.environ, "NEWSQA_MODELS": str(models), "NEWSQA_BATCH_SIZE": "8"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if kill_after is None:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err.decode()
        return time.perf_counter() - t0
    try:
        proc.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return None


def test_killed_ingest_reruns_to_the_same_consistent_store(tmp_path, settings):
    news = tmp_path / "in" / "news.txt"
    news.parent.mkdir()
    news.write_text("\n".join(crud_lines(40)) + "\n", encoding="utf-8")
    paths = [str(SAMPLE), str(news.parent)]
    clean = tmp_path / "clean"
    duration = _run(paths, clean, settings.models)
    want = check_consistent(open_store(Settings(store=clean)))
    assert want[0] == 45
    for trial, frac in enumerate((0.35, 0.55, 0.75, 0.9)):
        store = tmp_path / f"killed{trial}"
        _run(paths, store, settings.models, kill_after=duration * frac)
        _run(paths, store, settings.models)
        assert check_consistent(open_store(Settings(store=store))) == want
