"""The one object the HTTP API, the chat UI and the MCP server share: an Engine plus what a server needs.

Answers are serialised by a lock: the engine's lexical cache is rebuilt in place after an
ingest and is not safe to build twice at once, and on a CPU the embedder already uses every
core, so parallel answers would not be faster. Ingests are serialised by a second lock and do
not block answering.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import BinaryIO

from core.records import Answer, IngestReport, Passage
from core.settings import Settings
from ingest.pipeline import ingest_paths
from newsqa.uploads import Limits, stage
from qa.engine import Engine
from qa.retrieve import retrieve
from storage.corpus import ArticleView, CorpusSummary, get_article, summarize


class UploadDisabled(PermissionError):
    """Uploads are off (NEWSQA_ALLOW_UPLOAD=0)."""


class Service:
    def __init__(self, settings: Settings | None = None, engine=None):
        self.settings = settings or Settings.from_env()
        self.engine = engine if engine is not None else Engine(self.settings)
        self._ask_lock = threading.Lock()
        self._ingest_lock = threading.Lock()
        self._corpus: tuple[tuple[int, int], CorpusSummary] | None = None

    @property
    def store(self):
        return self.engine.store

    @property
    def model(self) -> str:
        return self.settings.embed_model

    def ask(self, question: str, history=None, k: int | None = None) -> Answer:
        with self._ask_lock:
            return self.engine.ask(question, history=history, k=k)

    def warm_up(self) -> None:
        """Load the embedder and build the lexical index now, not on the first user's question."""
        self.ask("南昌7月16日新增多少例")

    def search(self, query: str, k: int = 5, on: date | None = None, place: str | None = None) -> list[Passage]:
        """Passages for a query; a date or place given here must match the passage, not just rank it higher."""
        text = " ".join(filter(None, [place, f"{on.year}年{on.month}月{on.day}日" if on else None, query]))
        with self._ask_lock:
            q = self.engine.understand(text)
            passages = retrieve(self.engine, q, k=max(k, 5) * 4)
        if on:
            passages = [p for p in passages if p.date_match]
        if place:
            passages = [p for p in passages if p.place_match]
        return passages[:k]

    def health(self) -> dict:
        return {"status": "ok", "articles": self.store.article_count(), "chunks": self.store.chunk_count(),
                "model": self.model, "upload": self.settings.allow_upload,
                "max_question_chars": self.settings.max_question_chars}

    def corpus(self) -> CorpusSummary:
        """The corpus summary, recomputed only when the store changed."""
        key = (self.store.version(), self.store.article_count())
        if self._corpus is None or self._corpus[0] != key:
            self._corpus = (key, summarize(self.store))
        return self._corpus[1]

    def article(self, doc_id: str) -> ArticleView | None:
        return get_article(self.store, doc_id)

    def bodies(self, doc_ids: list[str]) -> dict[str, str]:
        return self.store.bodies(doc_ids)

    @property
    def upload_dir(self) -> Path:
        return Path(self.settings.store) / "uploads"

    def ingest_uploads(self, files: Iterable[tuple[str, Path | BinaryIO]], limits: Limits | None = None,
                       progress: Callable[[int, int, str], None] | None = None) -> IngestReport:
        """Stage uploaded files (unzipping safely), then ingest them one by one, reporting progress."""
        if not self.settings.allow_upload:
            raise UploadDisabled("uploads are turned off on this server (NEWSQA_ALLOW_UPLOAD=0)")
        t0 = time.perf_counter()
        files = list(files)
        report = IngestReport(received=len(files))
        with self._ingest_lock:
            staged = stage(files, self.upload_dir, limits or Limits.from_settings(self.settings))
            report.failed += staged.rejected
            for i, path in enumerate(staged.paths):
                if progress:
                    progress(i, len(staged.paths), path.name)
                rep = ingest_paths([str(path)], self.settings, store=self.store, embedder=self.engine.embedder)
                report.add(rep, name=lambda p: Path(p).name)
            if progress:
                progress(len(staged.paths), len(staged.paths), "")
        report.seconds = time.perf_counter() - t0
        return report

