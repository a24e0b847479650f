"""Find the dates a Chinese news text mentions and resolve them to calendar dates.

"16日" in an article published 2022-07-17 is 2022-07-16: day-only mentions, relative words
(昨日, 今天…) and month-days without a year are resolved against the article's published date
(the anchor). The answerer trusts these dates, so precision comes first: anything that may be
a duration ("7日内", "连续3日"), an ordinal, a count or a name ("今日头条", "光明日报") is left out,
and so is a date that does not exist (2月30日).
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

import cn2an

from core.schema import key_date

CHINA_TZ = timezone(timedelta(hours=8))  # Asia/Shanghai; no DST since 1991
MONTHS_AHEAD = 2  # a year-less month up to this many months after the anchor's is the coming one…
MONTHS_BACK = 6  # …one up to this many months before it is the past one; in between the year is unknown
DAYS_AHEAD = 7  # a day-only mention up to this many days after the anchor's day is this month's

# Full-width ASCII and the ideographic space → half-width, one character for one (offsets survive).
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE = re.compile("[\uff01-\uff5e\u3000]")
_HINT = re.compile(r"[日号天]|(?:19|20)\d\d[-/.]\d", re.ASCII)  # cheap test: can this text hold a date?

_CN = "〇零一二三四五六七八九"
_MONTH = r"\d{1,2}|十[一二]?|[一二三四五六七八九]"
_DAY = r"\d{1,2}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九]"
_SP = r"[\x20\t]?"
_DATES = re.compile(
    rf"""
    (?P<full>(?<![\d.\-/:])(?P<fy>(?:19|20)\d{{2}})(?P<fs>[-/.])(?P<fm>\d{{1,2}})(?P=fs)(?P<fd>\d{{1,2}})
        (?!\d|[-/.:]\d))
    |(?P<md>(?<![\d{_CN}十两百千万])
        (?:(?:(?P<y>(?:19|20)\d{{2}}|[{_CN}]{{4}}){_SP}年|(?P<yw>今年|去年|前年|明年)){_SP})?
        (?P<m>{_MONTH}){_SP}月{_SP}(?P<d>{_DAY})
        (?:{_SP}(?P<csep>至|到|[-—–―~〜、和]){_SP}(?P<d2>{_DAY}))?
        {_SP}(?:日|号(?![楼线院台室]))
    )
    |(?P<thism>本月)?(?<![\d.])(?P<day>\d{{1,2}}){_SP}日
    |(?P<rel>昨日|昨天|今日|今天|前日|前天|明日|明天)
    """,
    re.X | re.ASCII,
)
_YEAR_WORDS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}
_REL_DAYS = {"昨": -1, "今": 0, "前": -2, "明": 1}

# Between two dates of one range ("7月9日至16日", "7月16日0时至17日24时") or one list ("3月28日、29日").
_RANGE_GAP = re.compile(r"[\x20\t]?(?:\d{1,2}(?::\d{2})?[\x20\t]?[时点](?:\d{1,2}分)?)?[\x20\t]?起?"
                        r"(?:至|到|[-—–―~〜]{1,2})[\x20\t]?", re.ASCII)
_LIST_GAP = re.compile(r"[\x20\t]?(?:、|和|及|与|以及|或)[\x20\t]?")

# A bare "N日" is a duration, an ordinal or a count in this company (近7日, 连续3日, 第2日, 7-14日, 7日内…).
_DAY_BAD_BEFORE = re.compile(r"(?:近|连续|每|未来|过去|最近|前|头|共|[累合总]计|为期|持续|长达|超过|不到|不足|至少|约|逾|"
                             r"仅|只|这|那|第|满|达|隔|余|后|月|年|\d[\x20\t]?(?:至|到|[-~—–―〜]))[\x20\t]?$",
                             re.ASCII)
_DAY_BAD_AFTER = re.compile(r"[\x20\t]?(?:内|以内|之内|以上|以下|之后|后(?!半)|以后|左右|均|线|游|龄|间|元|制|上下|为限|期间|定期|票)")
# "将于25日", "预计10月17日": a coming date, whatever the anchor rules would guess.
_FUTURE = re.compile(r"(?:将|拟|预计|计划|定于|即将|有望|预定)[^，。！？；,.!?;\n]{0,3}$")
# Relative words inside other words: 如今日益, 以前日本, 目前日均, 光明日报, 说明日, 美好的明天, 今日头条…
_REL_BAD_BEFORE = {"今": "如当", "前": "以此之提目先事从生节眼跟当空日月年周战前", "明": "说声表证聪光文透阐申指标鲜分清查辨言简发开神精严黎的"}
_REL_BAD_AFTER = re.compile(r"头条|俄罗斯|美国|说法|关注|之星|方舟|基金|集团|控股|爱心|[本益趋渐均常子系]")
_NAME_QUOTE = re.compile(r"[^，。！？、,.!?\s”》」』]{0,6}[”》」』]")  # “今日闵行”, 《今日说法》: a name


@dataclass(frozen=True)
class DateMention:
    """One date the text mentions. ``relative`` when month and day came from the anchor (16日, 昨日),
    not from the text; ``part`` is "start"/"end" for the two ends of a range."""

    text: str  # exactly text[start:end] of the input
    start: int
    end: int
    year: int | None  # None when neither the text nor the anchor tells the year
    month: int
    day: int
    relative: bool = False
    part: str = ""

    @property
    def monthday(self) -> int:
        return self.month * 100 + self.day

    def as_date(self) -> date | None:
        if self.year is None:
            return None
        try:
            return date(self.year, self.month, self.day)
        except ValueError:
            return None


@dataclass
class _Item:
    """A raw match before resolution; ``link`` ties a compressed range's second day to its first."""

    kind: str  # full | md | day | rel
    start: int
    end: int
    month: int | None = None
    day: int = 0
    year: int | None = None
    year_shift: int | None = None  # 今年 0, 去年 -1…
    link: str | None = None
    offset: int = 0  # days from the anchor, for relative words
    this_month: bool = False  # 本月16日


def find_dates(text: str, anchor: date | None = None, anchor_year_known: bool = True) -> list[DateMention]:
    """Dates mentioned in ``text``, sorted by start, resolved against ``anchor`` (the published date).
    Without an anchor, day-only mentions and relative words are not reported and years stay unknown
    unless written. ``anchor_year_known=False`` is for an anchor guessed from the text of an undated
    article (see ``guess_anchor``): its month and day resolve "27日", its year is never used."""
    if not text or not _HINT.search(text):
        return []
    if isinstance(anchor, datetime):
        anchor = anchor.date()
    norm = text.translate(_HALF_WIDTH) if _WIDE.search(text) else text
    out: list[DateMention] = []
    prev_item: _Item | None = None
    prev: DateMention | None = None
    for item in _scan(norm):
        link = item.link
        if link is None and prev_item is not None and "rel" not in (item.kind, prev_item.kind):
            gap = norm[prev_item.end:item.start]
            link = "range" if _RANGE_GAP.fullmatch(gap) else "list" if _LIST_GAP.fullmatch(gap) else None
        mention = _resolve(item, prev if link else None, link, anchor, norm, text)
        if mention is not None and not anchor_year_known and item.year is None and not (
                link and prev is not None and prev.year is not None):
            mention = replace(mention, year=None)
        if mention is not None:
            if link == "range" and prev is not None and prev is out[-1] and prev.part == "":
                out[-1] = replace(prev, part="start")
                mention = replace(mention, part="end")
            out.append(mention)
        prev_item, prev = item, mention
    return out


def _scan(norm: str) -> list[_Item]:
    items: list[_Item] = []
    for m in _DATES.finditer(norm):
        if m.group("full"):
            items.append(_Item("full", m.start(), m.end(), int(m.group("fm")), int(m.group("fd")),
                               year=int(m.group("fy"))))
        elif m.group("md"):
            year = numeral(m.group("y")) if m.group("y") else None
            shift = _YEAR_WORDS.get(m.group("yw") or "")
            first_end = m.end("d") if m.group("d2") else m.end()
            items.append(_Item("md", m.start(), first_end, numeral(m.group("m")), numeral(m.group("d")),
                               year=year, year_shift=shift))
            if m.group("d2"):
                link = "list" if m.group("csep") in "、和" else "range"
                items.append(_Item("day", m.start("d2"), m.end(), day=numeral(m.group("d2")), link=link))
        elif m.group("day"):
            if not _DAY_BAD_AFTER.match(norm, m.end()):
                items.append(_Item("day", m.start(), m.end(), day=int(m.group("day")),
                                   this_month=bool(m.group("thism"))))
        else:
            word = m.group("rel")
            before = norm[m.start() - 1] if m.start() else ""
            if before and before in _REL_BAD_BEFORE.get(word[0], ""):
                continue
            if _REL_BAD_AFTER.match(norm, m.end()):
                continue
            if before in "“《「『" and _NAME_QUOTE.match(norm, m.end()):
                continue
            items.append(_Item("rel", m.start(), m.end(), offset=_REL_DAYS[word[0]]))
    return items


def _resolve(item: _Item, prev: DateMention | None, link: str | None, anchor: date | None,
             norm: str, text: str) -> DateMention | None:
    relative = False
    if item.kind == "rel":
        if anchor is None:
            return None
        d = anchor + timedelta(days=item.offset)
        year, month, day, relative = d.year, d.month, d.day, True
    elif item.kind == "day":
        day = item.day
        if link:
            if prev is None:  # the date it continues was not a date: neither is this
                return None
            year, month, relative = prev.year, prev.month, prev.relative
            if day < prev.day and link == "range":
                year, month = _next_month(year, month)
        else:
            if anchor is None:
                return None
            if not item.this_month and _DAY_BAD_BEFORE.search(norm, max(0, item.start - 5), item.start):
                return None
            year, month = anchor.year, anchor.month
            if day > anchor.day + DAYS_AHEAD and not item.this_month and not _future(norm, item.start):
                year, month = _previous_month(year, month)
            relative = True
    else:
        month, day = item.month or 0, item.day
        if item.year is not None:
            year = item.year
        elif item.year_shift is not None:
            year = anchor.year + item.year_shift if anchor else None
        elif link and prev is not None and prev.year is not None:
            year = prev.year + (1 if prev.month - month >= 6 else 0)  # 2022年12月30日至1月2日
        else:
            year = _year_for(month, anchor, _future(norm, item.start)) if anchor else None
    if not _valid(year, month, day):
        return None
    return DateMention(text[item.start:item.end], item.start, item.end, year, month, day, relative)


def _year_for(month: int, anchor: date, future: bool = False) -> int | None:
    """The year of a year-less month: the coming one when it is at most MONTHS_AHEAD after the
    anchor's month (published 12-30, "1月5日" → next January) or announced ("将于10月17日"), the
    past one when at most MONTHS_BACK before it (published 01-03, "12月30日" → last December).
    In between news speaks of both ("10月1日起施行", "去年10月1日") in a July article: unknown."""
    ahead = (month - anchor.month) % 12
    if ahead == 0:
        return anchor.year
    if ahead <= MONTHS_AHEAD or (future and ahead < 12 - MONTHS_BACK):
        return anchor.year + (1 if month < anchor.month else 0)
    if 12 - ahead <= MONTHS_BACK:
        return anchor.year - (1 if month > anchor.month else 0)
    return None


def _future(norm: str, start: int) -> bool:
    return bool(_FUTURE.search(norm, max(0, start - 8), start))


def _previous_month(year: int | None, month: int) -> tuple[int | None, int]:
    if month == 1:
        return (year - 1 if year is not None else None), 12
    return year, month - 1


def _next_month(year: int | None, month: int) -> tuple[int | None, int]:
    if month == 12:
        return (year + 1 if year is not None else None), 1
    return year, month + 1


def _valid(year: int | None, month: int, day: int) -> bool:
    if year is not None and not 1900 <= year <= 2099:
        return False
    try:
        date(2000 if year is None else year, month, day)  # 2000 is a leap year: 2月29日 may be real
    except ValueError:
        return False
    return True


@lru_cache(maxsize=256)
def numeral(s: str) -> int:
    """Digits or Chinese numerals: 16 or 十六 → 16, 二〇二二 → 2022; 0 for what is neither."""
    if s.isdigit():
        return int(s)
    try:
        return int(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError, TypeError):
        return 0  # never a valid month, day or year: the mention is dropped


# --- published dates ---------------------------------------------------------------------------

_PUBLISHED = re.compile(
    r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"
    r"(?:\s*T?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?",
    re.ASCII | re.I,
)
# crud_news headers also carry "23-07-26 22:00" (two-digit year) and "202307/25 05:01:02".
_PUBLISHED_ODD = re.compile(r"(?:(\d{2})-(\d{1,2})-|((?:19|20)\d{2})(\d{2})/)(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?",
                            re.ASCII)


def parse_published(value) -> date | None:
    """A published date from front matter, a header line or a JSON field: RFC 2822 (Hexo), ISO,
    "2023-07-28 16：40", "2022年7月17日", "[ 2022/7/17 ]", date or datetime. Times with a timezone
    are taken in China time (UTC+8), naive ones as they are. Anything else → None; never raises."""
    try:
        return _published(value)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None


def _published(value) -> date | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _china(value).date()
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        return key_date(value) if 19000101 <= value <= 20991231 else None
    if not isinstance(value, str):
        return None
    s = value.translate(_HALF_WIDTH).strip().strip("[]【】()").strip()
    if not s:
        return None
    try:
        return _china(datetime.fromisoformat(s)).date()
    except ValueError:
        pass
    if re.match(r"[A-Za-z]{3},?\s+\d|\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", s):
        try:
            return _china(email.utils.parsedate_to_datetime(s)).date()
        except (ValueError, TypeError, IndexError):
            pass
    odd = _PUBLISHED_ODD.fullmatch(s)
    if odd:
        year = 2000 + int(odd.group(1)) if odd.group(1) else int(odd.group(3))
        return date(year, int(odd.group(2) or odd.group(4)), int(odd.group(5)))
    m = _PUBLISHED.search(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if m.group(7) and m.group(4):
            stamp = f"{y:04d}-{mo:02d}-{d:02d}T{int(m.group(4)):02d}:{m.group(5)}:{m.group(6) or '00'}"
            tz = m.group(7).upper()
            stamp += "+00:00" if tz in ("Z", "UTC", "GMT") else tz if ":" in tz else f"{tz[:3]}:{tz[3:]}"
            return _china(datetime.fromisoformat(stamp)).date()
        return date(y, mo, d)
    for mention in find_dates(s):
        if mention.year is not None and (d := mention.as_date()) is not None:
            return d
    return None


def _china(dt: datetime) -> datetime:
    return dt.astimezone(CHINA_TZ) if dt.tzinfo is not None else dt


def guess_anchor(body: str) -> date | None:
    """For an article with no published date: the month and day it names most often (ties: the
    latest), on a leap-year placeholder year. Use with ``find_dates(..., anchor_year_known=False)``."""
    counts: dict[tuple[int, int], int] = {}
    for m in find_dates(body[:5000]):
        counts[(m.month, m.day)] = counts.get((m.month, m.day), 0) + 1
    if not counts:
        return None
    month, day = max(counts, key=lambda md: (counts[md], md))
    return date(2000, month, day)
