"""Typed records that cross module lines on the ingest side."""

from __future__ import annotations

from dataclasses import dataclass, field
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
class FileError:
    path: str
    error: str
