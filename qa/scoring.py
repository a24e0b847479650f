"""How well one sentence answers a question, by what is asked (weights: ``qa.weights``)."""

from __future__ import annotations

import re

from qa.asked import residual_bigrams, specific
from qa.question import Question
from qa.sentences import Sentence
from qa.slots import slot_context, slot_score, slots
from qa.weights import WEIGHTS as W
from zhtext.normalise import canon
from zhtext.periods import periods
from zhtext.vocabulary import PERSON_TITLES, alternation

_PERSON = re.compile(f"({alternation(PERSON_TITLES)})")
_LIST_SEP = re.compile(r"[、，,]")
# "最大的一次地震几级", "最高气温多少度": the number the article calls the greatest is the answer among several
_SUPERLATIVE = re.compile(r"最(?:大|高|多|低|少|长|短|强|快|重|深|远)")
_TIME = re.compile(r"\d{1,2}\s*[时点:：]\s*\d{0,2}|\d{4}年(?:年底|底|初|上半年|下半年|内)?|\d{1,2}月(?:底|初|中旬|下旬|上旬)")


def _contrast(q: Question, s: Sentence, found: list) -> None:
    """Numbers of one sentence told apart by the question's own words: in "北京城区人员转移5万人，郊区人员
    转移3万人" 郊区 is what separates the two clauses, so the clause that lacks a word of the question
    another clause has loses ``slot_contrast`` per such word, whatever else (the place named at the
    sentence's start) favours it."""
    pairs = residual_bigrams(q)
    if not pairs or len(found) < 2:
        return
    held = [sum(b in slot_context(s.text, slot)[1] for b in pairs) for slot in found]
    most = max(held)
    for slot, n in zip(found, held, strict=True):
        slot.score -= W.slot_contrast * (most - n)


def score(q: Question, s: Sentence, rank: int) -> float:
    text = canon(s.text)
    terms = [t for t in q.terms if len(t) > 1 or t in "谁"]
    coverage = sum(t in text for t in terms) / len(terms) if terms else W.no_terms_coverage
    measures = sum(m in text for m in q.measures)
    value = W.coverage * coverage + W.measure * measures - W.rank * rank
    if q.kind == "count":
        asked = specific(q)
        found = slots(s.text)
        for slot in found:
            slot.score = slot_score(q, s, slot, asked)
        _contrast(q, s, found)
        if said := _SUPERLATIVE.findall(q.text):  # "最大的一次地震几级": "其中最大4.0级", not the first 3.4级 listed
            for slot in found:
                if any(w in slot_context(s.text, slot)[1] for w in said):
                    slot.score += W.slot_superlative
        if found:
            s.slot = max(found, key=lambda x: x.score)
            value += W.has_number + s.slot.score
        else:
            value -= W.no_number
        if any(m not in text and m not in canon(s.lead) for m in asked):
            value -= W.missing_measure
    elif q.kind == "person":
        value += W.person_title if _PERSON.search(text) else -W.no_person_title
    elif q.kind == "time":
        value += W.time_mention if s.own_dates or _TIME.search(s.text) else -W.no_time_mention
    elif q.kind == "list":
        value += (min(len(_LIST_SEP.findall(text)), W.list_separators_max) * W.list_separator
                  + (W.list_places if len(set(s.places)) > 1 else 0.0))
    if q.kind != "count":  # a count's words are weighed next to its number instead
        value += W.residual_pair * min(W.residual_pairs_max, sum(b in text for b in residual_bigrams(q)))
    if "累计" in text and "累计" not in q.search_text:
        value -= W.cumulative
    if q.dates and s.own_dates:
        value += W.own_date
    hits = [m for m in s.dates if any((m.month, m.day) == (d.month, d.day) for d in q.dates)]
    if len(q.dates) == 1 and hits and all(m.part for m in hits):
        value -= W.period_for_day  # "7月9日至16日" speaks of a period, not of the asked day
    if len(q.dates) > 1 and len({(m.month, m.day) for m in hits}) > 1:
        value += W.asked_period  # the asked period itself
    if q.places and set(s.places) & {p.name for p in q.places}:
        value += W.asked_place
    asked_periods = periods(q.text)
    said = periods(s.text) if asked_periods else set()
    if said:  # "8月份甘肃省平均气温": July's figure is not August's
        value += W.g_period if said & asked_periods else -W.g_other_period
    return value
