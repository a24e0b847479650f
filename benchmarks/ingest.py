"""Ingest throughput: newsqa's pipeline against a naive LangChain pipeline, same articles, same embedder.

    python benchmarks/ingest.py --limit 300      # all 5,788 articles without --limit
    python benchmarks/ingest.py --limit 150 --workers 1,2 --skip-baseline   # 1, then 2 embedding processes
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import crud_slice  # noqa: E402
from core.records import (
    IngestReport,  # noqa: E402
    RawArticle,  # noqa: E402
)
from core.settings import Settings  # noqa: E402
from embedding.embedder import get_embedder  # noqa: E402
from embedding.pool import EmbeddingPool  # noqa: E402
from ingest.load import load_file  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from ingest.prepare import prepare  # noqa: E402


def naive_langchain(path: Path, embedder, store_dir: Path) -> tuple[int, float]:
    """RecursiveCharacterTextSplitter + Chroma.from_documents: what most RAG tutorials do."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    t0 = time.perf_counter()
    articles, _ = load_file(path)
    docs = [Document(page_content=a.body, metadata={"path": a.path}) for a in articles]
    splits = RecursiveCharacterTextSplitter(chunk_size=300, chunk_overlap=30).split_documents(docs)
    client = chromadb.PersistentClient(path=str(store_dir))
    Chroma.from_documents(splits, embedder, client=client, collection_name="naive")
    return len(splits), time.perf_counter() - t0


def newsqa_run(path: Path, settings: Settings, workers: int) -> IngestReport:
    """One newsqa ingest into a fresh store, the model loaded (in every worker) before the clock starts."""
    with contextlib.ExitStack() as stack:
        if workers == 1:
            embedder = get_embedder(settings)
        else:
            embedder = stack.enter_context(EmbeddingPool(settings, workers))
        embedder.encode_passages(["预热"])
        rep = ingest_paths([str(path)], settings.with_(workers=workers), embedder=embedder)
    load = os.getloadavg()
    print(f"newsqa   : {rep.articles} articles, {rep.chunks} chunks in {rep.seconds:.1f}s → "
          f"{rep.articles / rep.seconds:.1f} articles/s, {rep.chunks / rep.seconds:.1f} chunks/s "
          f"(workers={workers}, {embedder.precision}, quantize={settings.quantize}; "
          f"load average {load[0]:.2f} {load[1]:.2f})", flush=True)
    return rep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, help="articles to ingest (default: all)")
    ap.add_argument("--quantize", default=None, help="auto | on | off")
    ap.add_argument("--workers", default="1", help="embedding processes to compare, e.g. 1,2 (default 1)")
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="newsqa-bench-"))
    path = crud_slice(args.limit, tmp / "in")
    settings = Settings.from_env(store=tmp / "store", quantize=args.quantize)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    t0 = time.perf_counter()  # one-time loads (jieba's dictionary, the gazetteer), kept out like the model's
    prepare(RawArticle(path="warm-up", body="7月16日，南昌市西湖区新增报告9例阳性感染者。"))
    print(f"newsqa startup (jieba dictionary, gazetteer; once per process, not timed below): "
          f"{time.perf_counter() - t0:.1f}s")
    for i, workers in enumerate(int(w) for w in args.workers.split(",")):
        rep = newsqa_run(path, settings.with_(store=tmp / f"store{i}"), workers)
    if args.skip_baseline:
        return
    embedder = get_embedder(settings)
    n, secs = naive_langchain(path, embedder, tmp / "naive")
    print(f"langchain: {rep.articles} articles, {n} chunks in {secs:.1f}s → "
          f"{rep.articles / secs:.1f} articles/s, {n / secs:.1f} chunks/s")
    print(f"ratio    : newsqa (last run above) takes {rep.seconds / secs:.2f}× the naive pipeline's time "
          f"({(rep.articles / rep.seconds) / (rep.articles / secs):.2f}× its article rate)")


if __name__ == "__main__":
    main()
