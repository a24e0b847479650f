"""Compose an extractive answer with [n] citations, or abstain and say why.

No LLM: the answer is the sentence (plus its qualifier sentence) of the best passage that
satisfies the question's date and place, chosen by what is asked (for a count, the sentence
whose number sits next to the asked measure). A number for another date or city is never
given as the answer; it may be offered as the nearest fact, labelled as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.chunk import split_sentences
from ingest.dates import DateMention, find_dates
from ingest.places import find_places
from qa.question import AskedDate, Question
from qa.retrieve import published_date
from qa.types import Answer, Citation, Passage
from qa.verify import unsupported_numbers

_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万)?(余)?(例|人次|人|个|份|名|家|支|间|台|辆|轮|户|次|处|所|条|元|亿)")
_SCRUBBED = re.compile(r"(病例|感染者|确诊|阳性|人员|区|县|市|含|检测|累计)(例|人(?!员|民|口|大|群|士|次))(?![\d])")
_PERSON = re.compile(r"(市长|省长|区长|县长|书记|主任|局长|部长|巡视员|记者|处长|副|主席|专家|负责人|院长)")
_LIST_SEP = re.compile(r"[、，,]")
_WEAK_DENSE = 0.80  # e5 cosine below which an unconstrained question has no real evidence


@dataclass
class Sentence:
    passage: Passage
    text: str
    start: int  # offsets into the article body
    end: int
    dates: list[DateMention] = field(default_factory=list)
    own_dates: bool = False
    places: list[str] = field(default_factory=list)
    score: float = 0.0


def sentences_of(p: Passage) -> list[Sentence]:
    """Sentences of a passage with the dates and places they speak of; a sentence without its own
    date inherits the last one of its paragraph ("经定点医院诊断,2例为确诊病例" is still 7月16日)."""
    text, base = p.text, int(p.meta.get("start", 0))
    mentions = find_dates(text, anchor=published_date(p.meta))
    city = p.meta.get("main_city")
    out: list[Sentence] = []
    carried: list[DateMention] = []
    last_end = 0
    for s, e in split_sentences(text):
        if "\n" in text[last_end:s]:
            carried = []
        last_end = e
        own = [m for m in mentions if m.start >= s and m.end <= e]
        if own:
            carried = own
        places = [pm.place.name for pm in find_places(text[s:e], context_city=city)]
        out.append(Sentence(p, text[s:e], base + s, base + e, own or carried, bool(own), places))
    return out


def _date_ok(asked: list[AskedDate], s: Sentence) -> bool:
    if not asked:
        return True
    for m in s.dates:
        for d in asked:
            if (m.month, m.day) == (d.month, d.day) and (d.year is None or m.year in (None, d.year)):
                return True
    return False


def _place_ok(q: Question, s: Sentence) -> bool:
    if not q.places:
        return True
    names = {p.name for p in q.places}
    if names & set(s.places):
        return True
    if not s.passage.place_match:
        return False
    others = [n for n in s.places if n not in names and not n.endswith(("区", "县"))]
    return not others  # the article is about the asked place and this sentence names no other one


def score(q: Question, s: Sentence, rank: int) -> float:
    text = s.text
    terms = [t for t in q.terms if len(t) > 1 or t in "谁"]
    coverage = sum(t in text for t in terms) / len(terms) if terms else 0.5
    measures = sum(m in text for m in q.measures)
    value = 2.0 * coverage + 1.0 * measures - 0.15 * rank
    if q.kind == "count":
        nums = list(_COUNT.finditer(text))
        value += 2.0 if nums else -3.0
        if nums and q.measures:
            dist = min(abs(n.start() - text.find(m)) for n in nums for m in q.measures if m in text) \
                if measures else 40
            value += max(0.0, 1.5 - dist / 20)
    elif q.kind == "person":
        value += 1.5 if _PERSON.search(text) else -1.0
    elif q.kind == "time":
        value += 1.5 if s.own_dates else -1.0
    elif q.kind == "list":
        value += min(len(_LIST_SEP.findall(text)), 4) * 0.3 + (1.0 if len(set(s.places)) > 1 else 0.0)
    if "累计" in text and "累计" not in q.search_text:
        value -= 1.5
    if q.dates and s.own_dates:
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


def compose(q: Question, passages: list[Passage], top: int = 8) -> Answer:
    en = _english(q)
    fitting = [p for p in passages if p.date_match and p.place_match]
    if q.places and not any(p.place_match for p in passages):
        names = "、".join(p.name for p in q.places)
        return _abstain(q, f"No article mentions {names}." if en else f"资料中没有关于{names}的报道。")
    candidates: list[Sentence] = []
    for rank, p in enumerate(fitting[:top]):
        for s in sentences_of(p):
            if _date_ok(q.dates, s) and _place_ok(q, s):
                s.score = score(q, s, rank)
                candidates.append(s)
    if not candidates:
        return _nearest(q, passages, en)
    best = max(candidates, key=lambda s: s.score)
    if not _supported(q, best, passages):
        return _abstain(q, "The articles do not answer this question." if en else "资料中没有找到能回答这个问题的内容。")
    if q.kind == "count" and not _COUNT.search(best.text) and _SCRUBBED.search(best.text):
        cite = _citation(1, best.passage, [best])
        msg = ("The article reports this figure, but the number itself is missing from its text [1]." if en else
               "文章提到了这项数据，但原文中的具体数字缺失，无法给出 [1]。")
        return Answer(q.raw, msg, True, [cite])
    if q.kind == "count" and not _COUNT.search(best.text):
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
    terms = [t for t in q.terms if len(t) > 1]
    if terms:
        hay = best.passage.text
        found = sum(t in hay for t in terms)
        if found == 0 or found / len(terms) < 0.5:
            return False
    if not q.dates and not q.places:
        dense = best.passage.dense or max((p.dense or 0.0) for p in passages[:5])
        return dense >= _WEAK_DENSE and bool(terms)
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
            if not s.own_dates or (q.kind == "count" and not _COUNT.search(s.text)):
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
