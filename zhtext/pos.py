"""Part-of-speech tags from jieba (nr person, ns place, nt organisation…), loaded once, cached per text.

The answer-type classifier and the span finder both tag the same short texts many times a question.
"""

from __future__ import annotations

from functools import lru_cache

# Common words jieba's dictionary lists under a name's tag, with the tag each should have: a measure is no
# place ("美国可能深度衰退" names one country, not two), a plain word no person ("社会大家庭的温暖"). Two-character
# dictionary "names" (严正, 太久) are the span finder's business (``qa.spans``).
TAG_FIXES = {
    "深度": "n", "广度": "n", "长度": "n",  # listed as ns (places)
    "大家庭": "n",  # listed as nr (a person)
}

# Dictionary words that glue a body's name ending to the role after it: "北京德恒律师事务所律师：黄卓颖" tagged
# 律师|事务所律师 leaves no name ending in 事务所, and "北京大学教授王明" hides 北京大学. Each is cut in two.
WORD_SPLITS = ("事务所律师", "公司律师", "医院院长", "法院院长", "学院院长", "大学教授", "大学老师", "大学校长",
               "银行行长", "协会会长", "协会主席", "局局长")


@lru_cache(maxsize=1)
def _posseg():
    """jieba's POS tagger, loaded on first use (the dictionary takes about a second)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    jieba.initialize()
    jieba.posseg.dt.word_tag_tab.update(TAG_FIXES)
    for word in WORD_SPLITS:
        jieba.del_word(word)
    return jieba.posseg


@lru_cache(maxsize=8192)
def pos_tokens(text: str) -> tuple[tuple[str, str, int], ...]:
    """(word, POS flag, offset) for every word of ``text``."""
    out, pos = [], 0
    for pair in _posseg().cut(text):
        out.append((pair.word, pair.flag, pos))
        pos += len(pair.word)
    return tuple(out)


def pos_tags(text: str) -> list[tuple[str, str]]:
    """(word, POS flag) pairs of ``text``."""
    return [(w, f) for w, f, _ in pos_tokens(text)]


def dictionary_tag(word: str) -> str | None:
    """jieba's dictionary tag of a word it knows (None for a word its HMM found): 严正 and 太久 are listed
    as nr, while the names news reports (王毅, 谢锋) are mostly not listed at all."""
    return _posseg().dt.word_tag_tab.get(word)
