"""Numbered editions of a recurring thing a text names: 第23090期, 第十三届, 十四届, 第三批, 第二轮.

A lottery draw, a games or a congress is one of a series; news tells of several in one page ("第23080期开奖…
第23090期高产28注"). A sentence that names another edition of the asked series, and not the asked one, speaks
of another event whatever words it shares with the question.
"""

from __future__ import annotations

import re

from zhtext.dates import numeral

# 期 and 届 are the editions news numbers; 批 (batches) and 轮 (rounds) too. Not 次: "第一次" is as often "the first
# time" as an edition. 届 goes without 第 as often as with it ("十四届全国人大"); a bare number before 期 only when
# it is a draw's long serial ("23079期"), since "3期" is a count.
_SERIAL = re.compile(r"第\s*(?P<n>\d+|[一二三四五六七八九十百零〇两]+)\s*(?P<c>期|届|批|轮)"
                     r"|(?<![\d一二三四五六七八九十百零〇两第])(?P<bn>\d+|[一二三四五六七八九十百零〇]+)\s*届"
                     r"|(?<![\d.])(?P<sn>\d{4,})\s*期")


def serials(text: str) -> set[tuple[str, int]]:
    """Every numbered edition ``text`` names, as (counter, number): "第十三届" → ("届", 13)."""
    found: set[tuple[str, int]] = set()
    for m in _SERIAL.finditer(text):
        if m.group("n"):
            counter, raw = m.group("c"), m.group("n")
        elif m.group("bn"):
            counter, raw = "届", m.group("bn")
        else:
            counter, raw = "期", m.group("sn")
        if n := numeral(raw):  # 0: not a numeral after all
            found.add((counter, n))
    return found


def other_edition(asked: set[tuple[str, int]], text: str) -> bool:
    """``text`` names an edition of a series the question numbers, and none of the asked editions."""
    said = serials(text)
    counters = {c for c, _ in asked}
    return any(c in counters for c, _ in said) and not said & asked


# A rank a question asks about or a sentence gives a holder: "排名第十的是哪座城市", "位居第十的南京".
_RANK = re.compile(r"(?:排名|位居|位列|名列|排在|排|居)\s*第\s*(?P<n>\d+|[一二三四五六七八九十百两]+)\s*(?:名|位)?")


def asked_rank(question: str) -> int | None:
    """The rank a which-question names ("排名第十的是哪座城市" → 10), or None."""
    m = _RANK.search(question)
    return (numeral(m.group("n")) or None) if m else None


def rank_before(text: str, start: int, reach: int = 8) -> int | None:
    """The rank given right before ``start`` ("位居第十的|南京" → 10), or None."""
    found = None
    for m in _RANK.finditer(text, max(0, start - reach), start):
        if not re.search(r"[，,。；;、]", text[m.end(): start]):
            found = numeral(m.group("n")) or None
    return found
