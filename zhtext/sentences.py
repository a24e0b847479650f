"""Chinese sentence spans with character offsets.

Sentences end at 。！？；!?; or a line break (closing quotes and brackets stay with their
sentence); a quotation is never cut. Ingest chunks by these spans and the answerer quotes them,
so both sides must agree on where a sentence ends: one function, here.
"""

from __future__ import annotations

_END = set("。！？；!?;")
_CLOSERS = set("”’」』）)】》\"'")
_OPEN_QUOTE = {"“": "”", "「": "」", "『": "』"}


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over ``text``, whitespace trimmed, quotations kept whole."""
    spans: list[tuple[int, int]] = []
    start, i, n = 0, 0, len(text)
    quote_close: str | None = None
    while i < n:
        ch = text[i]
        if quote_close:
            if ch == quote_close:
                quote_close = None
            elif ch == "\n":  # an unbalanced quote never swallows a paragraph break
                quote_close = None
                continue
            i += 1
            continue
        if ch in _OPEN_QUOTE:
            quote_close = _OPEN_QUOTE[ch]
            i += 1
            continue
        if ch == "\n":
            _add(spans, text, start, i)
            start = i + 1
        elif ch in _END or (ch == "." and i + 1 < n and text[i + 1] in " \n" and not text[i - 1: i].isdigit()):
            j = i + 1
            while j < n and (text[j] in _CLOSERS or text[j] in _END):
                j += 1
            _add(spans, text, start, j)
            start = i = j
            continue
        i += 1
    _add(spans, text, start, n)
    return spans


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
