"""What a "…的目的是什么" question asks for, and the words a sentence uses to state it.

"会面的目的是什么", "降价的原因是什么", "恢复账户的条件是什么" ask for one attribute of a thing. A
sentence about the thing that does not state that attribute ("双方在会面时讨论了首要议题") answers
something else, however many of the question's other words it shares: it is the usual wrong answer,
and the usual answer given where the articles do not say. The attribute is stated by its own noun or by
the cues news writes it with (目的: 为了/旨在; 原因: 由于/因为; 名称: 取名/名为). The rules are data: one
row per attribute, its cues and why they are the cues. Pure text: no model, no store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer_types import question_form


@dataclass(frozen=True)
class Attribute:
    nouns: tuple[str, ...]  # how a question names the attribute ("目的", "目标")
    cues: tuple[str, ...]  # words a sentence states it with, besides the nouns themselves
    why: str


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(("目的", "用意", "意图", "初衷"), ("为了", "为此", "旨在", "意在", "以便", "以期", "便于", "，以", "用于", "致力于", "宗旨"),
              "a purpose is stated with 为了/旨在/便于, or as a clause opened by ，以 (…，以协调打击恐怖主义), as often as with 目的 itself"),
    Attribute(("原因", "理由", "缘由", "起因"), ("因为", "由于", "因此", "导致", "归因于", "归因", "源于", "缘于", "所致", "之所以"),
              "a cause is stated with 由于/因为 or as what led to it (导致, 所致)"),
    Attribute(("条件", "前提"), ("只要", "只有", "必须", "须", "前提", "如果", "若", "一旦", "承诺", "保证", "同意"),
              "a condition is stated as what must hold (只要, 必须) or what was promised for it (保证, 承诺)"),
    Attribute(("目标",), ("力争", "争取", "旨在", "致力", "打造", "实现", "达到", "努力", "宗旨", "为了", "助力", "确保"),
              "a goal is stated as what is aimed at or helped towards (力争, 打造, 实现, 助力)"),
    Attribute(("作用", "功能", "用途"), ("有助于", "有利于", "助力", "推动", "促进", "发挥", "用于", "帮助", "可以", "能够", "提供"),
              "a role is stated as what the thing does (发挥…作用, 有助于, 用于)"),
    Attribute(("地位", "定位"), ("作为", "成为", "被誉为", "首个", "唯一", "之一", "领先", "最大", "第一"),
              "a standing is stated as what the thing ranks as or is called (作为, 之一, 首个)"),
    Attribute(("名称", "名字"), ("取名", "名为", "命名", "名叫", "称为", "叫做", "称作", "冠名", "《", "“"),
              "a name is given with 取名/名为 or in quotation marks"),
    Attribute(("形式", "方式"), ("通过", "采取", "采用", "形式", "方式", "线上", "线下", "视频"),
              "a form is stated as how it was done (通过, 采用, 以…形式)"),
    Attribute(("意义",), ("意义", "标志着", "体现", "象征"),
              "a significance is stated with 意义 or as what the thing marks (标志着)"),
    Attribute(("频率",), ("每年", "每月", "每周", "每天", "每日", "一年一", "定期"),
              "a frequency is stated as every so often (每年…一次); a bare 每三年 answers only the frequency it says"),
)

_BY_NOUN = {noun: a for a in ATTRIBUTES for noun in a.nouns}
# "…的<attribute>是什么/为何/有哪些", the attribute the last noun before the question word, with an optional
# modifier before it ("主要目标", "具体原因")
_ASKED = re.compile(r"(?:主要|具体|根本|最终|真正|直接|首要)?(?P<noun>" + "|".join(sorted(_BY_NOUN, key=len, reverse=True))
                    + r")(?:是|为|有)(?:什么|哪些|何|怎样|如何)")


# "在什么情况下紫外线会强烈", "什么条件下可以退款": a condition asked for without its noun
_CONDITION_ASKED = re.compile(r"(?:什么|何种|哪些|哪种)(?:情况|情形|条件)下")


def asked_attribute(question: str) -> Attribute | None:
    """The attribute a question asks for ("会面的目的是什么" → 目的), or None when it asks for no such attribute."""
    form = question_form(question)
    if m := _ASKED.search(form):
        return _BY_NOUN[m.group("noun")]
    return _BY_NOUN["条件"] if _CONDITION_ASKED.search(form) else None


def states(attribute: Attribute, text: str) -> bool:
    """Whether a sentence states the attribute: by its noun or by one of its cues."""
    return any(w in text for w in attribute.nouns + attribute.cues)


# A cue opens the clause that states the attribute: "助力中老铁路高效稳定运营" states a goal, "旨在加强合作" a
# purpose. What follows the cue up to the clause's end is the answer's phrase. Only cues that are words of their
# own (not "“", "《", "，以", whose phrase the quotation or the frame already gives).
_CLAUSE_END = re.compile(r"[，,。；;：:！!？?）)]")


def stated_phrases(attribute: Attribute, text: str) -> list[tuple[int, int]]:
    """(start, end) of each phrase a cue of the attribute opens in ``text``, cue left out."""
    out = []
    for cue in attribute.cues:
        if not cue[0].isalnum():
            continue
        for m in re.finditer(re.escape(cue), text):
            stop = _CLAUSE_END.search(text, m.end())
            end = stop.start() if stop else len(text)
            if end - m.end() >= 2:
                out.append((m.end(), end))
    return sorted(set(out))


# "什么是硬防晒", "何为国际同行评审", "新质生产力是指什么": the meaning of a term. Only a sentence that defines
# the term answers: the term followed by 是/指/即… or introduced by 所谓. A sentence that merely uses it
# ("CNAS通过APAC国际同行评审") says what happened to it, not what it is: quoting it is the loosely related
# sentence a user means by an invented answer.
_TERM_ASKED = (re.compile(r"^(?:请问)?(?:什么是|何为|何谓|什么叫)(?P<term>[^，,。？?\s]{2,16}?)[？?]?$"),
               re.compile(r"^(?P<term>[^，,。？?\s]{2,16}?)(?:是指什么|指的是什么|指什么|是什么意思|什么意思)[？?]?$"))
_DEFINERS = ("是指", "指的是", "是", "指", "即", "就是", "意为", "意指", "意味着", "又称", "也称", "简称", "被称为", "（", "(")


def asked_term(question: str) -> str | None:
    """The term whose meaning the question asks ("什么是硬防晒" → 硬防晒), or None."""
    form = question_form(question).strip()
    for rx in _TERM_ASKED:
        if m := rx.search(form):
            return m.group("term")
    return None


def defines(term: str, text: str) -> bool:
    """Whether a sentence defines the term: "所谓硬防晒", "硬防晒是…", "硬防晒，即…", "“硬防晒”指…"."""
    if "所谓" + term in text or "所谓“" + term in text:
        return True
    for m in re.finditer(re.escape(term), text):
        rest = text[m.end():].lstrip("”\"」』，, ")
        if rest.startswith(_DEFINERS):
            return True
    return False
