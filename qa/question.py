"""Understand a question: normalise it, then pull out the dates, places and what is asked.

Works for Chinese (simplified or traditional, Arabic or Chinese numerals) and English
questions ("How many new cases did Nanchang report on July 16?"): English month/day forms,
English or pinyin place names and a small domain glossary map to their Chinese forms, and
the multilingual embedder handles the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from zhtext.dates import find_dates
from zhtext.normalise import normalise
from zhtext.places import Place, find_places, gazetteer
from zhtext.tokens import tokenize
from zhtext.vocabulary import GLOSSARY, MEASURES


@dataclass(frozen=True)
class AskedDate:
    year: int | None
    month: int
    day: int

    @property
    def monthday(self) -> int:
        return self.month * 100 + self.day

    @property
    def key(self) -> int | None:
        return self.year * 10000 + self.monthday if self.year else None

    def label(self) -> str:
        return f"{self.year}年{self.month}月{self.day}日" if self.year else f"{self.month}月{self.day}日"


@dataclass
class Question:
    raw: str
    text: str  # normalised Chinese text
    search_text: str  # what lexical search sees (English terms translated)
    dates: list[AskedDate] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    kind: str = "other"  # count | person | yesno | time | list | other
    measures: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # content words the evidence must contain
    followup: bool = False


_KINDS = [
    ("time", r"什么时候|何时|哪天|哪一天|几月几日|几号|几点|几时|什么时间|哪一?年|\bwhen\b|what (date|time)"),
    ("person", r"谁|叫什么|姓名|名字|\bwho\b|whose"),
    ("list", r"哪些|哪几个|哪几|都有哪|\bwhich\b|\blist\b"),
    ("count", r"多少|几|数量|人数|\bhow (many|much)\b|number of"),
    ("yesno", r"有没有|是否|是不是|有无|吗[？?]?$|^(did|does|do|is|are|was|were|has|have)\b"),
]

_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                       "nov", "dec"], 1)}
_EN_DATE = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?"
                      r"(?:,?\s+(\d{4}))?|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
                      r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:,?\s+(\d{4}))?", re.I)
_FOLLOWUP = re.compile(r"^(那|那么|其中|另外|还有|那个|此外|and\b|what about|how about)|呢[？?]?$", re.I)


def parse(raw: str, context_city: str | None = None) -> Question:
    """``context_city`` resolves a district name that several cities share ("那西湖区呢？" after a
    question about 南昌)."""
    text = normalise(raw)
    lower = text.lower()
    extra: list[str] = []
    dates = [AskedDate(m.year, m.month, m.day) for m in find_dates(text)]
    for m in _EN_DATE.finditer(lower):
        month = _MONTHS[(m.group(1) or m.group(5))[:3]]
        day, year = int(m.group(2) or m.group(4)), m.group(3) or m.group(6)
        dates.append(AskedDate(int(year) if year else None, month, day))
        extra.append(f"{month}月{day}日")
    places = [pm.place for pm in find_places(text, context_city=context_city)]
    for _, place in _english_places(lower):
        places.append(place)
        extra.append(place.name)
    for en, zh in GLOSSARY:
        if re.search(rf"\b{en}\b", lower):
            extra.append(zh)
    places = list(dict.fromkeys(places))
    kind = next((k for k, rx in _KINDS if re.search(rx, lower)), "other")
    search_text = " ".join([text, *extra]) if extra else text
    measures = [m for m in MEASURES if m in search_text and not (m == "密接" and "次密接" in search_text)]
    place_words = {p.name for p in places} | {pm.text for pm in find_places(text, context_city=context_city)}
    terms = [t for t in tokenize(search_text)
             if t not in place_words and not re.fullmatch(r"[\da-z]+|[月日号年例人个]|新增|报告|情况|数据|消息|哪天|时候", t)]
    return Question(raw=raw, text=text, search_text=search_text, dates=list(dict.fromkeys(dates)), places=places,
                    kind=kind, measures=measures, terms=list(dict.fromkeys(terms)))


def _english_places(lower: str) -> list[tuple[str, Place]]:
    if not re.search(r"[a-z]", lower):
        return []
    table = gazetteer()
    words = re.findall(r"[a-z]+", lower)
    found = []
    taken: set[int] = set()  # "jilin city" is the city only, not also the province "jilin"
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            span = set(range(i, i + n))
            if span & taken:
                continue
            key = " ".join(words[i: i + n])
            place = table.get(key) or table.get(key.replace(" ", ""))
            if place is not None and len(key) > 3:
                found.append((key, place))
                taken |= span
    return found


def with_history(question: Question, history: list[str]) -> Question:
    """Fill what a follow-up leaves out ("其中确诊几例？", "那长春呢？") from the earlier questions."""
    context: Question | None = None
    for earlier in history:
        q = parse(earlier, context_city=_city(context))
        context = q if context is None else _merge(q, context)
    if context is None:
        return question
    if not question.places and _city(context):  # re-read with the conversation's city in mind
        question = parse(question.raw, context_city=_city(context))
    return _merge(question, context)


def _city(q: Question | None) -> str | None:
    if q is None:
        return None
    return next((p.name for p in q.places if p.level == "city"),
                next((p.parent for p in q.places if p.level == "district"), None))


def _merge(q: Question, prev: Question) -> Question:
    elliptic = bool(_FOLLOWUP.search(q.text)) or (len(q.terms) <= 1 and q.kind in ("other", prev.kind))
    if not elliptic and q.dates and q.places:
        return q
    if not elliptic and (q.terms and set(q.terms) - set(prev.terms)) and not _FOLLOWUP.search(q.text):
        return q
    only_swap = q.kind == "other" and not q.measures
    return replace(
        q,
        dates=q.dates or prev.dates,
        places=q.places or prev.places,
        kind=prev.kind if only_swap else q.kind,
        measures=prev.measures if only_swap else (q.measures or prev.measures),
        terms=prev.terms if only_swap else (q.terms or prev.terms),
        search_text=(f"{q.search_text} {_swap_places(prev, q.places)}" if only_swap
                     else f"{q.search_text} {_context_words(prev)}"),
        followup=True,
    )


def _context_words(prev: Question) -> str:
    return " ".join([*(p.name for p in prev.places), *(d.label() for d in prev.dates), *prev.measures])


def _swap_places(prev: Question, places: list[Place]) -> str:
    """The earlier question's words with its places replaced by the new ones ("那长春呢？")."""
    text = prev.search_text
    if places:
        for p in prev.places:
            text = text.replace(p.name, "")
        text = " ".join(p.name for p in places) + " " + text
    return text
