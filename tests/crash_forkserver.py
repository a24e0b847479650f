"""A fork server for the crash test: load the embedding model once, then run many real ingests to kill.

Starting ``python -m newsqa ingest`` costs a model load (5-15 s) per process; the crash test needs
dozens of killed runs. This process loads the embedder once and forks a child per ingest. The child
runs the real ``ingest_paths`` against its own Chroma store and is killed with SIGKILL: a delay
(``kill_after``) after the fork or after its k-th store write (``after_write``), or right after its
n-th store write (``kill_at_write``). The answer lists the writes that returned, with their times.

Why the children never run the model: a child forked from a process whose torch model has run
(OpenMP threads) hangs in its first forward pass, since the pool's threads do not survive the fork
(measured here with NEWSQA_BACKEND=torch: hung for 60 s until killed; ONNX Runtime survived, and
``torch.set_num_threads(1)`` in the child avoids the hang at the cost of one core). So a child sends
its texts back over a pipe and this process embeds them with the loaded model and all its threads,
whatever the backend. That changes nothing the test looks at: embedding writes nothing, and every
store write stays in the child. This process never opens a Chroma store, so each child starts
Chroma afresh.

Protocol: one JSON object per line on stdin, one answer per line on stdout (the process's own
prints go to stderr). The test drives it with ``ForkServer``.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD_LIMIT = 180.0  # seconds any one ingest may take before the server kills it and says so
WRITES = ("add", "upsert", "update", "delete", "modify")  # the Chroma calls that change a collection
_PR_SET_PDEATHSIG = 1


# -- the test's side ----------------------------------------------------------------------------

class ForkServerError(RuntimeError):
    """The fork server died, hung or failed; the message carries the end of its log."""


class IngestFailed(ForkServerError):
    """An ingest child raised or hung (the server itself is fine): a finding, not a broken harness."""


class ForkServer:
    """Starts the server process, sends it requests, and stops it (by its pid) when done."""

    def __init__(self, env: dict[str, str], log: Path, start_timeout: float = 600.0):
        self.log = log
        with open(log, "wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "tests.crash_forkserver"], cwd=ROOT, env=env,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
        self._buf = b""
        try:
            self.ready = self._answer(start_timeout, "load the embedding model")
        except BaseException:
            self.close()
            raise

    def ingest(self, paths: list[str], store: Path, *, kill_after: float | None = None, after_write: int = 0,
               kill_at_write: int | None = None, timeout: float = CHILD_LIMIT + 60) -> dict:
        """Run one ingest in a forked child; see ``_run`` for the answer's fields."""
        request = {"paths": paths, "store": str(store), "kill_after": kill_after, "after_write": after_write,
                   "kill_at_write": kill_at_write}
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        self.proc.stdin.flush()
        return self._answer(timeout, f"ingest into {store.name}")

    def close(self) -> None:
        """Closing stdin ends the server's loop; one that does not exit in time is killed by its pid."""
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.proc.stdout.close()

    def _answer(self, timeout: float, doing: str) -> dict:
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ForkServerError(f"the fork server did not {doing} within {timeout:.0f} s{self._tail()}")
            poller = select.poll()  # not select(): the test session may hold more than 1024 descriptors
            poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
            if poller.poll(int(left * 1000) + 1):
                data = os.read(fd, 65536)
                if not data:
                    raise ForkServerError(f"the fork server exited while asked to {doing}{self._tail()}")
                self._buf += data
        line, self._buf = self._buf.split(b"\n", 1)
        answer = json.loads(line)
        if answer.get("error"):
            failed = IngestFailed if answer.get("child") else ForkServerError
            raise failed(f"the fork server failed to {doing}: {answer['error']}{self._tail()}")
        return answer

    def _tail(self) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return f"; the end of its log ({self.log}):\n{text[-3000:]}" if text else f" (its log {self.log} is empty)"


# -- the server's side --------------------------------------------------------------------------

class _RemoteEmbedder:
    """What a child uses as its embedder: the texts go to the server, which runs the model."""

    def __init__(self, conn, info: dict):
        self.conn = conn
        self.name, self.dim, self.precision = info["name"], info["dim"], info["precision"]

    def encode_passages(self, texts: list[str], batch_size: int | None = None):
        self.conn.send(("encode", list(texts), batch_size))
        return self.conn.recv()


class _Writes:
    """A child's store writes: each is told to the server (so a kill can say where it landed), and the
    child SIGKILLs itself right after the ``kill_at``-th one."""

    def __init__(self, conn, kill_at: int | None):
        self.conn, self.kill_at, self.n = conn, kill_at, 0

    def done(self, what: str) -> None:
        self.n += 1
        self.conn.send(("wrote", what))
        if self.n == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


class _Tripwire:
    """A Chroma collection whose writes go through ``_Writes``; everything else passes straight through."""

    def __init__(self, collection, label: str, writes: _Writes):
        self._collection, self._label, self._writes = collection, label, writes

    def __getattr__(self, name: str):
        attr = getattr(self._collection, name)
        if name not in WRITES:
            return attr

        def write(*args, **kwargs):
            result = attr(*args, **kwargs)
            self._writes.done(f"{self._label}.{name}")
            return result

        return write


def _settings(store: str | None = None):
    """The environment's settings (model, batch size) on an embedded store, whatever NEWSQA_CHROMA_URL says."""
    from core.settings import Settings

    return dataclasses.replace(Settings.from_env(store=store and Path(store)), chroma_url=None)


def _state(store) -> dict:
    """What a killed run left, read before the next run repairs it: how far it got."""
    from storage.store import get_all

    records = set(get_all(store.articles, include=[])["ids"])
    chunks = get_all(store.chunks, include=["metadatas"])
    pending = store.files.get(where={"status": "pending"}, include=["metadatas", "documents"])
    sealed = sum(1 for doc in pending["documents"] if set(doc.split()) <= records)
    swapping = sum(1 for m in pending["metadatas"] if not set((m.get("previous") or "").split()) <= records)
    return {"files": len(store.files.get(include=[])["ids"]), "articles": len(records),
            "chunks": len(chunks["ids"]), "unsealed_chunks": sum(m["doc_id"] not in records
                                                                 for m in chunks["metadatas"]),
            "pending": len(pending["ids"]), "pending_sealed": sealed, "pending_old_records_gone": swapping}


def _child(request: dict, conn, info: dict) -> None:
    """Run one real ingest; never returns."""
    code = 0
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # never outlive the server
        from ingest.pipeline import ingest_paths
        from storage.store import open_store

        settings = _settings(request["store"])
        store = open_store(settings)
        before = _state(store)
        writes = _Writes(conn, request["kill_at_write"])
        store = dataclasses.replace(store, **{name: _Tripwire(getattr(store, name), name, writes)
                                              for name in ("chunks", "articles", "files")})
        report = ingest_paths(request["paths"], settings, store=store, embedder=_RemoteEmbedder(conn, info))
        conn.send(("result", {"report": json.loads(report.to_json()), "before": before}))
    except BaseException:
        traceback.print_exc()
        code = 3
    finally:
        os._exit(code)


def _kill(pidfd: int, why: str, fired: list[str]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it already ended: the pidfd never points elsewhere
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        fired.append(why)


class _Watch:
    """One child's kill clocks (the planned kill, and a limit for hangs) and the writes it reported."""

    def __init__(self, pidfd: int, request: dict):
        self.t0 = time.perf_counter()
        self.ops: list[tuple[str, float]] = []  # (collection.method, seconds since the fork)
        self.fired: list[str] = []
        self.after_write = request.get("after_write", 0)
        self.timers = [threading.Timer(CHILD_LIMIT, _kill, (pidfd, "limit", self.fired))]
        if request.get("kill_after") is not None:
            self.timers.append(threading.Timer(request["kill_after"], _kill, (pidfd, "planned", self.fired)))
        for timer in self.timers:
            timer.daemon = True  # a timer never keeps the server from exiting
        self.timers[0].start()
        self._clock(0)

    def wrote(self, op: str) -> None:
        self.ops.append((op, round(time.perf_counter() - self.t0, 3)))
        self._clock(len(self.ops))

    def _clock(self, writes: int) -> None:
        """The planned kill's delay runs from the fork, or from the chosen write."""
        if len(self.timers) > 1 and writes == self.after_write:
            self.timers[1].start()

    def stop(self) -> None:
        for timer in self.timers:
            timer.cancel()
            if timer.is_alive():
                timer.join()


def _run(request: dict, embedder, info: dict) -> dict:
    """Fork a child for ``request``, embed for it until it ends, and say how it ended."""
    from multiprocessing import Pipe

    mine, theirs = Pipe()
    pid = os.fork()
    if pid == 0:
        mine.close()
        _child(request, theirs, info)
    theirs.close()
    pidfd = os.pidfd_open(pid)
    watch = _Watch(pidfd, request)
    result: dict = {}
    try:
        _serve(mine, embedder, result, watch.wrote)
    except BaseException:
        _kill(pidfd, "server", [])
        raise
    finally:  # whatever went wrong, the child is gone and reaped before the next one is forked
        _, status = os.waitpid(pid, 0)
        seconds = time.perf_counter() - watch.t0
        watch.stop()
        os.close(pidfd)
        mine.close()
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    if "limit" in watch.fired:
        return {"child": pid, "error": f"the ingest child {pid} was still running after {CHILD_LIMIT:.0f} s, so it "
                                       f"hung and was killed; its store writes so far: "
                                       f"{' '.join(op for op, _ in watch.ops) or 'none'}"}
    if not killed and os.waitstatus_to_exitcode(status) != 0:
        return {"child": pid, "error": f"the ingest child {pid} failed with exit status "
                                       f"{os.waitstatus_to_exitcode(status)} (its traceback is in the log)"}
    return {"pid": pid, "killed": killed, "seconds": round(seconds, 3), "writes": watch.ops,
            "result": result.get("result")}


def _serve(conn, embedder, result: dict, wrote) -> None:
    """Answer a child's messages until its end of the pipe closes (it finished or was killed)."""
    try:
        while True:
            message = conn.recv()
            if message[0] == "encode":
                conn.send(embedder.encode_passages(message[1], batch_size=message[2]))
            elif message[0] == "wrote":
                wrote(message[1])
            else:
                result["result"] = message[1]
    except (EOFError, OSError):
        pass


def main() -> None:
    answers = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # prints from libraries and children go to the log, not into the protocol
    try:
        from embedding.embedder import get_embedder
        from ingest.pipeline import ingest_paths  # noqa: F401  (imported once here, not in every child)

        embedder = get_embedder(_settings())
        vectors = embedder.encode_passages(["南昌市新增报告9例阳性感染者。"])
        info = {"name": embedder.name, "dim": int(vectors.shape[1]), "precision": embedder.precision}
    except Exception as err:
        traceback.print_exc()
        answers.write(json.dumps({"error": f"loading the embedder: {err}"}) + "\n")
        return
    answers.write(json.dumps({"ready": True, "embedder": repr(embedder), **info}) + "\n")
    for line in sys.stdin:
        try:
            answer = _run(json.loads(line), embedder, info)
        except Exception as err:
            traceback.print_exc()
            answer = {"error": f"{type(err).__name__}: {err}"}
        answers.write(json.dumps(answer, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
