"""Typed candidate spans in made-up news sentences, one test per kind of span, and the echo filter."""

from __future__ import annotations

from datetime import date

import pytest

from qa.answer_types import classify
from qa.fits import fitting
from qa.spans import (
    CLOSING_WORDS,
    OPENING_WORDS,
    Span,
    find_asked,
    find_spans,
    short_names,
    span_not_in_question,
    tidy_phrase,
)


def texts(sentence: str, kind: str, **kw) -> list[str]:
    spans = find_spans(sentence, kind, **kw)
    for s in spans:
        assert sentence[s.start:s.end] == s.text and s.kind == kind
    return [s.text for s in spans]


def test_counts_keep_their_counter_and_approximation():
    found = texts("救援队连夜转移群众3200余人，搜救犬12只，另有近百名志愿者参与。", "count")
    assert "3200余人" in found and "12只" in found and "近百名" in found


def test_count_with_asked_unit_keeps_only_that_unit():
    assert texts("当天发放口罩5000个，慰问老人86名。", "count", unit="名") == ["86名"]


def test_chinese_numerals_and_wan_count_too():
    assert "三万人次" in texts("长假期间景区共接待游客三万人次。", "count", unit="人")


def test_counts_do_not_take_years_dates_or_ordinals():
    found = texts("2023年7月5日，第3批队员共计40人出发。", "count")
    assert found == ["共计40人"]


def test_count_ranges_are_one_span():
    assert "3至5个" in texts("每个社区设立3至5个临时安置点。", "count")


def test_money_with_multiplier_and_currency():
    found = texts("双方签约金额达120亿元，另获得外资1.5亿美元。", "amount")
    assert found == ["达120亿元", "1.5亿美元"]


def test_money_in_the_asked_currency_only():
    assert texts("项目投资3亿元，吸引外资2000万美元。", "amount", unit="亿美元") == ["2000万美元"]


def test_vague_money_counts():
    assert "数百万欧元" in texts("该基金会向灾区捐赠了数百万欧元。", "amount")


def test_percents_in_every_written_form():
    found = texts("出口增长12.5%，占比百分之三十，利率下调25个基点，降幅收窄1.2个百分点，七成受访者满意，"
                  "产量翻了一番，区间为3.5%-4%。", "percent")
    for expected in ("12.5%", "百分之三十", "25个基点", "1.2个百分点", "七成", "翻了一番", "3.5%-4%"):
        assert expected in found


def test_cheng_inside_a_word_is_not_a_percent():
    assert texts("该项目顺利完成并成为示范工程。", "percent") == []


def test_dates_with_year_month_and_part_of_day():
    found = texts("大桥于2021年10月8日上午合龙，预计2024年上半年通车，7月份试运行。", "date")
    assert found == ["2021年10月8日上午", "2024年上半年", "7月份"]


def test_day_only_date_needs_the_articles_date():
    assert texts("15日，市政府召开发布会。", "date") == []
    assert texts("15日，市政府召开发布会。", "date", anchor=date(2023, 6, 16)) == ["15日"]


def test_clock_times_but_not_points_of_a_speech():
    assert texts("列车于上午9:30发车，晚上8点半抵达。", "time") == ["上午9:30", "晚上8点半"]
    assert texts("他就合作提出三点建议。", "time") == []


def test_durations_and_their_ranges():
    found = texts("修复工作历时约40天，预计还需一至两年，检测结果在3个工作日内反馈，连续7日无新增。", "duration")
    for expected in ("40天", "一至两年", "3个工作日内", "7日"):
        assert any(expected in f for f in found)


def test_years_and_months_are_not_durations():
    assert texts("2022年该市新建学校5所，7月开学。", "duration") == []


def test_every_three_years_is_a_duration():
    assert any("三年" in f for f in texts("论坛每三年举办一次。", "duration"))


def test_persons_from_pos_tags_and_foreign_names_with_a_dot():
    found = texts("市长王建国会见了来访的约翰·史密斯先生。", "person")
    assert "王建国" in found and any("约翰" in f and "史密斯" in f for f in found)


def test_a_dotted_foreign_name_is_a_person_whatever_jieba_tags_its_parts():
    found = texts("美国副国务卿维多利亚·纽兰当地时间7日称，她在尼日尔首都尼亚美会面。", "person")
    assert "维多利亚·纽兰" in found and "尼日尔" not in found  # 维多利亚 and 纽兰 are tagged places, 尼日尔 a name
    assert texts("电影《英雄·归来》昨日上映。", "person") == []


def test_a_surname_before_a_given_name_jieba_tags_as_a_proper_noun_is_a_person():
    assert "吴爱华" in texts("（资料来源：WIND，光大期货研究所）撰稿：吴爱华从业资格：F3074355", "person")


def test_a_bureau_after_a_name_jieba_reads_as_an_idiom_is_an_organisation():
    assert "上海普陀区生态环境局" in texts("今年68岁的夏德初，曾在上海普陀区生态环境局工作37年。", "org")  # 生态环境: l


@pytest.mark.parametrize("sentence, body", [
    ("本次股东大会见证的律师事务所：北京德恒律师事务所律师：黄卓颖、赵明宝", "北京德恒律师事务所"),  # 事务所律师: one word
    ("北京大学教授王明表示，研究仍在进行。", "北京大学"),  # 大学教授: likewise
])
def test_a_body_whose_ending_the_dictionary_glues_to_a_role_is_read_whole(sentence, body):
    assert body in texts(sentence, "org")


@pytest.mark.parametrize("sentence, address", [
    ("幸运奖票出自编号为20772的体彩网点，地址位于松江区沪亭北路199弄10号楼122室。", "松江区沪亭北路199弄10号楼122室"),
    ("股东大会召开的地点：杭州市西湖区西溪路128号新湖商务大厦11层会议室", "杭州市西湖区西溪路128号新湖商务大厦11层"),
    ("店铺搬到了人民路88号。", "人民路88号"),
])
def test_a_street_address_is_a_place_from_its_district_to_its_last_number(sentence, address):
    assert address in texts(sentence, "place")


def test_a_numbered_line_is_no_address():
    assert "铁路2号" not in "".join(texts("全长203公里的铁路2号线开通。", "place"))


def test_roles_count_as_who_when_no_name_is_given():
    assert any("专家" in f for f in texts("经鉴定专家评估，这件瓷器为清代真品。", "person"))


def test_organisations_by_tag_and_by_ending():
    found = texts("市文化和旅游局联合江南大学、华夏银行杭州分行举办活动。", "org")
    assert any(f.endswith("文化和旅游局") or f.endswith("旅游局") for f in found)
    assert "江南大学" in found and any(f.endswith("杭州分行") for f in found)


def test_common_words_ending_like_organisations_are_not_organisations():
    assert texts("大部分干部认为这一格局有利于社会发展。", "org") == []


def test_places_from_tags_and_gazetteer():
    found = texts("暴雨袭击了浙江省温州市和叙利亚北部地区。", "place")
    assert any("温州" in f for f in found) and any("叙利亚" in f for f in found)


def test_titles_in_book_brackets():
    assert texts("剧团演出了《茶馆》和《雷雨》。", "work") == ["《茶馆》", "《雷雨》"]


def test_levels_grades_ranks_and_prizes():
    found = texts("气象台发布暴雨Ⅱ级预警，应急响应提升至二级，该校获一等奖，排名第一名。", "level")
    for expected in ("Ⅱ级", "二级", "一等奖", "排名第一名"):
        assert expected in found


def test_definition_is_what_follows_is():
    found = texts("本次活动的主题是“绿色出行，低碳生活”。", "definition")
    assert any("绿色出行" in f for f in found)


def test_definition_by_the_asked_noun_with_its_modifier():
    found = texts("双方一致同意坚持互利共赢原则。", "definition", head="原则")
    assert any(f.endswith("互利共赢原则") for f in found)


def test_enumerations_with_dunhao_and_he():
    found = texts("展会吸引了服装、家电、食品和汽车等行业企业。", "list")
    assert any("服装、家电、食品和汽车" in f for f in found)


def test_two_named_bodies_joined_by_he_are_a_list():
    assert "商务部和云南省人民政府" in "".join(texts("博览会由商务部和云南省人民政府共同主办。", "list"))


def test_abbreviated_lists_of_countries():
    assert any("中俄蒙三国" in f for f in texts("中俄蒙三国签署了合作协议。", "list"))


def test_object_of_the_asked_verb_for_open_questions():
    asked = classify("该镇今年建成了什么？")
    found = [s.text for s in find_asked("该镇今年建成了一座污水处理厂。", asked)]
    assert any("污水处理厂" in f for f in found)


def test_yesno_has_no_span():
    assert find_spans("地铁今日正常运营。", "yesno") == []


def test_empty_sentence_has_no_span():
    assert find_spans("", "count") == []


def test_span_repeating_the_question_is_an_echo():
    question = "2023年上半年该市地区生产总值增长了多少？"
    sentence = "2023年上半年，该市地区生产总值同比增长5.6%。"
    dates = find_spans(sentence, "date")
    assert dates and not span_not_in_question(dates[0], question)
    percents = find_spans(sentence, "percent")
    assert percents and span_not_in_question(percents[0], question)


def test_span_whose_words_all_appear_in_the_question_is_an_echo():
    assert not span_not_in_question(Span(0, 4, "暴雨预警", "definition"), "气象台发布了什么预警？暴雨")


def test_a_number_the_question_does_not_hold_is_no_echo():
    assert span_not_in_question(Span(0, 3, "12人", "count"), "事故造成多少人受伤？")


def test_a_percent_asked_in_points_is_answered_only_by_points():
    asked = classify("出口降幅比上月收窄了多少个百分点？")
    assert asked.kind == "percent" and asked.unit == "个百分点"
    found = [s.text for s in find_asked("出口同比下降12.4%，降幅比上月收窄3.1个百分点。", asked)]
    assert found == ["3.1个百分点"]


def test_a_bare_number_glued_to_a_percent_or_a_time_unit_is_no_count():
    found = texts("公司营收同比增长139.40%，未来10天仍有降雨，全市共有3000", "count")
    assert found == ["139.40%", "3000"]  # the share whole, never its digits alone; no "10" of 10天


def test_a_place_name_or_a_title_is_not_taken_for_a_person():
    found = texts("当地时间15日，夏威夷毛伊岛，电力工人抢修电力设施。", "person")
    assert "毛伊岛" not in found and "电力工人" in found
    assert texts("会上，福建省侨联主席陈明海致词。", "person")[-1:] == ["陈明海"]
    assert "主席" not in "".join(texts("会上，福建省侨联主席陈明海致词。", "person"))


def test_which_holder_of_a_role_is_answered_by_a_name_not_by_another_role():
    # "哪位副市长" names the role: 副书记 (the mayor's other title) is no one, and 徐汇区 is a district
    sentence = "市委副书记、市长龚正昨天在徐汇区调研在线新经济企业。"
    assert [s.text for s in find_asked(sentence, classify("哪位副市长参加了调研？"))] == ["龚正"]
    assert "副书记" in texts(sentence, "person")  # "谁…" may be answered by a role (鉴定专家, 电力工人)


def test_a_post_asked_for_is_the_title_written_before_a_name():
    found = texts("中央纪委国家监委对山东省青岛市政协原党组书记、主席汲斌昌严重违纪违法问题进行了立案审查调查。",
                  "definition", head="职务")
    assert found == ["山东省青岛市政协原党组书记、主席"]  # 、 between two roles; not the 对 before them
    assert texts("汲斌昌构成严重职务违法并涉嫌受贿犯罪。", "definition", head="职务") == []  # ends in 职务, is none


def test_a_sum_in_wan_is_money_only_when_its_clause_names_money():
    assert texts("光是今年上半年，销售额就有6000万，成为龙头花企。", "amount") == ["6000万"]
    assert texts("相关笔记超过40多万篇，浏览量超过6000万。", "amount") == []  # views, not money
    assert texts("营收达1.2亿元。", "amount") == ["达1.2亿元"]  # with its currency, as before


def test_a_phrase_headed_by_the_asked_noun_holds_all_of_it():
    assert texts("而日本固守现有的研究领域，缺乏新开拓的姿态。", "definition", head="合作领域") == []  # 研究, not 合作
    assert "深化合作的领域" in texts("人工智能等都是两国可以深化合作的领域。", "definition", head="合作领域")


def test_a_count_of_places_or_a_relative_place_word_is_no_place():
    assert texts("希望粤陕两省文旅业界加强合作，维护地区和平。", "place") == []
    assert texts("他在陕西省西安市工作。", "place") == ["陕西省西安市"]


def test_a_bare_how_much_is_answered_by_a_share_too():
    assert "20%" in texts("纳入医保后，个人先自付20%，其余由医保基金支付。", "count")


def test_a_which_year_question_is_answered_only_by_a_date_with_its_year():
    asked = classify("产业园项目预计在哪一年试投产？")
    assert asked.kind == "date" and asked.unit == "年"
    found = [s.text for s in find_asked("公司26日发布消息称，产业园项目预计2026年上半年试投产。", asked)]
    assert found == ["2026年上半年"]


def test_a_where_question_is_answered_by_a_noun_with_a_locative_after_zai():
    assert "舞台上" in texts("一个社团的成员们在舞台上边唱边跳。", "place")
    assert "离场地将近200米外的湖边" in texts("主火炬塔设计在离场地将近200米外的湖边。", "place")
    assert texts("他在会上表示，在此基础上继续推进。", "place") == []  # an occasion, a basis: no place
    assert texts("她在当天场馆内摆摊。", "place") == ["场馆内"]


def test_the_agency_of_a_dateline_is_no_organisation_in_the_story():
    assert texts("财联社7月28日电，中介服务事项将纳入政务服务平台。", "org") == ["政务服务平台"]


def test_a_count_asked_in_one_spelling_of_a_unit_is_answered_in_the_other():
    spans = find_spans("7月甘肃省平均气温21.6℃，较常年同期偏高0.8℃；", "count", "度")
    assert [s.text for s in spans] == ["21.6℃", "0.8℃"]
    assert not find_spans("共有34人参加", "count", "度")


def test_a_date_at_the_end_of_a_year_keeps_its_end():
    spans = find_spans("全年建设计划稳步推进，预计2024年年底建成通车。", "date", anchor=date(2023, 7, 15))
    assert [s.text for s in spans] == ["2024年年底"]


# --- phrase edges (qa.spans.tidy_phrase) ------------------------------------------------------------

def tidy(sentence: str, cut: str, kind: str = "definition") -> str | None:
    """``tidy_phrase`` of the first occurrence of ``cut`` in ``sentence``: its text, or None when dropped."""
    start = sentence.index(cut)
    span = tidy_phrase(sentence, start, start + len(cut), kind)
    if span is not None:
        assert sentence[span.start:span.end] == span.text and span.kind == kind
    return span.text if span else None


def test_a_phrase_cut_inside_words_is_extended_to_whole_words():
    assert tidy("市政府出台了支持民营企业发展的若干措施。", "营企业发展的若干措") == "民营企业发展的若干措施"


def test_a_leftover_preposition_at_a_phrase_head_is_dropped_unless_a_verb_follows_it():
    assert tidy("应急管理部维持对江西、湖南的四级应急响应。", "对江西、湖南") == "江西、湖南"
    assert tidy("警方成立了由刑侦骨干组成的专案小组。", "由刑侦骨干组成的专案小组") == "由刑侦骨干组成的专案小组"


def test_a_co_actor_word_tagged_otherwise_is_dropped_from_a_phrase_head():
    assert "会同" in OPENING_WORDS
    assert tidy("市文旅局会同市体育局发布的“运动达人”榜单引发关注。", "会同市体育局发布的“运动达人”") == \
        "市体育局发布的“运动达人”"


def test_a_verb_or_preposition_cut_from_what_it_needs_is_trimmed_from_a_phrase_end():
    assert tidy("为保护皮肤免受紫外线伤害，专家建议外出涂抹防晒霜。", "保护皮肤免受") == "保护皮肤"
    assert tidy("一架战机在海域上空向一艘渔船发出警告。", "一架战机在海域上空向") == "一架战机在海域上空"


def test_every_closing_word_is_trimmed_when_its_object_follows():
    for word in CLOSING_WORDS:
        assert tidy(f"据了解，该项目{word}多项资金支持。", f"该项目{word}") == "该项目", word


def test_a_closing_word_that_ends_its_clause_stays():
    assert tidy("目前，两国间的交流正在进行。", "两国间的交流正在进行") == "两国间的交流正在进行"


def test_a_phrase_stopped_before_its_head_noun_is_extended_over_it():
    assert tidy("一架战机向一艘正在巡逻的日本渔船发出警告。", "一艘正在巡逻的日本") == "一艘正在巡逻的日本渔船"
    assert tidy("今年2月，美英澳三国空军开展军演。", "美英澳三国", kind="list") == "美英澳三国"  # a list's items


def test_a_quote_opened_or_closed_alone_is_closed_when_near():
    assert tidy("活动由市总工会主办的“职工技能大赛”，吸引了众多选手。", "市总工会主办的“职工技能") == \
        "市总工会主办的“职工技能大赛”"
    assert tidy("会议提出“稳住基本盘，守住底线”和“扩大有效需求”两项要求。", "守住底线”和“扩大有效需求”") == \
        "“稳住基本盘，守住底线”和“扩大有效需求”"


def test_a_quote_too_long_to_close_cuts_the_phrase_at_its_mark():
    sentence = "他表示，“今年我们将以更大力度推进城市更新和老旧小区改造工作，让居民住得更舒心”。"
    assert tidy(sentence, "工作，让居民住得更舒心”。") == "工作，让居民住得更舒心"
    sentence = "专家围绕“新型城镇化建设中的历史文化街区保护、修缮与活化利用的路径和长效机制探索”展开研讨。"
    assert tidy(sentence, "专家围绕“新型城镇化建设中") == "新型城镇化建设中"


def test_a_phrase_with_nothing_left_is_dropped():
    assert tidy("据悉，对，就是这样。", "对，") is None


def test_phrase_spans_of_every_finder_are_tidied():
    asked = classify("他亲自试驾了什么？")
    sentence = "他还在工厂亲自试驾了新型多功能装甲车和配备远程火箭炮系统的轮式自行榴弹炮以及多种型号的主战坦克。"
    found = [s.text for s in find_asked(sentence, asked)]  # 30 characters after the verb end on 多种
    assert found and not any(f.endswith("多种") for f in found)


def test_a_phrase_ending_in_a_prepositional_phrase_keeps_only_what_the_preposition_governs():
    sentence = "疾控部门将加强与海关等有关部门的密切协作。"
    assert tidy(sentence, "加强与海关等有关部门") == "海关等有关部门"
    assert tidy("专家认为，德国在这方面的经验值得借鉴。", "德国在这方面") is None  # only a pronoun is left
    assert tidy("他说，德国在这方面。", "德国在这方面") == "德国在这方面"  # no verb after it: not cut


@pytest.mark.parametrize(("sentence", "body"), [
    ("夏季“村晚”活动由中国文化和旅游部主办。", "文化和旅游部"),
    ("市住房和城乡建设局发布通知。", "住房和城乡建设局"),
    ("据人力资源和社会保障部介绍，招聘会将持续一周。", "人力资源和社会保障部")])
def test_a_department_whose_name_holds_he_is_read_whole(sentence, body):
    assert any(body in f for f in texts(sentence, "org"))


@pytest.mark.parametrize("sentence", [
    "两国人民等待的时间太久了。",  # 太久: listed as a name in jieba's dictionary
    "外交部对此表示严正抗议。",  # 严正: likewise
    "停止纵容支持“台独”分裂势力“以武谋独”。",  # 武谋独: a slogan in quotes
    "伯利兹中国和平统一促进会表示，一个中国原则是国际社会共识。",  # 伯利兹: the place a body's name opens with
])
def test_words_jieba_tags_as_names_are_not_people(sentence):
    assert texts(sentence, "person") == []


def test_a_dictionary_name_with_a_title_before_it_is_a_person():
    assert "鲁迅" in texts("纪念馆展出了作家鲁迅的手稿。", "person")


def test_a_place_named_only_inside_a_quoted_name_of_the_question_still_answers_it():
    question = "哪个城市实施了包括“青城小院”项目在内的20个养老项目？"
    assert span_not_in_question(Span(0, 3, "青城市", "place"), question)
    assert not span_not_in_question(Span(0, 6, "“青城小院”", "work"), question)


def test_a_list_ends_with_its_last_item_not_the_clause_after_it():
    spans = [s.text for s in find_spans("对北京、吉林、黑龙江维持防汛三级应急响应。", "list")]
    assert "北京、吉林、黑龙江" in spans
    assert not any("维持" in s for s in spans)
    assert "湖南、湖北、江西三省" in [s.text for s in find_spans("湖南、湖北、江西三省启动响应。", "list")]


def test_provinces_run_together_by_their_short_names_are_a_list():
    assert "京津冀晋鲁豫" in [s.text for s in find_spans("国家防总维持对京津冀晋鲁豫防汛应急三级应急响应。", "list")]
    # a run that ends inside a word is none: 辽宁|辽河, 台青|吉林
    assert not [s for s in find_spans("辽宁辽河上游发生洪水。", "list") if "辽宁辽" in s.text]
    assert not [s for s in find_spans("台青吉林行活动举行。", "list") if "台青吉" in s.text]


def test_a_two_character_place_jieba_made_up_is_no_place():
    # jieba's HMM reads 火炬|塔原|设计 and tags 塔原 a place; its dictionary does not know it
    assert "塔原" not in [s.text for s in find_spans("成都大运会主火炬塔原设计标准燃气输出量为大火3000m³/小时。", "place")]
    assert "成都" in [s.text for s in find_spans("成都大运会主火炬塔原设计标准燃气输出量为大火3000m³/小时。", "place")]
    assert "节省" not in [s.text for s in find_spans("相较于按原设计标准满负荷燃烧，节省燃气约60%。", "place")]


def test_a_common_word_between_a_role_and_a_verb_is_no_name():
    sentence = "全国侨联挂兼职副主席培训班在闽成功举办。"
    assert "培训班" not in [s.text for s in find_spans(sentence, "person")]
    assert "吉乐乐" in [s.text for s in find_spans("受助学生代表吉乐乐说，会用爱心回报社会。", "person")]


def test_a_verb_before_the_asked_noun_is_not_its_modifier():
    spans = [s.text for s in find_spans("各地要打造一流环境，评环境。", "definition", head="环境")]
    assert "一流环境" in spans and not any(s.startswith(("打造", "评")) for s in spans)
    assert "城市设计项目" in [s.text for s in find_spans("征集已启动实施的城市设计项目。", "definition", head="项目")]


def test_a_title_jieba_tags_as_a_name_is_no_name_and_its_holder_after_it_is():
    spans = [s.text for s in find_spans("德国总理朔尔茨13日在推特发文称：“我们将继续与中国合作。”", "person")]
    assert "德国总理" not in spans and "朔尔茨" in spans


@pytest.mark.parametrize(("sentence", "name"), [
    ("Schumacher曾担任荷兰乳品企业皇家菲仕兰的首席执行官。", "皇家菲仕兰"),
    ("国内新能源车企比亚迪公布了7月销量。", "比亚迪")])
def test_a_company_named_right_after_its_kind_is_an_organisation(sentence, name):
    assert name in texts(sentence, "org")


def test_a_person_of_a_company_is_not_named_as_the_company():
    assert not any("王明" in t for t in texts("公司董事长王明说，订单已排到年底。", "org"))


@pytest.mark.parametrize(("sentence", "kind", "span"), [
    ("共有3万至5万人参加。", "count", "3万至5万人"),
    ("牡丹江南部累计雨量120毫米至150毫米。", "count", "120毫米至150毫米"),
    ("项目投资3亿至5亿元。", "amount", "3亿至5亿元"),
])
def test_a_range_is_read_whole_with_its_multiplier_and_unit_on_both_ends(sentence, kind, span):
    assert span in texts(sentence, kind)


def test_a_day_and_an_hour_are_no_bare_count():
    assert texts("温州市27日9时将防台风应急响应提升为Ⅲ级。", "count") == []


def test_a_numbered_body_of_a_place_is_read_whole():
    assert "成都市第三人民医院" in texts("这枚肺来自成都市第三人民医院的一名捐献者。", "org")


def test_a_short_name_is_paired_with_the_phrase_before_its_parenthesis():
    assert [(short, sp.text) for short, sp in short_names("经济合作与发展组织（简称经合组织）发布报告。")] == \
        [("经合组织", "经济合作与发展组织")]


@pytest.mark.parametrize("sentence, name", [
    ("望城区人大常委会主任苏春光主持会议。", "苏春光"),  # jieba: 苏 (j) | 春光 (n)
    ("有着36年党龄的镇纪委副书记杨春城带着镇派出所所长进村摸排。", "杨春城"),  # 杨 (nr) | 春城 (n)
])
def test_a_name_jieba_does_not_know_is_found_between_a_role_and_what_the_person_does(sentence, name):
    assert name in [s.text for s in find_spans(sentence, "person")]


def test_a_common_noun_after_a_role_is_no_name():
    assert "群众" not in [s.text for s in find_spans("部门负责人和专家、市民群众、游客参加活动。", "person")]


def test_a_month_is_no_echo_of_a_question_that_names_another_day_of_it():
    # jieba tags the 8 of 8月份 x; the question holds 8 (8月初) and 月份 (哪个月份), not 8月份
    q = "2023年8月初一篇评论指出，一年当中我国台风生成和登陆最多的是哪个月份？"
    span = find_spans("8月份也是我国一年当中台风生成和登陆最多的月份。", "date")[0]
    assert span.text == "8月份" and span_not_in_question(span, q)


def test_a_name_after_a_role_and_before_a_comma_opens_with_a_surname():
    found = [s.text for s in find_spans("当年16岁入朝作战的志愿军老兵关成有，在家人的陪同下再次来到集结地。", "person")]
    assert "关成有" in found
    assert "组成员" not in [s.text for s in find_spans("专家组成员，来自全国各地。", "person")]


def test_a_name_jieba_tags_a_person_before_村_is_a_village():
    found = [s.text for s in find_spans("本次活动由大年陈镇毛旺庄村联合镇妇联、社工站等部门主办。", "place")]
    assert any(t.endswith("毛旺庄村") for t in found)


def test_a_count_of_people_takes_no_bare_number_of_another_thing():
    q = "台风残余环流带来暴雨期间，辽宁全省共紧急转移安置了多少群众？"
    text = "吉林东部的延边、黑龙江东部的牡丹江和鸡西已出现降雨，伴有3级-4级风。"
    assert fitting(q, classify(q), text, find_spans(text, "count")) == []
    people = "辽宁全省共紧急转移安置群众12000余，无人员伤亡。"
    assert [s.text for s in fitting(q, classify(q), people, find_spans(people, "count"))] == ["12000"]


def test_a_roads_ending_without_its_name_and_a_jurisdiction_are_no_places():
    # "停于辖区日晖|东路某号门口": jieba tags 东路 a place, and 辖区 is only "the area it polices"
    sentence = "一辆沪牌白色出租车停于辖区日晖东路某号门口，驾驶员杨某死于驾驶室内。"
    places = [s.text for s in find_spans(sentence, "place")]
    assert "东路" not in places and "辖区" not in places
    assert {"南京路", "淮海中路"} <= {s.text for s in find_spans("活动在南京路步行街和淮海中路举行。", "place")}


def test_a_name_after_a_firms_title_is_a_person_even_with_a_rare_surname():
    # "全球董事会主席、首席执行官兼总裁柏乐一行": jieba tags 柏乐 a place, and 柏 opens few Chinese names
    from qa.answer_types import classify
    from qa.fits import fitting
    question = "上海市市长龚正会见的美国碧迪医疗全球董事会主席、首席执行官兼总裁叫什么名字？"
    sentence = "上海市市长龚正7月18日会见了美国碧迪医疗全球董事会主席、首席执行官兼总裁柏乐一行。"
    asked = classify(question)
    assert "柏乐" in [s.text for s in find_spans(sentence, "person")]
    assert "柏乐" in [s.text for s in fitting(question, asked, sentence, find_spans(sentence, "person"))]


def test_a_time_of_day_and_a_party_congress_are_no_people():
    # jieba tags 今天下午 a name (nr) and 二十大 one (nrt)
    assert [s.text for s in find_spans("上海市委书记陈吉宁今天下午会见了香港嘉里控股有限公司董事长郭孔华一行。", "person")] \
        == ["陈吉宁", "郭孔华"]
    assert "二十大" not in [s.text for s in find_spans("全面贯彻党的二十大和习近平总书记考察上海重要讲话精神。", "person")]
