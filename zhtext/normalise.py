"""One spelling for a question: simplified characters, half-width forms, digits for Chinese numerals.

Articles are stored as written; questions are normalised so that "南昌七月十六號" asks for 7月16日.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import cn2an

from zhtext.vocabulary import CANON, NUMERAL_COUNTERS

_CN_NUM = re.compile(rf"[零〇一二两三四五六七八九十百千]+(?=[{NUMERAL_COUNTERS}])")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Traditional → simplified, full-width → half-width, Chinese numerals in dates and counts → digits."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = _t2s().convert(text)
    text = _CN_NUM.sub(lambda m: _cn_to_digits(m.group(0)), text)
    text = re.sub(r"(\d{1,2})月(\d{1,2})号", r"\1月\2日", text)
    text = re.sub(r"(?<![\d月号])(\d{1,2})号(?![\d楼院线])", r"\1日", text)  # "到20号下午"
    text = re.sub(r"(\d{1,2}日)(?=[\u4e00-\u9fff])", r"\1 ", text)  # "20日常州": not the word 日常
    return text


# The months in Chinese numerals ("七月", "十二月"), as numbers: ``zhtext.periods`` reads them too.
CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}
_CN_MONTH = re.compile(r"(?<![一二三四五六七八九十〇零两])(十[一二]?|[一二三四五六七八九])(?=月)")


def months_as_digits(text: str) -> str:
    """"今年七月" → "今年7月", as ``normalise`` writes a question's months: a sentence is matched against the
    question this way without paying for ``normalise`` on every sentence read."""
    return _CN_MONTH.sub(lambda m: str(CN_MONTHS[m.group(1)]), text) if "月" in text else text


def _cn_to_digits(s: str) -> str:
    try:
        return str(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError):
        return s


_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』《》")


def canon(text: str) -> str:
    """One spelling per measure and no quote marks ("“无疫”社区"), for matching only; quotes in answers
    are never rewritten."""
    text = text.translate(_QUOTES)
    for a, b in CANON:
        text = text.replace(a, b)
    return text
