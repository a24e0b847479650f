"""The one object the HTTP API, the chat UI and the MCP server share: an Engine plus what a server needs.

Answers run concurrently, one per request thread: the lexical index is shared read-only and a
rebuilt one is swapped in whole after an ingest (``storage.lexical``), and the embedder is safe to
call from many threads (``embedding.onnx_model``). Ingests are serialised by a lock and do not block
answering. With ``answer_workers`` above 1, ``ask`` is handed to that many worker processes instead
(``newsqa.answer_pool``: the Python half of an answer holds the GIL, so one process uses one core);
streams, search and ingest stay in this process.

A request may name another corpus of the same store (``Filters.collection``): the service opens one Engine per
corpus on first use, on the same Chroma client and sharing the one embedder (and LLM), and keeps it. A name the
store does not hold is refused (``UnknownCollection``) rather than created empty.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

from core.records import Answer, Filters, IngestReport, Passage
from core.settings import Settings
from ingest.pipeline import ingest_paths
from newsqa.answer_pool import WARM_QUESTION, AnswerPool, resolve_answer_workers
from newsqa.uploads import Limits, stage
from qa.engine import Engine
from qa.llm import Final
from qa.retrieve import retrieve
from storage.corpus import ArticleView, CorpusSummary, get_article, summarize
from storage.store import list_corpora, open_store

UPLOAD_GROUP = 64  # files per ingest call: one embedding batch across them, progress reported between groups


class UploadDisabled(PermissionError):
    """Uploads are off (NEWSQA_ALLOW_UPLOAD=0)."""


class UnknownCollection(LookupError):
    """A request named a corpus the store does not hold."""


class Service:
    def __init__(self, settings: Settings | None = None, engine=None, pool: AnswerPool | None = None,
                 start_workers: bool = True):
        """``start_workers=False``: leave the answering processes of ``answer_workers`` to
        ``start_answer_workers`` (a server starts them once it listens, not while it loads)."""
        self.settings = settings or Settings.from_env()
        self.engine = engine if engine is not None else Engine(self.settings)
        self.pool = pool
        if start_workers:
            self.start_answer_workers()
        self._ingest_lock = threading.Lock()
        self._engines_lock = threading.Lock()
        self._engines: dict[str, Engine] = {self.settings.collection: self.engine}
        self._corpus: dict[str, tuple[tuple[int, int], CorpusSummary]] = {}

    @property
    def store(self):
        return self.engine.store

    @property
    def model(self) -> str:
        return self.settings.embed_model

    def collections(self) -> dict[str, int]:
        """The store's corpora with their article counts."""
        return list_corpora(self.store.client, self.store.url)

    def engine_for(self, collection: str | None = None) -> Engine:
        """The engine of a named corpus (None: the server's own), opened on first use and kept."""
        name = (collection or "").strip() or self.settings.collection
        with self._engines_lock:
            engine = self._engines.get(name)
            if engine is not None:
                return engine
            known = self.collections()
            if name not in known:
                have = ", ".join(known) or "none"
                raise UnknownCollection(f"collection: no corpus named {name!r} in this store (it holds: {have}); "
                                        f"pick one of those, or ingest one with `newsqa ingest --collection {name} "
                                        "PATH`")
            settings = self.settings.with_(collection=name)
            engine = Engine(settings, store=open_store(settings, client=self.store.client),
                            embedder=self.engine.embedder, llm=self.engine.llm)
            self._engines[name] = engine
            return engine

    def ask(self, question: str, history=None, k: int | None = None, filters: Filters | None = None) -> Answer:
        if self.pool is not None and self.pool.ready:
            return self.pool.ask(question, history=history, k=k, filters=filters)
        engine = self.engine_for(filters.collection if filters else None)
        return engine.ask(question, history=history, k=k, filters=filters)

    def stream(self, question: str, history=None, k: int | None = None,
               filters: Filters | None = None) -> Iterator[str | Final]:
        """``Engine.stream``: the LLM's tokens, then the Final answer (and why a streamed text was dropped)."""
        engine = self.engine_for(filters.collection if filters else None)
        return engine.stream(question, history=history, k=k, filters=filters)

    def warm_up(self) -> None:
        """Load the embedder and build the lexical index now, not on the first user's question (answering
        processes warm up as they start)."""
        self.engine.ask(WARM_QUESTION)

    def start_answer_workers(self) -> None:
        """Hand ``ask`` to ``answer_workers`` processes, started in the background: until one is up (and whenever
        none is), answers come from this process, the same answers."""
        workers = resolve_answer_workers(self.settings.answer_workers)
        if self.pool is None and workers > 1:
            self.pool = AnswerPool(self.settings, workers, wait=False)

    def close(self) -> None:
        """Stop the answering processes, if any."""
        if self.pool is not None:
            self.pool.close()

    def search(self, query: str, k: int = 5, on: date | None = None, place: str | None = None,
               filters: Filters | None = None) -> list[Passage]:
        """Passages for a query; a date or place given here must match the passage, not just rank it higher.
        ``filters`` narrow the store before ranking, as for ``ask``."""
        text = " ".join(filter(None, [place, f"{on.year}年{on.month}月{on.day}日" if on else None, query]))
        engine = self.engine_for(filters.collection if filters else None)
        q = engine.understand(text)
        passages = retrieve(engine, q, k=max(k, 5) * 4, filters=filters)
        if on:
            passages = [p for p in passages if p.date_match]
        if place:
            passages = [p for p in passages if p.place_match]
        return passages[:k]

    def health(self) -> dict:
        return {"status": "ok", "articles": self.store.article_count(), "chunks": self.store.chunk_count(),
                "model": self.model, "upload": self.settings.allow_upload,
                "max_question_chars": self.settings.max_question_chars, "collection": self.settings.collection}

    def corpus(self, collection: str | None = None) -> CorpusSummary:
        """A corpus's summary, recomputed only when its store changed."""
        engine = self.engine_for(collection)
        name, store = engine.settings.collection, engine.store
        key = (store.version(), store.article_count())
        cached = self._corpus.get(name)
        if cached is None or cached[0] != key:
            cached = self._corpus[name] = (key, summarize(store))
        return cached[1]

    def article(self, doc_id: str, collection: str | None = None) -> ArticleView | None:
        """An article of the named corpus; without a name, of the server's own or any corpus opened so far
        (a doc_id hashes the body, so it names one article whichever corpus holds it)."""
        if collection:
            return get_article(self.engine_for(collection).store, doc_id)
        for engine in [self.engine, *list(self._engines.values())]:
            view = get_article(engine.store, doc_id)
            if view is not None:
                return view
        return None

    def bodies(self, doc_ids: list[str], collection: str | None = None) -> dict[str, str]:
        return self.engine_for(collection).store.bodies(doc_ids)

    @property
    def upload_dir(self) -> Path:
        return Path(self.settings.store) / "uploads"

    def ingest_uploads(self, files: Iterable[tuple[str, Path | BinaryIO]], limits: Limits | None = None,
                       progress: Callable[[int, int, str], None] | None = None) -> IngestReport:
        """Stage uploaded files (unzipping safely), then ingest them in groups, reporting progress between groups."""
        if not self.settings.allow_upload:
            raise UploadDisabled("uploads are turned off on this server (NEWSQA_ALLOW_UPLOAD=0)")
        t0 = time.perf_counter()
        files = list(files)
        report = IngestReport(received=len(files))
        with self._ingest_lock:
            staged = stage(files, self.upload_dir, limits or Limits.from_settings(self.settings))
            report.failed += staged.rejected
            paths = staged.paths
            for i in range(0, len(paths), UPLOAD_GROUP):  # a zip of many small files is embedded in groups
                group = paths[i: i + UPLOAD_GROUP]
                if progress:
                    progress(i, len(paths), group[0].name)
                rep = ingest_paths([str(p) for p in group], self.settings, store=self.store,
                                   embedder=self.engine.embedder)
                report.add(rep, name=lambda p: Path(p).name)
            if progress:
                progress(len(staged.paths), len(staged.paths), "")
        report.seconds = time.perf_counter() - t0
        return report

