"""Figures over time: "南昌7月1日至7日每天新增多少例？" answered with one cited figure per day.

A series question names a place, a measure, a word that asks for days (每天, 逐日, 趋势…) and a range of
days: an explicit one ("7月1日至7日"), a month ("3月"), a start ("7月1日以来") or a recent window ("近7天",
"近一周", counted back from the newest article of the store). Every chunk of the store that names the place
and one of the days is read (a metadata filter, not a ranked retrieval: a series needs every day, not
the best few passages); in each sentence the figure of the asked measure is picked as the figure path
picks it (``qa.slots.slot_score``) and filed under the day its figures are for (``qa.sentences`` already
reads "8月13日通报：8月12日0—24时…" as 8月12日). Two articles that give different figures for one day
both stay, each cited; a day no article gives is listed as missing.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.records import Answer, Citation, Filters, Passage, SeriesPoint
from core.schema import published_date
from qa.asked import asked_unit, place_ok, specific, unit_ok
from qa.compose import citation
from qa.messages import say
from qa.question import Question
from qa.retrieve import filter_matches, filter_where, place_matches
from qa.sentences import Sentence, sentences_of
from qa.slots import NUMBER, slot_score, slot_unit, slots
from qa.verify import unsupported_numbers
from storage.store import get_all
from zhtext.dates import MONTHS_AHEAD, find_dates
from zhtext.normalise import canon
from zhtext.vocabulary import SPECIFIC

MAX_DAYS = 366  # a longer range is refused: a table of more than a year of days answers nothing at a glance

# Words that ask for a figure day by day, each with why it is one.
SERIES_WORDS = (
    ("每天", "每天新增多少例: one figure per day"),
    ("每日", "长春3月每日新增确诊"),
    ("逐日", "逐日新增: day by day"),
    ("每一天", "a spelled-out 每天"),
    ("天天", "colloquial 每天"),
    ("趋势", "趋势: how the figure moved"),
    ("走势", "走势: the same"),
    ("变化", "近一周…的变化"),
)
_SERIES = re.compile("|".join(w for w, _ in SERIES_WORDS))

# A recent window's length by its unit word ("近7天", "近一周", "近两周", "近一个月"); not 前N天, which may be
# the first N days of something.
_WINDOW_UNITS = {"天": 1, "日": 1, "周": 7, "星期": 7, "个月": 30, "月": 30}
_CN_SMALL = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "半": 0.5}
_RECENT = re.compile(r"(?:近|最近|过去)\s*(\d{1,3}|[一两二三四五六七八九十半])?\s*(天|日|周|星期|个月)")
_SINCE = re.compile(r"\s*(?:以来|至今|到现在|起)")
_MONTH = re.compile(r"(?:((?:19|20)\d{2})\s*年\s*)?(?<![\d.])(\d{1,2})\s*月(?:份)?(?!\s*\d)")

MESSAGES = {  # what the user reads when there is no series to give; every number in them is a date or a limit
    "too_long": "时间范围太长：{start}至{end}共{days}天，一次最多{max}天，请缩短到一年以内再问。{near}",
    "no_data": "资料中没有{place}{start}至{end}的{what}逐日数字。{near}",
    "no_place": "资料中没有{place}的{what}逐日数字，请换一个地方或换一种数字再问。",
    "near_both": "有数字的最近日期：{before}（之前）、{after}（之后）。",
    "near_one": "有数字的最近日期：{day}。",
    "span": "资料中{place}有数字的日期从{first}到{last}。",
    "head": "{place}{start}至{end}每日{what}：",
    "missing_day": "缺（资料中没有数字）",
    "missing": "缺少{n}天：{days}。",
    "differ": "{days}各报道数字不同，请核对来源。",
}


@dataclass(frozen=True)
class DayRange:
    start: date
    end: date
    # ends on the newest article's day ("近7天", "7月1日以来"); that day's figures are reported the day after, so
    # the range ends the day before when the newest day has none (a recent window then starts a day earlier too)
    open_end: bool = False
    recent: bool = False  # "近N天": a window of N days
    yearless: bool = False  # the question wrote no year: an earlier year's same days are tried when these have none

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def each(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


@dataclass
class SeriesAsk:
    """What a series question asks, before the store resolves a year or a recent window."""

    text: str  # the normalised question
    place: str
    what: str  # the asked measure as the question words it ("新增本土确诊病例"), for the answer's head


@dataclass
class _Figure:
    day: date
    value: int | float
    unit: str
    figure: str
    sentence: Sentence
    score: float
    published: date | None = None


@dataclass
class _Found:
    figures: dict[date, list[_Figure]] = field(default_factory=dict)


def asks_series(q: Question) -> SeriesAsk | None:
    """A series question: a word asking for days, a range of days, a place and a measure. Anything short of
    that is left to the usual answerers ("南昌7月16日新增多少例" is one day's figure)."""
    if not _SERIES.search(q.text) or not q.places or not q.measures:
        return None
    if day_range(q.text, date.today()) is None:
        return None
    return SeriesAsk(q.text, q.places[0].name, _what(q))


def day_range(text: str, newest: date) -> DayRange | None:
    """The days a question asks about. ``newest`` is the newest article's date: what a recent window and a
    "since" range run up to, and what a date without a year is read against (``_year_for``)."""
    mentions = find_dates(text)
    ends = [m for m in mentions if m.part in ("start", "end")]
    if len(ends) >= 2:
        a, b = ends[0], ends[1]
        year = a.year or b.year or _year_for(a.month, newest)
        start = _day(a.year or year, a.month, a.day)
        end = _day(b.year or (year + 1 if (b.month, b.day) < (a.month, a.day) else year), b.month, b.day)
        return DayRange(start, end, yearless=not (a.year or b.year)) if start and end and start <= end else None
    for m in mentions:
        if _SINCE.match(text, m.end):  # "7月1日以来": up to the newest article
            start = _day(m.year or _year_for(m.month, newest), m.month, m.day)
            return DayRange(start, max(start, newest), open_end=True) if start else None
    recent = _RECENT.search(text)
    if recent:
        n = recent.group(1)
        count = 1 if n is None else (int(n) if n.isdigit() else _CN_SMALL[n])
        days = max(1, round(count * _WINDOW_UNITS[recent.group(2)]))
        return DayRange(newest - timedelta(days=days - 1), newest, open_end=True, recent=True)
    dated = [(m.start, m.end) for m in mentions]
    for m in _MONTH.finditer(text):
        if any(s <= m.start() < e for s, e in dated):
            continue
        month = int(m.group(2))
        if not 1 <= month <= 12:
            continue
        year = int(m.group(1)) if m.group(1) else _year_for(month, newest)
        return DayRange(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]),
                        yearless=not m.group(1))
    return None


def _year_for(month: int, newest: date) -> int:
    """A year-less month is of the newest article's year, unless it is more than MONTHS_AHEAD months after
    the newest article's month (then it is last year's): the same reading the article dates get."""
    return newest.year if month <= newest.month + MONTHS_AHEAD else newest.year - 1


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_MEASURE_WORDS = re.compile("新增|累计|本土|本地|境外输入|确诊病例|确诊|无症状感染者|无症状|阳性感染者|阳性|感染者|病例|"
                            "死亡病例|死亡|出院病例|出院|治愈|次密接|密接")


def _what(q: Question) -> str:
    """The measure words of the question in its order ("新增阳性感染者"): the answer's head says what is counted."""
    return "".join(dict.fromkeys(_MEASURE_WORDS.findall(q.text))) or "".join(q.measures)


# -- reading the store -----------------------------------------------------------------------------------


def _chunks(engine, place: str, mds: list[int] | None, filters: Filters | None) -> list[Passage]:
    """Every sealed chunk whose article names the place and, with ``mds``, whose text names one of those days."""
    clauses: list[dict] = [{"doc_places": {"$contains": place}}]
    if mds:
        clauses.append({"monthdays": {"$contains": mds[0]}} if len(mds) == 1 else
                       {"$or": [{"monthdays": {"$contains": md}} for md in mds]})
    base = filter_where(filters)
    if base:
        clauses.append(base)
    where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
    got = get_all(engine.store.chunks, where=where, include=["documents", "metadatas"])
    rows = [(cid, doc, meta) for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            if filter_matches(filters, meta)]
    sealed = engine.store.sealed(meta["doc_id"] for _, _, meta in rows)
    return [Passage(cid, meta["doc_id"], doc, meta) for cid, doc, meta in rows if meta["doc_id"] in sealed]


def _gather(engine, q: Question, ask: SeriesAsk, days: list[date] | None, filters: Filters | None) -> _Found:
    """The figures of the asked measure and place, by the day they are for; ``days`` None reads every day."""
    mds = sorted({d.month * 100 + d.day for d in days}) if days is not None else None
    wanted = set(days) if days is not None else None
    passages = _chunks(engine, ask.place, mds, filters)
    found = _Found()
    best: dict[tuple[str, date], _Figure] = {}
    seen: set[tuple[str, int]] = set()
    for p in sorted(passages, key=lambda p: (p.doc_id, int(p.meta.get("idx", 0)))):
        p.place_level = place_matches(q.places[:1], p.meta)
        p.place_match = p.place_level > 0
        p.date_match = True
        for s in sentences_of(p):
            if (p.doc_id, s.start) in seen:  # chunks overlap by a sentence
                continue
            seen.add((p.doc_id, s.start))
            fig = _figure(q, ask, s)
            if fig is None or (wanted is not None and fig.day not in wanted):
                continue
            key = (p.doc_id, fig.day)
            if key not in best or fig.score > best[key].score:
                best[key] = fig
    for fig in best.values():
        fig.published = published_date(fig.sentence.passage.meta)
        found.figures.setdefault(fig.day, []).append(fig)
    return found


def _figure(q: Question, ask: SeriesAsk, s: Sentence) -> _Figure | None:
    """The figure of the asked measure and place in one sentence, with the one day it is for, or None."""
    day = _one_day(s, q)
    if day is None or not place_ok(q, s):
        return None
    near = canon(s.lead + s.text)
    asked = specific(q)
    if any(m not in near for m in asked):  # a sentence of new infections does not give new deaths
        return None
    found = [x for x in slots(s.text) if not x.scrubbed]
    if not found:
        return None
    for x in found:
        x.score = slot_score(q, s, x, asked)
    slot = max(found, key=lambda x: x.score)
    unit = asked_unit(q)
    if slot.score <= 0 or (unit and not unit_ok(unit, slot_unit(s, slot))) or not _of_place(ask, s, slot.start):
        return None
    if _names_what(q) and _other_measure(s.text, slot, asked):
        return None
    m = NUMBER.match(s.text, slot.start)
    if m is None:
        return None
    value = float(m.group(1)) * {"万": 10_000, "亿": 100_000_000, "千": 1_000}.get(m.group(2) or "", 1)
    return _Figure(day, int(value) if value == int(value) else value, m.group(4) or "", m.group(0), s, slot.score)


_CLAUSE_END = re.compile(r"[，,；;：:、。（()）]")
_GENERIC = frozenset(("新增", "累计", "本土", "本地"))  # words that do not say what is counted


def _names_what(q: Question) -> bool:
    """The question says what is counted (阳性感染者, 确诊…), not only 新增多少例."""
    return any(m not in _GENERIC for m in q.measures)


def _other_measure(text: str, slot, asked: list[str]) -> bool:
    """The number's own clause counts another measure: "无症状感染者3例" does not answer 阳性感染者 (nor 确诊),
    "本土确诊病例5例" does not answer 阳性感染者. The figure path only weighs this; a series drops it, since a
    wrong day in a table is read as a real change."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, slot.start)), default=0)
    right = _CLAUSE_END.search(text, slot.end)
    clause = canon(text[left: slot.start] + text[slot.end: right.start() if right else len(text)])
    return any(m in clause and m not in asked and not any(m in a for a in asked) for m in SPECIFIC)


def _one_day(s: Sentence, q: Question) -> date | None:
    """The one day a sentence's figures are for; None for a period ("7月9日至16日累计…") or no known day."""
    days = {(m.year, m.month, m.day) for m in s.dates}
    if len(days) != 1 or any(m.part for m in s.dates):
        return None
    year, month, day = next(iter(days))
    if year is None:
        pub = published_date(s.passage.meta)
        year = pub.year if pub else None
    return _day(year, month, day) if year else None


def _of_place(ask: SeriesAsk, s: Sentence, at: int) -> bool:
    """The figure is the asked place's own: the place named last before it is the asked one, or none is named
    and the article is about the asked place ("全市新增…" in 南昌's report). A district's share, another
    city's figure, or a figure in another city's article that merely mentions the place, is not."""
    before = [m for m in s.mentions if m.end <= at]
    if before:
        return before[-1].place.name == ask.place
    return s.passage.meta.get("main_city") == ask.place


# -- the answer ------------------------------------------------------------------------------------------


def answer_series(engine, q: Question, ask: SeriesAsk, filters: Filters | None = None) -> Answer:
    """The table of days (date, figure, [n]) with a citation per figure and ``Answer.series``; or a refusal
    that names the nearest days that have the figure."""
    oldest, newest = _span(engine)
    rng = day_range(ask.text, newest)
    if rng is None:  # asks_series saw a range; the store cannot change that
        return _refuse(q, "no_place", [], place=ask.place, what=ask.what)
    if rng.days > MAX_DAYS:
        return _too_long(engine, q, ask, rng, filters)
    days = rng.each()
    if rng.recent:  # a day's report comes out the next day: the window may end the day before the newest article
        days = [rng.start - timedelta(days=1), *days]
    found = _gather(engine, q, ask, days, filters)
    if rng.open_end and not found.figures.get(rng.end) and len(days) > 1:
        days = days[:-1]
    elif rng.recent:
        days = days[1:]
    if not any(found.figures.get(d) for d in days) and rng.yearless:
        # "7月1日至7日" in a store whose newest articles are of a later year: the latest year that has those days
        for year in range(rng.start.year - 1, oldest.year - 1, -1):
            earlier = _shifted(rng, year)
            if earlier is None:
                continue
            found = _gather(engine, q, ask, earlier.each(), filters)
            if any(found.figures.values()):
                return _table(q, ask, earlier.each(), found)
    if not any(found.figures.get(d) for d in days):
        return _no_data(engine, q, ask, DayRange(days[0], days[-1]), filters)
    return _table(q, ask, days, found)


def _shifted(rng: DayRange, year: int) -> DayRange | None:
    """The same days of another year (None when one of them does not exist there: 2月29日)."""
    start = _day(year, rng.start.month, rng.start.day)
    end = _day(year + (rng.end.year - rng.start.year), rng.end.month, rng.end.day)
    return DayRange(start, end) if start and end else None


def _table(q: Question, ask: SeriesAsk, days: list[date], found: _Found) -> Answer:
    label = _labeller(days)
    cites: list[Citation] = []
    by_sentence: dict[tuple[str, int], int] = {}
    points: list[SeriesPoint] = []
    rows: list[str] = []
    differ: list[str] = []
    missing: list[str] = []
    gap: list[date] = []
    n_missing = [0]

    def close_gap() -> None:
        if gap:
            span = label(gap[0]) if len(gap) == 1 else f"{label(gap[0])}至{label(gap[-1])}"
            rows.append(f"{span}｜{MESSAGES['missing_day']}")
            missing.append(span)
            n_missing[0] += len(gap)
            gap.clear()

    for d in days:
        figs = _distinct(found.figures.get(d, []))
        if not figs:
            points.append(SeriesPoint(d.isoformat(), None))
            gap.append(d)
            continue
        close_gap()
        if len(figs) > 1:
            differ.append(label(d))
        for f in figs:
            key = (f.sentence.passage.doc_id, f.sentence.start)
            if key not in by_sentence:
                cites.append(citation(len(cites) + 1, f.sentence.passage, [f.sentence]))
                by_sentence[key] = len(cites)
            c = cites[by_sentence[key] - 1]
            points.append(SeriesPoint(d.isoformat(), f.value, f.unit, c.n, c.quote, f.figure))
            rows.append(f"{label(d)}｜{f.figure}｜[{c.n}]")
    close_gap()
    # the number check, figure by figure: each one verbatim in its own citation's quote
    if any(p.figure not in (p.quote or "") or unsupported_numbers(p.figure, [p.quote or ""])
           for p in points if p.value is not None):
        return Answer(q.raw, say("unverifiable"), True, [], answer_type="series")
    text = MESSAGES["head"].format(place=ask.place, start=label(days[0]), end=label(days[-1]), what=ask.what)
    text += "\n" + "\n".join(rows)
    if differ:
        text += "\n" + MESSAGES["differ"].format(days="、".join(differ))
    if missing:
        text += "\n" + MESSAGES["missing"].format(n=n_missing[0], days="、".join(missing))
    return Answer(q.raw, text, False, cites, answer_type="series", series=points)


def _distinct(figs: list[_Figure]) -> list[_Figure]:
    """One figure per distinct value, the earliest published report first; the same value twice is one point."""
    out: dict[int | float, _Figure] = {}
    for f in sorted(figs, key=lambda f: (f.published or date.max, -f.score)):
        out.setdefault(f.value, f)
    return list(out.values())


def _labeller(days: list[date]):
    one_year = days[0].year == days[-1].year

    def label(d: date) -> str:
        return f"{d.month}月{d.day}日" if one_year else f"{d.year}年{d.month}月{d.day}日"
    return label


def _span(engine) -> tuple[date, date]:
    """The oldest and the newest article's published dates (today for a store without dates): "近7天" counts
    back from the newest; a year-less range is looked for back to the oldest."""
    _, metas = engine.store.article_metadatas()
    keys = [m.get("published") for m in metas if m and m.get("published")]
    if not keys:
        return date.today(), date.today()
    return published_date({"published": min(keys)}), published_date({"published": max(keys)})


def _full(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _too_long(engine, q: Question, ask: SeriesAsk, rng: DayRange, filters: Filters | None) -> Answer:
    have = sorted(d for d, figs in _gather(engine, q, ask, None, filters).figures.items() if figs)
    near = MESSAGES["span"].format(place=ask.place, first=_full(have[0]), last=_full(have[-1])) if have else ""
    return _refuse(q, "too_long", [], start=_full(rng.start), end=_full(rng.end), days=rng.days, max=MAX_DAYS,
                   near=near)


def _no_data(engine, q: Question, ask: SeriesAsk, rng: DayRange, filters: Filters | None) -> Answer:
    found = _gather(engine, q, ask, None, filters).figures
    have = sorted(d for d, figs in found.items() if figs)
    if not have:
        return _refuse(q, "no_place", [], place=ask.place, what=ask.what)
    before = max((d for d in have if d < rng.start), default=None)
    after = min((d for d in have if d > rng.end), default=None)
    near_days = [d for d in (before, after) if d is not None]
    cites = []
    for d in near_days:
        f = _distinct(found[d])[0]
        cites.append(citation(len(cites) + 1, f.sentence.passage, [f.sentence]))
    if before and after:
        near = MESSAGES["near_both"].format(before=_full(before) + "[1]", after=_full(after) + "[2]")
    else:
        near = MESSAGES["near_one"].format(day=_full(near_days[0]) + "[1]")
    return _refuse(q, "no_data", cites, place=ask.place, start=_full(rng.start), end=_full(rng.end),
                   what=ask.what, near=near)


def _refuse(q: Question, key: str, cites: list[Citation], **kw) -> Answer:
    return Answer(q.raw, MESSAGES[key].format(**kw), True, cites, answer_type="series")
