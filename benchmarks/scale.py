"""How newsqa holds up as the corpus grows: ingest rate, store size, answer latency and accuracy at
1k / 10k / 60k templated articles, with the embedded store and with a Chroma server.

    python benchmarks/scale.py                          # 1k (real embedder) and 10k (fast embedder)
    python benchmarks/scale.py --sizes 60000 --modes server --embed fast

The corpus and its questions come from benchmarks/gen_corpus.py (known answers, near-duplicates,
must-refuse questions). ``--embed fast`` swaps the model for a deterministic hashing embedder
(character 1-2-grams hashed into 384 signed buckets): it makes 60k articles ingestible in minutes
instead of hours on a laptop CPU and keeps the store, filters and lexical index at full size, but
its accuracy numbers are those of a much weaker dense retriever — read them as a floor. ``auto``
(default) uses the real embedder up to 1,000 articles and the fast one above.

Each run also asks every question a second time with the constraint-filtered dense query turned
off (``nofilter``: one unfiltered over-fetching query), to show whether the filtered query pays.
Results go to benchmarks/out/scale.json and scale.png (``--name``; the plot needs matplotlib).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.gen_corpus import GenQuestion, generate, write_corpus  # noqa: E402
from core.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
SERVER_SCRIPT = ROOT / "scripts" / "chroma-server.sh"


class HashingEmbedder:
    """Deterministic, model-free stand-in for the embedder: signed feature hashing of character
    unigrams and bigrams, L2-normalised. Same interface as ``embedding.embedder.Embedder``. For
    benchmarking the store at sizes the real model cannot embed in reasonable time; never for answers."""

    name = "hashing-384 (fast, not a language model)"

    def __init__(self, dim: int = 384):
        self.dim = dim

    def _one(self, text: str) -> np.ndarray:
        cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        feats = np.concatenate([cp, cp[:-1] * np.uint64(1_000_003) + cp[1:] + np.uint64(0x9E3779B9)])
        h = (feats * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(32)
        sign = np.where(h & np.uint64(1), 1.0, -1.0)
        v = np.bincount((h >> np.uint64(1)) % np.uint64(self.dim), weights=sign, minlength=self.dim)
        n = np.linalg.norm(v)
        return (v / n if n else v).astype(np.float32)

    def encode_passages(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.empty((0, self.dim), np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)


@dataclass
class Row:
    size: int
    mode: str  # embedded | server
    embed: str
    articles: int = 0
    chunks: int = 0
    ingest_s: float = 0.0
    articles_per_s: float = 0.0
    chunks_per_s: float = 0.0
    disk_mb: float = 0.0
    lexical_build_s: float = 0.0  # from nothing, all chunks
    lexical_update_s: float = 0.0  # after one more article was ingested
    lexical_mb: float = 0.0
    questions: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    accuracy: float = 0.0  # answerable questions: right figure, cited from the right report
    refusal: float = 0.0  # must-refuse questions that were refused
    dense_p50_ms: float = 0.0
    dense_p95_ms: float = 0.0
    stages_p50_p95_ms: dict = field(default_factory=dict)  # per stage of Engine.ask
    nofilter: dict = field(default_factory=dict)  # the same with the filtered dense query off
    filter_probe: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def judge(q: GenQuestion, answer) -> bool:
    if q.abstain:
        return answer.abstained
    return (not answer.abstained and all(re.search(rx, answer.answer) for rx in q.expect)
            and any(c.title == q.title for c in answer.citations))


def ask_all(engine, questions: list[GenQuestion]) -> dict:
    lat, dense, right, refused, fails = [], [], 0, 0, []
    stages: dict[str, list[float]] = {}
    for q in questions:
        t = time.perf_counter()
        ans = engine.ask(q.q)
        lat.append((time.perf_counter() - t) * 1000)
        dense.append(ans.timings_ms.get("dense_ms", 0.0))
        for key, ms in ans.timings_ms.items():
            stages.setdefault(key, []).append(ms)
        ok = judge(q, ans)
        if q.abstain:
            refused += ok
        else:
            right += ok
        if not ok:
            fails.append({"q": q.q, "want": q.title or "refusal", "got": ans.answer[:120],
                          "cited": [c.title for c in ans.citations][:3]})
    n_ref = sum(q.abstain for q in questions)
    return {"p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95),
            "dense_p50_ms": percentile(dense, 50), "dense_p95_ms": percentile(dense, 95),
            "accuracy": right / max(len(questions) - n_ref, 1), "refusal": refused / max(n_ref, 1),
            "stages_p50_p95_ms": {k: (round(percentile(v, 50), 1), round(percentile(v, 95), 1))
                                  for k, v in stages.items()},
            "failures": fails}


def probe_filter(engine, questions: list[GenQuestion], k: int = 20) -> dict:
    """What the constraint-filtered dense query costs and buys: its latency against the unfiltered one,
    how often the unfiltered top 2k already holds a chunk matching the asked date and place, and
    how its latency grows with the number of chunks the filter lets through."""
    from qa.retrieve import _where, date_matches, place_matches

    unf, filt, sizes, had = [], [], [], 0
    asked = 0
    for q in questions:
        question = engine.understand(q.q)
        where = _where(question)
        if where is None:
            continue
        asked += 1
        qvec = engine.embedder.encode_queries([question.raw])[0]
        t = time.perf_counter()
        res = engine.store.chunks.query(query_embeddings=[qvec], n_results=k * 2, include=["metadatas"])
        unf.append((time.perf_counter() - t) * 1000)
        had += any(date_matches(question.dates, m) and place_matches(question.places, m) for m in res["metadatas"][0])
        t = time.perf_counter()
        engine.store.chunks.query(query_embeddings=[qvec], n_results=k, where=where, include=["metadatas"])
        filt.append((time.perf_counter() - t) * 1000)
        sizes.append(len(engine.store.chunks.get(where=where, include=[])["ids"]))
    by_size = {}
    for lo, hi in ((0, 10), (10, 100), (100, 1000), (1000, 10**9)):
        sel = [f for f, n in zip(filt, sizes, strict=True) if lo <= n < hi]
        if sel:
            by_size[f"{lo}-{hi if hi < 10**9 else 'inf'} matching"] = (len(sel), round(percentile(sel, 50), 1))
    return {"questions": asked, "unfiltered_p50_p95_ms": (round(percentile(unf, 50), 1), round(percentile(unf, 95), 1)),
            "filtered_p50_p95_ms": (round(percentile(filt, 50), 1), round(percentile(filt, 95), 1)),
            "unfiltered_top_has_a_fitting_chunk": round(had / max(asked, 1), 3),
            "filtered_p50_by_matching_chunks": by_size}


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and f.suffix not in (".log", ".pid")) / 2**20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(size: int, mode: str, embedder, embed_label: str, paths: list[Path], extra: Path,
        questions: list[GenQuestion], work: Path) -> Row:
    from ingest.pipeline import ingest_paths
    from qa import retrieve
    from qa.engine import Engine
    from storage import lexical
    from storage.store import open_store

    row = Row(size, mode, embed_label, questions=len(questions))
    data_dir = work / f"{mode}-{size}"
    settings = Settings.from_env(store=data_dir, collection=f"scale{size}")
    pidfile = work / f"chroma-{size}.pid"
    if mode == "server":
        url = subprocess.run([str(SERVER_SCRIPT), "start", str(data_dir), str(free_port()), str(pidfile)],
                             check=True, capture_output=True, text=True).stdout.strip()
        settings = settings.with_(chroma_url=url)
    try:
        store = open_store(settings)
        rep = ingest_paths([str(p) for p in paths], settings, store=store, embedder=embedder)
        if rep.failed:
            raise SystemExit(f"ingest failed: {rep.failed[:3]}")
        row.articles, row.chunks, row.ingest_s = rep.articles, rep.chunks, rep.seconds
        row.articles_per_s, row.chunks_per_s = rep.articles / rep.seconds, rep.chunks / rep.seconds
        engine = Engine(settings, store=store, embedder=embedder)
        lexical._CACHE.clear()
        for stale in data_dir.glob("lexical-*.pkl"):
            stale.unlink()
        t = time.perf_counter()
        idx = lexical.lexical_index(store, engine.cache_dir)
        row.lexical_build_s = time.perf_counter() - t
        row.lexical_mb = (idx.nbytes() + sum(sys.getsizeof(s) for s in idx.ids)
                          + sum(sys.getsizeof(s) + 100 for s in idx.vocab)) / 2**20
        ingest_paths([str(extra)], settings, store=store, embedder=embedder)
        t = time.perf_counter()
        lexical.lexical_index(store, engine.cache_dir)
        row.lexical_update_s = time.perf_counter() - t
        row.disk_mb = disk_mb(data_dir)
        engine.ask("预热")
        res = ask_all(engine, questions)
        for key in ("p50_ms", "p95_ms", "dense_p50_ms", "dense_p95_ms", "accuracy", "refusal", "stages_p50_p95_ms",
                    "failures"):
            setattr(row, key, res[key])
        with mock.patch.object(retrieve, "_where", lambda q: None):
            res = ask_all(engine, questions)
        row.nofilter = {k: v for k, v in res.items() if k != "failures"}
        row.filter_probe = probe_filter(engine, questions)
    finally:
        if mode == "server":
            subprocess.run([str(SERVER_SCRIPT), "stop", str(pidfile)], check=False)
    return row


def table(rows: list[Row]) -> str:
    head = (f"{'size':>6} {'mode':>8} {'embed':>5} {'art/s':>7} {'chunk/s':>8} {'disk MB':>8} {'lex s':>6} "
            f"{'lex+1 s':>7} {'lex MB':>7} {'p50':>6} {'p95':>6} {'dense95':>7} {'acc':>6} {'refuse':>6} | "
            f"{'nofilter p95':>12} {'acc':>6} {'refuse':>6}")
    lines = [head, "-" * len(head)]
    for r in rows:
        nf = r.nofilter
        lines.append(f"{r.size:>6} {r.mode:>8} {r.embed:>5} {r.articles_per_s:>7.1f} {r.chunks_per_s:>8.1f} "
                     f"{r.disk_mb:>8.1f} {r.lexical_build_s:>6.1f} {r.lexical_update_s:>7.2f} {r.lexical_mb:>7.1f} "
                     f"{r.p50_ms:>6.0f} {r.p95_ms:>6.0f} {r.dense_p95_ms:>7.0f} {r.accuracy:>6.1%} {r.refusal:>6.1%} | "
                     f"{nf.get('p95_ms', 0):>12.0f} {nf.get('accuracy', 0):>6.1%} {nf.get('refusal', 0):>6.1%}")
    return "\n".join(lines)


def plot(rows: list[Row], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install matplotlib); skipped the plot", file=sys.stderr)
        return
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    for (mode, embed), marker in zip([(m, e) for m in ("embedded", "server") for e in ("real", "fast")],
                                     "os^D", strict=True):
        rs = sorted((r for r in rows if r.mode == mode and r.embed == embed), key=lambda r: r.size)
        if not rs:  # real and fast points are never joined by a line: they measure different embedders
            continue
        x, name = [r.size for r in rs], f"{mode}·{embed}"
        axes[0][0].plot(x, [r.p50_ms for r in rs], marker=marker, label=f"{name} p50")
        axes[0][0].plot(x, [r.p95_ms for r in rs], marker=marker, linestyle="--", label=f"{name} p95")
        axes[0][1].plot(x, [r.accuracy for r in rs], marker=marker, label=f"{name} accuracy")
        axes[0][1].plot(x, [r.refusal for r in rs], marker=marker, linestyle="--", label=f"{name} refusal")
        axes[1][0].plot(x, [r.chunks_per_s for r in rs], marker=marker, label=name)
        axes[1][1].plot(x, [r.disk_mb for r in rs], marker=marker, label=name)
    axes[0][0].axhline(300, color="grey", linewidth=0.8)
    titles = [("ask latency (ms); target p95 ≤ 300 at 60k", "ms"), ("accuracy / refusal accuracy", "fraction"),
              ("ingest rate (chunks/s)", "chunks/s"), ("store size on disk", "MB")]
    for ax, (title, ylabel) in zip([a for pair in axes for a in pair], titles, strict=True):
        ax.set_xscale("log")
        ax.set_title(title)
        ax.set_xlabel("articles")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)
    embeds = ", ".join(sorted({f"{r.size}: {r.embed}" for r in rows}))
    fig.suptitle(f"newsqa at scale (embedder per size — {embeds}; fast = hashing, not a language model)",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot → {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated article counts (default 1000,10000)")
    ap.add_argument("--modes", default="embedded,server", help="embedded, server or both (default both)")
    ap.add_argument("--embed", choices=["auto", "real", "fast"], default="auto",
                    help="real = the configured model; fast = hashing embedder; auto = real up to 1,000 articles")
    ap.add_argument("--questions", type=int, default=200, help="answerable questions per size (plus 60 to refuse)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus and stores (printed path)")
    ap.add_argument("--name", default="scale", help="output name: benchmarks/out/NAME.json and NAME.png")
    ap.add_argument("--plot", nargs="+", type=Path, metavar="JSON",
                    help="only redraw the plot (and table) from earlier runs' JSON files, merged")
    args = ap.parse_args()
    if args.plot:
        rows = [Row(**r) for f in args.plot for r in json.loads(f.read_text(encoding="utf-8"))]
        print(table(rows))
        plot(rows, OUT / f"{args.name}.png")
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="newsqa-scale-"))
    rows: list[Row] = []
    real = None
    try:
        for size in sizes:
            use_real = args.embed == "real" or (args.embed == "auto" and size <= 1000)
            if use_real and real is None:
                from embedding.embedder import get_embedder

                real = get_embedder(Settings.from_env())
                real.encode_passages(["预热"])
            embedder, label = (real, "real") if use_real else (HashingEmbedder(), "fast")
            articles, questions = generate(size + 1, args.seed, questions=args.questions)
            extra_article, articles = articles[-1], articles[:-1]  # held back: the "one more article" ingest
            questions = [q for q in questions if q.title != extra_article.title]
            corpus = work / f"corpus-{size}"
            paths = write_corpus(articles, corpus)
            extra = write_corpus([extra_article], corpus / "extra")[0]
            print(f"[{size}] {len(articles)} articles in {len(paths)} files, {len(questions)} questions, "
                  f"embedder: {embedder.name if hasattr(embedder, 'name') else label}", flush=True)
            for mode in modes:
                row = run(size, mode, embedder, label, paths, extra, questions, work)
                rows.append(row)
                print(table([row]).splitlines()[-1], flush=True)
                (OUT / f"{args.name}.json").write_text(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1))
        print()
        print(table(rows))
        print("embed: real = the configured model; fast = deterministic hashing embedder (no language model): "
              "its accuracy is a floor, its latency and sizes are real.")
        print("lex s = lexical index from nothing; lex+1 s = its update after one more article; "
              "nofilter = same questions, constraint-filtered dense query off")
        plot(rows, OUT / f"{args.name}.png")
        for r in rows:
            print(f"  [{r.size} {r.mode}] stage p50/p95 ms: {r.stages_p50_p95_ms}; nofilter: "
              f"{r.nofilter.get('stages_p50_p95_ms')}")
        print(f"  [{r.size} {r.mode}] filtered dense query: {r.filter_probe}")
        for f in r.failures[:5]:
                print(f"  ✗ [{r.size} {r.mode}] {f['q']} → {f['got'][:60]} (cited {f['cited'][:1]}, want {f['want']})")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
