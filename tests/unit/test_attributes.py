"""The attribute a "…的X是什么" question asks for, and whether a sentence states it (qa.attributes)."""

from __future__ import annotations

import pytest

from qa.attributes import ATTRIBUTES, asked_attribute, states


@pytest.mark.parametrize(("question", "noun"), [
    ("会面的目的是什么？", "目的"),
    ("中国汽车制造商降价的原因是什么？", "原因"),
    ("账户被恢复的条件是什么？", "条件"),
    ("逆周期调节政策的主要目标是什么？", "目标"),
    ("纪念碑的名称是什么？", "名称"),
])
def test_the_asked_attribute_is_the_noun_before_the_question_word(question, noun):
    attribute = asked_attribute(question)
    assert attribute is not None and noun in attribute.nouns


@pytest.mark.parametrize("question", ["会面的主要对象是谁？", "目的地是哪里？", "汉阳树公园成为了什么？", "采取了什么措施？"])
def test_a_question_that_asks_no_attribute_has_none(question):
    assert asked_attribute(question) is None


def test_a_purpose_is_stated_by_its_cues_and_not_by_a_sentence_about_something_else():
    purpose = asked_attribute("会面的目的是什么？")
    assert states(purpose, "俄非将建立对话伙伴机制，以持续进行互动。")
    assert states(purpose, "此次会面旨在加强双边合作。")
    assert not states(purpose, "会面时双方讨论了经济问题。")


def test_every_attribute_has_nouns_cues_and_a_reason():
    for a in ATTRIBUTES:
        assert a.nouns and a.cues and a.why
