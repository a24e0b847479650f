"""One answering process of ``newsqa.answer_pool``: settings in, warm up, then questions in and Answers out.

Its Service is the one the server would use (an Engine per corpus, the same refusals of unknown corpora),
on a Chroma client of its own, reopened when an asked corpus's version marker moved since the client was
opened: a ``PersistentClient`` in another process than the ingest keeps serving the dense index it
loaded (checked), while the marker and the counts it reads are fresh.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from multiprocessing.connection import Connection

from core.records import Answer, Filters
from core.settings import Settings
from newsqa.answer_pool import WARM_QUESTION
from newsqa.service import Service
from qa.engine import Engine


class _Answerer:
    """A worker's Service, reopened on a fresh Chroma client when an asked corpus's version marker moved."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.service = Service(settings)
        self.seen: dict[str, int] = {}  # none yet: the first question reopens, its marker read before the client

    def ask(self, question: str, history, k: int | None, filters: Filters | None) -> Answer:
        name = (filters.collection if filters else None) or self.settings.collection
        version = self.service.engine_for(name).store.version()
        if not self.settings.chroma_url and self.seen.get(name) != version:
            self.reopen({**self.seen, name: version})
        return self.service.ask(question, history=history, k=k, filters=filters)

    def reopen(self, seen: dict[str, int]) -> None:
        """A new client, opened after ``seen`` (the markers read just now), so it holds at least those versions."""
        from chromadb.api.shared_system_client import SharedSystemClient

        old = self.service
        SharedSystemClient.clear_system_cache()  # else chromadb hands back the same client for this path
        engine = Engine(self.settings, embedder=old.engine.embedder, llm=old.engine.llm)
        self.service = Service(self.settings, engine=engine)
        self.seen = seen


def _reply(conn: Connection, kind: str, value) -> None:
    try:
        payload = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
        if kind == "error":
            pickle.loads(payload)  # an exception whose arguments do not rebuild it would fail in the server
    except Exception:  # one that cannot cross processes: its text does
        payload = pickle.dumps(("error", RuntimeError(f"{type(value).__name__}: {value}")))
    conn.send_bytes(payload)


def serve_answers(conn: Connection) -> None:
    """A worker's life: settings in, warm up, say ready, then answer until told to stop or the server is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the server decides
    settings = conn.recv()
    try:
        answerer = _Answerer(settings)
        answerer.ask(WARM_QUESTION, None, None, None)  # loads the embedder and the lexical index
    except Exception as err:
        conn.send(("failed", f"{type(err).__name__}: {err}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the server is gone
        if message is None:
            return
        _, question, history, k, filters = message
        try:
            answer = answerer.ask(question, history, k, filters)
            kind, value = "answer", answer
        except Exception as err:
            kind, value = "error", err
        try:
            _reply(conn, kind, value)
        except OSError:
            return  # the server went away while this question was answered


if __name__ == "__main__":
    serve_answers(Connection(int(sys.argv[1])))
