"""LangChain faces of the engine: the whole chain as a Runnable, the retriever as a BaseRetriever."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import ConfigDict

from core.records import Answer
from qa.compose import rerank
from qa.engine import Engine
from qa.llm import Final
from qa.retrieve import retrieve


def build_chain(engine: Engine) -> Runnable:
    """``chain.invoke("问题")`` or ``chain.invoke({"question": …, "history": […], "k": 5})`` → Answer;
    ``batch`` works as for any Runnable, and ``stream`` yields the LLM's tokens (str) as they come, a
    ``Replaced`` when the checked text is dropped, and the Answer last."""
    return NewsChain(engine)


@dataclass(frozen=True)
class Replaced:
    """The streamed LLM text failed the check (``reason``: a qa.llm.FALLBACKS key); the Answer that
    follows is the extractive one."""

    reason: str
    message: str


class NewsChain(Runnable[Any, Answer]):
    """The engine as a Runnable whose ``stream`` really streams (a RunnableLambda would yield one Answer)."""

    name = "newsqa"

    def __init__(self, engine: Engine):
        self.engine = engine

    @staticmethod
    def _args(inp: Any) -> tuple[str, Any, Any]:
        if isinstance(inp, str):
            return inp, None, None
        return inp["question"], inp.get("history"), inp.get("k")

    def _run(self, inp: Any) -> Answer:
        question, history, k = self._args(inp)
        return self.engine.ask(question, history=history, k=k)

    def _events(self, inputs: Iterator[Any]) -> Iterator[str | Replaced | Answer]:
        for inp in inputs:
            question, history, k = self._args(inp)
            for event in self.engine.stream(question, history=history, k=k):
                if isinstance(event, Final):
                    if event.reason:
                        yield Replaced(event.reason, event.message)
                    yield event.answer
                else:
                    yield event

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        return self._call_with_config(self._run, input, config)

    def stream(self, input: Any, config: RunnableConfig | None = None,
               **kwargs: Any) -> Iterator[str | Replaced | Answer]:
        yield from self._transform_stream_with_config(iter([input]), self._events, config)


class NewsRetriever(BaseRetriever):
    """Passages for a query, constraint-reranked, as LangChain Documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    engine: Engine
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None) -> list[Document]:
        """``k`` (as in ``retriever.invoke(query, k=1)``) overrides the field for this call only."""
        k = self.k if k is None else k
        q = self.engine.understand(query)
        passages = rerank(q, retrieve(self.engine, q, k=max(k, 5) * 4))
        return [Document(page_content=p.text, id=p.chunk_id,
                         metadata={**p.meta, "score": p.score, "date_match": p.date_match,
                                   "place_match": p.place_match}) for p in passages[:k]]
