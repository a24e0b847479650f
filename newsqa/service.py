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
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from ingest.records import FileError
from newsqa.corpus import ArticleView, CorpusSummary, get_article, get_bodies, summarize
from newsqa.settings import Settings
from newsqa.uploads import Limits, stage
from qa.types import Answer, Passage


@dataclass
class UploadReport:
    """What an upload did: files taken, what was refused and why, and the ingest counts."""

    received: int = 0
    files: int = 0  # files handed to the pipeline (after unzipping)
    articles: int = 0
    chunks: int = 0
    skipped: int = 0  # files already stored unchanged
    duplicates: int = 0  # articles already stored from another file
    failed: list[FileError] = field(default_factory=list)  # refused or unreadable files
    warnings: list[FileError] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        return d


class UploadDisabled(PermissionError):
    """Uploads are off (NEWSQA_ALLOW_UPLOAD=0)."""


class Service:
    def __init__(self, settings: Settings | None = None, engine=None):
        self.settings = settings or Settings.from_env()
        if engine is None:
            from qa.engine import Engine

            engine = Engine(self.settings)
        self.engine = engine
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
        from qa.retrieve import retrieve

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
        return {"status": "ok", "articles": self.store.articles.count(), "chunks": self.store.chunks.count(),
                "model": self.model, "upload": self.settings.allow_upload,
                "max_question_chars": self.settings.max_question_chars}

    def corpus(self) -> CorpusSummary:
        """The corpus summary, recomputed only when the store changed."""
        key = (self.store.version(), self.store.articles.count())
        if self._corpus is None or self._corpus[0] != key:
            self._corpus = (key, summarize(self.store))
        return self._corpus[1]

    def article(self, doc_id: str) -> ArticleView | None:
        return get_article(self.store, doc_id)

    def bodies(self, doc_ids: list[str]) -> dict[str, str]:
        return get_bodies(self.store, doc_ids)

    @property
    def upload_dir(self) -> Path:
        return Path(self.settings.store) / "uploads"

    def ingest_uploads(self, files: Iterable[tuple[str, Path | BinaryIO]], limits: Limits = Limits(),
                       progress: Callable[[int, int, str], None] | None = None) -> UploadReport:
        """Stage uploaded files (unzipping safely), then ingest them one by one, reporting progress."""
        if not self.settings.allow_upload:
            raise UploadDisabled("uploads are turned off on this server (NEWSQA_ALLOW_UPLOAD=0)")
        from ingest.pipeline import ingest_paths

        t0 = time.perf_counter()
        files = list(files)
        report = UploadReport(received=len(files))
        with self._ingest_lock:
            staged = stage(files, self.upload_dir, limits)
            report.failed += staged.rejected
            for i, path in enumerate(staged.paths):
                if progress:
                    progress(i, len(staged.paths), path.name)
                rep = ingest_paths([str(path)], self.settings, store=self.store, embedder=self.engine.embedder)
                report.files += rep.files
                report.articles += rep.articles
                report.chunks += rep.chunks
                report.skipped += rep.skipped
                report.duplicates += rep.duplicates
                report.failed += [FileError(Path(f.path).name, f.error) for f in rep.failed]
                report.warnings += [FileError(Path(f.path).name, f.error) for f in rep.warnings]
            if progress:
                progress(len(staged.paths), len(staged.paths), "")
        report.seconds = time.perf_counter() - t0
        return report

