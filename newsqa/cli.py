"""The ``newsqa`` command: ingest, ask, eval, serve, mcp, collections."""

from __future__ import annotations

import argparse
import json
import os
import sys

from core.settings import Settings, parse_answer_workers, parse_workers


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(store=getattr(args, "store", None), k=getattr(args, "k", None),
                             batch_size=getattr(args, "batch_size", None), device=getattr(args, "device", None),
                             chunk_size=getattr(args, "chunk_size", None),
                             workers=getattr(args, "workers", None),
                             answer_workers=getattr(args, "answer_workers", None),
                             collection=getattr(args, "collection", None))


def _workers(value: str) -> int:
    """``--workers``: 1 or more, or auto (kept as 0: one per core, see ``embedding.pool.resolve_workers``)."""
    try:
        return parse_workers(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of worker processes: give 1 (embed in this "
                                         "process), 2 or more, or auto (one per core)") from None


def _answer_workers(value: str) -> int:
    """``--answer-workers``: 1 or more, or auto (kept as 0: one per core, see ``newsqa.answer_pool``)."""
    try:
        return parse_answer_workers(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of answering processes: give 1 (answer in "
                                         "the server process), 2 or more, or auto (one per core)") from None


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import ingest_paths

    settings = _settings(args)
    report = ingest_paths(args.paths, settings, fmt=args.format, prune=args.prune,
                          progress=not args.json and sys.stderr.isatty())
    if args.json:
        print(report.to_json())
    else:
        for f in report.failed:
            print(f"failed: {f.path}: {f.error}", file=sys.stderr)
        for w in report.warnings[:20]:
            print(f"warning: {w.path}: {w.error}", file=sys.stderr)
        if len(report.warnings) > 20:
            print(f"warning: … and {len(report.warnings) - 20} more bad records", file=sys.stderr)
        where = settings.chroma_url or settings.store
        print(f"{report.files} files: stored {report.articles} articles in {report.chunks} chunks, "
              f"{report.skipped} unchanged, {report.duplicates} duplicates, {len(report.failed)} failed, "
              f"{report.pruned} pruned ({report.seconds:.1f}s) → {where}")
    return 1 if report.failed else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from core.records import Filters
    from qa.engine import Engine

    filters = Filters.parse(args.date_from, args.date_to, args.source, args.place)  # a bad date: exit 2, before loading
    settings = _settings(args)
    _require_collection(settings)
    engine = Engine(settings)
    questions = [args.question] if args.question else (line.strip() for line in sys.stdin)
    for question in questions:
        if not question:
            continue
        answer = engine.ask(question, k=args.k, filters=filters)
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(answer.answer)
            for c in answer.citations:
                print(f"  [{c.n}] {c.title} ({c.source or '?'}, {c.published or '日期不详'}) {c.path}:{c.start}-{c.end}")
                print(f"      “{c.quote}”")
            sys.stdout.flush()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from qa.engine import Engine
    from qa.evaluate import evaluate, format_failures, format_report, load_rows

    report = evaluate(Engine(_settings(args)), load_rows(args.file), k=args.k or 5, thresholds=args.thresholds)
    if args.json:
        print(report.to_json())
    else:
        failures = format_failures(report, args.show_failures)
        if failures:
            print(failures, file=sys.stderr)
        print(format_report(report))
    return 0


def _thresholds(value: str) -> list[float]:
    try:
        return [float(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: give comma-separated numbers, e.g. 0.2,0.4,0.6") from None


def _require_collection(settings: Settings) -> None:
    """Asking a corpus that is not there would create it empty and refuse every question: say so instead."""
    from storage.store import list_corpora, make_client

    known = list_corpora(make_client(settings), settings.chroma_url or None)
    if known and settings.collection not in known:
        raise ValueError(f"no corpus named {settings.collection!r} in {settings.chroma_url or settings.store} "
                         f"(it holds: {', '.join(known)}); pass one of those to --collection, or ingest one with "
                         f"`newsqa ingest --collection {settings.collection} PATH`")


def cmd_collections(args: argparse.Namespace) -> int:
    from storage.store import list_corpora, make_client

    settings = _settings(args)
    corpora = list_corpora(make_client(settings), settings.chroma_url or None)
    if args.json:
        print(json.dumps({"collections": [{"name": n, "articles": a} for n, a in corpora.items()]},
                         ensure_ascii=False))
    elif not corpora:
        print(f"no corpora in {settings.chroma_url or settings.store}; make one with "
              "`newsqa ingest --collection NAME PATH`")
    else:
        for name, articles in corpora.items():
            print(f"{name}\t{articles} articles{'  (default)' if name == settings.collection else ''}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from newsqa.server import serve

    serve(_settings(args), host=args.host, port=args.port)
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    from newsqa.mcp_server import run

    run(_settings(args))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsqa", description="Question answering over Chinese news articles.")
    sub = parser.add_subparsers(dest="command", required=True)

    def corpus(p: argparse.ArgumentParser) -> None:
        p.add_argument("--store", help="Chroma directory (default: vectorstore/, env NEWSQA_STORE)")
        p.add_argument("--collection", help="the named corpus in the store (default: newsqa, env NEWSQA_COLLECTION; "
                                            "`newsqa collections` lists them)")

    def common(p: argparse.ArgumentParser) -> None:
        corpus(p)
        p.add_argument("--json", action="store_true", help="print one JSON line for machines")

    p = sub.add_parser("ingest", help="clean, chunk, embed and store articles")
    p.add_argument("paths", nargs="+", help="files, directories (recursive) or glob patterns")
    p.add_argument("--format", default="auto", choices=["auto", "frontmatter", "html", "text", "jsonl", "lines"],
                   help="override the sniffed file shape")
    p.add_argument("--prune", action="store_true", help="remove articles whose files are gone")
    p.add_argument("--batch-size", type=int, dest="batch_size", help="embedding batch size")
    p.add_argument("--chunk-size", type=int, dest="chunk_size", help="target chunk size in characters")
    p.add_argument("--device", choices=["cpu", "cuda"], help="embedding device")
    p.add_argument("--workers", type=_workers, metavar="N",
                   help="embedding processes: 1 = in this process (default, env NEWSQA_WORKERS), "
                        "auto or 0 = one per core")
    common(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="answer a question (or one per line from stdin) with citations")
    p.add_argument("question", nargs="?", help="the question; omit to read one per line from stdin")
    p.add_argument("--k", type=int, help="passages to consider (default 5, env NEWSQA_K)")
    p.add_argument("--date-from", "--from", dest="date_from", metavar="YYYY-MM-DD", help="only articles published on or after")
    p.add_argument("--date-to", "--to", dest="date_to", metavar="YYYY-MM-DD", help="only articles published on or before")
    p.add_argument("--source", help="only articles of this source (publisher), e.g. 新浪财经")
    p.add_argument("--place", help="only articles that name this place, e.g. 南昌")
    common(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="score the answerer on a JSONL file of questions")
    p.add_argument("file", help='JSONL rows {"q", "expect": [regex…], "doc", "abstain", "history"} or '
                                '{"q", "answer": "<gold string>", "doc", "kind"} / {"q", "abstain": true, "kind"}')
    p.add_argument("--k", type=int, help="k for recall@k (default 5)")
    p.add_argument("--show-failures", type=int, metavar="N", dest="show_failures",
                   help="print only the first N wrong answers (default: all; 0: none)")
    p.add_argument("--thresholds", type=_thresholds, metavar="T1,T2,…",
                   help="evidence thresholds for the refusal trade-off table (default: quantiles of the run)")
    common(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="serve the chat UI, the HTTP API and /v1/chat/completions")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1, this machine only, env NEWSQA_HOST; "
                                  "0.0.0.0 for every interface, where uploads need NEWSQA_API_KEY)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--answer-workers", type=_answer_workers, dest="answer_workers", metavar="N",
                   help="answering processes: 1 = in the server process (default, env NEWSQA_ANSWER_WORKERS), "
                        "auto or 0 = one per core")
    corpus(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("mcp", help="a Model Context Protocol server on stdio with the tools ask and search")
    corpus(p)
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser("collections", help="list the store's named corpora with their article counts")
    p.add_argument("--store", help="Chroma directory (default: vectorstore/, env NEWSQA_STORE)")
    p.add_argument("--json", action="store_true", help="print one JSON line for machines")
    p.set_defaults(func=cmd_collections)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, ConnectionError, RuntimeError) as err:
        down = _store_unavailable(err)
        again = ("; then run the ingest again: it repairs whatever an interrupted run left half done"
                 if down and args.command == "ingest" else "")
        print(f"newsqa: error: {err}{again}", file=sys.stderr)
        return 1 if down else 2


def _store_unavailable(err: Exception) -> bool:
    """The Chroma server is down (exit 1, like any failed run; 2 is for a wrong command or setting).
    Looked up without importing chromadb, which a store that was never opened has not loaded."""
    store = sys.modules.get("storage.store")
    return store is not None and isinstance(err, store.StoreUnavailable)


if __name__ == "__main__":
    sys.exit(main())
