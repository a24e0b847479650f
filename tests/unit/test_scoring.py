"""The answer scorer and composer over passages prepared from real text, without Chroma or the model."""

from __future__ import annotations

from datetime import date

from core.records import Passage, RawArticle
from core.schema import chunk_metadata
from ingest.prepare import prepare
from qa.compose import compose
from qa.question import parse
from qa.retrieve import constrained_order
from qa.weights import WEIGHTS, Weights

BODY = ("7月16日0时至24时，南昌市新增报告9例阳性感染者，其中2例在集中隔离点检出（均在南昌县），7例在核酸筛查中检出。"
        "经定点医院诊断，2例为确诊病例（轻型），7例为无症状感染者。\n\n"
        "7月15日0时至24时，南昌市新增报告3例阳性感染者。\n\n"
        "截至7月16日24时，南昌市累计报告本土阳性感染者120例。")


def _passages(body: str = BODY, published: date = date(2022, 7, 17)) -> list[Passage]:
    p = prepare(RawArticle(path="nanchang.txt", body=body, title="南昌市疫情通报", published=published))
    out = [Passage(c.chunk_id, c.doc_id, c.text, chunk_metadata(p, c), score=1.0 / (i + 1))
           for i, c in enumerate(p.chunks)]
    return out


def _answer(question: str, body: str = BODY):
    q = parse(question)
    return compose(q, constrained_order(q, _passages(body)))


def test_answers_the_days_count_with_its_qualifier_sentence():
    a = _answer("南昌7月16日新增多少例？")
    assert not a.abstained
    assert "新增报告9例阳性感染者" in a.answer and "2例为确诊病例" in a.answer
    assert a.answer.endswith("[1]") and a.citations[0].quote in BODY


def test_gives_the_figure_of_the_asked_day_not_of_the_day_before():
    a = _answer("南昌7月15日新增多少例？")
    assert "3例" in a.answer and "9例" not in a.answer


def test_a_cumulative_figure_is_not_given_for_a_new_one():
    a = _answer("南昌7月16日新增多少例？")
    assert "累计" not in a.answer


def test_refuses_a_date_the_articles_do_not_report_and_names_the_nearest():
    a = _answer("南昌7月20日新增多少例？")
    assert a.abstained and a.answer.startswith("资料中没有南昌7月20日")
    assert "最近的是" in a.answer


def test_refuses_a_place_no_article_mentions():
    a = _answer("长春7月16日新增多少例？")
    assert a.abstained and "长春" in a.answer


def test_a_scrubbed_figure_is_reported_missing_not_borrowed():
    body = "7月16日0时至24时，南昌市新增本地确诊病例例，新增无症状感染者7例。"
    a = _answer("南昌7月16日新增本地确诊病例多少例？", body)
    assert a.abstained and "缺失" in a.answer and "7" not in a.answer.split("[1]")[0]


def test_weights_are_one_frozen_table():
    assert isinstance(WEIGHTS, Weights)
    assert all(isinstance(v, (int, float)) for v in vars(WEIGHTS).values())


# -- the figure path's short answer and the place a count is for ---------------------------------------

def test_a_count_leads_with_its_figure_in_bold():
    a = _answer("南昌7月16日新增多少例？")
    assert not a.abstained and a.short_answer == "9例" and a.answer.startswith("**9例**。7月16日0时至24时")


def test_a_bare_number_or_a_share_never_leads_a_count_answer():
    from qa.compose import _figure
    from qa.sentences import Slot, sentences_of

    text = "3月17日0—24时，全省地区生产总值同比增长4.7%，新增确诊病例2461例。"
    s = sentences_of(_passages(text)[0])[0]
    for figure, want in (("0", None), ("4.7%", None), ("2461例", "2461例")):
        at = text.index(figure)
        s.slot = Slot(at, at + len(figure), False)
        assert _figure(s) == want, figure


def test_refuses_a_citys_count_for_its_province_and_offers_the_citys():
    a = _answer("江西7月16日新增多少例？")
    assert a.abstained and a.short_answer is None
    assert a.answer.startswith("资料中没有江西省的这个数字，只有南昌市的：") and "9例阳性感染者" in a.citations[0].quote


def test_a_count_its_sentence_gives_for_the_asked_province_is_answered():
    """The clause names no place, the sentence names the asked province: the province's figure, although
    the article is about one of its cities."""
    body = ("福州市民注意防范台风。\n\n据福建省防汛办透露，截至7月28日6时，福建全省463个景区景点已全部关闭，"
            "202个港口码头已全部关闭，转移人员41.68万人。")
    q = parse("截至7月28日6时福建转移了多少人？")
    p = prepare(RawArticle(path="fz.txt", body=body, title="福州：台风杜苏芮逼近", published=date(2023, 7, 28)))
    passages = [Passage(c.chunk_id, c.doc_id, c.text, chunk_metadata(p, c), score=1.0) for c in p.chunks]
    assert p.main_city == "福州"
    a = compose(q, constrained_order(q, passages))
    assert not a.abstained and "41.68万人" in a.answer


def test_a_breakdown_after_the_days_total_answers_a_measure_within_it():
    a = _answer("南昌7月16日新增的阳性感染者中有几例确诊？")
    assert not a.abstained and a.short_answer == "2例"
    assert "9例阳性感染者" in a.citations[0].quote and "2例为确诊病例" in a.citations[0].quote


def test_a_count_written_in_chinese_numerals_answers():
    body = BODY + "\n\n经专家组研判，市指挥部决定从7月17日开始连续开展三轮区域核酸筛查。"
    a = _answer("南昌市从7月17日开始连续开展几轮区域核酸筛查？", body)
    assert not a.abstained and a.short_answer == "三轮" and "三轮区域核酸筛查" in a.citations[0].quote


def test_chinese_numeral_counts_are_not_articles_ordinals_or_bare_multipliers():
    from qa.slots import CN_COUNT

    found = {t: [m.group(0) for m in CN_COUNT.finditer(t)]
             for t in ("开展三轮筛查", "十二名队员", "两例", "一百例", "这是一个", "第三轮", "数万人", "三亚")}
    assert found == {"开展三轮筛查": ["三轮"], "十二名队员": ["十二名"], "两例": ["两例"], "一百例": ["一百例"],
                     "这是一个": [], "第三轮": [], "数万人": [], "三亚": []}


def test_a_level_asked_with_a_date_is_answered_not_called_a_missing_number():
    """几级 with a date goes to the figure path, which has no level slots: the typed spans answer it."""
    body = ("7月30日，北京市防汛应急响应提升至一级。\n\n7月29日20时起，北京市将防汛应急响应提升至二级。")
    a = _answer("7月29日北京防汛应急响应提升至几级？", body)
    assert not a.abstained and a.short_answer == "二级" and "7月29日20时起" in a.citations[0].quote


def test_refuses_a_count_its_clause_gives_for_another_city():
    """The sentence names 南昌, but the number's clause counts 九江: not 南昌's figure."""
    body = "7月16日0时至24时，据南昌市卫健委转发的全省通报，九江市新增报告3例阳性感染者。"
    a = _answer("南昌7月16日新增多少例？", body)
    assert a.abstained and a.answer.startswith("资料中没有南昌市的这个数字，找到的是九江市的：")


def test_a_district_section_of_a_city_article_keeps_its_own_count():
    """No place in the sentence and the article is about 长春: the count may be its district's section's."""
    body = ("南关区全力保障居民生活物资供应。\n\n截至3月27日24时，累计派送蔬菜包4.4万份。")
    p = prepare(RawArticle(path="cc.txt", body=body, title="长春：保供不断档", published=date(2022, 3, 28)))
    q = parse("截至3月27日南关区累计派送蔬菜包多少万份？")
    passages = [Passage(c.chunk_id, c.doc_id, c.text, chunk_metadata(p, c), score=1.0) for c in p.chunks]
    a = compose(q, constrained_order(q, passages))
    assert not a.abstained and "4.4万份" in a.answer


def test_the_question_word_that_tells_two_clauses_apart_picks_the_number():
    """"北京城区…5万人，郊区…3万人": 郊区 decides, not 北京 named before the first clause."""
    for body in ("7月29日，北京城区人员转移5万人，郊区人员转移3万人。", "7月29日，北京郊区人员转移3万人，城区人员转移5万人。"):
        assert _answer("北京7月29日郊区人员转移多少人？", body).short_answer == "3万人", body
        assert _answer("北京7月29日城区人员转移多少人？", body).short_answer == "5万人", body
