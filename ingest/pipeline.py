"""Files → stored chunks, idempotent and safe to kill.

Order of writes for one file: a ``pending`` file record (with the doc_ids it is about to
store and the ones it held before), then the chunks of its new articles, batch by batch, then
the swap — the records of the articles it no longer holds are deleted, the new articles'
records written, the old chunks deleted, the store's version marker moved — then the file
record marked ``done``. An article record therefore means its chunks are all stored, and readers serve only chunks whose article
has a record: while a changed article is re-ingested they see the old version, briefly neither,
or the new one, never both. A run killed midway leaves a ``pending`` record; the next run's
``repair`` finishes a swap whose new records are all written, and otherwise deletes the chunks
of articles without a record and puts the file back as far as it can (to be re-read next run);
chunk ids (``doc_id:index``) are deterministic, so a re-run can never duplicate a chunk.

With ``workers`` > 1 the vectors come from worker processes (``ingest.workers``), which only
compute: every write above stays in this process, in this order. (Writing one batch while the
workers embed the next was measured and dropped: chunk writes are ~2% of an ingest, and on 2
cores the workers leave no idle core for it.)
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

from ingest.load import LoadError, discover, is_gone, load_file, read_bytes
from ingest.prepare import Prepared, article_metadata, chunk_metadata, embedding_text, prepare
from ingest.records import FileError
from ingest.workers import open_embedder
from newsqa.settings import Settings
from newsqa.store import DUMMY, Store, get_all, open_store


@dataclass
class IngestReport:
    files: int = 0
    articles: int = 0  # stored by this run
    chunks: int = 0  # stored by this run
    skipped: int = 0  # files unchanged since they were stored
    failed: list[FileError] = field(default_factory=list)
    warnings: list[FileError] = field(default_factory=list)  # bad records inside a file that was stored
    duplicates: int = 0  # articles already stored from another file
    pruned: int = 0  # articles removed because their file is gone
    seconds: float = 0.0

    def to_json(self) -> str:
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        return json.dumps(d, ensure_ascii=False)


def ingest_paths(paths: list[str], settings: Settings | None = None, *, fmt: str = "auto",
                 prune: bool = False, progress: bool = False, store: Store | None = None,
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
                  store: Store | None, embedder) -> IngestReport:
    t0 = time.perf_counter()
    store = store or open_store(settings)
    report = IngestReport()
    changed = repair(store) > 0  # what a killed run left half done changed the data readers see
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
        changed |= _prune(store, report)
    if changed:
        store.bump_version()
    report.seconds = time.perf_counter() - t0
    return report


def _ingest_file(path: Path, settings: Settings, fmt: str, store: Store, embedder, report: IngestReport) -> None:
    key = str(path.resolve())
    data = read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    old = store.files.get(ids=[key], include=["metadatas", "documents"])
    old_ids = old["documents"][0].split() if old["ids"] else []
    if old["ids"] and old["metadatas"][0].get("sha") == sha and old["metadatas"][0].get("status") == "done":
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
    store.files.upsert(ids=[key], embeddings=[DUMMY], documents=[" ".join(new_ids)], metadatas=[{
        "status": "pending", "sha": sha, "previous": " ".join(old_ids),
        "previous_sha": old["metadatas"][0].get("sha", "") if old["ids"] else ""}])
    stored = _existing_articles(store, new_ids)
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
    gone = [d for d in old_ids if d not in prepared]
    doomed = _unreferenced(store, gone, except_key=key)
    if doomed:  # the old records go before the new ones come: readers never see both versions
        store.articles.delete(ids=doomed)
    _store_records(todo, store)
    _delete_articles(store, doomed)
    if todo or gone:  # before "done": a run killed after it still leaves the move for readers to see
        store.bump_version()
    store.files.upsert(ids=[key], embeddings=[DUMMY], documents=[" ".join(new_ids)],
                       metadatas=[{"status": "done", "sha": sha, "articles": len(new_ids),
                                   "size": len(data), "mtime": os.path.getmtime(path)}])


def _store_chunks(batch: list[Prepared], store: Store, embedder, settings: Settings, report: IngestReport) -> None:
    """Embed and store a batch's chunks; unseen by readers until their article records are written."""
    chunks = [(p, c) for p in batch for c in p.chunks]
    vectors = embedder.encode_passages([embedding_text(p.article, c) for p, c in chunks],
                                       batch_size=settings.batch_size)
    store.chunks.upsert(
        ids=[c.chunk_id for _, c in chunks], embeddings=vectors,
        documents=[c.text for _, c in chunks], metadatas=[chunk_metadata(p, c) for p, c in chunks])
    report.articles += len(batch)
    report.chunks += len(chunks)


def _store_records(done: list[Prepared], store: Store, batch: int = 1000) -> None:
    for i in range(0, len(done), batch):
        part = done[i: i + batch]
        store.articles.upsert(
            ids=[p.article.doc_id for p in part], embeddings=[DUMMY] * len(part),
            documents=[p.article.body for p in part], metadatas=[article_metadata(p) for p in part])


def _existing_articles(store: Store, doc_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(doc_ids), 500):
        found.update(store.articles.get(ids=doc_ids[i: i + 500], include=[])["ids"])
    return found


def _delete_articles(store: Store, doc_ids: list[str]) -> None:
    for doc_id in doc_ids:
        store.chunks.delete(where={"doc_id": doc_id})
    if doc_ids:
        store.articles.delete(ids=doc_ids)


def _unreferenced(store: Store, doc_ids: list[str], except_key: str) -> list[str]:
    """The articles no other file record names (the same article may come from two files)."""
    doomed = []
    for doc_id in doc_ids:
        refs = store.files.get(where_document={"$contains": doc_id}, include=[])["ids"]
        if not [r for r in refs if r != except_key]:
            doomed.append(doc_id)
    return doomed


def _delete_unreferenced(store: Store, doc_ids: list[str], except_key: str) -> int:
    doomed = _unreferenced(store, doc_ids, except_key)
    _delete_articles(store, doomed)
    return len(doomed)


def repair(store: Store) -> int:
    """Undo what a killed run left half done. Returns the number of files repaired."""
    pending = store.files.get(where={"status": "pending"}, include=["metadatas", "documents"])
    for key, meta, doc in zip(pending["ids"], pending["metadatas"], pending["documents"], strict=True):
        new_ids = doc.split()
        previous = (meta.get("previous") or "").split()
        complete = _existing_articles(store, new_ids)
        if new_ids and complete == set(new_ids):  # killed after the new records were written: finish the swap
            _delete_unreferenced(store, [d for d in previous if d not in complete], except_key=key)
            store.files.upsert(ids=[key], embeddings=[DUMMY], documents=[doc],
                               metadatas=[{"status": "done", "sha": meta.get("sha", ""), "articles": len(new_ids)}])
            continue
        kept = _existing_articles(store, previous)
        for doc_id in [*new_ids, *previous]:  # chunks without a record: never sealed, or their record swapped out
            if doc_id not in complete and doc_id not in kept:
                store.chunks.delete(where={"doc_id": doc_id})
        if kept:  # a file that lost some of its old records mid-swap gets no sha: the next run re-reads it
            store.files.upsert(ids=[key], embeddings=[DUMMY], documents=[" ".join(d for d in previous if d in kept)],
                               metadatas=[{"status": "done", "sha": meta.get("previous_sha", "")
                                           if len(kept) == len(set(previous)) else ""}])
        else:
            store.files.delete(ids=[key])
        _delete_unreferenced(store, [d for d in complete if d not in previous], except_key="")
    return len(pending["ids"])


def _prune(store: Store, report: IngestReport) -> bool:
    records = get_all(store.files, include=["documents"])
    gone = [(k, d.split()) for k, d in zip(records["ids"], records["documents"], strict=True) if is_gone(k)]
    for key, _ in gone:
        store.files.delete(ids=[key])
    for key, doc_ids in gone:
        report.pruned += _delete_unreferenced(store, doc_ids, except_key=key)
    return bool(gone)
