"""LangChain faces of the engine: the whole chain as a Runnable, the retriever as a BaseRetriever."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from core.records import Answer
from qa.compose import rerank
from qa.engine import Engine
from qa.retrieve import retrieve


def build_chain(engine: Engine) -> Runnable:
    """``chain.invoke("问题")`` or ``chain.invoke({"question": …, "history": […], "k": 5})`` → Answer;
    ``stream`` and ``batch`` work as for any Runnable."""

    def run(inp: Any) -> Answer:
        if isinstance(inp, str):
            return engine.ask(inp)
        return engine.ask(inp["question"], history=inp.get("history"), k=inp.get("k"))

    return RunnableLambda(run, name="newsqa")


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
