"""The store as a LangChain ``VectorStore``, keeping the store's one rule: a chunk is served only
once its article has a record.

Each text added here becomes an article of one chunk: the chunk is written first, then the article
record that seals it (id = the chunk's id, ``n_chunks`` 1, ``via`` "langchain"), and the version
marker moves so readers rebuild their lexical caches; ``delete`` removes the record first (readers
stop serving the chunk at once), then the chunk. Searches and ``get_by_ids`` return only sealed
chunks, ingested or added here, so the engine and this adapter always agree on what the store holds.

Articles that ``newsqa ingest`` wrote belong to their file records: this adapter reads them but will
not overwrite or delete them (that would leave a file record naming an article that is gone, which
an unchanged file never re-ingests); remove their file and run ``newsqa ingest --prune`` instead.

langchain-chroma's ``Chroma`` on the chunk collection does not fit: it writes chunks with no
record (which our readers never serve), searches unsealed chunks, deletes no records, and opens its
own collection past the server-mode guard that turns a lost server into ``StoreUnavailable``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

from core.settings import Settings
from storage.store import NewsStore, open_store

VIA = "langchain"  # the article records this adapter writes, and so may rewrite or delete
RESERVED = {"doc_id": "it links a chunk to its article record; the adapter sets it to the chunk's id"}


class NewsVectorStore(VectorStore):
    """``store``'s chunk collection, searched with ``embedding`` (our embedder, or any LangChain one)."""

    def __init__(self, store: NewsStore, embedding: Embeddings):
        self.store = store
        self.embedding = embedding

    @classmethod
    def from_settings(cls, settings: Settings, embedding: Embeddings) -> NewsVectorStore:
        """The store these settings name (a folder, or NEWSQA_CHROMA_URL's server), opened or created."""
        return cls(open_store(settings), embedding)

    @property
    def embeddings(self) -> Embeddings:
        return self.embedding

    @classmethod
    def from_texts(cls, texts: list[str], embedding: Embeddings, metadatas: list[dict] | None = None, *,
                   ids: list[str] | None = None, settings: Settings | None = None,
                   **kwargs: Any) -> NewsVectorStore:
        vs = cls.from_settings(settings or Settings.from_env(), embedding)
        vs.add_texts(texts, metadatas, ids=ids)
        return vs

    def add_texts(self, texts: Iterable[str], metadatas: list[dict] | None = None, *,
                  ids: list[str | None] | None = None, **kwargs: Any) -> list[str]:
        texts = list(texts)
        if not texts:
            return []
        metadatas = list(metadatas) if metadatas is not None else [{} for _ in texts]
        ids = list(ids) if ids is not None else [None] * len(texts)
        if not len(texts) == len(metadatas) == len(ids):
            raise ValueError(f"got {len(texts)} texts, {len(metadatas)} metadatas and {len(ids)} ids; "
                             "pass one of each per text")
        ids = [i or str(uuid.uuid4()) for i in ids]
        clash = sorted({key for meta in metadatas for key in meta if key in RESERVED})
        if clash:
            raise ValueError(f"metadata key {clash[0]!r} is reserved by newsqa ({RESERVED[clash[0]]}); rename it")
        self._refuse_ingested(ids)
        stale = {i: set(m) for i, m in self.store.chunk_metadatas(ids).items()}
        chunk_meta = []
        for i, meta in zip(ids, metadatas, strict=True):
            fresh = {**meta, "doc_id": i}
            # Chroma merges metadata on upsert; None drops a key the new version no longer has
            chunk_meta.append({**dict.fromkeys(stale.get(i, set()) - fresh.keys()), **fresh})
        self.store.put_sealed_texts(ids, self.embedding.embed_documents(texts), texts, chunk_meta,
                                    [{"n_chunks": 1, "chars": len(t), "via": VIA} for t in texts])
        return ids

    def delete(self, ids: list[str] | None = None, **kwargs: Any) -> bool:
        """Remove the chunks added here under ``ids`` and their records; ids not in the store are ignored."""
        if ids is None:
            raise ValueError("delete needs the ids to remove; newsqa never empties a store in one call "
                             "(delete its folder, or its collections, to start over)")
        ids = list(ids)
        if not ids:
            return True
        self._refuse_ingested(ids)
        self.store.remove_texts(ids)
        return True

    def get_by_ids(self, ids: Sequence[str], /) -> list[Document]:
        rows = self.store.chunks_by_id(list(ids))
        sealed = self.store.sealed(m["doc_id"] for _, _, m in rows)
        return [_document(i, text, meta) for i, text, meta in rows if meta["doc_id"] in sealed]

    def similarity_search(self, query: str, k: int = 4, filter: dict | None = None,
                          **kwargs: Any) -> list[Document]:
        return [doc for doc, _ in self.similarity_search_with_score(query, k, filter=filter)]

    def similarity_search_with_score(self, query: str, k: int = 4, filter: dict | None = None,
                                     **kwargs: Any) -> list[tuple[Document, float]]:
        """The ``k`` nearest sealed chunks with their cosine distance (0 = same direction)."""
        return self._nearest(self.embedding.embed_query(query), k, filter)

    def similarity_search_by_vector(self, embedding: list[float], k: int = 4, filter: dict | None = None,
                                    **kwargs: Any) -> list[Document]:
        return [doc for doc, _ in self._nearest(embedding, k, filter)]

    def _select_relevance_score_fn(self):
        return self._cosine_relevance_score_fn  # the chunk collection is opened in cosine space

    def _nearest(self, vector: list[float], k: int, where: dict | None) -> list[tuple[Document, float]]:
        """Ask Chroma for more until ``k`` sealed chunks are found or the collection runs out."""
        total = self.store.chunk_count()
        n = k
        while True:
            rows = self.store.query(vector, n=min(n, total) or 1, where=where)
            sealed = self.store.sealed(m["doc_id"] for _, _, m, _ in rows)
            hits = [(_document(i, text, meta), dist) for i, text, meta, dist in rows if meta["doc_id"] in sealed]
            if len(hits) >= k or len(rows) < n or n >= total:
                return hits[:k]
            n *= 2

    def _refuse_ingested(self, ids: list[str]) -> None:
        """Ingested articles are their file records' to change (see the module docstring)."""
        owned = [i for i, m in self.store.chunk_metadatas(ids).items() if m.get("doc_id") != i]
        owned += [i for i, m in self.store.record_metadatas(ids).items() if m.get("via") != VIA]
        if owned:
            raise ValueError(f"{sorted(set(owned))[:5]} belong to articles that newsqa ingest stored; change "
                             "them through their files (edit or remove the file, then run newsqa ingest "
                             "--prune), or give the new texts other ids")


def _document(chunk_id: str, text: str, meta: dict) -> Document:
    """A chunk as a Document; ``doc_id`` is dropped when it only repeats the id (a text added here)."""
    meta = dict(meta)
    if meta.get("doc_id") == chunk_id:
        del meta["doc_id"]
    return Document(page_content=text, metadata=meta, id=chunk_id)
