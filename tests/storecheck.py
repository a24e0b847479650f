"""Consistency of a store: what the crash and hostile-input tests assert after every run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from storage.store import NewsStore, get_all


def check_consistent(store: NewsStore) -> tuple[int, int]:
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


@dataclass(frozen=True)
class Contents:
    """Everything an ingest leaves that a later run or a reader relies on, to compare two stores by."""

    articles: frozenset[str]  # doc_ids with a record
    chunks: frozenset[str]  # chunk ids
    files: frozenset[tuple[str, str, str, str]]  # (file key, status, sha, the doc_ids it holds)

    def differences(self, other: Contents) -> list[str]:
        """What ``other`` has or lacks compared with this one, in words; empty when they are the same."""
        out = []
        for name in ("articles", "chunks", "files"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine != theirs:
                out.append(f"{name}: missing {sorted(mine - theirs)[:5]}, extra {sorted(theirs - mine)[:5]}")
        return out


def contents(store: NewsStore) -> Contents:
    files = get_all(store.files, include=["metadatas", "documents"])
    return Contents(
        articles=frozenset(get_all(store.articles, include=[])["ids"]),
        chunks=frozenset(get_all(store.chunks, include=[])["ids"]),
        files=frozenset((key, m.get("status", ""), m.get("sha", ""), " ".join(sorted(doc.split())))
                        for key, m, doc in zip(files["ids"], files["metadatas"], files["documents"], strict=True)))


def check_searchable(store: NewsStore) -> None:
    """Assert a dense search reaches every stored chunk and nothing else: Chroma's vector index agrees
    with its records (a kill can cut Chroma off between writing the one and the other)."""
    ids = get_all(store.chunks, include=[])["ids"]
    if not ids:
        return
    probe = store.chunks.get(ids=ids[:1], include=["embeddings"])["embeddings"][0]
    found = store.chunks.query(query_embeddings=[probe], n_results=len(ids), include=["distances"])["ids"][0]
    assert sorted(found) == sorted(ids), (f"a search over all {len(ids)} chunks found {len(found)}: "
                                          f"missing {sorted(set(ids) - set(found))[:5]}, "
                                          f"unknown {sorted(set(found) - set(ids))[:5]}")
