"""Files → stored chunks, idempotent and safe to kill.

This module reads, prepares and embeds; every write goes through ``storage.store.NewsStore``,
which owns the order that keeps the store consistent (pending record, chunks, the sealing swap,
done record) and the repair of what a killed run left.

Files are stored in groups: read and prepared one by one, then embedded together once their chunks
fill an embedding call (``_group_chunks``), and written with one store write of each kind
for the whole group. A folder of thousands of one-paragraph files so embeds in full batches and
writes a few times per hundred files instead of six times per file; a long file is a group alone.

With ``workers`` > 1 the vectors come from worker processes (``embedding.pool``), which only
compute: every write stays in this process, in this order. (Writing one batch while the
workers embed the next was measured and dropped: chunk writes are ~2% of an ingest, and on 2
cores the workers leave no idle core for it.)
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.records import FileError, IngestReport, Prepared
from core.schema import chunk_metadata
from core.settings import Settings
from embedding.pool import open_embedder
from ingest.load import LoadError, discover, is_gone, load_file, read_bytes
from ingest.prepare import prepare
from ingest.progress import Progress
from storage.store import FileUpdate, NewsStore, open_store


def ingest_paths(paths: list[str], settings: Settings | None = None, *, fmt: str = "auto",
                 prune: bool = False, progress: bool = False, store: NewsStore | None = None,
                 embedder=None) -> IngestReport:
    """Ingest files, directories or globs into the store; never raises for a bad file.

    Without an ``embedder`` it embeds in ``settings.workers`` processes (1: in this one).
    """
    settings = settings or Settings.from_env()
    if embedder is not None:
        return _ingest_paths(paths, settings, fmt, prune, progress, store, embedder)
    with open_embedder(settings) as embedder:
        return _ingest_paths(paths, settings, fmt, prune, progress, store, embedder)


def _ingest_paths(paths: list[str], settings: Settings, fmt: str, prune: bool, progress: bool,
                  store: NewsStore | None, embedder) -> IngestReport:
    t0 = time.perf_counter()
    store = store or open_store(settings)
    report = IngestReport()
    changed = store.repair() > 0  # what a killed run left half done changed the data readers see
    files, problems = discover(paths)
    report.failed += [FileError(p, why) for p, why in problems]
    bar = Progress(len(files), enabled=progress)
    group: list[_Staged] = []
    for window in _windows(files, READ_WINDOW):
        for staged in _stage(window, settings, fmt, store, report, bar):
            group.append(staged)
            if sum(s.chunk_count for s in group) >= _group_chunks(settings) or len(group) >= MAX_GROUP_FILES:
                _store_group(group, store, embedder, settings, report, bar)
                group = []
    _store_group(group, store, embedder, settings, report, bar)
    bar.close(report)
    if prune:
        forgotten, report.pruned = store.prune(is_gone)
        changed |= forgotten > 0
    if changed:
        store.bump_version()
    report.seconds = time.perf_counter() - t0
    return report


READ_WINDOW = 64  # files whose store records are looked up in one read
MAX_GROUP_FILES = 512  # files sealed together at most (files of duplicates embed nothing, yet need records)


def _group_chunks(settings: Settings) -> int:
    """The chunks of one embedding call, and of a group of files: full calls however small the files.

    Eight batches rather than one: on torch the embedder sorts a call's texts by length before cutting
    its batches, so a bigger call pads less (crud_news, 150 articles: 212 tokens a chunk as run in
    calls of 128 chunks, 198 in calls of 256, 191 in one call), and the ONNX encoder, which runs each
    text alone, keeps its threads busy to the call's end; a group still ends every few seconds on a
    laptop CPU, so the progress bar moves and a kill loses little."""
    return settings.batch_size * 8


@dataclass
class _Staged:
    """A file read and prepared, waiting for its group to be embedded and stored."""

    update: FileUpdate
    prepared: dict[str, Prepared]  # doc_id → article, in file order

    @property
    def chunk_count(self) -> int:
        return sum(len(p.chunks) for p in self.prepared.values())


def _windows(files: list[Path], size: int) -> Iterator[list[Path]]:
    for i in range(0, len(files), size):
        yield files[i: i + size]


def _stage(window: list[Path], settings: Settings, fmt: str, store: NewsStore, report: IngestReport,
           bar: Progress) -> Iterator[_Staged]:
    """Read and prepare the window's files; unchanged and bad ones are counted (and finished) here."""
    read: list[tuple[Path, str, bytes, float]] = []
    for path in window:
        report.files += 1
        try:
            data = read_bytes(path)
        except LoadError as err:
            report.failed.append(FileError(str(path), str(err)))
            bar.advance(1, report)
            continue
        try:
            mtime = os.path.getmtime(path)
        except OSError:  # gone or locked since it was read: what was read is still the file's text
            mtime = 0.0
        read.append((path, str(path.resolve()), data, mtime))
    records = store.file_records([key for _, key, _, _ in read])
    for path, key, data, mtime in read:
        sha = hashlib.sha256(data).hexdigest()
        old = records.get(key)
        if old is not None and old.sha == sha and old.status == "done":
            report.skipped += 1
            bar.advance(1, report)
            continue
        try:
            prepared = _prepare_file(path, data, fmt, settings, report)
        except LoadError as err:
            report.failed.append(FileError(str(path), str(err)))
            bar.advance(1, report)
            continue
        yield _Staged(FileUpdate(key, sha, list(prepared), old, size=len(data), mtime=mtime), prepared)


def _prepare_file(path: Path, data: bytes, fmt: str, settings: Settings, report: IngestReport) -> dict[str, Prepared]:
    raws, problems = load_file(path, fmt, data=data)
    report.warnings += [FileError(str(path), p) for p in problems]
    prepared: dict[str, Prepared] = {}
    for raw in raws:
        p = prepare(raw, settings.chunk_size, settings.chunk_overlap)
        if p.chunks and p.article.doc_id not in prepared:
            prepared[p.article.doc_id] = p
    if not prepared:
        raise LoadError("no article text found after cleaning")
    return prepared


def _store_group(group: list[_Staged], store: NewsStore, embedder, settings: Settings, report: IngestReport,
                 bar: Progress) -> None:
    """Store a group of files as the protocol wants it: pending records, the chunks of the articles
    no file has stored yet (each once, however many files hold it), the swap, the done records."""
    if not group:
        return
    updates = [s.update for s in group]
    store.begin_files(updates)
    stored = store.sealed(d for s in group for d in s.prepared)
    todo: dict[str, Prepared] = {}
    for s in group:
        for doc_id, p in s.prepared.items():
            if doc_id in stored or doc_id in todo:
                report.duplicates += 1
            else:
                todo[doc_id] = p
    batch: list[Prepared] = []
    for p in todo.values():
        batch.append(p)
        if sum(len(b.chunks) for b in batch) >= _group_chunks(settings):
            _store_chunks(batch, store, embedder, settings, report)
            batch = []
    if batch:
        _store_chunks(batch, store, embedder, settings, report)
    store.seal_files(updates, list(todo.values()))
    store.finish_files(updates)
    bar.advance(len(group), report)


def _store_chunks(batch: list[Prepared], store: NewsStore, embedder, settings: Settings,
                  report: IngestReport) -> None:
    """Embed and store a batch's chunks; unseen by readers until their article records are written."""
    chunks = [(p, c) for p in batch for c in p.chunks]
    vectors = embedder.encode_passages([c.text for _, c in chunks], batch_size=settings.batch_size)
    store.put_chunks([c.chunk_id for _, c in chunks], vectors, [c.text for _, c in chunks],
                     [chunk_metadata(p, c) for p, c in chunks])
    report.articles += len(batch)
    report.chunks += len(chunks)
