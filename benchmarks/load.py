"""Load test of POST /api/ask on loopback: N concurrent clients × M questions each, bounded in time.

Starts `newsqa serve` on a free loopback port over a store it builds from data/sample (or the one
given by --store), warms it up, runs the clients, prints throughput, latency percentiles and
errors (a failed request, or an answer that differs from the one the same question got when asked
alone), and stops the server. Every request has a timeout and the whole run a hard deadline.

    python benchmarks/load.py                       # 32 clients × 20 questions
    python benchmarks/load.py --clients 8 --questions 5 --store vectorstore
    python benchmarks/load.py --answer-workers 1     # answer in the server process (default: serve's own, auto)

The load average is printed before and after the run: the clients share the machine with the server.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval" / "sample_qa.jsonl"
FALLBACK_QUESTIONS = ["南昌7月16日新增多少例", "长春4月3日新增本地确诊多少例？", "南昌7月20日新增多少例？",
                      "How many new cases did Nanchang report on July 16?"]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    i = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[i]


def questions() -> list[str]:
    if EVAL.exists():
        rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
        qs = [r["q"] for r in rows if not r.get("history")]
        if qs:
            return qs
    return FALLBACK_QUESTIONS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, question: str, timeout: float) -> dict:
    req = urllib.request.Request(url, data=json.dumps({"question": question}).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.load(r)


def wait_health(base: str, proc: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not come up in time")


def wait_answering(log: Path, proc: subprocess.Popen, deadline: float) -> None:
    """Answering processes start once the server listens (it answers in-process meanwhile): measure after."""
    while "answering processes, starting" in log.read_text(encoding="utf-8", errors="replace"):
        if "answering processes ready" in log.read_text(encoding="utf-8", errors="replace"):
            return
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the answering processes did not start; see {log}")
        time.sleep(0.5)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--questions", type=int, default=20, help="questions per client")
    ap.add_argument("--store", help="serve this store instead of building one from data/sample")
    ap.add_argument("--timeout", type=float, default=900, help="hard limit for the whole run, seconds")
    ap.add_argument("--request-timeout", type=float, default=120, help="limit for one request, seconds")
    ap.add_argument("--answer-workers", help="passed to `newsqa serve --answer-workers` (default: serve's own)")
    args = ap.parse_args()
    deadline = time.monotonic() + args.timeout
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}

    tmp = Path(tempfile.mkdtemp(prefix="newsqa-load-"))
    store = Path(args.store) if args.store else tmp / "store"
    if not args.store:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "newsqa", "ingest", str(ROOT / "data" / "sample"), "--store", str(store)],
                       check=True, env=env, cwd=ROOT, timeout=max(1.0, deadline - time.monotonic()))
        print(f"built a store of data/sample in {time.perf_counter() - t:.0f}s")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp / "server.log").open("wb")
    serve = [sys.executable, "-m", "newsqa", "serve", "--port", str(port), "--store", str(store)]
    if args.answer_workers:
        serve += ["--answer-workers", args.answer_workers]
    proc = subprocess.Popen(serve, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        t = time.perf_counter()
        wait_health(base, proc, deadline)
        wait_answering(Path(log.name), proc, deadline)
        print(f"server up in {time.perf_counter() - t:.0f}s (pid {proc.pid}, log {log.name})")
        qs = questions()
        url = base + "/api/ask"
        # warm-up, not measured: every question once, one at a time, whose answers the load must reproduce
        serial = {q: post(url, q, args.request_timeout)["answer"] for q in dict.fromkeys(qs)}
        print(f"asked the {len(serial)} questions one at a time (warm-up and reference answers)")

        latencies: list[float] = []
        errors: list[str] = []
        abstained = [0]
        lock = threading.Lock()

        def client(c: int) -> None:
            for i in range(args.questions):
                left = deadline - time.monotonic()
                if left <= 0:
                    with lock:
                        errors.append("deadline reached before the request was sent")
                    return
                q = qs[(c * args.questions + i) % len(qs)]
                t0 = time.perf_counter()
                try:
                    out = post(url, q, min(args.request_timeout, left))
                    ok = isinstance(out.get("answer"), str)
                except Exception as err:  # counted and printed, the run goes on
                    with lock:
                        errors.append(f"{type(err).__name__}: {err}")
                    continue
                with lock:
                    latencies.append((time.perf_counter() - t0) * 1000)
                    abstained[0] += bool(out.get("abstained"))
                    if not ok:
                        errors.append(f"malformed answer for {q!r}")
                    elif out["answer"] != serial[q]:  # concurrency must not change an answer
                        errors.append(f"the answer to {q!r} differs from the serial one")

        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(client, range(args.clients)))
        wall = time.perf_counter() - t
        total = args.clients * args.questions
        print(f"{args.clients} clients × {args.questions} questions = {total} requests in {wall:.1f}s")
        print(f"throughput {len(latencies) / wall:.1f} req/s; latency p50 {percentile(latencies, 50):.0f} ms, "
              f"p95 {percentile(latencies, 95):.0f} ms, max {max(latencies, default=float('nan')):.0f} ms; "
              f"{abstained[0]} abstained; errors {len(errors)}")
        print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        for e in sorted(set(errors))[:10]:
            print(f"  error: {e}")
        return 1 if errors else 0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


if __name__ == "__main__":
    sys.exit(main())
