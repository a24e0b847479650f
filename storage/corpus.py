"""What the store holds, for people: article list, counts, date range, sources, one article's body.

Read by the corpus panel, ``/api/health``, ``/api/articles/{doc_id}`` and the article viewer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from core.schema import iso_date
from storage.store import NewsStore


@dataclass
class ArticleInfo:
    doc_id: str
    title: str
    source: str | None
    published: str | None  # ISO date
    path: str
    chars: int
    n_chunks: int
    main_city: str | None = None


@dataclass
class ArticleView:
    """One clean article; citation ``start``/``end`` offsets index into ``body``."""

    info: ArticleInfo
    body: str


@dataclass
class CorpusSummary:
    articles: int
    chunks: int
    first: str | None  # earliest published date (ISO)
    last: str | None
    sources: list[tuple[str, int]] = field(default_factory=list)  # (source, articles), most first
    items: list[ArticleInfo] = field(default_factory=list)  # newest first


def article_info(doc_id: str, meta: dict | None) -> ArticleInfo:
    meta = meta or {}
    return ArticleInfo(doc_id=doc_id, title=str(meta.get("title") or doc_id), source=meta.get("source"),
                       published=iso_date(meta.get("published")), path=str(meta.get("path") or ""),
                       chars=int(meta.get("chars") or 0), n_chunks=int(meta.get("n_chunks") or 0),
                       main_city=meta.get("main_city"))


def summarize(store: NewsStore) -> CorpusSummary:
    items = [article_info(i, m) for i, m in zip(*store.article_metadatas(), strict=True)]
    items.sort(key=lambda a: (a.published or "", a.title), reverse=True)
    dates = sorted(a.published for a in items if a.published)
    sources = Counter(a.source for a in items if a.source)
    return CorpusSummary(articles=len(items), chunks=store.chunk_count(), first=dates[0] if dates else None,
                         last=dates[-1] if dates else None, sources=sources.most_common(), items=items)


def get_article(store: NewsStore, doc_id: str) -> ArticleView | None:
    got = store.article(doc_id)
    return None if got is None else ArticleView(article_info(doc_id, got[0]), got[1])
