"""Typed records that cross module lines: articles and chunks on the way in, passages and answers on the way out."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class RawArticle:
    """One article as parsed from a file, before cleaning."""

    path: str
    body: str  # text with paragraph breaks ("\n\n" between blocks), not yet boilerplate-cleaned
    title: str | None = None
    published: date | None = None
    source: str | None = None
    categories: list[str] = field(default_factory=list)
    index: int = 0  # position inside a many-articles-per-file file


@dataclass
class Article:
    """A clean article ready for chunking; ``doc_id`` hashes the normalised body."""

    doc_id: str
    path: str
    title: str
    body: str
    published: date | None = None
    source: str | None = None
    categories: list[str] = field(default_factory=list)


@dataclass
class Chunk:
    """A run of whole sentences of ``Article.body``; ``body[start:end] == text``."""

    doc_id: str
    index: int
    text: str
    start: int
    end: int
    dates: list[date] = field(default_factory=list)
    monthdays: list[int] = field(default_factory=list)  # MMDD, also for dates whose year is unknown
    places: list[str] = field(default_factory=list)

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}:{self.index}"


@dataclass
class Prepared:
    article: Article
    chunks: list[Chunk]
    main_city: str | None
    places: list[str]  # every place the article names, with their ancestors
    anchor_md: int | None = None  # MMDD guessed from the text when the article has no published date


@dataclass
class FileError:
    path: str
    error: str

@dataclass
class Passage:
    """A retrieved chunk with what the reranker knows about it."""

    chunk_id: str
    doc_id: str
    text: str
    meta: dict
    score: float = 0.0  # fused retrieval score
    dense: float | None = None  # cosine similarity to the question (None: a context chunk, never ranked)
    date_match: bool = False
    place_match: bool = False
    place_level: int = 0  # 2: the chunk names the asked place; 1: only its article does


@dataclass(frozen=True)
class Filters:
    """What a caller narrows the store to before anything is ranked: a published date range, a source,
    a place the article names, a named corpus. Empty fields narrow nothing. Built by ``Filters.parse`` from
    what a user typed, which says what is wrong in a ValueError (the API turns it into a 422)."""

    date_from: date | None = None
    date_to: date | None = None
    source: str | None = None
    place: str | None = None
    collection: str | None = None  # the corpus to ask; None: the server's own (NEWSQA_COLLECTION)

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}; swap them or "
                             "leave one out")

    @property
    def narrows(self) -> bool:
        """Whether the chunks themselves are filtered (the collection is chosen elsewhere, by the service)."""
        return any((self.date_from, self.date_to, self.source, self.place))

    @classmethod
    def parse(cls, date_from: str | date | None = None, date_to: str | date | None = None,
              source: str | None = None, place: str | None = None, collection: str | None = None) -> Filters:
        """Filters from user input: ISO dates (YYYY-MM-DD), blank strings meaning "no filter"."""
        return cls(_iso_day("date_from", date_from), _iso_day("date_to", date_to), _text(source), _text(place),
                   _text(collection))


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _iso_day(name: str, value: str | date | None) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a date; give it as YYYY-MM-DD, e.g. 2022-07-16") from None


@dataclass
class Citation:
    n: int
    doc_id: str
    title: str
    source: str | None
    published: str | None  # ISO date
    path: str
    quote: str  # exact text of the article at [start, end)
    start: int
    end: int
    score: float


@dataclass
class SeriesPoint:
    """One day of a figure over time (qa.series): the figure an article gives for that day, with its citation.
    A day no article gives the figure for is a point with ``value`` None (and no citation): listed, never guessed."""

    date: str  # ISO date the figure is for (the data date, not the day it was reported)
    value: int | float | None  # the number as written ("1.2万例" → 12000); None: missing
    unit: str = ""  # 例, 人…
    citation: int | None = None  # n of the Citation whose quote holds the figure
    quote: str | None = None  # that citation's exact text
    figure: str | None = None  # the figure verbatim as the quote writes it ("5例")


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    short_answer: str | None = None  # the span that answers ("约350人"), verbatim from citation 1
    answer_type: str = ""  # what the question asked for (qa.answer_types: count, person, place, …)
    # the best candidate's score, which the refusal threshold is compared against; None on the figure path,
    # whose refusals are by rule (no such date, place or measure), not by threshold
    evidence: float | None = None
    series: list[SeriesPoint] = field(default_factory=list)  # a question over days (qa.series); else empty

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class IngestReport:
    """What an ingest did; an upload's report is the same, plus the files it received."""

    received: int = 0  # files sent in an upload (before unzipping); 0 for a command-line ingest
    files: int = 0
    articles: int = 0  # stored by this run
    chunks: int = 0  # stored by this run
    skipped: int = 0  # files unchanged since they were stored
    failed: list[FileError] = field(default_factory=list)
    warnings: list[FileError] = field(default_factory=list)  # bad records inside a file that was stored
    duplicates: int = 0  # articles already stored from another file
    pruned: int = 0  # articles removed because their file is gone
    seconds: float = 0.0

    def add(self, other: IngestReport, name: Callable[[str], str] = str) -> None:
        """Fold another run's counts into this one; ``name`` rewrites the paths of its problems."""
        for key in ("files", "articles", "chunks", "skipped", "duplicates", "pruned"):
            setattr(self, key, getattr(self, key) + getattr(other, key))
        self.failed += [FileError(name(f.path), f.error) for f in other.failed]
        self.warnings += [FileError(name(f.path), f.error) for f in other.warnings]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)
