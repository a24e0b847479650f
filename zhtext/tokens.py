"""Words for lexical search: jieba's search-mode tokens without punctuation and question words.

Shared by the lexical index (documents) and the question parser (queries): the two must cut text
the same way or BM25 never matches.
"""

from __future__ import annotations

import re

import jieba

from zhtext.vocabulary import STOPWORDS

jieba.setLogLevel(60)
_KEEP = re.compile(r"[\w\u4e00-\u9fff]")


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens (lower-cased), punctuation and stopwords dropped."""
    return [t.lower() for t in jieba.lcut_for_search(text) if _KEEP.search(t) and t not in STOPWORDS and t.strip()]




def words(text: str) -> list[str]:
    """Precise-mode jieba words (lower-cased), punctuation and stopwords dropped: the content words of a
    question, each once in the order they come (search mode would count 共和国 and 共和 twice)."""
    return list(dict.fromkeys(t.lower() for t in jieba.lcut(text) if _KEEP.search(t) and t not in STOPWORDS
                              and t.strip()))
