"""Answering in a few worker processes behind one server, so the Python half of answers uses every core.

Measured on the 2-core machine: an answer on the sample store is ~36 ms of CPU, of which the Python part
(jieba, places, scoring, Chroma's bindings) holds the GIL throughout: 1, 2 or 4 request threads of one
process all reach ~36 answers/s at 1.0 core. So each worker is a process of its own (``python -m
newsqa.answer_pool``) (``newsqa.answer_worker``) with its own ``Service`` (an Engine per corpus, its own embedder) on the same
store. A request thread hands an idle worker (question, history, k, filters) over a socket and gets
the ``Answer`` dataclass back (pickled, as ``multiprocessing.connection`` does); an error raised in
the worker is raised again in the request thread (an unknown corpus is still a 422, a Chroma server
that is down a 503).

Ingest stays in the server process. A Chroma ``PersistentClient`` held by another process sees the
moved version marker and the new chunk count, but its dense index stays as it was when the client
was opened (checked: a worker kept answering from the old vectors). So before each question a
worker reads the asked corpus's marker and, when it moved since its client was opened, opens a new
client (the old one is dropped from chromadb's per-path cache); the embedder and the lexical index
are kept. Against a Chroma server (``NEWSQA_CHROMA_URL``) there is nothing to reopen.

A worker that dies is replaced by a monitor thread; a question it held is asked once more of another
worker. A question a worker does not answer within ``timeout`` seconds is an ``AnswerUnavailable``
(HTTP 503) and that worker is killed and replaced: a request never hangs.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from core.hardware import available_gib, usable_cores
from core.records import Answer, Filters
from core.settings import Settings
from embedding.pool import auto_workers
from storage.store import StoreUnavailable

log = logging.getLogger("newsqa.answer_pool")

ANSWER_TIMEOUT = 60.0  # seconds one question may take in a worker (plus NEWSQA_LLM_TIMEOUT when an LLM words it)
START_TIMEOUT = 180.0  # seconds a new worker may take to load its embedder and answer its warm-up question
RESTART_PAUSE = 5.0  # seconds between attempts when a replacement worker fails to start
WARM_QUESTION = "南昌7月16日新增多少例"


class AnswerUnavailable(StoreUnavailable):
    """No answering process gave an answer in time (or two died on the question): the server answers 503.

    A ``StoreUnavailable`` so that the API and the CLI report it as they report a store that is down."""


def resolve_answer_workers(value: int | None) -> int:
    """Answering processes for a setting: unset is 1 (in-thread); 0 (``auto``) is one per core, as memory
    allows (each worker holds its own embedder, ~0.9 GB). Not the default: on two idle cores the pool
    answers ~1.2× the in-thread server's requests a second (benchmarks/load.py), for 1.8 GB."""
    if value is None:
        value = 1
    return auto_workers(usable_cores(), available_gib()) if value == 0 else value


@dataclass
class _Worker:
    proc: subprocess.Popen
    conn: Connection
    retired: bool = field(default=False)

    @property
    def alive(self) -> bool:
        return not self.retired and self.proc.poll() is None


class AnswerPool:
    """``workers`` answering processes on ``settings``' store; ``ask`` is safe from many threads."""

    def __init__(self, settings: Settings, workers: int, timeout: float | None = None, wait: bool = True):
        """``wait``: start the workers before returning (an error if one cannot start); else in the background,
        while ``ready`` is False (a server then answers in-process meanwhile, and listens at once)."""
        self.settings = settings.with_(answer_workers=1)  # a worker answers in its own thread, no pool of its own
        self.size = workers
        self.timeout = timeout or ANSWER_TIMEOUT + (settings.llm_timeout if settings.llm_base_url else 0.0)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        # the cores shared out: ONNX Runtime's threads of two workers on one core would spin against each other
        # (a question not seen before cost 81 ms of CPU on two threads against 39 ms on one)
        self.threads = max(1, usable_cores() // workers)
        if wait:
            self._start_all()
        self._monitor = threading.Thread(target=self._watch, args=(not wait,), name="answer-pool", daemon=True)
        self._monitor.start()

    @property
    def ready(self) -> bool:
        """Some worker has started and takes questions."""
        with self._lock:
            return any(w.alive for w in self._workers)

    def pids(self) -> list[int]:
        """The live workers' process ids (tests and logs)."""
        with self._lock:
            return [w.proc.pid for w in self._workers if w.alive]

    def ask(self, question: str, history=None, k: int | None = None, filters: Filters | None = None) -> Answer:
        message = pickle.dumps(("ask", question, history, k, filters), protocol=pickle.HIGHEST_PROTOCOL)
        deadline = time.monotonic() + self.timeout
        for _ in range(2):  # a worker that dies on the question: once more on another
            worker = self._take(deadline)
            try:
                worker.conn.send_bytes(message)
                if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                    raise TimeoutError
                kind, value = worker.conn.recv()
            except TimeoutError:
                self._retire(worker)
                raise AnswerUnavailable(f"no answer within {self.timeout:.0f} s from answering process "
                                        f"{worker.proc.pid} (killed, a new one is starting); ask again, or restart "
                                        "the server with --answer-workers 1 to answer in the server process") from None
            except (EOFError, OSError):
                log.warning("answering process %s died on a question; asking another", worker.proc.pid)
                self._retire(worker)
                continue
            except BaseException:  # interrupted mid-exchange: its next reply would answer the wrong question
                self._retire(worker)
                raise
            self._idle.put(worker)
            if kind == "error":
                raise value
            return value
        raise AnswerUnavailable("two answering processes died on this question (see the server log); ask again, "
                                "or restart the server with --answer-workers 1 to answer in the server process")

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            workers, self._workers = self._workers, []
        for worker in workers:
            _stop(worker)

    # -- workers ---------------------------------------------------------------------------------------

    def _take(self, deadline: float) -> _Worker:
        while True:
            if self._closed.is_set():
                raise AnswerUnavailable("the answering processes were stopped (the server is shutting down); "
                                        "ask again once it is back")
            left = deadline - time.monotonic()
            try:
                worker = self._idle.get(timeout=max(0.0, left))
            except queue.Empty:
                raise AnswerUnavailable(f"no answering process became free within {self.timeout:.0f} s (all "
                                        "busy or restarting); ask again, or restart the server with more "
                                        "--answer-workers") from None
            if worker.alive:
                return worker
            self._retire(worker)  # died while idle: the monitor replaces it

    def _admit(self, worker: _Worker) -> None:
        """Wait for a started worker's warm-up; then it takes questions."""
        if not worker.conn.poll(START_TIMEOUT):
            _stop(worker)
            raise AnswerUnavailable(f"an answering process did not start within {START_TIMEOUT:.0f} s; see the "
                                    "server log, or run with --answer-workers 1")
        try:
            kind, value = worker.conn.recv()
        except (EOFError, OSError):
            kind, value = "failed", f"it exited with status {worker.proc.wait()}"
        if kind != "ready":
            _stop(worker)
            raise AnswerUnavailable(f"an answering process could not start: {value}; fix that, or run with "
                                    "--answer-workers 1")
        with self._lock:
            if self._closed.is_set():
                _stop(worker)
                return
            self._workers.append(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            worker.retired = True
        _stop(worker, wait=0.0)

    def _start_all(self) -> None:
        started = [self._spawn() for _ in range(self.size)]  # they load in parallel
        try:
            for worker in started:
                self._admit(worker)
        except BaseException:
            for worker in started:
                _stop(worker)
            raise

    def _watch(self, start: bool) -> None:
        """Start the workers (``start``), then replace dead ones, one at a time, until the pool is closed."""
        if start:
            try:
                self._start_all()
                print(f"newsqa: {self.size} answering processes ready", file=sys.stderr, flush=True)
            except AnswerUnavailable as err:
                log.error("%s; answering in the server process until one starts", err)
        while not self._closed.wait(0.2):
            with self._lock:
                dead = [w for w in self._workers if not w.alive]
                self._workers = [w for w in self._workers if w.alive]
                missing = self.size - len(self._workers)
            for worker in dead:
                _stop(worker, wait=0.0)
                log.warning("answering process %s is gone (status %s); starting a new one", worker.proc.pid,
                            worker.proc.poll())
            for _ in range(missing):
                if self._closed.is_set():
                    return
                try:
                    self._admit(self._spawn())
                except AnswerUnavailable as err:
                    log.error("%s; trying again in %.0f s", err, RESTART_PAUSE)
                    self._closed.wait(RESTART_PAUSE)
                    break


    def _spawn(self) -> _Worker:
        return _spawn(self.settings, self.threads)


def _spawn(settings: Settings, threads: int) -> _Worker:
    """Start ``python -m newsqa.answer_worker`` on this code (its folder first on the path), talking over a socket."""
    ours, theirs = socket.socketpair()
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    env.setdefault("OMP_NUM_THREADS", str(threads))  # read by the embedder (core.hardware); the user's choice stands
    try:
        # the server's working directory, so a relative store path names the same store; stdout stays clean
        # for a server that speaks on it (MCP)
        proc = subprocess.Popen([sys.executable, "-m", "newsqa.answer_worker", str(theirs.fileno())], env=env,
                                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    finally:
        theirs.close()
    conn = Connection(ours.detach())
    conn.send(settings)
    return _Worker(proc, conn)


def _stop(worker: _Worker, wait: float = 5.0) -> None:
    """Ask a worker to leave, then make sure it does."""
    try:
        if wait and worker.proc.poll() is None:
            worker.conn.send(None)
            worker.proc.wait(timeout=wait)
    except (OSError, subprocess.TimeoutExpired):
        pass
    if worker.proc.poll() is None:
        worker.proc.kill()
        try:
            worker.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.error("answering process %s does not exit after SIGKILL", worker.proc.pid)
    worker.conn.close()
