"""The Chroma side: one client (embedded or server), three collections.

- ``<name>_chunks``: the searchable chunks, our embeddings (cosine), metadata per chunk.
- ``<name>_articles``: one record per article, the clean body as document; written last, so an
  article record means all its chunks are stored.
- ``<name>_files``: one record per ingested file (content hash, its doc_ids, status), so an
  unchanged file is skipped and a killed run can be repaired.

Chroma's own default embedding function is never used (it would try to download a model):
every collection is opened with ``embedding_function=None`` and we always pass embeddings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import chromadb
from chromadb.config import Settings as ChromaSettings

from newsqa.settings import Settings

DUMMY = [0.0]  # bookkeeping collections need an embedding; they are never searched


@dataclass
class Store:
    client: chromadb.ClientAPI
    chunks: chromadb.Collection
    articles: chromadb.Collection
    files: chromadb.Collection

    def version(self) -> int:
        """The marker every ingest that changed something moves; readers rebuild caches when it does.

        Read fresh from Chroma each time: ``Collection.metadata`` is a snapshot taken when the
        collection was opened, so a long-lived reader would never see another process's ingest.
        """
        return int(self._fresh_metadata().get("newsqa_version", 0))

    def bump_version(self) -> None:
        """Move the marker to a value no earlier one had.

        Nanoseconds rather than +1: two writers that read the same old value still write different
        markers, so a reader never mistakes the second ingest for the first.
        """
        meta = self._fresh_metadata()
        meta["newsqa_version"] = max(int(meta.get("newsqa_version", 0)) + 1, time.time_ns())
        self.chunks.modify(metadata=meta)

    def _fresh_metadata(self) -> dict:
        return dict(self.client.get_collection(self.chunks.name, embedding_function=None).metadata or {})


def make_client(settings: Settings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise ValueError(f"NEWSQA_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000")
        try:
            return chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https",
                                       settings=chroma_settings)
        except Exception as err:
            raise ConnectionError(
                f"cannot reach the Chroma server at {settings.chroma_url} ({err}); start it with "
                f"`chroma run --path DIR --port {url.port or 8000}` or unset NEWSQA_CHROMA_URL") from None
    settings.store.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.store), settings=chroma_settings)


def open_store(settings: Settings, client: chromadb.ClientAPI | None = None) -> Store:
    client = client or make_client(settings)
    name = settings.collection
    chunks = client.get_or_create_collection(
        f"{name}_chunks", embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
    articles = client.get_or_create_collection(f"{name}_articles", embedding_function=None)
    files = client.get_or_create_collection(f"{name}_files", embedding_function=None)
    return Store(client, chunks, articles, files)


def get_all(collection: chromadb.Collection, batch: int = 5000, **kwargs) -> dict[str, list]:
    """``collection.get`` in pages, so large stores never hit Chroma's per-request limits."""
    out: dict[str, list] = {"ids": [], "metadatas": [], "documents": []}
    offset = 0
    while True:
        page = collection.get(limit=batch, offset=offset, **kwargs)
        if not page["ids"]:
            return out
        out["ids"] += page["ids"]
        for key in ("metadatas", "documents"):
            if page.get(key) is not None:
                out[key] += page[key]
        offset += len(page["ids"])
