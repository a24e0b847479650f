"""Answering concurrently: many askers at once, while an ingest moves the version marker, get the serial
answers and no errors; the lexical index is rebuilt by one thread and swapped in whole."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from ingest.pipeline import ingest_paths
from newsqa.service import Service
from storage import lexical
from tests.conftest import crud_lines

QUESTIONS = ["南昌7月16日新增多少例？", "长春4月3日新增本地确诊多少例？", "吉林市3月17日新增多少例？",
             "南昌7月20日新增多少例？", "How many new cases did Nanchang report on July 16?", "常州新增多少例？"]


def key(answer) -> tuple:
    return answer.answer, answer.abstained, tuple((c.doc_id, c.start, c.end) for c in answer.citations)


def ask_during_ingest(service, engine, extra) -> tuple[list[str], list]:
    """48 questions from 8 threads of ``service`` while 4 crud_news articles are ingested into ``engine``'s
    store (written to the folder ``extra``): (the questions, their answers). No asker and no ingest may
    fail, and the version marker must really move meanwhile."""
    extra.mkdir()
    for i, line in enumerate(crud_lines(4)):
        (extra / f"crud_{i}.txt").write_text(line, encoding="utf-8")
    version = engine.store.version()
    errors: list[BaseException] = []

    def ingest() -> None:
        try:
            report = ingest_paths([str(extra)], engine.settings, store=engine.store, embedder=engine.embedder)
            assert report.articles == 4 and not report.failed
        except BaseException as err:  # noqa: BLE001 (reported below)
            errors.append(err)

    asks = [QUESTIONS[i % len(QUESTIONS)] for i in range(48)]
    writer = threading.Thread(target=ingest)
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(service.ask, q) for q in asks[:8]]
        writer.start()
        futures += [pool.submit(service.ask, q) for q in asks[8:]]
        got = [f.result() for f in futures]  # an exception in any asker is raised here
    writer.join()
    assert not errors, errors
    assert engine.store.version() != version  # the marker really moved while they asked
    return asks, got


def vector_report(store, path_end: str) -> str:
    """For a failure message: which chunks of the file the vector search cannot find by their own stored
    vectors, and which the store holds no vector for (to tell a search miss from a vector never indexed)."""
    got = store.chunks.get(include=["metadatas"])
    ids = [cid for cid, meta in zip(got["ids"], got["metadatas"], strict=True)
           if str((meta or {}).get("path", "")).endswith(path_end)]
    unfound, vectorless = [], []
    for cid, _, _, vec in store.chunks_with_vectors(ids):
        if vec is None:
            vectorless.append(cid)
        elif cid not in [hit for hit, *_ in store.query(vec, n=3)]:
            unfound.append(cid)
    return f"chunks of {path_end}: {ids}; not found by their own vectors: {unfound}; no vector: {vectorless}"


def test_concurrent_askers_during_an_ingest_get_the_serial_answers(engine, tmp_path):
    service = Service(engine.settings, engine=engine)
    before = {q: key(service.ask(q)) for q in QUESTIONS}
    asks, got = ask_during_ingest(service, engine, tmp_path / "extra")
    after = {q: key(service.ask(q)) for q in QUESTIONS}
    for q, answer in zip(asks, got, strict=True):
        assert key(answer) in (before[q], after[q]), q
    assert lexical.lexical_index(engine.store, engine.cache_dir).version[0] == engine.store.version()


def test_one_thread_rebuilds_the_lexical_index_and_readers_share_the_result(engine, monkeypatch):
    old = lexical.lexical_index(engine.store, engine.cache_dir)
    builds: list[int] = []
    real = lexical.LexicalIndex.updated

    def counted(self, *args, **kw):
        builds.append(threading.get_ident())
        return real(self, *args, **kw)

    monkeypatch.setattr(lexical.LexicalIndex, "updated", counted)
    engine.store.bump_version()
    barrier = threading.Barrier(8)

    def read():
        barrier.wait()
        return lexical.lexical_index(engine.store, engine.cache_dir)

    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = list(pool.map(lambda _: read(), range(8)))
    assert len(builds) == 1
    assert all(idx is seen[0] for idx in seen) and seen[0] is not old
    assert seen[0].version[0] == engine.store.version() and old.version != seen[0].version
    assert old.ids and old.search("南昌")  # the replaced index still answers for a reader that holds it


def test_embedder_gives_the_same_vectors_from_many_threads(engine):
    texts = [f"{q}（第{i}次）" for i, q in enumerate(QUESTIONS * 4)]
    serial = [engine.embedder.encode_queries([t])[0] for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda t: engine.embedder.encode_queries([t])[0], texts))
    assert all(float(a @ b) > 0.9999 for a, b in zip(serial, threaded, strict=True))
