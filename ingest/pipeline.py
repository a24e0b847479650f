"""Files → stored chunks, idempotent and safe to kill.

This module reads, prepares and embeds; every write goes through ``storage.store.NewsStore``,
which owns the order that keeps the store consistent (pending record, chunks, the sealing swap,
done record) and the repair of what a killed run left.

With ``workers`` > 1 the vectors come from worker processes (``embedding.pool``), which only
compute: every write stays in this process, in this order. (Writing one batch while the
workers embed the next was measured and dropped: chunk writes are ~2% of an ingest, and on 2
cores the workers leave no idle core for it.)
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

from tqdm import tqdm

from core.records import FileError, IngestReport, Prepared
from core.schema import chunk_metadata
from core.settings import Settings
from embedding.pool import open_embedder
from ingest.load import LoadError, discover, is_gone, load_file, read_bytes
from ingest.prepare import embedding_text, prepare
from storage.store import NewsStore, open_store


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
    bar = tqdm(files, unit="file", disable=not progress, file=sys.stderr, dynamic_ncols=True)
    for path in bar:
        report.files += 1
        try:
            _ingest_file(path, settings, fmt, store, embedder, report)  # moves the version marker itself
        except LoadError as err:
            report.failed.append(FileError(str(path), str(err)))
        bar.set_postfix(articles=report.articles, chunks=report.chunks, failed=len(report.failed), refresh=False)
    if prune:
        forgotten, report.pruned = store.prune(is_gone)
        changed |= forgotten > 0
    if changed:
        store.bump_version()
    report.seconds = time.perf_counter() - t0
    return report


def _ingest_file(path: Path, settings: Settings, fmt: str, store: NewsStore, embedder, report: IngestReport) -> None:
    key = str(path.resolve())
    data = read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    old = store.file_record(key)
    if old is not None and old.sha == sha and old.status == "done":
        report.skipped += 1
        return
    raws, problems = load_file(path, fmt, data=data)
    report.warnings += [FileError(str(path), p) for p in problems]
    prepared: dict[str, Prepared] = {}
    for raw in raws:
        p = prepare(raw, settings.chunk_size, settings.chunk_overlap)
        if p.chunks and p.article.doc_id not in prepared:
            prepared[p.article.doc_id] = p
    if not prepared:
        raise LoadError("no article text found after cleaning")
    new_ids = list(prepared)
    store.begin_file(key, sha, new_ids, old)
    stored = store.sealed(new_ids)
    report.duplicates += len(stored)
    todo = [prepared[d] for d in new_ids if d not in stored]
    batch: list[Prepared] = []
    for p in todo:
        batch.append(p)
        if sum(len(b.chunks) for b in batch) >= settings.batch_size * 4:
            _store_chunks(batch, store, embedder, settings, report)
            batch = []
    if batch:
        _store_chunks(batch, store, embedder, settings, report)
    store.seal_file(key, todo, [d for d in (old.doc_ids if old else []) if d not in prepared])
    store.finish_file(key, sha, new_ids, size=len(data), mtime=os.path.getmtime(path))


def _store_chunks(batch: list[Prepared], store: NewsStore, embedder, settings: Settings,
                  report: IngestReport) -> None:
    """Embed and store a batch's chunks; unseen by readers until their article records are written."""
    chunks = [(p, c) for p in batch for c in p.chunks]
    vectors = embedder.encode_passages([embedding_text(p.article, c) for p, c in chunks],
                                       batch_size=settings.batch_size)
    store.put_chunks([c.chunk_id for _, c in chunks], vectors, [c.text for _, c in chunks],
                     [chunk_metadata(p, c) for p, c in chunks])
    report.articles += len(batch)
    report.chunks += len(chunks)
