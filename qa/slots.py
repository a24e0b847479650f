"""The numbers in a sentence and how well each answers a count question.

A slot is a figure with its unit, or the place where a scrubbed figure should be ("新增本地确诊病例例").
The number that answers has the asked measure and unit next to it and the asked place right before
it; a district's share or another measure's figure scores low (weights: ``qa.weights``).
"""

from __future__ import annotations

import re

from qa.asked import asked_unit, related, residual_bigrams, unit_ok
from qa.question import Question
from qa.sentences import Sentence, Slot
from qa.weights import WEIGHTS as W
from zhtext.dates import find_dates
from zhtext.normalise import canon
from zhtext.places import Place, find_places, lineage
from zhtext.vocabulary import COUNT_UNITS, FIGURE_UNITS, SPECIFIC, alternation

COUNT = re.compile(rf"(\d+(?:\.\d+)?)\s*(万|亿|千)?(余|多)?({alternation(COUNT_UNITS)})")
# Any figure with its unit, for questions beyond case counts ("357311千米", "21.6℃", "4.0级", "20%").
NUMBER = re.compile(rf"(\d+(?:\.\d+)?)\s*(万|亿|千)?(余|多)?({alternation(FIGURE_UNITS)}|[\u4e00-\u9fff%℃‰])?")
# A count in Chinese numerals ("三轮", "两例", "十二名"); a lone 一 is mostly the article ("一个", "一次"),
# 万/千/百 never open a number, and 第 makes an ordinal ("第三轮").
CN_COUNT = re.compile(rf"(?<![第零〇一二两三四五六七八九十百千万])(?:[二两三四五六七八九十]|一(?=[十百千万]))"
                      rf"[零〇一二两三四五六七八九十百千万]*({alternation(COUNT_UNITS)})")
_DATE_UNITS = set("年月日号时分秒点")
_SCRUBBED = re.compile(r"(病例|感染者|确诊|阳性|人员|区|县|市|含|检测|累计)(例|人(?!员|民|口|大|群|士|次))(?![\d])")
_CLAUSE = re.compile(r"[，,；;：:、（(）)]")
_WHOLE_CITY = re.compile(r"(全市|我市|该市|本市)")
_SUBAREA = re.compile(r"新区|高新区|经开区|开发区|园区")
_PAREN = re.compile(r"[（(][^）)]*[）)]")


def numbers(text: str):
    """Figures in a sentence, not the digits of its dates and clock times."""
    dates = find_dates(text)
    for m in NUMBER.finditer(text):
        unit = m.group(4) or ""
        if unit[:1] in _DATE_UNITS or any(d.start <= m.start() < d.end for d in dates):
            continue
        if text[m.end(): m.end() + 1] in ("：", ":") or text[max(0, m.start() - 1): m.start()] in ("：", ":", "."):
            continue  # 18:00, 9.30
        yield m


def slots(text: str) -> list[Slot]:
    slots = [Slot(m.start(), m.end(), False) for m in numbers(text)]
    slots += [Slot(m.start(), m.end(), False) for m in CN_COUNT.finditer(text)]
    slots += [Slot(m.start(2), m.end(2), True) for m in _SCRUBBED.finditer(text)]
    return sorted(slots, key=lambda x: x.start)


def slot_context(text: str, slot: Slot) -> tuple[int, str]:
    """(start of the left context, the words around the number): its own clause, plus the head of the
    list it stands in ("新增本地无症状感染者例,其中…宽城区17例" → 新增本地无症状感染者例)."""
    left_start = max((m.end() for m in _CLAUSE.finditer(text, 0, slot.start)), default=0)
    left_start = max(left_start, slot.start - 24)
    right = _CLAUSE.search(text, slot.end)
    around = text[left_start: slot.start] + text[slot.end: right.start() if right else len(text)]
    lead = text.rfind("其中", 0, left_start)
    if lead > 0:
        head = _PAREN.sub("", text[:lead]).rstrip("，,；; ")
        head = head[max((m.end() for m in re.finditer(r"[，,；;]", head)), default=0):]
        around = head + "|" + around
    return left_start, canon(around)


def slot_score(q: Question, s: Sentence, slot: Slot, specific: list[str]) -> float:
    """How well one number answers: the asked measure and words next to it, the asked place right
    before it, and no other place's name right before it (a breakdown for another district)."""
    left_start, around = slot_context(s.text, slot)
    value = sum(W.slot_measure for m in q.measures if m in around) + sum(W.slot_specific for m in specific if m in around)
    value -= sum(W.slot_other_measure for m in SPECIFIC if m in around and m not in specific
                 and not any(m in o for o in specific))  # a figure for another measure
    value += W.slot_residual_pair * min(W.slot_residual_pairs_max, sum(b in around for b in residual_bigrams(q)))
    unit = asked_unit(q)
    if unit and not slot.scrubbed:
        value += W.unit_fits if unit_ok(unit, slot_unit(s, slot)) else -W.unit_differs
    if "累计" in around and "累计" not in q.search_text:
        value -= W.cumulative
    missing = [m for m in specific if m not in around]
    value -= W.slot_missing_measure * len(missing)  # the asked measure is not what this number counts
    before = [m for m in s.mentions if left_start <= m.start and m.end <= slot.start]
    if any(_SUBAREA.match(s.text, m.end) for m in before):
        before = []
        value -= W.subarea  # "长春新区74例": a zone named after the city, not the city
    main = s.passage.meta.get("main_city")
    if not before and main and _WHOLE_CITY.search(s.text, left_start, slot.start):
        if any(a.name == main for a in q.places):
            value += W.whole_city  # "全市…" in an article about the asked city
    if before:
        named = {m.place.name for m in before}
        if any(a.name in named for a in q.places):
            value += W.place_before
        elif q.places and not any(related(a, m.place) for m in before for a in q.places):
            value -= W.other_place_before  # another city's figure
        else:
            value -= W.part_place_before  # a part's share (a district of the asked city) or the enclosing province's
    return value


def counted_place(q: Question, s: Sentence, slot: Slot) -> tuple[Place, bool] | None:
    """The place a number counts, when it is not the asked one, and whether it lies inside it: 长春's 574例
    is not 吉林省's figure (inside), 梅河口's 5000人 not 长春's (not inside), 吉林省's 1834例 not 长春's. The
    place is the last one the number's clause names before it ("南昌市西湖区6例" counts 西湖区), else, when the
    sentence names no place before it, the article's main city ("全市新增…"), but only for a daily-report
    measure (a company's sales in a 嘉兴 report are not 嘉兴's) and only when that city lies inside the asked
    place: a 长春 article's "累计派送4.4万份" may sit in its section on 南关区. (Not the sentence's last
    place: in "其中九台区例、经开区89例" the clause names a zone the gazetteer does not know, and 九台区 is
    not what 89例 counts.)"""
    if not q.places or slot.scrubbed:
        return None
    left_start, _ = slot_context(s.text, slot)
    before = [m.place for m in s.mentions if left_start <= m.start and m.end <= slot.start]
    named = bool(before)
    if not before and q.measures and not any(m.end <= slot.start for m in s.mentions) \
            and (main := s.passage.meta.get("main_city")):
        before = [m.place for m in find_places(main) if m.place.name == main][:1]
    if not before:
        return None
    counted = before[-1]
    line = lineage(counted)
    asked = {a.name for a in q.places}
    inside = bool(asked & set(line[1:]))
    if line[0] in asked or not (named or inside):  # an article about a city has sections on its districts
        return None
    return counted, inside


def slot_unit(s: Sentence, slot: Slot) -> str:
    if m := NUMBER.match(s.text, slot.start):
        return m.group(4) or ""
    m = CN_COUNT.match(s.text, slot.start)
    return m.group(1) if m else ""
