"""The number check: every number in an answer must occur verbatim in a cited passage.

Numbers the user wrote in the question may be echoed back ("资料中没有南昌7月20日的数据").
"""

from __future__ import annotations

import re

_NUM = re.compile(r"\d+(?:\.\d+)?")
_MARK = re.compile(r"\[\d+\]")


def numbers(text: str) -> list[str]:
    return _NUM.findall(_MARK.sub(" ", text))


def unsupported_numbers(answer: str, quotes: list[str], question: str = "") -> list[str]:
    """Numbers in ``answer`` that appear as a whole number in no quote (nor in the question)."""
    allowed = {n for q in [*quotes, question] for n in numbers(q)}
    return [n for n in numbers(answer) if n not in allowed]
