"""Ingest throughput on two shapes of folder, newsqa's pipeline against a naive LangChain pipeline with
the same embedder on each.

- ``small``: a folder of one-paragraph pages cut from crud_news, one file each (``--files``), the shape
  of a scraped newsroom folder; the cost there is per file, not per chunk.
- ``long``: crud_news articles (``--limit``), one per line of one file.

    python benchmarks/ingest.py --files 2000 --limit 300          # both shapes, one run
    python benchmarks/ingest.py --files 1000 --limit 300 --rounds 2   # newsqa/naive pairs, both orders
    python benchmarks/ingest.py --shape long --limit 150 --workers 1,2 --skip-baseline
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import crud_pages, crud_slice  # noqa: E402
from core.records import (
    IngestReport,  # noqa: E402
    RawArticle,  # noqa: E402
)
from core.settings import Settings  # noqa: E402
from embedding.embedder import get_embedder  # noqa: E402
from embedding.pool import EmbeddingPool  # noqa: E402
from ingest.load import discover, load_file  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from ingest.prepare import prepare  # noqa: E402


def naive_langchain(path: Path, embedder, store_dir: Path) -> tuple[int, int, int, float, float]:
    """RecursiveCharacterTextSplitter + Chroma.from_documents: what most RAG tutorials do.
    Returns (files, articles, chunks, seconds, CPU seconds of this process, every thread counted)."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    t0, c0 = time.perf_counter(), time.process_time()
    files, _ = discover([str(path)])
    docs = [Document(page_content=a.body, metadata={"path": a.path}) for f in files for a in load_file(f)[0]]
    splits = RecursiveCharacterTextSplitter(chunk_size=300, chunk_overlap=30).split_documents(docs)
    client = chromadb.PersistentClient(path=str(store_dir))
    Chroma.from_documents(splits, embedder, client=client, collection_name="naive")
    return len(files), len(docs), len(splits), time.perf_counter() - t0, time.process_time() - c0


def newsqa_run(path: Path, settings: Settings, workers: int) -> IngestReport:
    """One newsqa ingest into a fresh store, the model loaded (in every worker) before the clock starts."""
    with contextlib.ExitStack() as stack:
        if workers == 1:
            embedder = get_embedder(settings)
        else:
            embedder = stack.enter_context(EmbeddingPool(settings, workers))
        embedder.encode_passages(["预热"])
        c0 = time.process_time()
        rep = ingest_paths([str(path)], settings.with_(workers=workers), embedder=embedder)
        cpu = time.process_time() - c0
    load = os.getloadavg()
    print(f"  newsqa   : {rep.files} files, {rep.articles} articles, {rep.chunks} chunks in {rep.seconds:.1f}s → "
          f"{rep.files / rep.seconds:.1f} files/s, {rep.articles / rep.seconds:.1f} articles/s, "
          f"{rep.chunks / rep.seconds:.1f} chunks/s, CPU {cpu:.1f}s"
          f"{' (this process only)' if workers > 1 else ''} "
          f"(workers={workers}, {embedder.precision}, quantize={settings.quantize}; "
          f"load average {load[0]:.2f} {load[1]:.2f})", flush=True)
    return rep, cpu


def run_shape(shape: str, path: Path, settings: Settings, workers: list[int], baseline: bool, rounds: int,
              tmp: Path) -> tuple[float, float | None]:
    """newsqa (each worker count) and the naive pipeline on one folder, ``rounds`` times, the order
    swapped every round (on a shared machine the load drifts within minutes: a pair measured back to
    back, both ways round, is what can be compared). Returns the median of newsqa's chunks/s (its
    last worker count) and of its ratio to the naive pipeline's (None without the baseline)."""
    print(f"{shape}: {path}", flush=True)
    rates, ratios = [], []
    for r in range(rounds):
        ours_first = r % 2 == 0
        if baseline and not ours_first:
            naive = _naive_run(path, settings, tmp / f"naive-{shape}-{r}")
        for workers_n in workers:
            rep, cpu = newsqa_run(path, settings.with_(store=tmp / f"store-{shape}-{workers_n}-{r}"), workers_n)
        rates.append(rep.chunks / rep.seconds)
        if baseline:
            if ours_first:
                naive = _naive_run(path, settings, tmp / f"naive-{shape}-{r}")
            ratios.append(rates[-1] / naive[0])
            print(f"  ratio    : newsqa's chunks/s is {ratios[-1]:.2f}× the naive pipeline's (target ≥ 1.0)"
                  f"{' (newsqa ran first)' if ours_first else ' (naive ran first)'}", flush=True)
            if workers[-1] == 1:  # CPU, which no overlapping of work can beat once the cores are full
                print(f"  CPU      : newsqa {cpu / rep.chunks * 1000:.1f} ms a chunk, naive {naive[2] * 1000:.1f} ms: "
                      f"newsqa stores {naive[2] * rep.chunks / cpu:.2f}× the naive pipeline's chunks per CPU-second "
                      f"(on cores both keep busy, the most its chunks/s can reach against the naive's)", flush=True)
    return statistics.median(rates), statistics.median(ratios) if ratios else None


def _naive_run(path: Path, settings: Settings, store_dir: Path) -> tuple[float, float, float]:
    """(chunks/s, chunks, CPU seconds a chunk) of the naive pipeline."""
    files, articles, chunks, secs, cpu = naive_langchain(path, get_embedder(settings), store_dir)
    load = os.getloadavg()
    print(f"  langchain: {files} files, {articles} articles, {chunks} chunks in {secs:.1f}s → "
          f"{files / secs:.1f} files/s, {articles / secs:.1f} articles/s, {chunks / secs:.1f} chunks/s, "
          f"CPU {cpu:.1f}s (load average {load[0]:.2f} {load[1]:.2f})", flush=True)
    return chunks / secs, chunks, cpu / chunks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", default="small,long", help="small, long or both (default small,long)")
    ap.add_argument("--files", type=int, default=2000, help="one-paragraph files of the small shape (default 2000)")
    ap.add_argument("--limit", type=int, help="crud_news articles of the long shape (default: all 5,788)")
    ap.add_argument("--quantize", default=None, help="auto | on | off")
    ap.add_argument("--workers", default="1", help="embedding processes to compare, e.g. 1,2 (default 1)")
    ap.add_argument("--rounds", type=int, default=1, help="newsqa/naive pairs per shape, order swapped each round")
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    shapes = [s.strip() for s in args.shape.split(",") if s.strip()]
    if not shapes or set(shapes) - {"small", "long"}:
        ap.error(f"--shape takes small, long or small,long, not {args.shape!r}")
    tmp = Path(tempfile.mkdtemp(prefix="newsqa-bench-"))
    settings = Settings.from_env(store=tmp / "store", quantize=args.quantize)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    t0 = time.perf_counter()  # one-time loads (jieba's dictionary, the gazetteer), kept out like the model's
    prepare(RawArticle(path="warm-up", body="7月16日，南昌市西湖区新增报告9例阳性感染者。"))
    import jieba.posseg  # noqa: F401  (the part-of-speech table the place finder loads on first need: 1.5 s)
    print(f"newsqa startup (jieba dictionaries, gazetteer; once per process, not timed below): "
          f"{time.perf_counter() - t0:.1f}s")
    workers = [int(w) for w in args.workers.split(",")]
    rates = {}
    for shape in shapes:
        path = crud_pages(args.files, tmp / "small") if shape == "small" else crud_slice(args.limit, tmp / "long")
        rates[shape], ratio = run_shape(shape, path, settings, workers, not args.skip_baseline, args.rounds, tmp)
        if ratio is not None and args.rounds > 1:
            print(f"  median of {args.rounds} rounds: newsqa {rates[shape]:.1f} chunks/s, "
                  f"{ratio:.2f}× the naive pipeline's", flush=True)
    if len(rates) == 2:
        print(f"small/long: newsqa's chunks/s on small files is {rates['small'] / rates['long']:.2f}× its chunks/s "
              f"on long articles (target ≥ 0.8)")

if __name__ == "__main__":
    main()
