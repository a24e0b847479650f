"""Reads from a store that another process is re-ingesting: a chunk deleted between Chroma's vector search
and its metadata read comes back with its id but no text and no metadata (seen in CI, in
test_answers_stay_whole_while_another_process_reingests). The store must drop such a row, not serve it."""

from __future__ import annotations

from dataclasses import replace

from storage.lexical import lexical_index

QUESTION = "南昌7月16日新增多少例？"


class _Vanishing:
    """The real chunks collection, except that the ``gone`` chunks come back as Chroma returns a chunk
    deleted mid-read: id kept, document and metadata None."""

    def __init__(self, collection, gone: set[str]):
        self._collection, self.gone = collection, gone

    def __getattr__(self, name):
        return getattr(self._collection, name)

    def _blank(self, ids, *columns):
        for i, cid in enumerate(ids):
            if cid in self.gone:
                for col in columns:
                    if col is not None:
                        col[i] = None

    def query(self, **kwargs):
        res = self._collection.query(**kwargs)
        self._blank(res["ids"][0], res["documents"][0], res["metadatas"][0])
        return res

    def get(self, **kwargs):
        got = self._collection.get(**kwargs)
        self._blank(got["ids"], got.get("documents"), got.get("metadatas"))
        return got


def test_a_chunk_deleted_mid_read_is_not_served(sample_engine):
    from qa.engine import Engine
    from qa.retrieve import retrieve

    store = sample_engine.store
    qvec = sample_engine.query_vector(QUESTION)
    top = [cid for cid, *_ in store.query(qvec, n=5)]
    racing = replace(store, chunks=_Vanishing(store.chunks, {top[0]}))

    hits = racing.query(qvec, n=5)
    assert [cid for cid, *_ in hits] == top[1:]
    assert all(doc and meta for _, doc, meta, _ in hits)
    assert [cid for cid, *_ in racing.chunks_by_id(top[:3])] == top[1:3]

    # the retriever reads both ways (dense hits, lexical hits by id) and answers from what is left; the
    # lexical index is the whole store's (built from the racing one it would lack the chunk, and the
    # process-wide cache would keep it so for the tests after this one)
    engine = Engine(sample_engine.settings, store=racing, embedder=sample_engine.embedder)
    whole = lexical_index(store, sample_engine.cache_dir)
    assert top[0] in whole.ids
    passages = retrieve(engine, engine.understand(QUESTION), k=10, lexical=whole)
    assert passages and top[0] not in {p.chunk_id for p in passages}


def test_the_lexical_index_skips_a_chunk_deleted_mid_read(sample_engine):
    store = sample_engine.store
    ids = store.chunk_ids()
    racing = replace(store, chunks=_Vanishing(store.chunks, {ids[0]}))
    got_ids, docs = racing.chunk_documents(ids)
    assert got_ids == ids[1:] and all(isinstance(d, str) for d in docs)


class _Missing(_Vanishing):
    """The real chunks collection, except that its vector search misses the ``gone`` chunks and returns the
    next ones in their place, as approximate (HNSW) search now and then does; reads by id still find them."""

    def query(self, **kwargs):
        n = kwargs["n_results"]
        res = self._collection.query(**{**kwargs, "n_results": n + len(self.gone)})
        keep = [i for i, cid in enumerate(res["ids"][0]) if cid not in self.gone][:n]
        return {key: [[col[0][i] for i in keep]] if col is not None else None for key, col in res.items()
                if key in ("ids", "documents", "metadatas", "distances")}

    def get(self, **kwargs):
        return self._collection.get(**kwargs)


def _answer_key(answer):
    return answer.answer, [(c.doc_id, c.start, c.end) for c in answer.citations]


def test_a_chunk_the_vector_search_misses_still_ranks_and_answers_as_its_vector_says(sample_engine):
    from qa.engine import Engine
    from qa.retrieve import retrieve

    store = sample_engine.store
    q = sample_engine.understand(QUESTION)
    exact = retrieve(sample_engine, q, k=10)
    cited = sample_engine.ask(QUESTION).citations[0]
    answering = next(p.chunk_id for p in exact if p.doc_id == cited.doc_id and cited.quote in p.text)
    missing = replace(store, chunks=_Missing(store.chunks, {answering}))
    assert answering not in [cid for cid, *_ in missing.query(sample_engine.query_vector(QUESTION), n=20)]

    engine = Engine(sample_engine.settings, store=missing, embedder=sample_engine.embedder)
    approximate = retrieve(engine, q, k=10)
    def place(passages):  # the search's stand-in for the missed chunk may move others a little, never it
        return [p.chunk_id for p in passages].index(answering)

    assert place(approximate) == place(exact)
    assert _answer_key(engine.ask(QUESTION)) == _answer_key(sample_engine.ask(QUESTION))


class _NoVectors(_Vanishing):
    """A chunks collection whose reads by id fail when asked for vectors (a vector its local index lacks)."""

    def get(self, **kwargs):
        if "embeddings" in kwargs.get("include", []):
            from chromadb.errors import InternalError

            raise InternalError("Error getting embedding")
        return self._collection.get(**kwargs)


def test_chunks_whose_vectors_cannot_be_read_come_without_them(sample_engine):
    store = sample_engine.store
    ids = store.chunk_ids()[:3]
    failing = replace(store, chunks=_NoVectors(store.chunks, set()))
    rows = failing.chunks_with_vectors(ids)
    assert [cid for cid, *_ in rows] == ids and all(vec is None and doc for _, doc, _, vec in rows)
    assert all(vec is not None and abs(float(vec @ vec) - 1) < 1e-3 for *_, vec in store.chunks_with_vectors(ids))
