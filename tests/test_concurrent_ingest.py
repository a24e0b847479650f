"""Ingest while serving: a reader never sees half of a re-ingested article.

An article is changed (新增报告9例 → 19例) and re-ingested while an Engine answers. Whatever the
reader retrieves — the passages an answer (or an LLM) is built from — must belong to one version
of the article, old or new, never both; every citation must quote its own version exactly; and
the store is consistent afterwards. The first test stops the writer between every two of its
writes and looks (deterministic); the second runs a real writer process against a Chroma server
while reader threads ask in a loop.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
import traceback
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED
from tests.storecheck import check_consistent
from tests.test_chroma_server import Remembering, chroma_url, server_settings  # noqa: F401  (a fixture)

QUESTION = "南昌7月16日新增多少例"
OLD, NEW = "新增报告9例阳性感染者", "新增报告19例阳性感染者"


def versions_of(path: Path) -> dict[str, str]:
    """doc_id → cleaned body, for the old and the new text of the article at ``path``."""
    from ingest.load import load_file
    from ingest.prepare import prepare

    text = SEED["nanchang"].read_text(encoding="utf-8")
    out = {}
    for version in (text, text.replace(OLD, NEW)):
        path.write_text(version, encoding="utf-8")
        article = prepare(load_file(path)[0][0]).article
        out[article.doc_id] = article.body
    path.write_text(text, encoding="utf-8")
    return out


def look(engine, path: Path, bodies: dict[str, str]) -> list[str]:
    """What is wrong with what a reader sees right now (nothing, when it sees one whole version)."""
    from qa.retrieve import retrieve

    problems = []
    passages = retrieve(engine, engine.understand(QUESTION), k=20)
    seen = {p.doc_id for p in passages if p.meta.get("path") == str(path)}
    if len(seen) > 1:
        problems.append(f"passages of both versions retrieved together: {sorted(seen)}")
    answer = engine.ask(QUESTION)
    for c in answer.citations:
        if c.doc_id not in bodies:
            problems.append(f"cites an article that is neither version: {c.doc_id}")
        elif bodies[c.doc_id][c.start: c.end] != c.quote:
            problems.append(f"quote is not the text of its own version {c.doc_id}: {c.quote[:40]}")
    if answer.citations and not answer.abstained and ("19例阳性" in answer.answer) != (NEW in bodies.get(answer.citations[0].doc_id, "")):
        problems.append(f"answer's figure and its cited version disagree: {answer.answer[:60]}")
    return problems


class Watched:
    """A Chroma collection that calls ``hook`` after each write, so a test can look between any two writes."""

    WRITES = frozenset({"add", "upsert", "update", "delete", "modify"})

    def __init__(self, collection, hook):
        self._collection, self._hook = collection, hook

    def __getattr__(self, name):
        attr = getattr(self._collection, name)
        if name not in self.WRITES:
            return attr

        def write(*args, **kwargs):
            out = attr(*args, **kwargs)
            self._hook(f"{self._collection.name}.{name}")
            return out

        return write


def stored_two_articles(s, embedder, tmp_path):
    """The Nanchang seed (to be re-ingested in its two versions) and the Changchun one, stored; a reader on them."""
    from ingest.pipeline import ingest_paths
    from qa.engine import Engine
    from storage.store import open_store

    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "nanchang.txt"
    bodies = versions_of(path)
    shutil.copy(SEED["changchun"], path.parent / "changchun.txt")
    ingest_paths([str(path.parent)], s, embedder=Remembering(embedder))
    reader = Engine(s, store=open_store(s), embedder=Remembering(embedder))
    assert not look(reader, path, bodies)
    return path, bodies, reader


def test_every_state_between_the_writes_of_a_reingest_shows_one_version(settings, embedder, tmp_path):
    from ingest.pipeline import ingest_paths
    from storage.store import NewsStore, open_store

    s = settings.with_(store=tmp_path / "store")
    path, bodies, reader = stored_two_articles(s, embedder, tmp_path)

    seen: list[str] = []

    def hook(label: str) -> None:
        seen.extend(f"after {label}: {p}" for p in look(reader, path, bodies))
        seen.append("")

    base = open_store(s)
    writer = NewsStore(base.client, *(Watched(c, hook) for c in (base.chunks, base.articles, base.files)))
    for text in (OLD, NEW), (NEW, OLD):
        path.write_text(path.read_text(encoding="utf-8").replace(*text), encoding="utf-8")
        report = ingest_paths([str(path)], s, store=writer, embedder=Remembering(embedder))
        assert report.articles == 1 and not report.failed
    assert seen.count("") >= 10  # the premise: the reader looked between many writes
    assert [p for p in seen if p] == []
    check_consistent(reader.store)
    assert "9例阳性感染者" in reader.ask(QUESTION).answer


class Killed(Exception):
    pass


def _killed_at(base, n: int):
    """A NewsStore writer over ``base``'s collections that raises Killed at its ``n``-th write."""
    from storage.store import NewsStore

    count = [0]

    def kill(label: str) -> None:
        count[0] += 1
        if count[0] == n:
            raise Killed(label)

    return NewsStore(base.client, *(Watched(c, kill) for c in (base.chunks, base.articles, base.files)))


def test_a_reingest_killed_after_any_write_repairs_to_one_whole_version(settings, embedder, tmp_path):
    """Kill the re-ingest after its 1st write, repair, kill the next re-ingest after its 2nd write, … until
    one runs through: a reader never sees both versions, and the re-run leaves one whole version."""
    from ingest.pipeline import ingest_paths
    from qa.engine import Engine
    from storage.store import open_store

    remembering = Remembering(embedder)
    s = settings.with_(store=tmp_path / "store")
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "nanchang.txt"
    bodies = versions_of(path)
    ingest_paths([str(path)], s, embedder=remembering)
    reader = Engine(s, store=open_store(s), embedder=remembering)
    base = open_store(s)
    killed_after: list[str] = []
    for n in range(1, 30):
        now, then = (OLD, NEW) if n % 2 else (NEW, OLD)
        path.write_text(path.read_text(encoding="utf-8").replace(now, then), encoding="utf-8")
        writer = _killed_at(base, n)
        try:
            ingest_paths([str(path)], s, store=writer, embedder=remembering)
        except Killed as killed:
            killed_after.append(str(killed))
        else:
            break  # n is past the last write
        assert not look(reader, path, bodies), f"killed after {killed_after[-1]}"
        assert not ingest_paths([str(path)], s, embedder=remembering).failed
        check_consistent(reader.store)
        assert then in reader.ask(QUESTION).answer and not look(reader, path, bodies), f"killed after {killed_after[-1]}"
    assert len(killed_after) >= 5, killed_after  # the premise: a kill was tried after each of many writes


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from ingest.pipeline import ingest_paths
    from core.settings import Settings

    path, rounds = Path(sys.argv[1]), int(sys.argv[2])
    old, new = "新增报告9例阳性感染者", "新增报告19例阳性感染者"
    for i in range(rounds):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new) if i % 2 == 0 else text.replace(new, old), encoding="utf-8")
        report = ingest_paths([str(path)])
        print(report.to_json(), flush=True)
""")


@pytest.mark.server
def test_answers_stay_whole_while_another_process_reingests(settings, embedder, chroma_url, tmp_path):  # noqa: F811
    s = server_settings(settings, chroma_url)
    path, bodies, engine = stored_two_articles(s, embedder, tmp_path)

    rounds = 2
    env = {**os.environ, "NEWSQA_CHROMA_URL": s.chroma_url, "NEWSQA_COLLECTION": s.collection,
           "NEWSQA_MODELS": str(s.models), "TOKENIZERS_PARALLELISM": "false"}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(rounds)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    problems: list[str] = []
    looks = [0, 0]
    done = threading.Event()

    def read(n: int) -> None:
        while not done.is_set():
            try:
                problems.extend(look(engine, path, bodies))
            except Exception as err:  # a reader must never crash while the store changes under it
                problems.append(f"reader raised {type(err).__name__}: {err}\n{traceback.format_exc()}")
            looks[n] += 1
            time.sleep(0.05)

    readers = [threading.Thread(target=read, args=(n,)) for n in range(2)]
    for t in readers:
        t.start()
    try:
        out, err = writer.communicate(timeout=240)
    finally:
        done.set()
        writer.kill()
        for t in readers:
            t.join(timeout=60)
    assert writer.returncode == 0, err[-2000:]
    assert out.count('"articles": 1') == rounds, out
    assert min(looks) >= 5  # the premise: both readers kept asking while the writer worked
    assert problems == []
    check_consistent(engine.store)
    final = engine.ask(QUESTION).answer
    assert "9例阳性感染者" in final and "19例" not in final


def test_lexical_update_after_an_ingest_scores_like_a_full_rebuild():
    """The index re-segments only new chunks when the store moves; its scores must not drift from a rebuild."""
    import random

    from storage.lexical import LexicalIndex

    rng = random.Random(3)
    words = ["南昌", "新增", "确诊", "病例", "无症状", "感染者", "长春", "核酸", "筛查", "隔离", "西湖区", "9例", "19例"]
    docs = {f"c{i}": "，".join(rng.choice(words) for _ in range(rng.randint(3, 30))) for i in range(300)}
    ids = list(docs)
    before = LexicalIndex.build(ids[:200], [docs[i] for i in ids[:200]], (1, 200))
    now = ids[50:]  # 50 chunks deleted, 100 added
    fetched: list[str] = []

    def fetch(want):
        fetched.extend(want)
        return want, [docs[i] for i in want]

    updated = before.updated(now, fetch, (2, 250))
    rebuilt = LexicalIndex.build(now, [docs[i] for i in now], (2, 250))
    assert sorted(fetched) == sorted(ids[200:])  # only the new chunks were fetched and segmented
    assert sorted(updated.ids) == sorted(now)
    for q in ("南昌新增确诊", "19例 西湖区", "长春核酸筛查隔离"):
        got, want = dict(updated.search(q, 300)), dict(rebuilt.search(q, 300))
        assert got.keys() == want.keys() and all(abs(got[k] - want[k]) < 1e-4 for k in got), q
    assert before.ids == ids[:200] and before.tf.shape[0] == 200  # readers still holding it are undisturbed


def test_a_group_of_small_files_killed_after_any_write_reruns_to_the_uninterrupted_store(settings, embedder, tmp_path):
    """Eight one-paragraph pages are stored as one group (one write of each kind for all of them); a
    change edits one, moves another's article to a new file and duplicates a third. The changing run is
    stopped after its 1st write, its 2nd, … on copies of the stored corpus: each re-run must leave
    exactly the store an uninterrupted run leaves, consistent."""
    from ingest.pipeline import ingest_paths
    from storage.store import open_store
    from tests.conftest import crud_lines
    from tests.storecheck import contents

    remembering = Remembering(embedder)
    pages = ["。".join(line.split("正文：", 1)[-1].split("。")[:2]) + "。" for line in crud_lines(9)]
    folder = tmp_path / "in"
    folder.mkdir()
    for i, page in enumerate(pages[:8]):
        (folder / f"page{i}.txt").write_text(page + "\n", encoding="utf-8")
    start = settings.with_(store=tmp_path / "start")
    assert ingest_paths([str(folder)], start, embedder=remembering).articles == 8
    (folder / "page1.txt").write_text(pages[8] + "\n", encoding="utf-8")
    (folder / "page8.txt").write_text((folder / "page2.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "page2.txt").write_text(pages[1].replace("。", "，当日另有通报。", 1) + "\n", encoding="utf-8")
    (folder / "page9.txt").write_text(pages[3] + "\n", encoding="utf-8")
    want_settings = settings.with_(store=tmp_path / "want")
    shutil.copytree(start.store, want_settings.store)
    assert ingest_paths([str(folder)], want_settings, embedder=remembering).articles == 2
    want = contents(open_store(want_settings))
    stopped: list[str] = []
    for n in range(1, 40):
        s = settings.with_(store=tmp_path / f"killed-{n}")
        shutil.copytree(start.store, s.store)
        base = open_store(s)
        writer = _killed_at(base, n)
        try:
            ingest_paths([str(folder)], s, store=writer, embedder=remembering)
        except Killed as killed:
            stopped.append(str(killed))
        else:
            break  # n is past the last write
        assert not ingest_paths([str(folder)], s, store=open_store(s), embedder=remembering).failed
        check_consistent(open_store(s))
        assert not want.differences(contents(open_store(s))), f"stopped after write {n} ({stopped[-1]})"
    assert len(stopped) >= 5, stopped  # the premise: the group's run was stopped after each of many writes
