"""Compose an extractive answer with [n] citations, or abstain and say why.

No LLM: the answer is the sentence (plus its qualifier sentence) of the best passage that
satisfies the question's date and place, chosen by what is asked (for a count, the sentence
whose number sits next to the asked measure). A number for another date or city is never
given as the answer; it may be offered as the nearest fact, labelled as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.chunk import split_sentences
from ingest.dates import DateMention, find_dates
from ingest.places import PlaceMention, find_places, lineage
from qa.question import AskedDate, Question
from qa.retrieve import date_anchor, published_date
from qa.types import Answer, Citation, Passage
from qa.verify import unsupported_numbers

_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿|千)?(余|多)?(例|人次|人|个|份|名|家|支|间|台|辆|轮|户|次|处|所|条|元|亿)")
# Any figure with its unit, for questions beyond case counts ("357311千米", "21.6℃", "4.0级", "20%").
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿|千)?(余|多)?(人次|艘次|架次|千米|公里|平方米|平方公里|千克|公斤|万元|亿元|"
                     r"小时|分钟|个月|[\u4e00-\u9fff%℃‰])?")
_DATE_UNITS = set("年月日号时分秒点")
_UNIT_GROUPS = [set("人名位") | {"人次"}, set("个家所处座"), {"元", "万元", "亿元"}, {"天", "日"}, {"度", "℃"},
                {"千米", "公里"}, {"千克", "公斤"}]
_SCRUBBED = re.compile(r"(病例|感染者|确诊|阳性|人员|区|县|市|含|检测|累计)(例|人(?!员|民|口|大|群|士|次))(?![\d])")
_PERSON = re.compile(r"(市长|省长|区长|县长|书记|主任|局长|部长|巡视员|记者|处长|副|主席|专家|负责人|院长)")
_LIST_SEP = re.compile(r"[、，,]")
_CLAUSE = re.compile(r"[，,；;：:、（(）)]")
# Measures a count question can name that the answer sentence must speak of: a sentence about new
# infections does not answer "新增死亡病例多少例".
SPECIFIC = ("次密接", "密接", "确诊", "无症状", "死亡", "出院", "治愈", "境外输入", "核酸", "采样", "隔离", "排查",
            "重症", "危重")
_CANON = [("密接的密接", "次密接"), ("次密切接触者", "次密接"), ("密切接触者", "密接"), ("密接者", "密接"),
          ("无症状感染", "无症状"), ("本土", "本地"), ("遇难", "死亡")]


_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』《》")
_WHOLE_CITY = re.compile(r"(全市|我市|该市|本市)")
_TIME = re.compile(r"\d{1,2}\s*[时点:：]\s*\d{0,2}|\d{4}年(?:年底|底|初|上半年|下半年|内)?|\d{1,2}月(?:底|初|中旬|下旬|上旬)")
_SUBAREA = re.compile(r"新区|高新区|经开区|开发区|园区")
_PAREN = re.compile(r"[（(][^）)]*[）)]")


def canon(text: str) -> str:
    """One spelling per measure and no quote marks ("“无疫”社区"), for matching only; quotes in answers
    are never rewritten."""
    text = text.translate(_QUOTES)
    for a, b in _CANON:
        text = text.replace(a, b)
    return text
_WEAK_DENSE = 0.80  # e5 cosine below which an unconstrained question has no real evidence


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
    text, base = p.text, int(p.meta.get("start", 0))
    anchor, year_known = date_anchor(p.meta)
    mentions = find_dates(text, anchor=anchor, anchor_year_known=year_known)
    city = p.meta.get("main_city")
    out: list[Sentence] = []
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
        places = find_places(text[s:e], context_city=city)
        lead = out[-1].text if out and not fresh else ""
        out.append(Sentence(p, text[s:e], base + s, base + e, own or carried, bool(own), places, lead))
    return out


_REPORT_VERB = re.compile(r"\s*(?:[上下]午|晚间?)?\s*(?:\d{1,2}[时点])?\s*(?:通报|发布|消息|讯|电)")


def _data_dates(text: str, own: list[DateMention]) -> list[DateMention]:
    """A sentence's dates without the day it was reported on, when it names the day its figures are for:
    in "卫健委8月13日通报：8月12日0—24时，新增97例" the 97 are of 8月12日, not 8月13日."""
    data = [m for m in own if not _REPORT_VERB.match(text, m.end)]
    return data if data and len(data) < len(own) else own


def _date_ok(asked: list[AskedDate], s: Sentence) -> bool:
    if not asked:
        return True
    for m in s.dates:
        for d in asked:
            if (m.month, m.day) == (d.month, d.day) and (d.year is None or m.year in (None, d.year)):
                return True
    return False


def _related(asked, place) -> bool:
    """The sentence's place is the asked one, inside it (榆树市 in 长春) or encloses it (吉林 for 长春)."""
    return asked.name in lineage(place) or place.name in lineage(asked)


def _place_ok(q: Question, s: Sentence) -> bool:
    if not q.places:
        return True
    names = {p.name for p in q.places}
    if names & set(s.places):
        return True
    if not s.passage.place_match:
        return False
    # the article is about the asked place and this sentence names nothing but places inside it
    return all(any(a.name in lineage(m.place) for a in q.places) for m in s.mentions)


def _numbers(text: str):
    """Figures in a sentence, not the digits of its dates and clock times."""
    dates = find_dates(text)
    for m in _NUMBER.finditer(text):
        unit = m.group(4) or ""
        if unit[:1] in _DATE_UNITS or any(d.start <= m.start() < d.end for d in dates):
            continue
        if text[m.end(): m.end() + 1] in ("：", ":") or text[max(0, m.start() - 1): m.start()] in ("：", ":", "."):
            continue  # 18:00, 9.30
        yield m


def _unit_ok(asked: str, unit: str) -> bool:
    if not unit:
        return False
    if unit.startswith(asked) or asked.startswith(unit):
        return True
    return any(asked in g and any(unit.startswith(u) for u in g) for g in _UNIT_GROUPS)


def _slots(text: str) -> list[Slot]:
    slots = [Slot(m.start(), m.end(), False) for m in _numbers(text)]
    slots += [Slot(m.start(2), m.end(2), True) for m in _SCRUBBED.finditer(text)]
    return sorted(slots, key=lambda x: x.start)


def _slot_context(text: str, slot: Slot) -> tuple[int, str]:
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


def _slot_score(q: Question, s: Sentence, slot: Slot, specific: list[str]) -> float:
    """How well one number answers: the asked measure and words next to it, the asked place right
    before it, and no other place's name right before it (a breakdown for another district)."""
    left_start, around = _slot_context(s.text, slot)
    value = sum(0.8 for m in q.measures if m in around) + sum(1.2 for m in specific if m in around)
    value -= sum(1.2 for m in SPECIFIC if m in around and m not in specific
                 and not any(m in o for o in specific))  # a figure for another measure
    value += 1.2 * min(3, sum(b in around for b in _residual_bigrams(q)))
    unit = _asked_unit(q)
    if unit and not slot.scrubbed:
        value += 1.5 if _unit_ok(unit, _slot_unit(s, slot)) else -2.0
    if "累计" in around and "累计" not in q.search_text:
        value -= 1.5
    missing = [m for m in specific if m not in around]
    value -= 1.0 * len(missing)  # the asked measure is not what this number counts
    before = [m for m in s.mentions if left_start <= m.start and m.end <= slot.start]
    if any(_SUBAREA.match(s.text, m.end) for m in before):
        before = []
        value -= 1.0  # "长春新区74例": a zone named after the city, not the city
    main = s.passage.meta.get("main_city")
    if not before and main and _WHOLE_CITY.search(s.text, left_start, slot.start):
        if any(a.name == main for a in q.places):
            value += 1.5  # "全市…" in an article about the asked city
    if before:
        named = {m.place.name for m in before}
        if any(a.name in named for a in q.places):
            value += 2.5
        elif q.places and not any(_related(a, m.place) for m in before for a in q.places):
            value -= 3.0  # another city's figure
        else:
            value -= 1.0  # a part's share (a district of the asked city) or the enclosing province's
    return value


_ASKED_UNIT = re.compile(r"(?:多少|几)(?:万|亿|千)?(人次|艘次|架次|千米|公里|平方米|平方公里|千克|公斤|小时|分钟|个月|钱|"
                         r"[例人个份名家支间台辆轮户次处所条元亿天度级岁米吨只头架艘座位项场件套块张倍])")


def _slot_unit(s: Sentence, slot: Slot) -> str:
    m = _NUMBER.match(s.text, slot.start)
    return (m.group(4) or "") if m else ""
_ASKING = re.compile(r"截至|截止|多少|几号|几点|哪一?天|什么时候|何时|几|是否|有没有|哪些|什么|请问|共有|一共|总共|全市|全省|"
                     r"全国|是谁|叫什么|名字|怎么样|怎么|如何|今天|昨天|今日|昨日|现在|目前|"
                     r"[的了吗呢么？?！!，,。、\s\d]")


def _asked_unit(q: Question) -> str | None:
    """The unit a count question asks in ("多少例" → 例, "多少钱" → 元); None for a bare 多少."""
    m = _ASKED_UNIT.search(q.text)
    if not m or m.group(1) in ("的", "是", "在", "呢", "吗", "了", "从", "被", "有", "为"):
        return None
    return "元" if m.group(1) == "钱" else m.group(1)


def _residual_bigrams(q: Question) -> tuple[str, ...]:
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
    for m in [*measures, *SPECIFIC, "新增", "报告", "本地", "本土", "病例"]:
        rest = rest.replace(m, " ")
    rest = _ASKING.sub(" ", rest)
    return tuple(dict.fromkeys(w[i: i + 2] for w in rest.split() for i in range(len(w) - 1)))


def _specific(q: Question) -> list[str]:
    asked = canon(q.search_text)
    found = [m for m in SPECIFIC if m in asked]
    return [m for m in found if not any(m != o and m in o for o in found)]  # 密接 is inside 次密接


def score(q: Question, s: Sentence, rank: int) -> float:
    text = canon(s.text)
    terms = [t for t in q.terms if len(t) > 1 or t in "谁"]
    coverage = sum(t in text for t in terms) / len(terms) if terms else 0.5
    measures = sum(m in text for m in q.measures)
    value = 2.0 * coverage + 1.0 * measures - 0.15 * rank
    if q.kind == "count":
        specific = _specific(q)
        slots = _slots(s.text)
        for slot in slots:
            slot.score = _slot_score(q, s, slot, specific)
        if slots:
            s.slot = max(slots, key=lambda x: x.score)
            value += 2.0 + s.slot.score
        else:
            value -= 3.0
        if any(m not in text and m not in canon(s.lead) for m in specific):
            value -= 4.0
    elif q.kind == "person":
        value += 1.5 if _PERSON.search(text) else -1.0
    elif q.kind == "time":
        value += 1.5 if s.own_dates or _TIME.search(s.text) else -1.0
    elif q.kind == "list":
        value += min(len(_LIST_SEP.findall(text)), 4) * 0.3 + (1.0 if len(set(s.places)) > 1 else 0.0)
    if q.kind != "count":  # a count's words are weighed next to its number instead
        value += 1.2 * min(4, sum(b in text for b in _residual_bigrams(q)))
    if "累计" in text and "累计" not in q.search_text:
        value -= 1.5
    if q.dates and s.own_dates:
        value += 0.5
    hits = [m for m in s.dates if any((m.month, m.day) == (d.month, d.day) for d in q.dates)]
    if len(q.dates) == 1 and hits and all(m.part for m in hits):
        value -= 1.0  # "7月9日至16日" speaks of a period, not of the asked day
    if len(q.dates) > 1 and len({(m.month, m.day) for m in hits}) > 1:
        value += 1.5  # the asked period itself
    if q.places and set(s.places) & {p.name for p in q.places}:
        value += 0.5
    return value


def _qualifier(best: Sentence, sentences: list[Sentence], q: Question) -> Sentence | None:
    """The next sentence when it qualifies a count ("经定点医院诊断,2例为确诊病例,7例为无症状感染者")."""
    if q.kind != "count":
        return None
    i = next((i for i, s in enumerate(sentences) if s.start == best.start), None)
    if i is None or i + 1 >= len(sentences):
        return None
    nxt = sentences[i + 1]
    between = best.passage.text[best.end - int(best.passage.meta.get("start", 0)):
                                nxt.start - int(nxt.passage.meta.get("start", 0))]
    if "\n" in between or nxt.own_dates or "累计" in nxt.text:
        return None
    if _COUNT.search(nxt.text) and re.match(r"^(经|其中|含|包括|均|以上)", nxt.text):
        return nxt
    return None


def _citation(n: int, p: Passage, quote_sents: list[Sentence]) -> Citation:
    start, end = quote_sents[0].start, quote_sents[-1].end
    base = int(p.meta.get("start", 0))
    quote = p.text[start - base: end - base]
    pub = published_date(p.meta)
    return Citation(n=n, doc_id=p.doc_id, title=p.meta.get("title", ""), source=p.meta.get("source"),
                    published=pub.isoformat() if pub else None, path=p.meta.get("path", ""),
                    quote=quote, start=start, end=end, score=round(p.score, 6))


def _english(q: Question) -> bool:
    letters = sum(ch.isascii() and ch.isalpha() for ch in q.raw)
    return letters > len(q.raw) * 0.4


def _where_when(q: Question) -> str:
    return "".join([*(p.name for p in q.places[:2]), *(d.label() for d in q.dates[:2])])


def _candidates(q: Question, passages: list[Passage]) -> list[Sentence]:
    """Sentences of the passages that satisfy the question's date and place, scored."""
    out: list[Sentence] = []
    for rank, p in enumerate(passages):
        for s in sentences_of(p):
            if _date_ok(q.dates, s) and _place_ok(q, s):
                s.score = score(q, s, rank)
                out.append(s)
    return out


def rerank(q: Question, passages: list[Passage], top: int = 12) -> list[Passage]:
    """Passages that satisfy the constraints first, ordered by how well their best sentence answers;
    what the LangChain retriever returns."""
    best: dict[str, float] = {}
    for s in _candidates(q, [p for p in passages if p.date_match and p.place_match][:top]):
        best[s.passage.chunk_id] = max(best.get(s.passage.chunk_id, -1e9), s.score)
    return sorted(passages, key=lambda p: (p.chunk_id in best, best.get(p.chunk_id, 0.0)), reverse=True)


def compose(q: Question, passages: list[Passage], top: int = 12) -> Answer:
    en = _english(q)
    fitting = [p for p in passages if p.date_match and p.place_match]
    if q.places and not any(p.place_match for p in passages):
        names = "、".join(p.name for p in q.places)
        return _abstain(q, f"No article mentions {names}." if en else f"资料中没有关于{names}的报道。")
    candidates = _candidates(q, fitting[:top])
    if not candidates:
        return _nearest(q, passages, en)
    best = max(candidates, key=lambda s: s.score)
    if not _supported(q, best, passages):
        return _abstain(q, "The articles do not answer this question." if en else "资料中没有找到能回答这个问题的内容。")
    missing = [m for m in _specific(q) if m not in canon(best.lead + best.text)] if q.kind == "count" else []
    if missing:
        what = "、".join(missing)
        return _abstain(q, f"The articles give no figure for {what} here." if en else
                        f"资料中没有{_where_when(q)}{what}的数字。")
    if q.kind == "count" and best.slot is not None and best.slot.scrubbed:
        cite = _citation(1, best.passage, [best])
        msg = ("The article reports this figure, but the number itself is missing from its text [1]." if en else
               "文章提到了这项数据，但原文中的具体数字缺失，无法给出 [1]。")
        return Answer(q.raw, msg, True, [cite])
    unit = _asked_unit(q) if q.kind == "count" else None
    if q.kind == "count" and (best.slot is None or unit and not best.slot.scrubbed
                              and not _unit_ok(unit, _slot_unit(best, best.slot))):
        return _abstain(q, "The articles give no such number." if en else "资料中没有给出这个数字。")
    sents = [best]
    qual = _qualifier(best, sentences_of(best.passage), q)
    if qual is not None:
        sents.append(qual)
    cite = _citation(1, best.passage, sents)
    text = f"{cite.quote}[1]"
    bad = unsupported_numbers(text, [cite.quote], q.text)
    if bad:  # cannot happen for an extractive quote; kept as the last line of defence
        return _abstain(q, "资料中的数字无法核对，不作回答。")
    return Answer(q.raw, text, False, [cite])


def _supported(q: Question, best: Sentence, passages: list[Passage]) -> bool:
    """Weak-evidence guard: the question's content words must appear in the chosen passage, and a
    question with no date or place to pin it needs a close dense match too."""
    pairs = _residual_bigrams(q)
    near = canon(best.lead + best.text)
    if q.dates or q.places:  # the constraints already hold: the sentence must still speak of the thing asked
        hits = sum(b in near for b in pairs) + sum(m in near for m in q.measures)
        return not pairs or hits >= min(2, len(pairs))
    if pairs:
        hay = canon(best.passage.meta.get("title", "") + best.passage.text)
        if sum(b in hay for b in pairs) / len(pairs) < 0.5 or not any(b in near for b in pairs):
            return False
    if not q.dates and not q.places:
        dense = best.passage.dense or max((p.dense or 0.0) for p in passages[:5])
        return dense >= _WEAK_DENSE and bool(pairs)
    return True


def _nearest(q: Question, passages: list[Passage], en: bool) -> Answer:
    """Say the date is not reported, and offer the closest reported date for the same place."""
    asked = q.dates[0] if q.dates else None
    what = _where_when(q)
    head = (f"The articles do not report {what}." if en else f"资料中没有{what}的相关数据。")
    if asked is None:
        return _abstain(q, head)
    best: tuple[int, Sentence, DateMention] | None = None
    for p in passages[:20]:
        if not p.place_match:
            continue
        for s in sentences_of(p):
            if not s.own_dates or (q.kind == "count" and not any(True for _ in _numbers(s.text))):
                continue
            if q.measures and not any(m in s.text for m in q.measures):
                continue
            if not _place_ok(q, s):
                continue
            for m in s.dates:
                gap = abs((m.month * 31 + m.day) - (asked.month * 31 + asked.day))
                if best is None or gap < best[0]:
                    best = (gap, s, m)
    if best is None:
        return _abstain(q, head)
    _, s, m = best
    cite = _citation(1, s.passage, [s])
    near = f"Nearest reported: {m.text}: {cite.quote}[1]" if en else f"最近的是{m.text}：{cite.quote}[1]"
    return Answer(q.raw, f"{head}{' ' if en else ''}{near}", True, [cite])


def _abstain(q: Question, message: str) -> Answer:
    return Answer(q.raw, message, True, [])
