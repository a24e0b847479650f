"""Reporting periods a text names: 上半年, 一季度, 1—6月, 6月份… as (first month, last month).

Statistics news gives one figure per period ("6月份…下降8.3%", "上半年…下降16.8%"): a question about
the first half is not answered by June's figure. Day dates ("7月27日") are not periods.
"""

from __future__ import annotations

import re

from zhtext.normalise import CN_MONTHS

_CN = {"一": 1, "二": 2, "三": 3, "四": 4}
NAMED = {"上半年": (1, 6), "下半年": (7, 12), "前三季度": (1, 9), "全年": (1, 12), "年平均": (1, 12), "年均": (1, 12), "一季度": (1, 3),
         "二季度": (4, 6), "三季度": (7, 9), "四季度": (10, 12)}
_PERIOD = re.compile(
    r"(?P<named>上半年|下半年|前三季度|全年|年平均|年均)"  # 年平均气温: the whole year's, not one month's
    r"|第?(?P<q>[一二三四])季度"
    r"|(?P<a>\d{1,2})\s*月?\s*(?:[-—–~～]|至|到)\s*(?P<b>\d{1,2})\s*月(?:份)?(?!\s*\d{0,2}\s*[日号])"
    r"|(?P<m>\d{1,2})\s*月份?(?!\s*\d{1,2}\s*[日号])(?!\d)"
    # articles write months in Chinese numerals too ("今年七月是有记录以来最热的七月"); questions are normalised to digits
    r"|(?<![一二三四五六七八九十〇零\d])(?P<cm>十[一二]?|[一二三四五六七八九])月份?(?![一二三四五六七八九十\d]{1,3}\s*[日号])")


def periods(text: str) -> set[tuple[int, int]]:
    """Every period ``text`` names, as (first month, last month)."""
    found: set[tuple[int, int]] = set()
    for m in _PERIOD.finditer(text):
        if m.group("named"):
            found.add(NAMED[m.group("named")])
        elif m.group("q"):
            q = _CN[m.group("q")]
            found.add((3 * q - 2, 3 * q))
        elif m.group("a"):
            a, b = int(m.group("a")), int(m.group("b"))
            if 1 <= a <= b <= 12:
                found.add((a, b))
        elif m.group("m") and 1 <= int(m.group("m")) <= 12:
            found.add((int(m.group("m")), int(m.group("m"))))
        elif m.group("cm"):
            month = CN_MONTHS[m.group("cm")]
            found.add((month, month))
    return found


# "2025年的实际GDP增长率" is not answered by "2024年的实际GDP增长率仅为0.5%". A year after 比/较/与/同 is the base
# a change is measured against ("比2022年同期增长5%"), not the year the figure is of.
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_BASE_BEFORE = re.compile(r"(?:比|较|与|同|相比|对比|超过|低于|高于)\s*$")


def own_years(text: str) -> set[int]:
    """The years ``text`` gives a figure for: every 4-digit year but those a comparison is measured against."""
    return {int(m.group(1)) for m in _own(text)}


def year_of(text: str, start: int, end: int) -> int | None:
    """The year the figure at text[start:end] is of: the last year named before it in its sentence ("而在此前的
    2022年，…报名人数57.48万人"), else the first named after it in its clause; None when there is none, or when
    a relative year stands nearer it ("2022年双十二期间…，光是今年上半年，销售额就有6000万": the article's year,
    which the sentence alone does not give)."""
    years = _own(text)
    before = [m for m in years if m.end() <= start]
    if before:
        return None if _RELATIVE_YEAR.search(text, before[-1].end(), start) else int(before[-1].group(1))
    stop = re.search(r"[，,。；;！!？?]", text[end:])
    after = [m for m in years if m.start() >= end and (stop is None or m.start() < end + stop.start())]
    return int(after[0].group(1)) if after else None


_RELATIVE_YEAR = re.compile(r"今年|去年|明年|前年|本年度|当年")


def _own(text: str) -> list[re.Match]:
    return [m for m in _YEAR.finditer(text) if not _BASE_BEFORE.search(text, 0, m.start())]


# "中国男篮12日以58:107惨败于德国队，李凯尔得到10分" is the 12th's game, not the 13th's asked about. News tells a
# story's days bare, in the article's month ("12日"); a full date before a figure is as often a cut-off or a
# report's day ("截至6月30日，余额…") as the day of the thing asked, so it decides nothing. A range ("12日至13日")
# names no single day.
_DAY = re.compile(r"(?<![\d.])(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*[日号]")
_DAY_RANGE = re.compile(r"\d{1,2}\s*[日号]\s*(?:至|到|[-—–~～])\s*(?:\d{1,2}\s*月\s*)?\d{1,2}\s*[日号]")
_RELATIVE_DAY = re.compile(r"当天|当日|今天|昨天|前天|明天|次日|同日|随后|此后|之后|此前|目前|近日|日前")


def asked_days(text: str) -> set[int]:
    """The days of the month a question pins ("2023年8月13日…" → {13})."""
    return {int(m.group("d")) for m in _DAY.finditer(text) if 1 <= int(m.group("d")) <= 31}


def told_day(text: str, start: int) -> int | None:
    """The day of the month the figure at ``text[start:]`` happened on, when the sentence tells it bare before
    the figure ("中国男篮12日…得到10分" → 12); None when the nearest day before it is a full date or a range,
    or a relative day ("当天") stands nearer it."""
    ranges = [r.span() for r in _DAY_RANGE.finditer(text, 0, start)]
    before = [m for m in _DAY.finditer(text, 0, start) if not any(a <= m.start("d") < b for a, b in ranges)]
    if not before or before[-1].group("m") or _RELATIVE_DAY.search(text, before[-1].end(), start):
        return None
    day = int(before[-1].group("d"))
    return day if 1 <= day <= 31 else None
