"""BM25 over jieba tokens of the stored chunks, kept in step with the Chroma collection.

Chroma (1.5, local or self-run server) has no sparse or BM25 search, so the lexical index
lives on our side: built from the chunk documents in Chroma and rebuilt when the store's
version marker (bumped by every ingest that changes something) or chunk count moves. The
tokens are cached next to an embedded store so a fresh process does not re-segment the corpus.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass
from pathlib import Path

import jieba
import numpy as np
from scipy import sparse

from newsqa.store import Store, get_all

jieba.setLogLevel(60)
_KEEP = re.compile(r"[\w\u4e00-\u9fff]")
STOPWORDS = frozenset("的 了 和 是 在 有 与 及 等 也 都 就 而 或 被 把 对 从 为 以 之 其 这 那 个 吗 呢 吧 啊 "
                      "多少 几 什么 哪些 哪里 哪 谁 怎么 怎样 如何 是否 有没有 请问 一下 一共 共 总共 "
                      "。 ， 、 ？ ! ? , .".split())


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens (lower-cased), punctuation and stopwords dropped."""
    return [t.lower() for t in jieba.lcut_for_search(text) if _KEEP.search(t) and t not in STOPWORDS and t.strip()]


@dataclass
class LexicalIndex:
    ids: list[str]
    vocab: dict[str, int]
    weights: sparse.csc_matrix  # docs × terms, BM25 term weights
    version: tuple[int, int]

    @classmethod
    def build(cls, ids: list[str], docs: list[str], version: tuple[int, int], k1: float = 1.2,
              b: float = 0.75) -> LexicalIndex:
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        lengths = np.zeros(len(docs), dtype=np.float32)
        for i, doc in enumerate(docs):
            counts: dict[int, int] = {}
            toks = tokenize(doc)
            lengths[i] = len(toks)
            for t in toks:
                j = vocab.setdefault(t, len(vocab))
                counts[j] = counts.get(j, 0) + 1
            rows += [i] * len(counts)
            cols += list(counts)
            vals += list(counts.values())
        tf = sparse.csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)), shape=(len(docs), len(vocab)))
        n = max(len(docs), 1)
        df = np.bincount(np.array(cols, dtype=np.int64), minlength=len(vocab)) if cols else np.zeros(len(vocab))
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(lengths.mean()) if len(docs) else 1.0
        norm = k1 * (1 - b + b * lengths / max(avg, 1e-6))
        tf = tf.tocoo()
        w = tf.data * (k1 + 1) / (tf.data + norm[tf.row]) * idf[tf.col]
        weights = sparse.csc_matrix((w, (tf.row, tf.col)), shape=tf.shape)
        return cls(ids, vocab, weights, version)

    def search(self, query: str, k: int = 30) -> list[tuple[str, float]]:
        cols = [self.vocab[t] for t in dict.fromkeys(tokenize(query)) if t in self.vocab]
        if not cols or not self.ids:
            return []
        scores = np.asarray(self.weights[:, cols].sum(axis=1)).ravel()
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


_CACHE: dict[tuple[str, str], LexicalIndex] = {}


def lexical_index(store: Store, cache_dir: Path | None = None) -> LexicalIndex:
    """The index for ``store``, rebuilt only when its version marker or chunk count changed."""
    version = (store.version(), store.chunks.count())
    key = (str(cache_dir), store.chunks.name)
    idx = _CACHE.get(key)
    if idx is not None and idx.version == version:
        return idx
    path = cache_dir / f"lexical-{store.chunks.name}.pkl" if cache_dir else None
    if path and path.exists():
        try:
            with path.open("rb") as fh:
                idx = pickle.load(fh)
        except Exception:
            idx = None
    if idx is None or idx.version != version:
        data = get_all(store.chunks, include=["documents"])
        idx = LexicalIndex.build(data["ids"], data["documents"], version)
        if path:
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(idx, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
    _CACHE[key] = idx
    return idx

