"""Sentence-aware chunking with character offsets into the clean body.

Chunks pack whole sentences (``zhtext.sentences``) up to a target size and overlap by whole
sentences; a quotation is never cut, and an over-long sentence is split only at a comma, never
inside a number or a date. ``body[chunk.start:chunk.end] == chunk.text`` always holds.
"""

from __future__ import annotations

import re

from zhtext.sentences import split_sentences

_SOFT = re.compile(r"[，,、：:]")


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
