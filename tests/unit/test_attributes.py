"""The attribute a "…的X是什么" question asks for, and whether a sentence states it (qa.attributes)."""

from __future__ import annotations

import pytest

from qa.attributes import ATTRIBUTES, asked_attribute, asked_term, defines, stated_phrases, states


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


@pytest.mark.parametrize("question", ["在什么情况下会启动应急响应？", "什么条件下可以申请退款？"])
def test_a_condition_asked_without_its_noun_is_still_a_condition(question):
    attribute = asked_attribute(question)
    assert attribute is not None and "条件" in attribute.nouns


def test_a_cue_opens_the_phrase_that_states_the_attribute():
    goal = asked_attribute("新航线的运营目标是什么？")
    text = "两艘新船投入使用后，将提高航线运力，助力新航线安全平稳运营。"
    assert [text[a:b] for a, b in stated_phrases(goal, text)] == ["新航线安全平稳运营"]
    cause = asked_attribute("销量上升的原因是什么？")
    text = "分析师将销量上升归因于“价格下调”。"
    assert "“价格下调”" in [text[a:b] for a, b in stated_phrases(cause, text)]


@pytest.mark.parametrize(("question", "term"), [
    ("什么是软防晒？", "软防晒"), ("何为同行评审？", "同行评审"), ("数字游民是指什么？", "数字游民"),
    ("城市更新是什么意思？", "城市更新")])
def test_a_what_is_question_asks_the_meaning_of_its_term(question, term):
    assert asked_term(question) == term


@pytest.mark.parametrize("question", ["会谈的目的是什么？", "什么是最重要的？ 还有呢", "活动的主题是什么？"])
def test_a_question_about_a_thing_s_attribute_asks_no_term(question):
    assert asked_term(question) is None


def test_a_term_is_defined_by_a_definer_after_it_not_by_a_sentence_that_uses_it():
    assert defines("软防晒", "所谓软防晒，就是涂抹防晒霜。")
    assert defines("软防晒", "“软防晒”是指涂抹防晒霜等方式。")
    assert defines("同行评审", "同行评审，即由同行专家对成果进行评议。")
    assert not defines("同行评审", "该中心顺利通过国际同行评审。")
