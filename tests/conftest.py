"""Shared fixtures: the sample corpus, the crud_news corpus beside the repo, a real embedder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
CORPUS = Path(os.environ.get("NEWSQA_CORPUS", ROOT.parent / "shared" / "corpus"))
CRUD = CORPUS / "crud_news"

SEED = {
    "changzhou": SAMPLE / "000_0dd84e10d465ffc2.txt",
    "nanchang": SAMPLE / "001_8811dd7f464feb54.txt",
    "changchun_scrubbed": SAMPLE / "002_fa8012d65900c6e4.txt",
    "changchun": SAMPLE / "003_e8fc8e791bb6fafd.txt",
    "jilin": SAMPLE / "004_0af3385973d1c924.txt",
}


def crud_lines(n: int) -> list[str]:
    """The first ``n`` articles of crud_news (one per line); fails loudly when the corpus is missing."""
    files = sorted(CRUD.glob("*.txt"))
    if not files:
        pytest.fail(f"crud_news corpus not found at {CRUD}; set NEWSQA_CORPUS to the shared corpus folder")
    lines: list[str] = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                lines.append(line)
                if len(lines) == n:
                    return lines
    return lines


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    from core.settings import Settings

    models = Path(os.environ.get("NEWSQA_MODELS") or (ROOT / ".models"))
    return Settings.from_env(store=tmp_path_factory.mktemp("store"), models=models)


@pytest.fixture(scope="session")
def embedder(settings):
    from embedding.embedder import get_embedder

    embedder = get_embedder(settings)
    embedder.wait_switched()  # on a cold model cache, run on the built ONNX graphs, as every later start does
    return embedder


@pytest.fixture
def engine(settings, embedder, tmp_path):
    """An engine on a store of its own (the test may ingest into it), of the five sample articles; a module
    may define its own ``engine`` instead (tests/test_series.py)."""
    from ingest.pipeline import ingest_paths
    from qa.engine import Engine
    from storage.store import open_store

    s = settings.with_(store=tmp_path / "store")
    store = open_store(s)
    assert ingest_paths([str(SAMPLE)], s, store=store, embedder=embedder).articles == 5
    return Engine(s, store=store, embedder=embedder)


@pytest.fixture(scope="session")
def sample_engine(settings, embedder, tmp_path_factory):
    """A real index of the five sample articles, built once by the real embedder."""
    from ingest.pipeline import ingest_paths
    from qa.engine import Engine
    from storage.store import open_store

    s = settings.with_(store=tmp_path_factory.mktemp("sample-store"))
    store = open_store(s)
    report = ingest_paths([str(SAMPLE)], s, store=store, embedder=embedder)
    assert report.articles == 5 and not report.failed
    return Engine(s, store=store, embedder=embedder)
