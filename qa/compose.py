"""Compose an extractive answer with [n] citations, or abstain and say why.

No LLM: the answer is the sentence (plus its qualifier sentence) of the best passage that
satisfies the question's date and place, chosen by what is asked (for a count, the sentence
whose number sits next to the asked measure). A number for another date or city is never
given as the answer; it may be offered as the nearest fact, labelled as such.
"""

from __future__ import annotations

import re

from core.records import Answer, Citation, Passage
from core.schema import published_date
from qa.answer_types import AskedType, classify
from qa.asked import asked_unit, date_ok, names_other_measure, place_ok, residual_bigrams, specific, unit_ok
from qa.fits import FIGURE_KINDS, fitting
from qa.general import TYPED, Candidate, Idf, Similar, candidates, full_name, holds_asked_role
from qa.messages import say
from qa.question import Question
from qa.scoring import score
from qa.sentences import Sentence, sentences_of
from qa.slots import CN_COUNT, COUNT, counted_place, numbers, slot_context, slot_unit
from qa.spans import PHRASE_KINDS, find_asked, names_in, span_not_in_question
from qa.verify import numbers as figures_in
from qa.verify import unsupported_numbers
from qa.weights import WEIGHTS as W
from zhtext.dates import DateMention, find_dates
from zhtext.normalise import canon


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
    if COUNT.search(nxt.text) and re.match(r"^(经|其中|含|包括|均|以上)", nxt.text):
        return nxt
    return None


def _breakdown(q: Question, best: Sentence, ranked: list[Passage]) -> Sentence | None:
    """The sentence after a day's total that breaks it down, when it names every measure the question asks
    and the total does not: "南昌新增的阳性感染者中有几例确诊" is answered by "经定点医院诊断,2例为确诊病例",
    not refused for want of 确诊 beside 9例阳性感染者. Scored as a candidate of its own (its number chosen
    for the asked measure)."""
    qual = _qualifier(best, sentences_of(best.passage), q)
    if qual is None or any(m not in canon(qual.text) for m in specific(q)):
        return None
    rank = next((i for i, p in enumerate(ranked) if p is best.passage), 0)
    qual.score = score(q, qual, rank)
    return qual if qual.slot is not None and not qual.slot.scrubbed else None


def citation(n: int, p: Passage, quote_sents: list[Sentence]) -> Citation:
    start, end = quote_sents[0].start, quote_sents[-1].end
    base = int(p.meta.get("start", 0))
    quote = p.text[start - base: end - base]
    pub = published_date(p.meta)
    return Citation(n=n, doc_id=p.doc_id, title=p.meta.get("title", ""), source=p.meta.get("source"),
                    published=pub.isoformat() if pub else None, path=p.meta.get("path", ""),
                    quote=quote, start=start, end=end, score=round(p.score, 6))


def _english(q: Question) -> bool:
    """Mostly Latin letters, and far more of them than Chinese characters: "哪家公司推出了ChatGPT" is Chinese."""
    letters = sum(ch.isascii() and ch.isalpha() for ch in q.raw)
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in q.raw)
    return letters > len(q.raw) * 0.4 and letters > 2 * han


def _where_when(q: Question) -> str:
    return "".join([*(p.name for p in q.places[:2]), *(d.label() for d in q.dates[:2])])


def _candidates(q: Question, passages: list[Passage]) -> list[Sentence]:
    """Sentences of the passages that satisfy the question's date and place, scored."""
    out: list[Sentence] = []
    for rank, p in enumerate(passages):
        for s in sentences_of(p):
            if date_ok(q.dates, s) and place_ok(q, s):
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


def compose(q: Question, passages: list[Passage], top: int = 12, idf: Idf | None = None,
            similar: Similar | None = None) -> Answer:
    """The answer to ``q`` from ``passages`` (retrieval order): figures tied to a date or place by their
    slot (``constrained``), every other question by the span of its asked type (``general``)."""
    asked = classify(q.text)
    answer = constrained(q, passages, top) if routed_to_figures(q, asked) else None
    if answer is not None and not answer.abstained and _holds_no_asked_span(q, asked, answer):
        # "…最后备降在了哪个机场" pinned by its date: the figure path quotes the day's sentence, found by its date
        # and place; with no airport in it, it answers nothing. The typed spans' answer, or a refusal.
        answer = general(q, asked, passages, idf, similar)
    elif answer is not None and _typed_may_better(q, asked, answer, passages):
        typed = general(q, asked, passages, idf, similar)
        answer = answer if typed.abstained else typed
    elif answer is not None and not answer.abstained and answer.short_answer is None and asked.kind == "person":
        # "…开原镇模范村党支部书记是谁" pinned by its date and place: the figure path quotes the day's lead, whose
        # names are the reporters'; the typed spans' name stands when it is given with the asked title
        typed = general(q, asked, passages, idf, similar)
        if not typed.abstained and typed.short_answer and _given_with_role(q, typed):
            answer = typed
    if answer is None:  # not routed there, or no number of the asked unit where it looked: the typed spans'
        answer = general(q, asked, passages, idf, similar)
    answer.answer_type = asked.kind
    return answer


# Asked types of a fixed shape the figure path cannot read (第三批次, 《…》, 三个月); not names or phrases, for which
# its refusal of a question pinned by a place stands ("南昌市市长是谁": no 洪城红 for a mayor)
SPANS_OWN = frozenset(("level", "work", "duration"))


def _typed_may_better(q: Question, asked: AskedType, answer: Answer, passages: list[Passage]) -> bool:
    """The figure path's answer, which stands unless the typed spans answer instead."""
    if not answer.abstained:
        # "模拟庭审的是一起什么案件" pinned by its date: the day's sentence quoted whole, or the phrase that answers
        # (未成年人组织聚众斗殴案件) when the typed spans find one; a phrase has no type to check the quote by. So
        # for a name, body, place or date when a date alone pins the question: the quote may name someone else
        return answer.short_answer is None and (asked.kind in PHRASE_KINDS
                                                or asked.kind in NAMED_BY_SPAN and not q.places)
    # "据8月4日…交流会的介绍，上海从第几批次…起执行…新竞价规则" pinned by its date: the figure path found no sentence
    # of that day to quote; a level, a title, a length of time is the typed spans' business. Not when no article
    # is of the asked place: that refusal stands
    return not answer.citations and asked.kind in SPANS_OWN and not (q.places and not any(p.place_match for p in passages))


def _given_with_role(q: Question, typed: Answer) -> bool:
    """The typed answer's name stands right after the title the question asks of, in its cited sentence."""
    names = names_in(typed.short_answer) or [typed.short_answer]
    return bool(typed.citations) and holds_asked_role(q.text, typed.citations[0].quote, names[-1])


def _holds_no_asked_span(q: Question, asked: AskedType, answer: Answer) -> bool:
    """The figure path quoted sentences that hold no span of the asked type (a place, a name, a percent…) that
    the question does not already hold: it found the date and place the question is pinned to, not the answer.
    Counts are the figure path's own business (it checks their units)."""
    if asked.kind not in TYPED or asked.kind == "count" or not answer.citations:
        return False
    quote = answer.citations[0].quote
    spans = [sp for sp in find_asked(quote, asked) if span_not_in_question(sp, q.text)]
    if asked.kind == "date":  # "据8月10日…活动介绍，进博会于哪几天举办": the day the question is pinned to is not its answer
        pinned = {(d.month, d.day) for d in q.dates}
        spans = [sp for sp in spans if not {(m.month, m.day) for m in find_dates(sp.text)} & pinned]
    return not fitting(q.text, asked, quote, spans)


def routed_to_figures(q: Question, asked: AskedType) -> bool:
    """The figure path (slots next to the asked measure, the asked date and place, the nearest reported
    date) is for what it was built for: a question pinned by a date or a place, a count, a yes/no, or an
    English question (its glossary maps it to the measures). Everything else goes by typed span. A count
    pinned by a date alone, with neither a place nor a daily-report measure, is not a daily figure: the date
    names the report ("2023年8月15日发布的蓝皮书显示，…海洋生态保护红线面积约为多少"), not the figure's day."""
    if q.dates and (q.places or q.measures or asked.kind != "count") or q.kind == "yesno" or asked.kind == "yesno" or _english(q):
        return True
    return bool(q.places) and (asked.kind in PINNED_KINDS or q.kind in ("person", "time"))


PINNED_KINDS = frozenset(("person", "date", "time", "amount", "percent"))  # with a place, the figure path's title and date rules hold
# Names, bodies, places and dates the typed spans read, when a date alone pins the question: the figure path found
# that day's sentence, not the asked name in it ("2023年7月24日…临时股东大会上，…独立董事是谁" → 秦志华)
NAMED_BY_SPAN = frozenset(("person", "org", "place", "date"))


def _counts_another_measure(q: Question, best) -> bool:
    """The chosen figure's own clause names another measure and none of the asked ones: "…公司实现营业收入
    1390.81万元" is no 净利润, whatever the sentence before says or however near the company's name it stands."""
    asked = specific(q)
    return bool(asked) and names_other_measure(slot_context(best.text, best.slot)[1], asked)


def constrained(q: Question, passages: list[Passage], top: int = 12) -> Answer | None:
    en = _english(q)
    fitting = [p for p in passages if p.date_match and p.place_match]
    if q.places and not any(p.place_match for p in passages):
        names = "、".join(p.name for p in q.places)
        return _abstain(q, say("no_place", en, names=names))
    candidates = _candidates(q, fitting[:top])
    if not candidates:
        return _nearest(q, passages, en)
    best = max(candidates, key=lambda s: s.score)
    if not _supported(q, best, passages):
        return _abstain(q, say("no_answer", en))
    missing = [m for m in specific(q) if m not in canon(best.lead + best.text)] if q.kind == "count" else []
    total = None  # the day's total, quoted before the breakdown that answers ("9例阳性感染者" → "2例为确诊病例")
    if missing and (part_of := _breakdown(q, best, fitting)) is not None:
        total, best, missing = best, part_of, []
    if not missing and q.kind == "count" and best.slot is not None and not best.slot.scrubbed \
            and _counts_another_measure(q, best):
        return None  # the figure nearest the asked place counts another measure: the span path reads the clauses
    if missing:
        what = "、".join(missing)
        return _abstain(q, say("no_figure_for", en, where=_where_when(q), what=what))
    if q.kind == "count" and best.slot is not None and best.slot.scrubbed:
        return Answer(q.raw, say("scrubbed", en), True, [citation(1, best.passage, [best])])
    if q.kind == "count" and best.slot is not None and (counted := counted_place(q, best, best.slot)) is not None:
        # another place's figure is no answer: refused, offered as what the articles do say
        place, inside = counted
        cite = citation(1, best.passage, [best])
        whole = "、".join(p.full for p in q.places)
        return Answer(q.raw, say("part_only" if inside else "other_place", en, whole=whole, part=place.full,
                                 quote=cite.quote), True, [cite])
    unit = asked_unit(q) if q.kind == "count" else None
    if q.kind == "count" and (best.slot is None or unit and not best.slot.scrubbed
                              and not unit_ok(unit, slot_unit(best, best.slot))):
        return None  # no number of the asked unit in the sentence (二级, 一级 are levels): the span path may find it
    sents = [best]
    qual = _qualifier(best, sentences_of(best.passage), q) if total is None else None
    if total is not None:
        sents.insert(0, total)
    if qual is not None:
        sents.append(qual)
    cite = citation(1, best.passage, sents)
    short = _figure(best) if q.kind == "count" else None
    if short is None:
        text = f"{cite.quote}[1]"
        if unsupported_numbers(text, [cite.quote], q.text):  # cannot happen for an extractive quote
            return _abstain(q, say("unverifiable"))
        return Answer(q.raw, text, False, [cite])
    agree, differ = other_reports(q, best, candidates, unit)
    cites = [cite] + [citation(n, c.passage, [c]) for n, c in enumerate(agree + differ, start=2)]
    text = f"**{short}**{'[1]' if differ else ''}。{cite.quote}[1]" + "".join(f"[{c.n}]" for c in cites[1:1 + len(agree)])
    for c, other in zip(differ, cites[1 + len(agree):], strict=True):
        text += say("other_report", en, figure=_figure(c), quote=other.quote, n=str(other.n))
    if unsupported_numbers(text, [c.quote for c in cites], q.text):  # before the notes: their counts are ours
        return _abstain(q, say("unverifiable"))
    if agree:
        text += say("agree", en, n=str(1 + len(agree)))
    if differ:
        text += say("differ", en)
    return Answer(q.raw, text, False, cites, short_answer=short)


def _figure(s: Sentence) -> str | None:
    """A count's short answer: its number with a counting unit, verbatim ("9例", "41.68万人", "三轮"); None for a
    bare number ("0—24时") or a figure of another kind ("4.7%"), which the quote alone then answers."""
    if s.slot is None or s.slot.scrubbed or not (COUNT.fullmatch(s.text, s.slot.start, s.slot.end)
                                                 or CN_COUNT.fullmatch(s.text, s.slot.start, s.slot.end)):
        return None
    return s.text[s.slot.start: s.slot.end]


def other_reports(q: Question, best: Sentence, candidates: list[Sentence],
                  unit: str | None) -> tuple[list[Sentence], list[Sentence]]:
    """What other articles report for the same day, place and measure, each article by its best sentence:
    (those that give the best's figure, those that give another). A figure counts when its number scores
    nearly as well as the best's for the asked measure and the sentence as a whole nearly as well: the
    same fact as told by another report. Several agreeing reports are cited together; a differing one is
    shown beside the best, never dropped. At most ``corroborate_max`` citations in all."""
    ours = figures_in(best.text[best.slot.start: best.slot.end])
    asked = specific(q)
    seen = {best.passage.doc_id}
    agree: list[Sentence] = []
    differ: list[Sentence] = []
    for c in sorted(candidates, key=lambda s: s.score, reverse=True):
        if 1 + len(agree) + len(differ) >= W.corroborate_max:
            break
        if c.passage.doc_id in seen:
            continue
        seen.add(c.passage.doc_id)  # an article speaks by its best sentence only
        if (theirs := _figure(c)) is None:
            continue
        if c.score < best.score - W.report_within or c.slot.score < best.slot.score - W.report_slot_within:
            continue
        if any(m not in canon(c.lead + c.text) for m in asked):
            continue
        if unit and not unit_ok(unit, slot_unit(c, c.slot)):
            continue
        (agree if figures_in(theirs) == ours else differ).append(c)
    return agree, differ


def general(q: Question, asked: AskedType, passages: list[Passage], idf: Idf | None = None,
            similar: Similar | None = None) -> Answer:
    """Any asked type: the sentence with a span of that type near the question's rare words; the span
    leads the answer in bold, the sentence proves it, other articles that say the same are cited too."""
    en = _english(q)
    if q.places and not any(p.place_match for p in passages):
        names = "、".join(p.name for p in q.places)
        return _abstain(q, say("no_place", en, names=names))
    # the articles that speak of the asked date and place, all their chunks: "7月21日晚…航班…" opens the story,
    # "航班最终备降扬泰机场" two chunks on does not repeat the date
    articles = {p.doc_id for p in passages if p.date_match and p.place_match}
    pool = [p for p in passages if p.doc_id in articles] or passages
    # the leading article's chunks that retrieval ranked past the read ones: "现有退役军人1700余名" sits in its
    # third chunk at rank 17, the question's rare words (戎耀周桥) in its first at rank 0
    tail = pool[W.g_top:]
    more = [p for p in tail if p.doc_id == pool[0].doc_id][: W.lead_article_more]
    read = pool[: W.g_top] + more + [p for p in tail if all(p is not m for m in more)]  # the rest: context (a speaker)
    found = candidates(q.text, asked, read, idf, top=W.g_top + len(more), similar=similar)
    fuller = _fuller_list(found) if asked.kind == "list" and found else None  # before agreement lifts the best
    if found and found[0].best is not None:
        found[0].score += W.g_agree * min(W.agree_max, _agreeing(found[0], found))
    if not found or found[0].score < W.refuse_below and not _clear_lead(found, asked) \
            or (found[0].best is None and asked.rule != "none"):
        # a count, date, name… question answered by no span of its type is not answered ("累计检出阳性人员例");
        # nor is a what/how question whose best sentence has nothing that fills its gap or follows its verb:
        # quoting a sentence that only shares the question's words is a loosely related sentence, not an answer
        # (an elliptical follow-up, "次密接呢？", has no question word and no gap: its sentence is quoted)
        answer = _abstain(q, say("no_answer", en))
        answer.evidence = round(found[0].score, 3) if found else 0.0
        return answer
    evidence = found[0].score
    if fuller is not None:
        found.remove(fuller)
        found.insert(0, fuller)
    best = found[0]
    short = best.best.text if best.best else None
    named = None
    if asked.kind in ("person", "place", "org") and short:
        full, where, start = full_name(short, pool, asked.kind)
        if where is not None and full != short:
            short = full
            named = next((s for s in sentences_of(where) if s.start <= int(where.meta.get("start", 0)) + start < s.end),
                         None)
    said = best.quote_from
    if said is not None and said.passage is not best.sentence.passage:  # named in the chunk before: cited on its own
        named = named or said
        said = None
    cites = [citation(1, best.sentence.passage, [said or best.sentence, best.sentence])]
    name_mark = ""
    if named is not None and (named.passage.doc_id, named.start) != (best.sentence.passage.doc_id, best.sentence.start):
        cites.append(citation(2, named.passage, [named]))
        name_mark = "[2]"
    seen = {best.sentence.passage.doc_id}
    also: list[Citation] = []
    for c in found[1:]:
        if len(cites) + len(also) >= W.corroborate_max or not short:
            break
        if c.sentence.passage.doc_id in seen or c.score < best.score - W.corroborate_within:
            continue
        if c.best is not None and (c.best.text in short or short in c.sentence.text
                                   or asked.kind == "list" and len(mine := list_items(c.best.text)) > 1
                                   and mine <= list_items(short)):  # a lead that shortens the list with 等
            also.append(citation(len(cites) + len(also) + 1, c.sentence.passage, [c.sentence]))
            seen.add(c.sentence.passage.doc_id)
    cites += also
    items = _more_items(best, found, cites) if asked.kind == "list" and short else []
    cites += [cite for _, cite in items]
    lead = f"**{short}**" + ("[1]" if items else "") + "".join(
        f"；**{c.best.text}**[{cite.n}]" for c, cite in items)  # "**A**[1]；**B**[2]": each item cited
    text = (f"{lead}{name_mark}。" if short else "") + cites[0].quote + "[1]" + "".join(f"[{c.n}]" for c in also)
    text += "".join(cite.quote + f"[{cite.n}]" for _, cite in items)
    differ = _differing(best, found, seen, len(cites)) if asked.kind in FIGURE_KINDS and short else []
    for c, cite in differ:
        cites.append(cite)
        text += say("other_report", en, figure=c.best.text, quote=cite.quote, n=str(cite.n))
    if unsupported_numbers(text, [c.quote for c in cites], q.text):  # before the notes: their counts are ours
        return _abstain(q, say("unverifiable"))
    if also:
        text += say("agree", en, n=str(1 + len(also)))
    if differ:
        text += say("differ", en)
    return Answer(q.raw, text, False, cites, short_answer=short, evidence=round(evidence, 3))


# Where a list's items part: 、, and the conjunctions; "等…" closes it ("应急处置等牵引工作任务").
_ITEM_SPLIT = re.compile(r"、|，|,|以及|及|和|与|或者|或")
_ITEMS_END = re.compile(r"等.*$")


def list_items(text: str) -> set[str]:
    """The items a list span names: "干线牵引、调车作业等" → {干线牵引, 调车作业}."""
    return {item for part in _ITEM_SPLIT.split(_ITEMS_END.sub("", canon(text))) if (item := part.strip(" “”\"《》"))}


def _fuller_list(found: list[Candidate]) -> Candidate | None:
    """A sentence about as good as the best that names every item of the best's list and more: a news lead
    shortens a list with 等 ("承担干线牵引、调车作业等任务") that the body gives whole ("…调车作业、小运转以及
    应急处置等牵引工作任务"). The fullest such list answers; the best's own score decided that there is one."""
    best = found[0]
    if best.best is None:
        return None
    ours = list_items(best.best.text)
    fuller, most = None, len(ours)
    for c in found[1:]:
        if c.score < best.score - W.corroborate_within:
            break
        if c.best is None or c.frame < W.list_frame * best.frame:
            continue
        theirs = list_items(c.best.text)
        if len(theirs) > most and ours <= theirs:
            fuller, most = c, len(theirs)
    return fuller


def _clear_lead(found: list[Candidate], asked: AskedType) -> bool:
    """The best candidate holds a name, place, time or figure of the asked type, scores well enough, and is far
    ahead of the next other sentence read (there must be one: a lone sentence leads nothing). Not a phrase
    answer (definition, list, open), whose span is any words that fill the question's gap."""
    best = found[0]
    second = next((c.score for c in found[1:] if c.sentence.text != best.sentence.text), None)
    return asked.kind in TYPED and asked.kind != "list" and best.best is not None and second is not None \
        and best.score >= W.clear_lead_floor and best.score - second >= W.clear_lead


def _agreeing(best: Candidate, found: list[Candidate]) -> int:
    """Other articles whose sentence, about as good, gives the same short answer: independent reports that
    agree make a weakly worded answer more credible ("在哪个国家的上空" → 叙利亚, in five reports)."""
    short = best.best.text
    docs = {c.sentence.passage.doc_id for c in found[1:]
            if c.best is not None and c.score >= best.score - W.corroborate_within
            and (c.best.text in short or short in c.best.text)}
    docs.discard(best.sentence.passage.doc_id)
    return len(docs)


def _more_items(best: Candidate, found: list[Candidate], cites: list[Citation]) -> list[tuple[Candidate, Citation]]:
    """A list question's other items, from other sentences or articles: as close in score, filling the
    question's gap as well, and naming items not given yet.
    Each is quoted with its own citation."""
    out: list[tuple[Candidate, Citation]] = []
    given = [best.best.text] if best.best else []
    quoted = {(c.doc_id, c.start) for c in cites}
    for c in found[1:]:
        if len(cites) + len(out) >= W.corroborate_max:
            break
        if c.best is None or c.score < best.score - W.list_within or (c.sentence.passage.doc_id, c.sentence.start) in quoted:
            continue
        if c.frame < max(W.list_frame * best.frame, W.list_frame_min):
            continue
        if any(c.best.text in g or g in c.best.text for g in given) \
                or list_items(c.best.text) <= set().union(*map(list_items, given)):
            continue  # names no item not given yet ("干线牵引、调车作业等" after the whole list)
        cite = citation(len(cites) + len(out) + 1, c.sentence.passage, [c.sentence])
        out.append((c, cite))
        given.append(c.best.text)
        quoted.add((cite.doc_id, cite.start))
    return out


def _differing(best: Candidate, found: list[Candidate], seen: set[str], n: int) -> list[tuple[Candidate, Citation]]:
    """Other articles that give another figure for the same thing: as close in score and in the question's
    words as the best, a figure of the asked kind whose digits differ. Shown beside it, never dropped."""
    out: list[tuple[Candidate, Citation]] = []
    ours = figures_in(best.best.text) if best.best else []
    for c in found[1:]:
        if n + len(out) >= W.corroborate_max:
            break
        if c.best is None or c.sentence.passage.doc_id in seen or c.score < best.score - W.corroborate_within:
            continue
        if c.coverage < W.differ_coverage * best.coverage or not (theirs := figures_in(c.best.text)) or theirs == ours:
            continue
        out.append((c, citation(n + len(out) + 1, c.sentence.passage, [c.sentence])))
        seen.add(c.sentence.passage.doc_id)
    return out


def _supported(q: Question, best: Sentence, passages: list[Passage]) -> bool:
    """Weak-evidence guard: the question's content words must appear in the chosen passage, and a
    question with no date or place to pin it needs a close dense match too."""
    pairs = residual_bigrams(q)
    near = canon(best.lead + best.text)
    if q.dates or q.places:  # the constraints already hold: the sentence must still speak of the thing asked
        hits = sum(b in near for b in pairs) + sum(m in near for m in q.measures)
        return not pairs or hits >= min(2, len(pairs))
    if pairs:
        hay = canon(best.passage.meta.get("title", "") + best.passage.text)
        if sum(b in hay for b in pairs) / len(pairs) < 0.5 or not any(b in near for b in pairs):
            return False
    dense = best.passage.dense or max((p.dense or 0.0) for p in passages[:5])
    return dense >= W.weak_dense and bool(pairs)


def _nearest(q: Question, passages: list[Passage], en: bool) -> Answer:
    """Say the date is not reported, and offer the closest reported date for the same place."""
    asked = q.dates[0] if q.dates else None
    what = _where_when(q)
    head = say("not_reported", en, what=what)
    if asked is None:
        return _abstain(q, head)
    best: tuple[int, Sentence, DateMention] | None = None
    for p in passages[:20]:
        if not p.place_match:
            continue
        for s in sentences_of(p):
            if not s.own_dates or (q.kind == "count" and not any(True for _ in numbers(s.text))):
                continue
            if q.measures and not any(m in s.text for m in q.measures):
                continue
            if not place_ok(q, s):
                continue
            for m in s.dates:
                gap = abs((m.month * 31 + m.day) - (asked.month * 31 + asked.day))
                if best is None or gap < best[0]:
                    best = (gap, s, m)
    if best is None:
        return _abstain(q, head)
    _, s, m = best
    cite = citation(1, s.passage, [s])
    near = say("nearest", en, date=_whole_range(s, m), quote=cite.quote)
    return Answer(q.raw, f"{head}{' ' if en else ''}{near}", True, [cite])


def _whole_range(s: Sentence, m: DateMention) -> str:
    """A range's end named with its start: "今年11月5至10日", not the start alone ("今年11月5")."""
    if m.part == "start":
        end = next((e for e in s.dates if e.part == "end" and e.start >= m.end), None)
        if end is not None:
            return s.passage.text[m.start:end.end]  # offsets into the passage
    return m.text


def _abstain(q: Question, message: str) -> Answer:
    return Answer(q.raw, message, True, [])
