"""The metadata stored beside each chunk and article: written by ingest, read by retrieval, answers and views.

Chroma metadata holds only str, int, float, bool and non-empty lists of one type, so dates are kept
as sortable ints (20220716) and a missing value is a missing key, never None. The key tables below are
the contract: ``chunk_metadata``/``article_metadata`` write nothing else, and readers read nothing else.
"""

from __future__ import annotations

from datetime import date

from core.records import Article, Chunk, Prepared

CHUNK_KEYS = {
    "doc_id": "the article's id (hash of its normalised body)",
    "idx": "position of the chunk in its article",
    "n_chunks": "chunks in the article",
    "title": "the article's title",
    "path": "the file it came from",
    "start": "offset of the chunk in the clean body",
    "end": "end offset in the clean body",
    "source": "publisher, when known",
    "published": "published date key (YYYYMMDD), when known",
    "main_city": "the city the article is mostly about",
    "anchor_md": "MMDD guessed from the text of an undated article (what its '16日' is read against)",
    "dates": "date keys the chunk mentions",
    "monthdays": "MMDD of every date the chunk mentions, also those whose year is unknown",
    "places": "places the chunk names, with their ancestors, and the places of the title",
    "doc_places": "every place the whole article names (a chunk under a district's heading may not repeat it)",
}

ARTICLE_KEYS = {
    "title": "the article's title",
    "path": "the file it came from",
    "n_chunks": "chunks stored for it",
    "chars": "length of the clean body",
    "source": "publisher, when known",
    "published": "published date key (YYYYMMDD), when known",
    "categories": "front-matter categories or tags",
    "main_city": "the city the article is mostly about",
}


def date_key(d: date) -> int:
    """20220716: a sortable int that Chroma metadata can hold and filter on."""
    return d.year * 10000 + d.month * 100 + d.day


def key_date(key: int | None) -> date | None:
    """20220716 → date(2022, 7, 16); None for a missing key."""
    if not key:
        return None
    return date(key // 10000, key // 100 % 100, key % 100)


def iso_date(key: int | None) -> str | None:
    """20220717 → "2022-07-17"."""
    d = key_date(key)
    return d.isoformat() if d else None


def key_monthday(key: int) -> int:
    """20220716 → 716 (MMDD), the form the monthdays key holds."""
    return key % 10000


def key_year(key: int) -> int:
    return key // 10000


def published_date(meta: dict) -> date | None:
    return key_date(meta.get("published"))


def anchor_date(meta: dict) -> tuple[date | None, bool]:
    """What "16日" and "昨天" in a chunk are read against: the published date, else the month and
    day guessed at ingest for an undated article (its year unknown). Returns (anchor, year known)."""
    published = published_date(meta)
    if published is not None:
        return published, True
    md = meta.get("anchor_md")
    return (date(2000, md // 100, md % 100), False) if md else (None, True)


def chunk_metadata(p: Prepared, chunk: Chunk) -> dict:
    """Chroma-safe metadata: no None values, lists non-empty and of one type."""
    a = p.article
    meta: dict = {"doc_id": a.doc_id, "idx": chunk.index, "n_chunks": len(p.chunks), "title": a.title,
                  "path": a.path, "start": chunk.start, "end": chunk.end}
    if a.source:
        meta["source"] = a.source
    if a.published:
        meta["published"] = date_key(a.published)
    if p.main_city:
        meta["main_city"] = p.main_city
    if p.anchor_md:
        meta["anchor_md"] = p.anchor_md
    if chunk.dates:
        meta["dates"] = [date_key(d) for d in chunk.dates]
    if chunk.monthdays:
        meta["monthdays"] = chunk.monthdays
    if chunk.places:
        meta["places"] = chunk.places
    if p.places:  # a chunk under a district's heading may not repeat the district's name
        meta["doc_places"] = p.places
    return meta


def article_metadata(p: Prepared) -> dict:
    a: Article = p.article
    meta: dict = {"title": a.title, "path": a.path, "n_chunks": len(p.chunks), "chars": len(a.body)}
    if a.source:
        meta["source"] = a.source
    if a.published:
        meta["published"] = date_key(a.published)
    if a.categories:
        meta["categories"] = a.categories
    if p.main_city:
        meta["main_city"] = p.main_city
    return meta
