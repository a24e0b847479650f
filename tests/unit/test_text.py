"""The Chinese-text package on its own: no Chroma, no model."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT
from zhtext.normalise import canon, months_as_digits, normalise
from zhtext.periods import periods
from zhtext.pos import pos_tags
from zhtext.sentences import split_sentences
from zhtext.serials import asked_rank, other_edition, rank_before, serials
from zhtext.tokens import tokenize
from zhtext.vocabulary import (
    ASKED_UNITS,
    COUNT_UNITS,
    FIGURE_UNITS,
    GLOSSARY,
    MEASURES,
    SPECIFIC,
    STOPWORDS,
    alternation,
)


def test_normalise_reads_traditional_full_width_and_chinese_numerals():
    assert normalise("南昌七月十六號新增多少例？") == "南昌7月16日 新增多少例?"
    assert normalise("長春４月３日") == "长春4月3日"
    assert normalise("一共三轮核酸") == "一共3轮核酸"


def test_normalise_keeps_a_day_apart_from_the_next_word():
    assert normalise("20日常州新增多少") == "20日 常州新增多少"


def test_canon_gives_one_spelling_per_measure_and_drops_quote_marks():
    assert canon("“无疫”社区的密切接触者") == "无疫社区的密接"
    assert canon("次密切接触者") == "次密接"
    assert canon("遇难3人") == "死亡3人"


def test_sentences_end_at_chinese_stops_and_keep_quotations_whole():
    text = "他说：“今天下雨。明天晴。”随后离开。第二句！第三段\n第四段"
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == ["他说：“今天下雨。明天晴。”随后离开。", "第二句！", "第三段", "第四段"]


def test_tokens_drop_question_words_and_punctuation():
    tokens = tokenize("南昌市新增多少例阳性感染者？")
    assert "多少" not in tokens and "？" not in tokens
    assert "南昌" in tokens and "感染者" in tokens


def test_vocabulary_units_are_ordered_longest_first_where_one_contains_another():
    """An alternation tries its words in order: 人次 must come before 人, or 350人次 reads as 350人."""
    for units in (COUNT_UNITS, FIGURE_UNITS, ASKED_UNITS):
        for i, unit in enumerate(units):
            for later in units[i + 1:]:
                assert not (later.startswith(unit) and len(later) > len(unit)), (unit, later)
    m = re.match(f"350({alternation(COUNT_UNITS)})", "350人次")
    assert m and m.group(1) == "人次"


def test_vocabulary_glossary_lists_longer_phrases_before_their_parts():
    english = [en for en, _ in GLOSSARY]
    for i, phrase in enumerate(english):
        for later in english[i + 1:]:
            assert not re.search(rf"\b{re.escape(phrase)}\b", later), (phrase, later)


def test_vocabulary_measures_are_distinct_and_searchable():
    assert len(set(MEASURES)) == len(MEASURES) and len(set(SPECIFIC)) == len(SPECIFIC)
    assert not set(MEASURES) & STOPWORDS


def test_parsing_a_question_loads_neither_chromadb_nor_the_model():
    """The question parser is text work only: a newcomer can use it (and its tests run) without a store."""
    code = ("import sys; import qa.question as q; q.parse('南昌7月16日新增多少例？'); "
            "print(sorted(m for m in ('chromadb', 'torch', 'onnxruntime', 'sentence_transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_month_in_chinese_numerals_is_a_reporting_period():

    assert periods("今年七月是有记录以来最热的七月") == {(7, 7)}
    assert periods("十一月份的销量") == {(11, 11)}
    assert periods("七月八日举行") == set()  # a day, not a period


def test_an_annual_average_is_a_period_of_the_whole_year():
    from zhtext.periods import periods
    assert periods("年平均气温0℃至15℃") == {(1, 12)}
    assert periods("年均增长5.2%") == {(1, 12)}


def test_a_relative_year_nearer_a_figure_than_a_named_year_leaves_its_year_unknown():
    from zhtext.periods import year_of
    text = "2022年双十二期间，团队荣获销量第一，光是今年上半年，销售额就有6000万。"
    assert year_of(text, text.index("6000万"), len(text) - 1) is None  # 今年: the article's year
    text = "而在此前的2022年，江西省普通高考报名人数57.48万人。"
    assert year_of(text, text.index("57.48"), text.index("人。")) == 2022


def test_a_place_inside_a_longer_place_name_is_not_named():
    from zhtext.places import names_whole

    assert not names_whole("印度尼西亚决定对铜征收出口税", "印度")
    assert names_whole("印度尼西亚和印度都限制出口", "印度")
    assert names_whole("印度政府宣布", "印度")
    assert not names_whole("苏丹港口", "印度")


def test_a_state_is_named_by_its_name_or_short_names_with_a_count():
    from zhtext.places import names_country

    assert names_country("美国国务院") and names_country("美英澳三国") and names_country("新加坡")
    assert not names_country("南沙") and not names_country("香港") and not names_country("圣彼得堡")


def test_common_words_jieba_lists_as_names_are_tagged_as_the_words_they_are():
    assert ("深度", "n") in pos_tags("美国可能深度衰退")
    assert ("大家庭", "n") in pos_tags("感受到了社会大家庭的温暖")
    assert ("美国", "ns") in pos_tags("美国可能深度衰退")


def test_serials_reads_the_numbered_editions_of_a_series_in_any_numerals():
    assert serials("体彩超级大乐透第23090期全国共开出多少注一等奖？") == {("期", 23090)}
    assert serials("体彩超级大乐透23079期开奖") == {("期", 23079)}
    assert serials("十四届全国人大常委会第三次会议") == {("届", 14)}
    assert serials("第十三届“桃李杯”舞蹈比赛") == {("届", 13)}
    assert serials("本届大运会的3期工程，2023年第三季度") == set()


def test_another_edition_is_told_from_the_asked_one_and_from_none():
    asked = {("期", 23090)}
    assert other_edition(asked, "7月15日，体彩超级大乐透第23080期开奖")
    assert not other_edition(asked, "8月7日，体彩超级大乐透第23090期高产28注一等奖")
    assert not other_edition(asked, "本期全国开出一等奖4注")


def test_months_in_chinese_numerals_are_written_as_a_question_writes_them():
    assert months_as_digits("今年七月是有记录以来最热的七月") == "今年7月是有记录以来最热的7月"
    assert months_as_digits("十二月、十一月份") == "12月、11月份"
    assert months_as_digits("三个月后，腊月里") == "三个月后，腊月里"


def test_a_rank_is_read_from_the_question_and_from_right_before_a_name():
    assert asked_rank("上半年GDP十强城市中排名第十的是哪座城市？") == 10
    text = "而位居第十的南京（8316.92亿元）也在持续发力。"
    assert rank_before(text, text.index("南京")) == 10
    listed = "上海（21390.17亿元）、北京（20621.3亿元）继续稳居前七"
    assert rank_before(listed, listed.index("北京")) is None
