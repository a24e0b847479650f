"""Answer latency and accuracy against a naive LangChain baseline (similarity_search, top chunk as the
answer, same embedder) in the same run.

    python benchmarks/ask.py --limit 1000     # eval/sample_qa.jsonl over data/sample + crud_news distractors
    python benchmarks/ask.py --set dev --limit 50                   # the developers' crud_questeval set
    python benchmarks/ask.py --set dev --store /work/stores/dev     # reuse a built newsqa store (all crud_news)

``--set dev`` ingests the dev corpus (first, so its file names win when crud_news holds the same article)
and ``--limit`` crud_news articles as distractors (those that are gold documents left out), into a fresh
newsqa store and a fresh baseline store; ``--store`` reuses a newsqa store built from the same articles
(read only: the BM25 cache goes to a temporary folder), ``--baseline-store`` keeps or reuses the baseline's.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT, crud_slice, dev_set  # noqa: E402
from core.settings import Settings  # noqa: E402
from embedding.embedder import get_embedder  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from qa.engine import Engine  # noqa: E402
from qa.evaluate import (  # noqa: E402
    EvalReport,
    evaluate,
    format_failures,
    format_report,
    gold_in,
    is_answerable,
    load_rows,
    percentile,
)


@dataclass
class BaselineScore:
    accuracy: float  # all rows (a must-refuse row is always wrong: the baseline never refuses)
    answerable_accuracy: float
    p50_ms: float
    p95_ms: float


def _top_chunk_right(row: dict, text: str) -> bool:
    if not is_answerable(row):
        return False
    if "answer" in row:
        return gold_in(str(row["answer"]), text)
    return all(re.search(rx, text) for rx in row.get("expect", []))


def naive(rows, paths, embedder, store_dir: Path) -> BaselineScore:
    """The baseline: split, embed and store with LangChain; the top chunk is the answer."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.load import discover, load_file

    client = chromadb.PersistentClient(path=str(store_dir))
    db = Chroma(collection_name="naive", embedding_function=embedder, client=client)
    if db._collection.count():  # a kept --baseline-store: built from the same articles by an earlier run
        print(f"baseline: reusing {db._collection.count()} chunks in {store_dir}")
    else:
        docs = []
        for paths_group in paths:
            for f in discover(paths_group)[0]:
                for a in load_file(f)[0]:
                    docs.append(Document(page_content=a.body, metadata={"path": a.path}))
        splits = RecursiveCharacterTextSplitter(chunk_size=300, chunk_overlap=30).split_documents(docs)
        t = time.perf_counter()
        for i in range(0, len(splits), 1000):  # add_documents sends one request; Chroma caps its size
            db.add_documents(splits[i:i + 1000])
        print(f"baseline: stored {len(docs)} articles, {len(splits)} chunks in {time.perf_counter() - t:.0f}s")
    correct = answerable_right = 0
    lat = []
    for row in rows:
        t = time.perf_counter()
        top = db.similarity_search(row["q"], k=1)
        lat.append((time.perf_counter() - t) * 1000)
        ok = _top_chunk_right(row, top[0].page_content if top else "")
        correct += ok
        answerable_right += ok and is_answerable(row)
    answerable = sum(is_answerable(r) for r in rows)
    return BaselineScore(correct / max(len(rows), 1), answerable_right / answerable if answerable else 0.0,
                         percentile(lat, 50), percentile(lat, 95))


def _check_gold_docs(engine: Engine, corpus: Path) -> None:
    """A reused store must hold the gold documents under their own names, or citation and recall scores lie."""
    stems = {Path(str(m.get("path") or "")).stem for m in engine.store.article_metadatas()[1]}
    missing = sorted(f.stem for f in corpus.glob("*.txt") if f.stem not in stems)
    if missing:
        print(f"warning: {len(missing)} gold documents are not stored under their own file name "
              f"({', '.join(missing[:5])}…): stored from a crud_news line first, or not ingested; citation "
              f"accuracy and recall@k undercount them (answer accuracy is not affected)")


def _print_dev(rep: EvalReport, base: BaselineScore) -> None:
    print(format_report(rep))
    print()
    print(f"{'':10}{'answerable acc.':>17}{'refusal recall':>16}{'wrongful refusals':>19}{'p50 ms':>9}{'p95 ms':>9}")
    print(f"{'newsqa':10}{rep.answerable_accuracy:>17.1%}{rep.refusal_recall:>16.1%}"
          f"{rep.wrongful_refusal_rate:>19.1%}{rep.latency_p50_ms:>9.0f}{rep.latency_p95_ms:>9.0f}")
    print(f"{'langchain':10}{base.answerable_accuracy:>17.1%}{0.0 if rep.must_refuse else 1.0:>16.1%}"
          f"{0.0:>19.1%}{base.p50_ms:>9.0f}{base.p95_ms:>9.0f}")
    acc_ratio = rep.answerable_accuracy / base.answerable_accuracy if base.answerable_accuracy else float("inf")
    lat_ratio = rep.latency_p50_ms / base.p50_ms if base.p50_ms else float("inf")
    print(f"{'ratio':10}{acc_ratio:>16.2f}×{'':16}{'':19}{lat_ratio:>8.1f}×"
          f"{rep.latency_p95_ms / base.p95_ms if base.p95_ms else float('inf'):>8.1f}×")
    print(f"({rep.answerable} answerable and {rep.must_refuse} must-refuse questions; the baseline never refuses)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=["sample", "dev"], default="sample",
                    help="sample: eval/sample_qa.jsonl over data/sample (default); dev: crud_questeval dev set")
    ap.add_argument("--limit", type=int, help="crud_news articles to add as distractors (default: all)")
    ap.add_argument("--eval", help="question file (default: eval/sample_qa.jsonl, or the dev set's questions)")
    ap.add_argument("--store", help="reuse an already built newsqa store of the same articles instead of building one")
    ap.add_argument("--baseline-store", help="keep the baseline's Chroma here, and reuse it when it is already built")
    ap.add_argument("--show-failures", type=int, default=20, metavar="N", help="wrong answers to print (default 20)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="newsqa-ask-"))
    if args.set == "dev":
        questions, corpus = dev_set()
        gold_texts = [f.read_text(encoding="utf-8") for f in sorted(corpus.glob("*.txt"))]
        paths = [[str(corpus)], [str(crud_slice(args.limit, tmp / "in", exclude=gold_texts))]]
        eval_file = args.eval or str(questions)
    else:
        paths = [[str(ROOT / "data" / "sample"), str(crud_slice(args.limit, tmp / "in"))]]
        eval_file = args.eval or str(ROOT / "eval" / "sample_qa.jsonl")
    settings = Settings.from_env(store=args.store or tmp / "store")
    embedder = get_embedder(settings)
    if not args.store:
        for group in paths:  # one ingest per group, in order: the gold documents are stored under their names
            rep = ingest_paths(group, settings, embedder=embedder)
            print(f"ingested {rep.articles} articles ({rep.duplicates} already stored), {rep.chunks} chunks "
                  f"in {rep.seconds:.0f}s from {', '.join(Path(p).name for p in group)}")
    engine = Engine(settings, embedder=embedder)
    if args.store:
        engine.cache_dir = tmp / "lexical"  # never write into a store we were only asked to read
        if args.set == "dev":
            _check_gold_docs(engine, corpus)
    rows = load_rows(eval_file)
    engine.ask("预热")
    rep = evaluate(engine, rows)
    base = naive(rows, paths, embedder, Path(args.baseline_store) if args.baseline_store else tmp / "naive")
    if args.set == "dev":
        _print_dev(rep, base)
    else:
        print(f"newsqa   : accuracy {rep.accuracy:.1%}  refusal P/R {rep.refusal_precision:.1%}/"
              f"{rep.refusal_recall:.1%}  p50 {rep.latency_p50_ms:.0f} ms  p95 {rep.latency_p95_ms:.0f} ms  "
              f"({rep.questions} questions)")
        print(f"langchain: accuracy {base.accuracy:.1%}  (never refuses)  p50 {base.p50_ms:.0f} ms  "
              f"p95 {base.p95_ms:.0f} ms")
    if rep.failures and args.show_failures:
        print()
        print(format_failures(rep, args.show_failures))


if __name__ == "__main__":
    main()
