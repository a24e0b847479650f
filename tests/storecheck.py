"""Consistency of a store: what the crash and hostile-input tests assert after every run."""

from __future__ import annotations

from collections import Counter

from newsqa.store import Store, get_all


def check_consistent(store: Store) -> tuple[int, int]:
    """Assert every article is complete or absent; return (articles, chunks)."""
    chunks = get_all(store.chunks, include=["metadatas"])
    assert len(chunks["ids"]) == len(set(chunks["ids"])), "duplicate chunk ids"
    per_doc = Counter(m["doc_id"] for m in chunks["metadatas"])
    arts = get_all(store.articles, include=["metadatas"])
    expected = {i: m["n_chunks"] for i, m in zip(arts["ids"], arts["metadatas"], strict=True)}
    assert set(per_doc) == set(expected), "chunks without an article record, or an article without chunks"
    for doc_id, n in expected.items():
        assert per_doc[doc_id] == n, f"article {doc_id} has {per_doc[doc_id]} of {n} chunks"
    assert not store.files.get(where={"status": "pending"})["ids"], "a pending file record was left behind"
    return len(expected), len(chunks["ids"])
