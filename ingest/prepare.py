"""RawArticle → Article + Chunks with the meaning metadata (dates, places) the answerer filters on."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from core.records import Article, Chunk, Prepared, RawArticle
from ingest.chunk import chunk_spans
from zhtext.dates import DateMention, find_dates, guess_anchor
from zhtext.places import PlaceMention, find_places, main_city, place_names
from zhtext.sentences import split_sentences

_WS = re.compile(r"\s+")


def doc_id_for(body: str) -> str:
    """Hash of the whitespace- and width-normalised body: the same article under two names is one doc."""
    norm = _WS.sub("", unicodedata.normalize("NFKC", body))
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


def fallback_title(body: str) -> str:
    spans = split_sentences(body[:400])
    first = body[spans[0][0]: spans[0][1]] if spans else body[:40]
    return first if len(first) <= 40 else first[:40] + "…"


def prepare(raw: RawArticle, chunk_size: int = 300, overlap: int = 1) -> Prepared:
    body = raw.body.strip()
    title = raw.title or fallback_title(body)
    article = Article(doc_id=doc_id_for(body), path=raw.path, title=title, body=body,
                      published=raw.published, source=raw.source, categories=list(raw.categories))
    city = main_city(title, body)
    anchor = raw.published or guess_anchor(body)
    date_mentions = find_dates(body, anchor=anchor, anchor_year_known=raw.published is not None)
    place_mentions = find_places(body, context_city=city)
    article_places = place_names(find_places(title, context_city=city)) if title else []
    if city:
        article_places = place_names(find_places(city)) + article_places
    chunks = []
    for i, (start, end) in enumerate(chunk_spans(body, chunk_size, overlap)):
        dates = _in_span(date_mentions, start, end)
        chunks.append(Chunk(
            doc_id=article.doc_id, index=i, text=body[start:end], start=start, end=end,
            dates=sorted({d for m in dates if (d := m.as_date()) is not None}),
            monthdays=sorted({m.monthday for m in dates}),
            places=_unique(place_names(_in_span(place_mentions, start, end)) + article_places),
        ))
    guessed = anchor.month * 100 + anchor.day if anchor and not raw.published else None
    return Prepared(article, chunks, city, _unique(article_places + place_names(place_mentions)), guessed)


def _in_span(mentions: list[DateMention] | list[PlaceMention], start: int, end: int) -> list:
    return [m for m in mentions if m.start >= start and m.end <= end]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))

