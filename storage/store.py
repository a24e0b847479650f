"""The Chroma side: one client (embedded or server), three collections, one protocol (``NewsStore``).

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlparse

import chromadb
import httpx
import numpy as np
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError

from core.records import Prepared
from core.schema import article_metadata
from core.settings import Settings

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


@dataclass(frozen=True)
class FileRecord:
    """What the store remembers of one ingested file."""

    key: str  # the file's resolved path
    sha: str
    status: str  # "pending" while its articles are being swapped in, else "done"
    doc_ids: list[str]


@dataclass(frozen=True)
class FileUpdate:
    """One file's part in a group's ingest: the articles it holds now, and its record from before."""

    key: str  # the file's resolved path
    sha: str
    doc_ids: list[str]
    old: FileRecord | None
    size: int = 0
    mtime: float = 0.0

    @property
    def gone(self) -> list[str]:
        """The articles the file held and holds no more."""
        now = set(self.doc_ids)
        return [d for d in self.old.doc_ids if d not in now] if self.old else []


def _whole(row: tuple) -> bool:
    """Is a chunk row whole? Another process may delete a chunk between Chroma's vector search and its
    metadata read (a re-ingest's swap), and the row then comes back with no text or metadata: such a
    chunk is gone, so it is not served."""
    return row[1] is not None and row[2] is not None


@dataclass
class NewsStore:
    """The three collections and the one protocol that keeps them consistent.

    Files are ingested in groups (many small files share one embedding batch and one write of each
    kind): ``begin_files`` (one pending record per file, naming the articles it is about to store and
    the ones it held), ``put_chunks`` batch by batch (unseen by readers), ``seal_files`` (the swap: old
    records out, new records in, old chunks deleted, the version marker moved) and ``finish_files``.
    An article record therefore means all its chunks are stored, and ``query``/``chunks_by_id`` serve
    only chunks whose article has a record (``sealed``): while a changed article is re-ingested readers
    see the old version, briefly neither, or the new one, never both. A run killed midway leaves a
    pending record per file of its group, which ``repair`` finishes or undoes file by file (each record
    says all it needs). Chunk ids (``doc_id:index``) are deterministic, so a re-run can never
    duplicate a chunk.
    """

    client: chromadb.ClientAPI
    chunks: chromadb.Collection
    articles: chromadb.Collection
    files: chromadb.Collection
    url: str | None = None  # the Chroma server's URL in server mode; None for an embedded store

    # -- the version marker ------------------------------------------------------------------------

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

    # -- reading -------------------------------------------------------------------------------------

    def chunk_count(self) -> int:
        return self.chunks.count()

    def article_count(self) -> int:
        return self.articles.count()

    def query(self, vector, n: int, where: dict | None = None) -> list[tuple[str, str, dict, float]]:
        """Nearest chunks as (chunk_id, text, metadata, cosine distance), sealed or not: pass the
        doc_ids through ``sealed`` before serving them."""
        res = self.chunks.query(query_embeddings=[vector], n_results=n, where=where,
                                include=["documents", "metadatas", "distances"])
        rows = zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True)
        return [row for row in rows if _whole(row)]

    def chunks_by_id(self, ids: list[str]) -> list[tuple[str, str, dict]]:
        got = self.chunks.get(ids=ids, include=["documents", "metadatas"])
        return [row for row in zip(got["ids"], got["documents"], got["metadatas"], strict=True) if _whole(row)]

    def chunks_with_vectors(self, ids: list[str]) -> list[tuple[str, str, dict, np.ndarray | None]]:
        """``chunks_by_id`` with each chunk's stored vector: the exact cosine of a chunk the approximate
        vector search did not return."""
        try:
            got = self.chunks.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        except ChromaError:  # a vector the local index lacks: the chunks without vectors, as before
            return [(cid, doc, meta, None) for cid, doc, meta in self.chunks_by_id(ids)]
        rows = zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
        return [(cid, doc, meta, None if vec is None else np.asarray(vec, dtype=np.float32))
                for cid, doc, meta, vec in rows if _whole((cid, doc, meta))]

    def chunk_ids(self) -> list[str]:
        return get_all(self.chunks, include=[])["ids"]

    def chunk_documents(self, ids: list[str], batch: int = 1000) -> tuple[list[str], list[str]]:
        got_ids: list[str] = []
        docs: list[str] = []
        for i in range(0, len(ids), batch):
            page = self.chunks.get(ids=ids[i: i + batch], include=["documents"])
            for cid, doc in zip(page["ids"], page["documents"], strict=True):
                if doc is not None:  # deleted by another process mid-read, as in ``_whole``
                    got_ids.append(cid)
                    docs.append(doc)
        return got_ids, docs

    def sealed(self, doc_ids) -> set[str]:
        """The articles among ``doc_ids`` that have a record: the only ones whose chunks may be served.
        One read decides old version or new, never both."""
        found: set[str] = set()
        ids = list(dict.fromkeys(doc_ids))
        for i in range(0, len(ids), 500):
            found.update(self.articles.get(ids=ids[i: i + 500], include=[])["ids"])
        return found

    def article_metadatas(self) -> tuple[list[str], list[dict]]:
        data = get_all(self.articles, include=["metadatas"])
        return data["ids"], data["metadatas"]

    def article(self, doc_id: str) -> tuple[dict, str] | None:
        """(metadata, clean body) of one article, or None."""
        got = self.articles.get(ids=[doc_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return got["metadatas"][0] or {}, got["documents"][0] or ""

    def bodies(self, doc_ids: list[str]) -> dict[str, str]:
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return {}
        got = self.articles.get(ids=ids, include=["documents"])
        return {i: d or "" for i, d in zip(got["ids"], got["documents"], strict=True)}

    # -- the ingest protocol -------------------------------------------------------------------------

    def file_record(self, key: str) -> FileRecord | None:
        return self.file_records([key]).get(key)

    def file_records(self, keys: list[str]) -> dict[str, FileRecord]:
        """The records of those of ``keys`` the store knows, in one read."""
        if not keys:
            return {}
        got = self.files.get(ids=list(dict.fromkeys(keys)), include=["metadatas", "documents"])
        return {key: FileRecord(key, (meta or {}).get("sha", ""), (meta or {}).get("status", ""), (doc or "").split())
                for key, meta, doc in zip(got["ids"], got["metadatas"], got["documents"], strict=True)}

    def begin_files(self, files: list[FileUpdate]) -> None:
        """The pending records, one write for the group: what a killed run needs to finish or undo
        each file's swap on its own."""
        if files:
            self.files.upsert(ids=[f.key for f in files], embeddings=[DUMMY] * len(files),
                              documents=[" ".join(f.doc_ids) for f in files], metadatas=[{
                                  "status": "pending", "sha": f.sha, "previous": " ".join(f.old.doc_ids) if f.old else "",
                                  "previous_sha": f.old.sha if f.old else ""} for f in files])

    def put_chunks(self, ids: list[str], vectors, documents: list[str], metadatas: list[dict]) -> None:
        """Chunks of articles not yet sealed: readers do not see them until ``seal_files``."""
        self.chunks.upsert(ids=ids, embeddings=vectors, documents=documents, metadatas=metadatas)

    def seal_files(self, files: list[FileUpdate], new: list[Prepared]) -> None:
        """The group's swap: the records of the articles its files no longer hold (when no other file
        names them, the group's pending records included) go before the ``new`` records come, so
        readers never see both versions; then the old chunks go and the marker moves (before "done":
        a run killed after it still leaves the move for readers to see)."""
        doomed = list(dict.fromkeys(d for f in files for d in self._unreferenced(f.gone, except_key=f.key)))
        if doomed:
            self.articles.delete(ids=doomed)
        self._put_records(new)
        self._delete_articles(doomed)
        if new or any(f.gone for f in files):
            self.bump_version()

    def finish_files(self, files: list[FileUpdate]) -> None:
        """The done records, one write for the group: from now on an unchanged file is skipped."""
        if files:
            self.files.upsert(ids=[f.key for f in files], embeddings=[DUMMY] * len(files),
                              documents=[" ".join(f.doc_ids) for f in files],
                              metadatas=[{"status": "done", "sha": f.sha, "articles": len(f.doc_ids),
                                          "size": f.size, "mtime": f.mtime} for f in files])

    def put_sealed_texts(self, ids: list[str], vectors, texts: list[str], chunk_metas: list[dict],
                         record_metas: list[dict]) -> None:
        """One-chunk articles written outside ingest (the LangChain VectorStore face): each chunk first,
        then the record that seals it, then the marker moves, as for an ingested file."""
        self.chunks.upsert(ids=ids, embeddings=vectors, documents=texts, metadatas=chunk_metas)
        self.articles.upsert(ids=ids, embeddings=[DUMMY] * len(ids), documents=texts, metadatas=record_metas)
        self.bump_version()

    def remove_texts(self, ids: list[str]) -> None:
        """Undo ``put_sealed_texts``: the record first, so readers stop serving the chunk at once."""
        self.articles.delete(ids=ids)
        self.chunks.delete(ids=ids)
        self.bump_version()

    def chunk_metadatas(self, ids: list[str]) -> dict[str, dict]:
        got = self.chunks.get(ids=ids, include=["metadatas"])
        return {i: m or {} for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def record_metadatas(self, doc_ids: list[str]) -> dict[str, dict]:
        got = self.articles.get(ids=doc_ids, include=["metadatas"])
        return {i: m or {} for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def repair(self) -> int:
        """Undo what a killed run left half done. Returns the number of files repaired."""
        pending = self.files.get(where={"status": "pending"}, include=["metadatas", "documents"])
        for key, meta, doc in zip(pending["ids"], pending["metadatas"], pending["documents"], strict=True):
            new_ids = doc.split()
            previous = (meta.get("previous") or "").split()
            complete = self.sealed(new_ids)
            if new_ids and complete == set(new_ids):  # killed after the new records were written: finish the swap
                self._delete_unreferenced([d for d in previous if d not in complete], except_key=key)
                self.files.upsert(ids=[key], embeddings=[DUMMY], documents=[doc],
                                  metadatas=[{"status": "done", "sha": meta.get("sha", ""), "articles": len(new_ids)}])
                continue
            kept = self.sealed(previous)
            for doc_id in [*new_ids, *previous]:  # chunks without a record: never sealed, or their record swapped out
                if doc_id not in complete and doc_id not in kept:
                    self.chunks.delete(where={"doc_id": doc_id})
            if kept:  # a file that lost some of its old records mid-swap gets no sha: the next run re-reads it
                self.files.upsert(ids=[key], embeddings=[DUMMY], documents=[" ".join(d for d in previous if d in kept)],
                                  metadatas=[{"status": "done", "sha": meta.get("previous_sha", "")
                                              if len(kept) == len(set(previous)) else ""}])
            else:
                self.files.delete(ids=[key])
            self._delete_unreferenced([d for d in complete if d not in previous], except_key="")
        return len(pending["ids"])

    def prune(self, is_gone: Callable[[str], bool]) -> tuple[int, int]:
        """Forget the files ``is_gone`` says are gone and the articles no other file names.
        Returns (files forgotten, articles removed)."""
        records = get_all(self.files, include=["documents"])
        gone = [(k, d.split()) for k, d in zip(records["ids"], records["documents"], strict=True) if is_gone(k)]
        for key, _ in gone:
            self.files.delete(ids=[key])
        removed = sum(self._delete_unreferenced(doc_ids, except_key=key) for key, doc_ids in gone)
        return len(gone), removed

    def _put_records(self, done: list[Prepared], batch: int = 1000) -> None:
        for i in range(0, len(done), batch):
            part = done[i: i + batch]
            self.articles.upsert(
                ids=[p.article.doc_id for p in part], embeddings=[DUMMY] * len(part),
                documents=[p.article.body for p in part], metadatas=[article_metadata(p) for p in part])

    def _delete_articles(self, doc_ids: list[str]) -> None:
        for doc_id in doc_ids:
            self.chunks.delete(where={"doc_id": doc_id})
        if doc_ids:
            self.articles.delete(ids=doc_ids)

    def _unreferenced(self, doc_ids: list[str], except_key: str) -> list[str]:
        """The articles no other file record names (the same article may come from two files)."""
        doomed = []
        for doc_id in doc_ids:
            refs = self.files.get(where_document={"$contains": doc_id}, include=[])["ids"]
            if not [r for r in refs if r != except_key]:
                doomed.append(doc_id)
        return doomed

    def _delete_unreferenced(self, doc_ids: list[str], except_key: str) -> int:
        doomed = self._unreferenced(doc_ids, except_key)
        self._delete_articles(doomed)
        return len(doomed)


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


def open_store(settings: Settings, client: chromadb.ClientAPI | None = None) -> NewsStore:
    """The three collections, created when missing. Raises StoreUnavailable when a server cannot be reached."""
    client = client or make_client(settings)
    url = settings.chroma_url or None
    name = settings.collection
    with _answering(url):
        chunks = client.get_or_create_collection(
            f"{name}_chunks", embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
        articles = client.get_or_create_collection(f"{name}_articles", embedding_function=None)
        files = client.get_or_create_collection(f"{name}_files", embedding_function=None)
    return NewsStore(client, *(_guard(c, url) for c in (chunks, articles, files)), url=url)


def list_corpora(client: chromadb.ClientAPI, url: str | None = None) -> dict[str, int]:
    """The named corpora of a Chroma client, {name: article count}: every ``<name>_articles`` collection
    whose ``<name>_chunks`` is there too. Reads only, so listing never creates a corpus."""
    with _answering(url):
        names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
        return {name[: -len("_articles")]: client.get_collection(name, embedding_function=None).count()
                for name in sorted(names)
                if name.endswith("_articles") and name[: -len("_articles")] + "_chunks" in names}


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
