"""Chinese sentence-aware chunking with character offsets into the clean body.

Sentences end at 。！？；!?; or a line break (closing quotes and brackets stay with their
sentence). Chunks pack whole sentences up to a target size and overlap by whole sentences;
a quotation is never cut, and an over-long sentence is split only at a comma, never inside
a number or a date. ``body[chunk.start:chunk.end] == chunk.text`` always holds.
"""

from __future__ import annotations

import re

_END = set("。！？；!?;")
_CLOSERS = set("”’」』）)】》\"'")
_OPEN_QUOTE = {"“": "”", "「": "」", "『": "』"}
_SOFT = re.compile(r"[，,、：:]")


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


def _split_long(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Split an over-long sentence at commas (outside digits), else at ``size`` boundaries not inside a number."""
    pieces: list[tuple[int, int]] = []
    cur = start
    while end - cur > size:
        window = text[cur: cur + size]
        cut = max((m.end() for m in _SOFT.finditer(window) if m.end() > size // 3), default=None)
        if cut is None:
            cut = size
            while cut > 1 and (text[cur + cut - 1].isdigit() or text[cur + cut - 1] in ".月年日") and text[cur + cut].isdigit():
                cut -= 1
        pieces.append((cur, cur + cut))
        cur += cut
    pieces.append((cur, end))
    return pieces


def chunk_spans(text: str, size: int = 300, overlap: int = 1) -> list[tuple[int, int]]:
    """Pack sentence spans into chunks of about ``size`` characters; ``overlap`` sentences repeat."""
    sentences: list[tuple[int, int]] = []
    for s, e in split_sentences(text):
        sentences.extend(_split_long(text, s, e, int(size * 1.5)) if e - s > size * 1.5 else [(s, e)])
    chunks: list[tuple[int, int]] = []
    i = 0
    while i < len(sentences):
        j = i
        while j + 1 < len(sentences) and sentences[j + 1][1] - sentences[i][0] <= size:
            j += 1
        chunks.append((sentences[i][0], sentences[j][1]))
        if j + 1 >= len(sentences):
            break
        back = 0
        while back < overlap and j - back > i and sentences[j][1] - sentences[j - back][0] <= size // 2:
            back += 1
        i = j + 1 - back
    return chunks
