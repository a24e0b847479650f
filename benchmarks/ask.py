"""Answer latency and accuracy over eval/sample_qa.jsonl with crud_news as distractors, against a
naive LangChain baseline (similarity_search, top chunk as the answer) in the same run.

    python benchmarks/ask.py --limit 1000     # crud_news articles beside the sample (default: all)
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT, crud_slice  # noqa: E402
from core.settings import Settings  # noqa: E402
from embedding.embedder import get_embedder  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from qa.engine import Engine  # noqa: E402
from qa.evaluate import evaluate, load_rows, percentile  # noqa: E402


def naive(rows, paths, embedder, store_dir: Path) -> tuple[float, float, float]:
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.load import discover, load_file

    docs = []
    for f in discover(paths)[0]:
        for a in load_file(f)[0]:
            docs.append(Document(page_content=a.body, metadata={"path": a.path}))
    splits = RecursiveCharacterTextSplitter(chunk_size=300, chunk_overlap=30).split_documents(docs)
    db = Chroma.from_documents(splits, embedder, client=chromadb.PersistentClient(path=str(store_dir)),
                               collection_name="naive")
    correct, lat = 0, []
    for row in rows:
        t = time.perf_counter()
        top = db.similarity_search(row["q"], k=1)
        lat.append((time.perf_counter() - t) * 1000)
        text = top[0].page_content if top else ""
        if not row.get("abstain") and all(re.search(rx, text) for rx in row.get("expect", [])):
            correct += 1
    return correct / len(rows), percentile(lat, 50), percentile(lat, 95)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, help="crud_news articles to add as distractors (default: all)")
    ap.add_argument("--eval", default=str(ROOT / "eval" / "sample_qa.jsonl"))
    ap.add_argument("--store", help="reuse an already built store (sample + crud_news) instead of building one")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="newsqa-ask-"))
    paths = [str(ROOT / "data" / "sample"), str(crud_slice(args.limit, tmp / "in"))]
    settings = Settings.from_env(store=args.store or tmp / "store")
    embedder = get_embedder(settings)
    if not args.store:
        rep = ingest_paths(paths, settings, embedder=embedder)
        print(f"ingested {rep.articles} articles, {rep.chunks} chunks in {rep.seconds:.0f}s")
    engine = Engine(settings, embedder=embedder)
    rows = load_rows(args.eval)
    engine.ask("预热")
    rep = evaluate(engine, rows)
    print(f"newsqa   : accuracy {rep.accuracy:.1%}  refusal P/R {rep.refusal_precision:.1%}/{rep.refusal_recall:.1%}  "
          f"p50 {rep.latency_p50_ms:.0f} ms  p95 {rep.latency_p95_ms:.0f} ms  ({rep.questions} questions)")
    acc, p50, p95 = naive(rows, paths, embedder, tmp / "naive")
    print(f"langchain: accuracy {acc:.1%}  (never refuses)  p50 {p50:.0f} ms  p95 {p95:.0f} ms")
    for f in rep.failures:
        print(f"  ✗ {f['q']} → {f['answer'][:80]}")


if __name__ == "__main__":
    main()
