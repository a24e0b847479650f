"""The Chroma side: one client (embedded or server), three collections.

- ``<name>_chunks``: the searchable chunks, our embeddings (cosine), metadata per chunk.
- ``<name>_articles``: one record per article, the clean body as document; written last, so an
  article record means all its chunks are stored.
- ``<name>_files``: one record per ingested file (content hash, its doc_ids, status), so an
  unchanged file is skipped and a killed run can be repaired.

Chroma's own default embedding function is never used (it would try to download a model):
every collection is opened with ``embedding_function=None`` and we always pass embeddings.

In server mode (NEWSQA_CHROMA_URL) the collections are wrapped so that a server that stops
answering raises ``StoreUnavailable`` with one message saying what to do, wherever the store is
used (ingest, answers, the HTTP API, the UI, MCP), instead of a raw httpx exception. This is the
one place that talks to the server and knows its URL, so it is the narrowest place to say it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.config import Settings as ChromaSettings

from newsqa.settings import Settings

DUMMY = [0.0]  # bookkeeping collections need an embedding; they are never searched


class StoreUnavailable(RuntimeError):
    """The Chroma server cannot be reached, or stopped answering; the message says how to get it back.

    Whatever was stored before stays stored: an ingest cut short leaves a pending file record that the
    next ingest repairs, so the fix is to start the server again and re-run the command."""


def _how_to_fix(url: str, again: str = " again") -> str:
    port = urlparse(url).port or 8000
    return (f"start it{again} (scripts/chroma-server.sh start DIR {port}, or chroma run --path DIR --port {port}) "
            "or unset NEWSQA_CHROMA_URL")


@contextmanager
def _answering(url: str | None) -> Iterator[None]:
    """Turn a dropped connection to the Chroma server at ``url`` into StoreUnavailable."""
    try:
        yield
    except httpx.TransportError as err:  # refused, reset, closed mid-response, timed out
        if url is None:
            raise
        raise StoreUnavailable(f"the Chroma server at {url} stopped answering ({type(err).__name__}: {err}); "
                               f"{_how_to_fix(url)}") from err


class _Guarded:
    """A Chroma collection on a server: every call that loses the server raises StoreUnavailable."""

    def __init__(self, collection: chromadb.Collection, url: str):
        self._collection, self._url = collection, url

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._collection, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with _answering(self._url):
                return attr(*args, **kwargs)

        return call

    def __repr__(self) -> str:
        return f"<{self._collection.name} on {self._url}>"


def _guard(collection: chromadb.Collection, url: str | None) -> chromadb.Collection:
    return collection if url is None else cast(chromadb.Collection, _Guarded(collection, url))


@dataclass
class Store:
    client: chromadb.ClientAPI
    chunks: chromadb.Collection
    articles: chromadb.Collection
    files: chromadb.Collection
    url: str | None = None  # the Chroma server's URL in server mode; None for an embedded store

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
        with _answering(self.url):
            return dict(self.client.get_collection(self.chunks.name, embedding_function=None).metadata or {})


def make_client(settings: Settings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise ValueError(f"NEWSQA_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000")
        try:
            return chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https",
                                       settings=chroma_settings)
        except Exception as err:  # chromadb raises a bare ValueError when its first heartbeat fails
            raise StoreUnavailable(f"cannot reach the Chroma server at {settings.chroma_url} ({err}); "
                                   f"{_how_to_fix(settings.chroma_url, again='')}") from None
    settings.store.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.store), settings=chroma_settings)


def open_store(settings: Settings, client: chromadb.ClientAPI | None = None) -> Store:
    """The three collections, created when missing. Raises StoreUnavailable when a server cannot be reached."""
    client = client or make_client(settings)
    url = settings.chroma_url or None
    name = settings.collection
    with _answering(url):
        chunks = client.get_or_create_collection(
            f"{name}_chunks", embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
        articles = client.get_or_create_collection(f"{name}_articles", embedding_function=None)
        files = client.get_or_create_collection(f"{name}_files", embedding_function=None)
    return Store(client, *(_guard(c, url) for c in (chunks, articles, files)), url=url)


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
