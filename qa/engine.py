"""The one engine behind the CLI, the HTTP API and the chat UI: question in, Answer out."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from core.records import Answer, Filters
from core.settings import Settings
from embedding.embedder import get_embedder
from qa.compose import compose
from qa.llm import Final, chat_model, llm_answer, stream_llm_answer
from qa.question import Question, parse, with_history
from qa.retrieve import query_text, retrieve
from qa.series import answer_series, asks_series
from storage.lexical import lexical_index
from storage.store import NewsStore, open_store


def message_text(content) -> str:
    """A chat message's text, whichever shape a client sends it in: a string, a list of parts
    ({"type": "text", "text": …}, files and images left out) or one part."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, (list, tuple)):
        return "".join(message_text(p) for p in content
                       if not (isinstance(p, dict) and p.get("type", "text") != "text"))
    return ""


def history_questions(history) -> list[str]:
    """Earlier user turns from any common shape: ["q1", …], [("q1", "a1"), …] or [{"role", "content"}, …]
    (the content a string or a list of parts, as Gradio and OpenAI clients send it)."""
    out: list[str] = []
    for turn in history or []:
        if isinstance(turn, str):
            out.append(turn)
        elif isinstance(turn, dict):
            if turn.get("role", "user") == "user" and (text := message_text(turn.get("content"))):
                out.append(text)
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            out.append(turn[0])
    return out


class Engine:
    """Holds the store, the embedder and the lexical cache; cheap to call many times."""

    def __init__(self, settings: Settings | None = None, store: NewsStore | None = None, embedder=None, llm=None):
        self.settings = settings or Settings.from_env()
        self.store = store or open_store(self.settings)
        self.embedder = embedder if embedder is not None else get_embedder(self.settings)
        self.cache_dir: Path | None = None if self.settings.chroma_url else Path(self.settings.store)
        self.llm = llm
        self._vectors: dict[str, object] = {}
        self._vectors_lock = threading.Lock()
        if self.llm is None and self.settings.llm_base_url:
            self.llm = chat_model(self.settings)

    def query_vector(self, text: str):
        """The question's vector, computed once for retrieval and the sentence rerank alike."""
        with self._vectors_lock:
            vec = self._vectors.get(text)
        if vec is None:
            vec = self.embedder.encode_queries([text])[0]
            with self._vectors_lock:
                self._vectors[text] = vec
                while len(self._vectors) > 256:  # oldest first: dicts keep insertion order
                    self._vectors.pop(next(iter(self._vectors)))
        return vec

    def similarity(self, question: str, texts: list[str]) -> list[float]:
        """Cosine of the question to each text by the embedder (unit vectors: a dot product)."""
        qvec = self.query_vector(question)
        return [float(v @ qvec) for v in self.embedder.encode_passages(texts)]

    def understand(self, question: str, history=None) -> Question:
        q = parse(question)
        earlier = history_questions(history)
        return with_history(q, earlier) if earlier else q

    def ask(self, question: str, history=None, k: int | None = None, filters: Filters | None = None) -> Answer:
        """``filters`` narrow this engine's store (its ``collection`` field is the service's business)."""
        ready = self._extractive(question, history, k, filters)
        if isinstance(ready, Answer):
            return ready
        q, passages, answer, timings, t0 = ready
        if self.llm is not None and not answer.abstained:
            t = time.perf_counter()
            answer = llm_answer(self.llm, q, passages, fallback=answer)
            timings["llm_ms"] = (time.perf_counter() - t) * 1000
        return _finish(answer, question, timings, t0)

    def stream(self, question: str, history=None, k: int | None = None,
               filters: Filters | None = None) -> Iterator[str | Final]:
        """The LLM's tokens as they come (none without an LLM, or when it is not asked), then a ``Final``:
        the answer to show and, when the streamed text was dropped, why (``qa.llm.FALLBACKS``)."""
        ready = self._extractive(question, history, k, filters)
        if isinstance(ready, Answer):
            yield Final(ready)
            return
        q, passages, answer, timings, t0 = ready
        if self.llm is None or answer.abstained:
            yield Final(_finish(answer, question, timings, t0))
            return
        t = time.perf_counter()
        for event in stream_llm_answer(self.llm, q, passages, answer, self.settings.llm_timeout):
            if isinstance(event, Final):
                timings["llm_ms"] = (time.perf_counter() - t) * 1000
                yield replace(event, answer=_finish(event.answer, question, timings, t0))
            else:
                yield event

    def _extractive(self, question: str, history, k: int | None, filters: Filters | None = None):
        """Either a finished Answer (an empty or too long question) or (question, passages, the extractive
        answer, timings, start time) for the LLM to word."""
        t0 = time.perf_counter()
        question = (question or "").strip()
        if not question:
            return Answer(question, "请输入一个问题。", True, [], {"total_ms": 0.0})
        if len(question) > self.settings.max_question_chars:
            return Answer(question[:200], f"问题太长（超过 {self.settings.max_question_chars} 个字符），请缩短后再问。",
                          True, [], {"total_ms": 0.0})
        timings: dict[str, float] = {}
        q = self.understand(question, history)
        timings["understand_ms"] = (time.perf_counter() - t0) * 1000
        if (series := asks_series(q)) is not None:  # figures over days: a table of its own, never reworded by an LLM
            return _finish(answer_series(self, q, series, filters), question, timings, t0)
        lexical = lexical_index(self.store, self.cache_dir)  # one freshness read for the whole answer
        passages = retrieve(self, q, k=max(k or self.settings.k, 5) * 4, timings=timings, filters=filters,
                            lexical=lexical)
        t = time.perf_counter()
        answer = compose(q, passages, idf=lexical.idf_of,
                         similar=lambda texts: self.similarity(query_text(q), texts))
        timings["answer_ms"] = (time.perf_counter() - t) * 1000
        return q, passages, answer, timings, t0


def _finish(answer: Answer, question: str, timings: dict[str, float], t0: float) -> Answer:
    timings["total_ms"] = (time.perf_counter() - t0) * 1000
    answer.question = question
    answer.timings_ms = {key: round(v, 1) for key, v in timings.items()}
    return answer


_ENGINES: dict[tuple, Engine] = {}


def ask(question: str, history=None, *, store: str | Path | None = None, k: int | None = None,
        settings: Settings | None = None, filters: Filters | None = None) -> Answer:
    """The one obvious entry point: ``from qa import ask; ask("南昌7月16日新增多少例？")``."""
    settings = settings or Settings.from_env(store=store)
    if filters is not None and filters.collection:
        settings = settings.with_(collection=filters.collection)
    key = (settings.store, settings.chroma_url, settings.collection, settings.embed_model)
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = Engine(settings)
    return engine.ask(question, history=history, k=k, filters=filters)
