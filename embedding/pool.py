"""Embedding in several worker processes, for ingests on machines with cores to spare.

An ``EmbeddingPool`` starts N processes (the "spawn" start method: a process that already runs
torch threads is never forked), each loading the embedder once with ``cores // N`` threads (ONNX
Runtime's or torch's). Its ``encode_passages`` splits a call's texts across them and returns the
vectors in order, like ``Embedder.encode_passages``. Workers only compute vectors: the main
process keeps every store write, so the pipeline's crash-safety order is unchanged.

Workers never outlive the ingest: each exits when its pipe to the parent closes or its parent
changes (the parent was killed), and ignores Ctrl-C, which the parent handles by shutting the pool
down. A worker that dies (out of memory, killed) fails the call with a message, never a hang.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

import numpy as np

from core.hardware import available_gib, usable_cores
from core.settings import Settings, parse_workers
from embedding.embedder import get_embedder
from embedding.onnx_model import length_batches

START_TIMEOUT = 900.0  # seconds for a worker to load its model (the first run may build it: ~15 s)
STOP_TIMEOUT = 5.0  # seconds a worker gets to exit after a stop message before it is terminated
WORKER_GIB = 1.5  # memory "auto" sets aside per worker: the largest model's ~1 GB, plus room for its batches
_PARENT_POLL = 0.5  # seconds between a worker's checks that its parent is still alive


class WorkerError(RuntimeError):
    """An embedding worker died or could not start; the message says what to try."""


def resolve_workers(value: int | str) -> int:
    """The number of embedding processes for a ``--workers`` / ``NEWSQA_WORKERS`` value.

    1 means in-process, today's behaviour; ``auto`` (or 0) means ``auto_workers()``.
    """
    n = parse_workers(value)
    return auto_workers(usable_cores(), available_gib()) if n == 0 else n


def auto_workers(cores: int, memory_gib: float | None) -> int:
    """One process per core, as many as memory holds (each has its own model: ~0.7 GB ONNX, ~1 GB torch).

    Measured on 2 cores (benchmarks/ingest.py): as fast as one process when the machine is idle, up
    to 1.2-1.8× when other processes compete for the cores, where intra-op threads wait for each other.
    """
    fits = cores if memory_gib is None else int(memory_gib // WORKER_GIB)
    return max(1, min(cores, fits))


@contextlib.contextmanager
def open_embedder(settings: Settings) -> Iterator:
    """The embedder an ingest should use: in-process for ``workers`` = 1, else a pool, stopped on exit."""
    n = resolve_workers(settings.workers)
    if n == 1:
        yield get_embedder(settings)
        return
    with EmbeddingPool(settings, n) as pool:
        yield pool


@dataclass(frozen=True)
class _Ready:
    name: str
    dim: int
    precision: str


class EmbeddingPool:
    """N embedding processes behind ``encode_passages``; use as a context manager so they always stop."""

    def __init__(self, settings: Settings, workers: int):
        if workers < 1:
            raise ValueError(f"an embedding pool needs at least one worker, not {workers}")
        self.settings = settings
        self.threads = max(1, usable_cores() // workers)
        self._info: _Ready | None = None
        ctx = mp.get_context("spawn")
        self._procs: list[mp.process.BaseProcess] = []
        self._conns: list[Connection] = []
        try:
            for i in range(workers):
                mine, theirs = ctx.Pipe()
                proc = ctx.Process(target=_serve, args=(theirs, settings, self.threads), daemon=True,
                                   name=f"newsqa-embed-{i}")
                proc.start()
                theirs.close()  # only the worker holds its end: its death closes the pipe for us
                self._procs.append(proc)
                self._conns.append(mine)
        except BaseException:
            self.close(abort=True)
            raise

    # -- what the pipeline sees of an embedder ------------------------------------------------

    @property
    def workers(self) -> int:
        return len(self._procs)

    @property
    def name(self) -> str:
        return self._ready().name

    @property
    def dim(self) -> int:
        return self._ready().dim

    @property
    def precision(self) -> str:
        return self._ready().precision

    def __repr__(self) -> str:
        return f"EmbeddingPool({self.workers} workers × {self.threads} threads, {self.settings.embed_model})"

    def encode_passages(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """(n, dim) float32, one row per text, in order: the vectors the in-process embedder computes.

        The texts are cut into the batches the embedder itself would make (longest first,
        ``batch_size`` at a time) and whole batches are dealt to the workers: on torch, with dynamic
        int8, a text's vector depends a little on its batch-mates (cosine ~0.997 between two
        batchings), so any other split would store different vectors than ``--workers 1``. (The ONNX
        encoder runs each text alone and needs no such care; the same cut serves both.)
        """
        if not self._procs:
            raise WorkerError("this embedding pool is closed (stopped, or a worker failed); open a new one")
        try:
            info = self._ready()
            texts = list(texts)
            size = batch_size or self.settings.batch_size
            batches = length_batches(texts, size)  # the embedder's own batches (see its docstring)
            plan = [(w, mine) for w, mine in enumerate(_deal(batches, texts, self.workers)) if mine]
            for w, mine in plan:
                self._send(w, ("encode", [[texts[i] for i in batch] for batch in mine], size))
            out = np.empty((len(texts), info.dim), dtype=np.float32)
            for w, mine in plan:
                for batch, rows in zip(mine, self._recv(w), strict=True):
                    out[batch] = rows
        except BaseException:
            self.close(abort=True)  # a call cut short leaves answers in the pipes: this pool is done
            raise
        return out

    # -- lifetime -------------------------------------------------------------------------

    def close(self, abort: bool = False) -> None:
        """Stop the workers: politely (finish, then exit) or, with ``abort``, at once. Safe to call twice.

        A pool that was never used (every file unchanged) is stopped at once, not left to finish loading.
        """
        abort = abort or self._info is None
        procs, conns = self._procs, self._conns
        self._procs, self._conns = [], []
        if not abort:
            for conn in conns:
                with contextlib.suppress(OSError, ValueError):
                    conn.send(None)
            deadline = time.monotonic() + STOP_TIMEOUT
            for proc in procs:
                proc.join(max(0.0, deadline - time.monotonic()))
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join(STOP_TIMEOUT)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for conn in conns:
            conn.close()

    def __enter__(self) -> EmbeddingPool:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(abort=exc_type is not None)

    # -- plumbing -------------------------------------------------------------------------

    def _ready(self) -> _Ready:
        """The workers' model, waited for on first use: loading overlaps the first file's preparation."""
        if self._info is None:
            infos = [self._recv(i, timeout=START_TIMEOUT) for i in range(self.workers)]
            if len({(r.name, r.dim, r.precision) for r in infos}) != 1:
                raise WorkerError(f"embedding workers loaded different models or precisions: {infos}; "
                                  "set NEWSQA_QUANTIZE to bf16, int8 or off to pin one, or use --workers 1")
            self._info = infos[0]
        return self._info

    def _send(self, i: int, message) -> None:
        try:
            self._conns[i].send(message)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            raise self._died(i) from None

    def _recv(self, i: int, timeout: float | None = None):
        conn, proc = self._conns[i], self._procs[i]
        if not wait([conn, proc.sentinel], timeout):
            raise WorkerError(f"embedding worker {i} (pid {proc.pid}) did not answer within {timeout:.0f} s; "
                              "retry with --workers 1")
        try:
            kind, payload = conn.recv()
        except (EOFError, ConnectionResetError, OSError):
            raise self._died(i) from None
        if kind == "error":
            raise payload
        return payload

    def _died(self, i: int) -> WorkerError:
        proc = self._procs[i]
        proc.join(1.0)
        code = proc.exitcode
        if code is not None and code < 0:
            how = f"was killed by {signal.Signals(-code).name}"
            if code == -signal.SIGKILL:
                how += " (often the out-of-memory killer)"
        else:
            how = f"exited with status {code}" if code is not None else "closed its pipe"
        return WorkerError(f"embedding worker {i} (pid {proc.pid}) {how}; nothing half-done was stored. "
                           "Run the ingest again with fewer --workers or a smaller --batch-size "
                           "(--workers 1 embeds in this process)")


def _deal(batches: list[list[int]], texts: list[str], workers: int) -> list[list[list[int]]]:
    """Batches to workers, the costliest (rows × longest text) first, each to the least loaded worker."""
    load = [0] * workers
    dealt: list[list[list[int]]] = [[] for _ in range(workers)]
    for batch in sorted(batches, key=lambda b: -len(b) * len(texts[b[0]])):
        w = load.index(min(load))
        dealt[w].append(batch)
        load[w] += len(batch) * len(texts[batch[0]])
    return dealt


def _serve(conn: Connection, settings: Settings, threads: int) -> None:
    """A worker's life: load the embedder, embed what the parent sends until it says stop or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    _exit_with_parent()
    # read by the embedder for ONNX Runtime's and torch's thread counts (and by torch when it is imported)
    os.environ["OMP_NUM_THREADS"] = str(threads)
    if "torch" in sys.modules:  # imported already by the parent's main module, re-run here by "spawn"
        sys.modules["torch"].set_num_threads(threads)
    try:
        embedder = get_embedder(settings)
        conn.send(("ok", _Ready(embedder.name, embedder.dim, embedder.precision)))
        while True:
            message = conn.recv()
            if message is None:
                return
            _, batches, batch_size = message
            try:
                vectors = [embedder.encode_passages(texts, batch_size=batch_size) for texts in batches]
                conn.send(("ok", vectors))
            except Exception as err:  # the parent re-raises it with its type and message
                conn.send(("error", _portable(err)))
    except (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        return
    except Exception as err:  # loading failed: tell the parent why, then exit
        with contextlib.suppress(OSError):
            conn.send(("error", _portable(err)))


def _portable(err: Exception) -> Exception:
    """The worker's exception, picklable, with its traceback attached as a note for whoever prints it."""
    where = "in an embedding worker:\n" + "".join(traceback.format_exception(err))
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:  # any exception that does not survive the pipe becomes a RuntimeError
        err = RuntimeError(f"{type(err).__name__}: {err}")
    err.add_note(where)
    return err


def _exit_with_parent() -> None:
    """Exit when the parent dies, even in the middle of a batch (the pipe is only noticed between batches)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_POLL)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
