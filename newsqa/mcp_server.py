"""``newsqa mcp``: a Model Context Protocol server on stdio, so an assistant can ask the articles.

Tools: ``ask`` (an answer with exact citations, or a refusal) and ``search`` (passages for
a query, optionally only those that mention a date or a place). Both take the same optional filters,
which narrow the store before ranking: a published date range, a source, a place, a named corpus. The engine loads on the first
tool call, so a client's handshake is not kept waiting for the embedder.
"""

from __future__ import annotations

import threading
from dataclasses import asdict
from datetime import date

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from core.records import Filters
from core.schema import iso_date
from core.settings import Settings
from newsqa.service import Service, UnknownCollection

INSTRUCTIONS = (
    "Answers questions about a collection of Chinese news articles (e.g. daily COVID case reports). "
    "Use `ask` for a question: the answer quotes the articles and cites them as [n]; when the articles "
    "do not say, abstained is true — do not guess then. Use `search` to read passages yourself, "
    "optionally only those mentioning a date (YYYY-MM-DD) or a place (e.g. 南昌). Both take optional filters: "
    "date_from/date_to (published, YYYY-MM-DD), source, place, and collection (a named corpus of the store)."
)


class CitationOut(BaseModel):
    n: int
    doc_id: str
    title: str
    source: str | None
    published: str | None
    path: str
    quote: str = Field(description="exact text of the article at [start, end)")
    start: int
    end: int


class SeriesPointOut(BaseModel):
    date: str = Field(description="the day the figure is for (YYYY-MM-DD), not the day it was reported")
    value: int | float | None = Field(description="the figure; null for a day no article gives it (missing)")
    unit: str
    citation: int | None = Field(description="n of the citation whose quote holds the figure")
    quote: str | None
    figure: str | None = Field(description="the figure verbatim as the quote writes it, e.g. 5例")


class AskResult(BaseModel):
    answer: str = Field(description="the answer, with [n] markers pointing at citations")
    abstained: bool = Field(description="true when the articles do not answer the question")
    short_answer: str | None = Field(None, description="the span that answers, verbatim from the articles")
    citations: list[CitationOut]
    series: list[SeriesPointOut] = Field(default_factory=list, description=(
        "for a question over days (每天/趋势, a date range): one point per day and figure; two points for a "
        "day whose reports differ; empty otherwise"))


class Hit(BaseModel):
    doc_id: str
    chunk_id: str
    title: str
    source: str | None
    published: str | None
    path: str
    start: int = Field(description="offset of the passage in the article's clean body")
    text: str
    score: float
    date_match: bool
    place_match: bool


class SearchResult(BaseModel):
    hits: list[Hit]


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ToolError(f"date {value!r} is not YYYY-MM-DD, e.g. 2022-07-16") from None


def parse_filters(date_from: str | None = None, date_to: str | None = None, source: str | None = None,
                  place: str | None = None, collection: str | None = None) -> Filters:
    try:
        return Filters.parse(date_from, date_to, source, place, collection)
    except ValueError as err:
        raise ToolError(str(err)) from None


def build(settings: Settings | None = None, service: Service | None = None) -> MCPServer:
    lock = threading.Lock()
    holder: list[Service] = [service] if service else []

    def svc() -> Service:
        with lock:
            if not holder:
                holder.append(Service(settings))
            return holder[0]

    server = MCPServer("newsqa", instructions=INSTRUCTIONS, version="0.1.0")

    def guarded(call):
        try:
            return call()
        except UnknownCollection as err:
            raise ToolError(str(err)) from None

    @server.tool()
    def ask(question: str, history: list[str] | None = None, date_from: str | None = None,
            date_to: str | None = None, source: str | None = None, place: str | None = None,
            collection: str | None = None) -> AskResult:
        """Answer a question from the news articles, quoting them with [n] citations, or abstain.

        history: earlier questions of the conversation, oldest first (for follow-ups like "其中确诊几例？").
        date_from, date_to: only articles published in this range (YYYY-MM-DD). source: only this publisher.
        place: only articles that name this place. collection: the named corpus to ask (default: the server's).
        """
        filters = parse_filters(date_from, date_to, source, place, collection)
        answer = guarded(lambda: svc().ask(question, history=history, filters=filters))
        return AskResult(answer=answer.answer, abstained=answer.abstained, short_answer=answer.short_answer,
                         citations=[CitationOut(**{k: getattr(c, k) for k in CitationOut.model_fields})
                                    for c in answer.citations],
                         series=[SeriesPointOut(**asdict(p)) for p in answer.series])

    @server.tool()
    def search(query: str, k: int = 5, date: str | None = None, place: str | None = None,
               date_from: str | None = None, date_to: str | None = None, source: str | None = None,
               collection: str | None = None) -> SearchResult:
        """Find the passages of the articles that best match a query.

        k: how many passages (1–50). date: only passages that mention this day (YYYY-MM-DD).
        place: only passages about this place (a city or district name, e.g. 南昌 or 西湖区).
        date_from, date_to: only articles published in this range (YYYY-MM-DD). source: only this publisher.
        collection: the named corpus to search (default: the server's).
        """
        if not 1 <= k <= 50:
            raise ToolError(f"k={k}: ask for between 1 and 50 passages")
        place = (place or "").strip() or None
        filters = parse_filters(date_from, date_to, source, place, collection)
        passages = guarded(lambda: svc().search(query, k=k, on=parse_day(date), place=place, filters=filters))
        return SearchResult(hits=[
            Hit(doc_id=p.doc_id, chunk_id=p.chunk_id, title=str(p.meta.get("title") or ""),
                source=p.meta.get("source"), published=iso_date(p.meta.get("published")),
                path=str(p.meta.get("path") or ""), start=int(p.meta.get("start") or 0), text=p.text,
                score=round(float(p.score), 5), date_match=p.date_match, place_match=p.place_match)
            for p in passages])

    return server


def run(settings: Settings) -> None:
    build(settings).run("stdio")
