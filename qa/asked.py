"""What a question asks beyond its constraints, and whether a sentence meets them.

Shared by the sentence scorer, the number scorer and the composer: the asked unit, the specific
measures, the character pairs of what the question is about, and the date and place checks.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answer_types import classify
from qa.question import AskedDate, Question
from qa.sentences import Sentence
from zhtext.dates import find_dates
from zhtext.normalise import canon
from zhtext.places import lineage
from zhtext.vocabulary import (
    ASKED_UNIT_CHARS,
    ASKED_UNITS,
    ASKING_WORDS,
    GENERIC_MEASURE_WORDS,
    SPECIFIC,
    UNIT_GROUPS,
    alternation,
)

_ASKED_UNIT = re.compile(rf"(?:多少|几)(?:万|亿|千)?({alternation(ASKED_UNITS)}|[{ASKED_UNIT_CHARS}])")
_ASKING = re.compile(alternation(ASKING_WORDS) + r"|[的了吗呢么？?！!，,。、\s\d]")


def asked_unit(q: Question) -> str | None:
    """The unit a count question asks in ("多少例" → 例, "多少钱" → 元); None for a bare 多少."""
    m = _ASKED_UNIT.search(q.text)
    if not m:
        return _money_asked(q.text)
    return "元" if m.group(1) == "钱" else m.group(1)


@lru_cache(maxsize=256)
def _money_asked(text: str) -> str | None:
    """元 for a money word asked with 多少 and no unit ("苏州上半年地区生产总值是多少"): a sum answers it, not the
    growth rate (4.7%) in the same sentence. Memoised: every number of every candidate sentence asks."""
    return "元" if classify(text).rule == "amount_money_word" else None


def unit_ok(asked: str, unit: str) -> bool:
    if not unit:
        return False
    if unit.startswith(asked) or asked.startswith(unit):
        return True
    return any(asked in g and any(unit.startswith(u) for u in g) for g in UNIT_GROUPS)


def residual_bigrams(q: Question) -> tuple[str, ...]:
    """Character pairs of what the question says besides its dates, places, measures and question words
    ("经开区", "派送蔬菜包"): robust where jieba cuts a rare name wrong ("27日经开区" → 日经 / 开区).
    Memoised: every candidate sentence and every number in it asks for them."""
    return _bigrams_of(q.search_text, tuple(q.places), tuple(q.measures))


@lru_cache(maxsize=256)
def _bigrams_of(search_text: str, places: tuple, measures: tuple[str, ...]) -> tuple[str, ...]:
    rest = canon(re.sub(r"[A-Za-z]+", " ", search_text))  # English questions: their Chinese glossary words
    for m in find_dates(rest):
        rest = rest.replace(m.text, " ")
    for p in places:
        rest = re.sub(re.escape(p.full) + "|" + re.escape(p.name) + "[省市州区县]?", " ", rest)
    for m in [*measures, *SPECIFIC, *GENERIC_MEASURE_WORDS]:
        rest = rest.replace(m, " ")
    rest = _ASKING.sub(" ", rest)
    return tuple(dict.fromkeys(w[i: i + 2] for w in rest.split() for i in range(len(w) - 1)))


def measures_named(text: str) -> list[str]:
    """The specific measures a text names (``SPECIFIC``: 确诊, 净利润, 营收…), the longest where one holds another
    (密接 is inside 次密接)."""
    text = canon(text)
    found = [m for m in SPECIFIC if m in text]
    return [m for m in found if not any(m != o and m in o for o in found)]


def specific(q: Question) -> list[str]:
    return measures_named(q.search_text)


def names_other_measure(clause: str, asked: list[str]) -> bool:
    """A figure's clause (canonical spelling) names another specific measure and none of the asked ones:
    "实现营业收入1390.81万元" is no 净利润."""
    return not any(m in clause for m in asked) \
        and any(m in clause and not any(m in a or a in m for a in asked) for m in SPECIFIC)


def date_ok(asked: list[AskedDate], s: Sentence) -> bool:
    if not asked:
        return True
    for m in s.dates:
        for d in asked:
            if (m.month, m.day) == (d.month, d.day) and (d.year is None or m.year in (None, d.year)):
                return True
    return False


def related(asked, place) -> bool:
    """The sentence's place is the asked one, inside it (榆树市 in 长春) or encloses it (吉林 for 长春)."""
    return asked.name in lineage(place) or place.name in lineage(asked)


def place_ok(q: Question, s: Sentence) -> bool:
    if not q.places:
        return True
    names = {p.name for p in q.places}
    if names & set(s.places):
        return True
    if not s.passage.place_match:
        return False
    # the article is about the asked place and this sentence names nothing but places inside it
    return all(any(a.name in lineage(m.place) for a in q.places) for m in s.mentions)
