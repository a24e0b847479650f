"""Ingest end to end: real files, the real embedder, a real Chroma store."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from ingest.pipeline import ingest_paths
from storage.store import open_store
from tests.conftest import ROOT, SAMPLE, SEED
from tests.storecheck import check_consistent


@pytest.fixture
def fresh(settings, tmp_path):
    s = settings.with_(store=tmp_path / "store")
    return s, open_store(s)


def test_ingest_sample_stores_articles_with_meaning_metadata(fresh, embedder):
    s, store = fresh
    rep = ingest_paths([str(SAMPLE)], s, store=store, embedder=embedder)
    assert (rep.files, rep.articles, rep.skipped, rep.failed) == (5, 5, 0, [])
    assert rep.chunks == store.chunks.count() >= 20
    assert check_consistent(store) == (5, rep.chunks)
    hit = store.chunks.get(where_document={"$contains": "南昌市新增报告9例阳性感染者"}, include=["metadatas", "documents"])
    meta = hit["metadatas"][0]
    assert 20220716 in meta["dates"] and 716 in meta["monthdays"]
    assert {"南昌", "江西", "西湖区", "新建区"} <= set(meta["places"])
    assert meta["published"] == 20220717 and meta["main_city"] == "南昌"
    body = store.articles.get(ids=[meta["doc_id"]], include=["documents"])["documents"][0]
    assert body[meta["start"]: meta["end"]] == hit["documents"][0], "offsets point into the clean body"
    filtered = store.chunks.get(where={"dates": {"$contains": 20220716}})["ids"]
    assert hit["ids"][0] in filtered


def test_reingesting_unchanged_files_writes_nothing(fresh, embedder):
    s, store = fresh
    ingest_paths([str(SAMPLE)], s, store=store, embedder=embedder)
    before = store.chunks.count()
    rep = ingest_paths([str(SAMPLE)], s, store=store, embedder=embedder)
    assert (rep.skipped, rep.articles, rep.chunks) == (5, 0, 0)
    assert store.chunks.count() == before


def test_same_article_under_two_names_is_stored_once(fresh, embedder, tmp_path):
    s, store = fresh
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SEED["nanchang"], d / "a.txt")
    shutil.copy(SEED["nanchang"], d / "copy of a.txt")
    rep = ingest_paths([str(d)], s, store=store, embedder=embedder)
    assert (rep.articles, rep.duplicates) == (1, 1)
    assert store.articles.count() == 1


def test_changed_file_replaces_its_article_and_prune_removes_gone_files(fresh, embedder, tmp_path):
    s, store = fresh
    d = tmp_path / "in"
    d.mkdir()
    f = d / "changzhou.md"
    shutil.copy(SEED["changzhou"], f)
    shutil.copy(SEED["jilin"], d / "jilin.md")
    ingest_paths([str(d)], s, store=store, embedder=embedder)
    old = set(store.articles.get()["ids"])
    f.write_text(f.read_text(encoding="utf-8").replace("38例", "39例"), encoding="utf-8")
    rep = ingest_paths([str(d)], s, store=store, embedder=embedder)
    assert (rep.articles, rep.skipped) == (1, 1)
    new = set(store.articles.get()["ids"])
    assert len(new) == 2 and len(old & new) == 1
    assert not store.chunks.get(where_document={"$contains": "新增本土无症状感染者38例"})["ids"]
    assert store.chunks.get(where_document={"$contains": "新增本土无症状感染者39例"})["ids"]
    (d / "jilin.md").unlink()
    rep = ingest_paths([str(d)], s, store=store, embedder=embedder, prune=True)
    assert rep.pruned == 1 and store.articles.count() == 1
    check_consistent(store)


def test_bad_files_are_reported_and_the_run_goes_on(fresh, embedder, tmp_path):
    s, store = fresh
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SEED["jilin"], d / "good.md")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (d / "broken.md").write_text("---\ntitle: [oops\n---\n<p>正文。</p>", encoding="utf-8")
    rep = ingest_paths([str(d), str(tmp_path / "nope")], s, store=store, embedder=embedder)
    reasons = {os.path.basename(f.path): f.error for f in rep.failed}
    assert set(reasons) == {"empty.txt", "binary.txt", "broken.md", "nope"}
    assert "broken front matter" in reasons["broken.md"] and "binary" in reasons["binary.txt"]
    assert rep.articles == 1 and store.articles.count() == 1


def test_cli_json_line_and_exit_status(tmp_path, settings):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SEED["jilin"], d / "good.md")
    (d / "bad.txt").write_bytes(b"\x00\x01\x02")
    env = {**os.environ, "NEWSQA_MODELS": str(settings.models)}
    out = subprocess.run([sys.executable, "-m", "newsqa", "ingest", str(d), "--store", str(tmp_path / "st"), "--json"],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert out.returncode == 1, out.stderr
    line = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(line) >= {"files", "articles", "chunks", "skipped", "failed", "seconds"}
    assert line["articles"] == 1 and line["failed"][0]["path"].endswith("bad.txt")
    assert set(line["failed"][0]) >= {"path", "error"}
