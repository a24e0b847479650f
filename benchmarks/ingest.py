"""Ingest throughput: newsqa's pipeline against a naive LangChain pipeline, same articles, same embedder.

    python benchmarks/ingest.py --limit 300      # all 5,788 articles without --limit
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import crud_slice  # noqa: E402
from ingest.load import load_file  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from newsqa.embedder import get_embedder  # noqa: E402
from newsqa.settings import Settings  # noqa: E402


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, help="articles to ingest (default: all)")
    ap.add_argument("--quantize", default=None, help="auto | on | off")
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="newsqa-bench-"))
    path = crud_slice(args.limit, tmp / "in")
    settings = Settings.from_env(store=tmp / "store", quantize=args.quantize)
    embedder = get_embedder(settings)
    embedder.encode_passages(["预热"])  # load the model outside the timing
    rep = ingest_paths([str(path)], settings, embedder=embedder)
    print(f"newsqa   : {rep.articles} articles, {rep.chunks} chunks in {rep.seconds:.1f}s → "
          f"{rep.articles / rep.seconds:.1f} articles/s, {rep.chunks / rep.seconds:.1f} chunks/s "
          f"(quantize={settings.quantize})")
    if args.skip_baseline:
        return
    n, secs = naive_langchain(path, embedder, tmp / "naive")
    print(f"langchain: {rep.articles} articles, {n} chunks in {secs:.1f}s → "
          f"{rep.articles / secs:.1f} articles/s, {n / secs:.1f} chunks/s")
    print(f"ratio    : newsqa takes {rep.seconds / secs:.2f}× the naive pipeline's time "
          f"({(rep.articles / rep.seconds) / (rep.articles / secs):.2f}× its article rate)")


if __name__ == "__main__":
    main()
