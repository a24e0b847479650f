"""Bytes → text with the encoding detected, not assumed (UTF-8, BOMs, GB18030/GBK, Big5)."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Chinese legacy encodings are read through their supersets so no character is lost.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}
_CJK_CANDIDATES = ("gb18030", "big5hkscs")


class DecodeError(ValueError):
    """The bytes are not text we can read (binary, empty or of no known encoding)."""


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises DecodeError with a reason a user can act on."""
    if not data.strip():
        raise DecodeError("empty file")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name), name
    if b"\x00" in data[:8192]:
        raise DecodeError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    names = []
    if best is not None:
        names.append(_SUPERSET.get(best.encoding, best.encoding))
    names += [n for n in _CJK_CANDIDATES if n not in names]
    for name in names:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text):
            return text, name
    raise DecodeError("could not detect the text encoding (tried UTF-8, GB18030, Big5); save the file as UTF-8")


def _looks_like_text(text: str) -> bool:
    """Reject decodings that are mostly control or private-use characters."""
    sample = text[:20_000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(sample) < 0.02
