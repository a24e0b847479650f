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
    Attribute(("原因", "理由", "缘由", "起因"), ("因为", "由于", "因此", "导致", "归因", "源于", "缘于", "所致", "之所以"),
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


def asked_attribute(question: str) -> Attribute | None:
    """The attribute a question asks for ("会面的目的是什么" → 目的), or None when it asks for no such attribute."""
    m = _ASKED.search(question_form(question))
    return _BY_NOUN[m.group("noun")] if m else None


def states(attribute: Attribute, text: str) -> bool:
    """Whether a sentence states the attribute: by its noun or by one of its cues."""
    return any(w in text for w in attribute.nouns + attribute.cues)
