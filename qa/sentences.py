"""A passage cut into sentences that know their dates and places, offsets into the article body."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from core.records import Passage
from core.schema import anchor_date
from zhtext.dates import DateMention, find_dates
from zhtext.places import PlaceMention, find_places
from zhtext.sentences import split_sentences


@dataclass
class Sentence:
    passage: Passage
    text: str
    start: int  # offsets into the article body
    end: int
    dates: list[DateMention] = field(default_factory=list)
    own_dates: bool = False
    mentions: list[PlaceMention] = field(default_factory=list)  # offsets relative to the sentence
    lead: str = ""  # the sentence before it in the same paragraph ("报告新增确诊病例2461例。" before a list)
    score: float = 0.0
    slot: Slot | None = None  # for a count: the number that answers it

    @property
    def places(self) -> list[str]:
        return [m.place.name for m in self.mentions]


@dataclass
class Slot:
    """A number with its unit in a sentence, or the place where a scrubbed number should be."""

    start: int
    end: int
    scrubbed: bool
    score: float = 0.0


def sentences_of(p: Passage) -> list[Sentence]:
    """Sentences of a passage with the dates and places they speak of; a sentence without its own
    date inherits the last one of its paragraph ("经定点医院诊断,2例为确诊病例" is still 7月16日)."""
    base = int(p.meta.get("start", 0))
    anchor, year_known = anchor_date(p.meta)
    out: list[Sentence] = []
    for s, e, dates, own, places, fresh in _parsed(p.text, anchor, year_known, p.meta.get("main_city")):
        lead = out[-1].text if out and not fresh else ""
        out.append(Sentence(p, p.text[s:e], base + s, base + e, list(dates), own, list(places), lead))
    return out


@lru_cache(maxsize=8192)
def _parsed(text: str, anchor, year_known: bool, city: str | None) -> tuple[tuple, ...]:
    """(start, end, dates, own dates?, places, opens a paragraph?) of each sentence: the dates and places
    (the place finder is ~12 ms of an answer's ~55 ms of CPU) depend on nothing but these arguments, and
    the same chunks come back for many questions about one story. The mentions are frozen; the
    ``Sentence`` objects, which answering scores and changes, are made new for every question."""
    mentions = find_dates(text, anchor=anchor, anchor_year_known=year_known)
    out = []
    carried: list[DateMention] = []
    last_end = 0
    for s, e in split_sentences(text):
        fresh = "\n" in text[last_end:s]
        if fresh:
            carried = []
        last_end = e
        own = _data_dates(text, [m for m in mentions if m.start >= s and m.end <= e])
        if own:
            carried = own
        out.append((s, e, tuple(own or carried), bool(own), tuple(find_places(text[s:e], context_city=city)), fresh))
    return tuple(out)


_REPORT_VERB = re.compile(r"\s*(?:[上下]午|晚间?)?\s*(?:\d{1,2}[时点])?\s*(?:通报|发布|消息|讯|电)")


def _data_dates(text: str, own: list[DateMention]) -> list[DateMention]:
    """A sentence's dates without the day it was reported on, when it names the day its figures are for:
    in "卫健委8月13日通报：8月12日0—24时，新增97例" the 97 are of 8月12日, not 8月13日."""
    data = [m for m in own if not _REPORT_VERB.match(text, m.end)]
    return data if data and len(data) < len(own) else own
