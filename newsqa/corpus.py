"""What the store holds, for people: article list, counts, date range, sources, one article's body.

Read by the corpus panel, ``/api/health``, ``/api/articles/{doc_id}`` and the article viewer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from newsqa.store import Store, get_all


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


def iso_date(key: int | None) -> str | None:
    """20220717 → "2022-07-17" (the store keeps dates as sortable ints)."""
    if not key:
        return None
    return f"{key // 10000:04d}-{key // 100 % 100:02d}-{key % 100:02d}"


def article_info(doc_id: str, meta: dict | None) -> ArticleInfo:
    meta = meta or {}
    return ArticleInfo(doc_id=doc_id, title=str(meta.get("title") or doc_id), source=meta.get("source"),
                       published=iso_date(meta.get("published")), path=str(meta.get("path") or ""),
                       chars=int(meta.get("chars") or 0), n_chunks=int(meta.get("n_chunks") or 0),
                       main_city=meta.get("main_city"))


def summarize(store: Store) -> CorpusSummary:
    data = get_all(store.articles, include=["metadatas"])
    items = [article_info(i, m) for i, m in zip(data["ids"], data["metadatas"], strict=True)]
    items.sort(key=lambda a: (a.published or "", a.title), reverse=True)
    dates = sorted(a.published for a in items if a.published)
    sources = Counter(a.source for a in items if a.source)
    return CorpusSummary(articles=len(items), chunks=store.chunks.count(), first=dates[0] if dates else None,
                         last=dates[-1] if dates else None, sources=sources.most_common(), items=items)


def get_article(store: Store, doc_id: str) -> ArticleView | None:
    got = store.articles.get(ids=[doc_id], include=["documents", "metadatas"])
    if not got["ids"]:
        return None
    return ArticleView(article_info(doc_id, got["metadatas"][0]), got["documents"][0] or "")


def get_bodies(store: Store, doc_ids: list[str]) -> dict[str, str]:
    """Clean bodies of several articles at once (citation cards show the text around each quote)."""
    ids = list(dict.fromkeys(doc_ids))
    if not ids:
        return {}
    got = store.articles.get(ids=ids, include=["documents"])
    return {i: d or "" for i, d in zip(got["ids"], got["documents"], strict=True)}
