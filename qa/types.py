"""Typed results that leave the answerer (CLI --json, HTTP API, UI all print these)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Passage:
    """A retrieved chunk with what the reranker knows about it."""

    chunk_id: str
    doc_id: str
    text: str
    meta: dict
    score: float = 0.0  # fused retrieval score
    dense: float | None = None  # cosine similarity to the question, when dense retrieval found it
    date_match: bool = False
    place_match: bool = False
    place_level: int = 0  # 2: the chunk names the asked place; 1: only its article does


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
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)
