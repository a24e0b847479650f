"""BM25 over jieba tokens of the stored chunks, kept in step with the Chroma collection.

Chroma (1.5, local or self-run server) has no sparse or BM25 search ("Sparse vector indexing
is not enabled in local"), so the lexical index lives on our side: built from the chunk documents
in Chroma and brought up to date when the store's version marker (moved by every ingest that
changes something) or chunk count moves. An update segments only the chunks it has not seen
(jieba is the cost: ~0.5 M characters/s), keeps the raw term counts of the rest and re-weighs.
The index is pickled next to an embedded store so a fresh process does not re-segment the corpus.
"""

from __future__ import annotations

import os
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from storage.store import NewsStore
from zhtext.tokens import tokenize


@dataclass
class LexicalIndex:
    """BM25 over raw term counts; weights are computed per query for the query's terms only, so the
    index holds one matrix (counts, which an update keeps instead of re-segmenting) and not two."""

    ids: list[str]
    vocab: dict[str, int]
    tf: sparse.csc_matrix  # docs × terms, raw counts (uint16)
    idf: np.ndarray  # per term
    norm: np.ndarray  # per doc: k1 * (1 - b + b * length / average length)
    version: tuple[int, int]

    K1 = 1.2
    B = 0.75

    @classmethod
    def build(cls, ids: list[str], docs: list[str], version: tuple[int, int]) -> LexicalIndex:
        vocab: dict[str, int] = {}
        return cls._from_counts(list(ids), vocab, _term_counts(docs, vocab), version)

    def updated(self, ids: list[str], fetch, version: tuple[int, int]) -> LexicalIndex:
        """A new index over ``ids``: rows of chunks still present are kept, only new chunks are
        segmented (``fetch(new_ids) -> (ids, docs)``). ``self`` is left as it was for readers still using it."""
        now = set(ids)
        keep = [i for i, cid in enumerate(self.ids) if cid in now]
        seen = {self.ids[i] for i in keep}
        new_ids, docs = fetch([cid for cid in ids if cid not in seen])
        vocab = dict(self.vocab)
        new_tf = _term_counts(docs, vocab)
        old_tf = self.tf[keep] if len(keep) < len(self.ids) else self.tf.copy()
        old_tf.resize(len(keep), len(vocab))
        tf = sparse.vstack([old_tf, new_tf], format="csc") if new_ids else old_tf
        return LexicalIndex._from_counts([self.ids[i] for i in keep] + list(new_ids), vocab, tf, version)

    @classmethod
    def _from_counts(cls, ids: list[str], vocab: dict[str, int], tf: sparse.spmatrix,
                     version: tuple[int, int]) -> LexicalIndex:
        tf = sparse.csc_matrix(tf, dtype=np.uint16)
        tf.resize(len(ids), len(vocab))
        n = max(len(ids), 1)
        df = np.diff(tf.indptr)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        lengths = np.asarray(tf.sum(axis=1, dtype=np.float64)).ravel()
        avg = float(lengths.mean()) if len(ids) else 1.0
        norm = (cls.K1 * (1 - cls.B + cls.B * lengths / max(avg, 1e-6))).astype(np.float32)
        return cls(ids, vocab, tf, idf, norm, version)

    def nbytes(self) -> int:
        """Memory held by the arrays (ids and vocab strings not counted)."""
        return (self.tf.data.nbytes + self.tf.indices.nbytes + self.tf.indptr.nbytes + self.idf.nbytes
                + self.norm.nbytes)

    def idf_of(self, term: str) -> float:
        """How rare a term is in the store (BM25's idf); a term the store never saw weighs as the rarest."""
        j = self.vocab.get(term.lower())
        if j is None:
            return float(self.idf.max()) if len(self.idf) else 1.0
        return float(self.idf[j])

    def search(self, query: str, k: int = 30) -> list[tuple[str, float]]:
        cols = [self.vocab[t] for t in dict.fromkeys(tokenize(query)) if t in self.vocab]
        if not cols or not self.ids:
            return []
        hits = self.tf[:, cols].tocoo()
        tf = hits.data.astype(np.float32)
        w = tf * (self.K1 + 1) / (tf + self.norm[hits.row]) * self.idf[np.asarray(cols)[hits.col]]
        scores = np.bincount(hits.row, weights=w, minlength=len(self.ids))
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


def _term_counts(docs: list[str], vocab: dict[str, int]) -> sparse.csr_matrix:
    """docs × vocab raw term counts; new terms are added to ``vocab``."""
    rows: list[int] = []
    cols: list[int] = []
    vals: list[int] = []
    for i, doc in enumerate(docs):
        counts: dict[int, int] = {}
        for t in tokenize(doc):
            j = vocab.setdefault(t, len(vocab))
            counts[j] = counts.get(j, 0) + 1
        rows += [i] * len(counts)
        cols += list(counts)
        vals += list(counts.values())
    return sparse.csr_matrix((np.array(vals, dtype=np.float32), (np.array(rows, dtype=np.int64),
                              np.array(cols, dtype=np.int64))), shape=(len(docs), len(vocab)))


_CACHE: dict[tuple[str, str], LexicalIndex] = {}
_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def lexical_index(store: NewsStore, cache_dir: Path | None = None) -> LexicalIndex:
    """The index for ``store``, brought up to date only when its version marker or chunk count moved.

    Keyed by the collection's id, so two servers (or a re-created collection) never share an index.
    Readers share one index without a lock: an index is never changed once built, and a rebuilt one
    replaces it in the cache in one assignment, so a reader sees the old or the new one, never a
    half-built one. One thread rebuilds while the others that need the new version wait for its
    result instead of segmenting the same chunks.
    """
    key = (str(cache_dir), str(store.chunks.id))
    version = (store.version(), store.chunk_count())  # read before the data: a later change shows next call
    idx = _CACHE.get(key)
    if idx is not None and idx.version == version:
        return idx
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        version = (store.version(), store.chunk_count())
        idx = _CACHE.get(key)
        if idx is not None and idx.version == version:  # another thread rebuilt it while this one waited
            return idx
        path = cache_dir / f"lexical-{store.chunks.name}-{store.chunks.id}.pkl" if cache_dir else None
        if idx is None and path and path.exists():
            idx = _load(path)
        if idx is None or idx.version != version:
            ids = store.chunk_ids()
            if idx is None:
                idx = LexicalIndex.build(*store.chunk_documents(ids), version)
            else:
                idx = idx.updated(ids, store.chunk_documents, version)
            if path:
                _save(idx, path)
        _CACHE[key] = idx  # the swap: one assignment of a finished index
        return idx


def _load(path: Path) -> LexicalIndex | None:
    try:
        with path.open("rb") as fh:
            idx = pickle.load(fh)
        return idx if isinstance(idx, LexicalIndex) and hasattr(idx, "norm") else None
    except Exception:  # a cache from an older version of this class, or a torn file: rebuild
        return None


def _save(idx: LexicalIndex, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(idx, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
