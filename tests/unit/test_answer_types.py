"""Each rule of qa.answer_types.RULES on a made-up news question, plus unit, focus and head."""

from __future__ import annotations

import pytest

from qa.answer_types import KINDS, RULES, classify

# rule name → a question only that rule (of the rules before it) should claim, and the kind it gives
EXAMPLES = {
    "percent_explicit": ("今年一季度新能源车销量占全部销量的百分之几？", "percent"),
    "time_clock": ("发布会明天几点开始？", "time"),
    "duration_howlong": ("跨江大桥的主体施工持续了多长时间？", "duration"),
    "date_when": ("这座博物馆是哪一年建成开放的？", "date"),
    "level_rank": ("该市空气质量在全省排名第几？", "level"),
    "amount_unit": ("项目总投资多少亿元？", "amount"),
    "count_age": ("获救的那位老人今年多大年纪？", "count"),
    "count_points": ("他在决赛中拿了多少分？", "count"),
    "count_unit": ("本次马拉松共有多少人参赛？", "count"),
    "percent_rate": ("该省上半年的失业率是多少？", "percent"),
    "percent_change": ("全市社会消费品零售总额同比增长了多少？", "percent"),
    "amount_money_word": ("这幅古画的拍卖成交额是多少？", "amount"),
    "count_howmany": ("新建的湿地公园占地多大？", "count"),
    "org_by_whom_organised": ("本届国际茶文化节由谁主办？", "org"),
    "person_called": ("赶去劝阻的社区民警叫什么？", "person"),
    "org_called": ("收购这家工厂的公司叫什么名字？", "org"),
    "thing_called": ("能查泳池水质的那个数字化民生项目叫什么名字？", "definition"),
    "person_who": ("谁为新落成的图书馆剪彩？", "person"),
    "org_which": ("哪个部门负责受理市民的投诉？", "org"),
    "place_where": ("第十届园艺博览会将在哪个城市举办？", "place"),
    "work_title": ("开幕式上演出的是哪部舞剧？", "work"),
    "list_which": ("首批入选的示范村有哪些？", "list"),
    "definition_what_is": ("什么是“数字乡村”？", "definition"),
    "definition_which_noun": ("两地将建立什么机制来共享防汛信息？", "definition"),
    "yesno": ("暴雨期间地铁是否停运？", "yesno"),
    "open_wh": ("为什么今年的荔枝上市时间提前了？", "open"),
}


def test_every_rule_has_an_example():
    assert set(EXAMPLES) == {r.name for r in RULES}


def test_every_rule_gives_a_known_kind_and_says_why():
    for rule in RULES:
        assert rule.kind in KINDS and rule.why


@pytest.mark.parametrize("rule", list(EXAMPLES))
def test_rule_claims_its_question(rule):
    question, kind = EXAMPLES[rule]
    asked = classify(question)
    assert (asked.rule, asked.kind) == (rule, kind)


def test_which_year_is_a_date_not_a_duration():
    assert classify("地铁三号线预计哪一年通车？").kind == "date"


def test_how_long_it_lasts_is_a_duration_even_when_it_says_time():
    assert classify("这次科考的持续时间是多久？").kind == "duration"


def test_how_much_time_something_takes_is_a_duration_not_a_count():
    # "时间超过多少" was a count with no unit, and a count span is never "10小时"
    assert classify("部分农村青少年每天使用手机的时间超过多少？").kind == "duration"
    assert classify("这场直播的时长是多少？").kind == "duration"
    assert classify("发布会的时间是什么时候？").kind == "date"


def test_how_full_or_how_satisfied_asks_a_percent():
    assert classify("其储备基地饱和度已达多少？").kind == "percent"
    assert classify("群众满意度达到多少？").kind == "percent"
    assert classify("当天最高温度是多少？").kind != "percent"


def test_which_years_is_a_date_and_which_troupe_or_long_named_body_an_organisation():
    assert classify("财政部曾在哪两个年份先后印发通知？").kind == "date"  # was a place: 在哪
    assert classify("这项赛事在哪几年举办？").kind == "date"  # was a duration: 几年
    assert classify("这个项目持续了几年？").kind == "duration"
    assert classify("表演小品的是哪个艺术团？").kind == "org"


def test_which_department_is_an_organisation_and_which_province_a_place():
    assert classify("哪个单位承建了这条隧道？").kind == "org"
    assert classify("这种水果主要产自哪个省？").kind == "place"
    assert classify("事故发生在哪里？").kind == "place"


def test_which_ones_is_a_list_even_of_countries():
    assert classify("哪些国家参加了联合演习？").kind == "list"
    assert classify("由哪两家医院共同承担救治任务？").kind == "list"


def test_in_which_respect_is_not_a_place():
    assert classify("该县的乡村振兴成效体现在哪些方面？").kind != "place"


def test_currency_unit_is_kept_with_its_multiplier():
    asked = classify("该项目相比去年增加了多少亿元投资？")
    assert (asked.kind, asked.unit) == ("amount", "亿元")


def test_how_much_money_is_an_amount_in_yuan():
    asked = classify("一张门票要多少钱？")
    assert (asked.kind, asked.unit) == ("amount", "元")


def test_counter_after_the_question_word_is_the_unit():
    assert classify("比赛一共进行了几轮？").unit == "轮"
    assert classify("共有多少人获救？").unit == "人"


def test_number_of_people_in_the_focus_gives_the_unit():
    asked = classify("受伤人数是多少？")
    assert (asked.kind, asked.unit, asked.focus) == ("count", "人", "受伤人数")


def test_of_two_number_words_the_last_is_asked():
    asked = classify("方案围绕几个方面提出了多少条措施？")
    assert (asked.kind, asked.unit) == ("count", "条")


def test_percentage_points_are_a_percent_not_a_count():
    assert classify("降幅比一季度收窄了多少个百分点？").kind == "percent"


def test_change_with_a_unit_is_not_a_percent():
    assert classify("游客人数比去年增加了多少人？").kind == "count"


def test_focus_is_the_words_before_the_question_word():
    assert classify("受伤人数是多少？").focus == "受伤人数"
    assert classify("该省上半年的失业率是多少？").focus == "失业率"


def test_focus_is_the_verb_after_a_question_word_that_opens_the_question():
    assert classify("谁主持了会议？").focus == "主持"


def test_head_is_the_noun_asked_for():
    assert classify("双方应坚持什么原则？").head == "原则"
    assert classify("是什么类型的车辆发生了侧翻？").head == "车辆"


def test_the_head_keeps_a_deputy_prefix_so_the_asked_role_is_whole():
    # jieba tags 副 a distinguishing word (b), not a noun: "哪位区委副书记" asked for 区委 alone, a role in
    # every sentence of the article, which then held "nobody named"
    assert classify("哪位区委副书记参加了调研？").head == "区委副书记"
    assert classify("哪位副市长参加了调研？").head == "副市长"


def test_what_with_a_verb_has_no_head_and_stays_open():
    asked = classify("游客在景区里吃了什么？")
    assert (asked.kind, asked.head) == ("open", "")


def test_a_wh_question_ending_in_ma_is_still_a_wh_question():
    assert classify("你知道谁获得了冠军吗？").kind == "person"


def test_question_without_question_word_is_open():
    assert classify("请介绍一下这次展会").kind == "open"


def test_a_count_noun_before_another_question_word_asks_that_word():
    assert classify("伤亡人数可能继续上升的原因是什么？").kind == "definition"
    assert classify("受伤人数是多少？").kind == "count"


def test_a_money_word_after_a_modifier_still_asks_a_sum():
    assert classify("该公司上半年实现了多少净利润？").kind == "amount"


def test_which_two_written_as_a_digit_is_still_a_list_question():
    from qa.question import parse

    asked = classify(parse("由哪两个机构共同举办了博览会？").text)  # parsing wrote 哪2个
    assert asked.kind == "list" and asked.head == "机构"


@pytest.mark.parametrize(("question", "kind"), [
    ("郑州渠南路快速通道工程的总投资是多少？", "amount"),  # an investment is a sum
    ("强降雨洪涝造成的直接经济损失是多少？", "amount"),  # so is a loss
    ("上半年GDP十强城市中排名第十的是哪座城市？", "place"),  # a rank's holder, not the rank
    ("这套科普图书是哪家出版社推出的？", "org"),
    ("为股东大会做律师见证的是哪家律师事务所？", "org"),
    ("研究成果发表在哪本期刊上？", "work"),  # 在哪本 asks a title, not a place
    ("电影因引用了哪部印度宗教典籍的内容而引发反对？", "work"),  # 哪部 with words before its noun
    ("交警在西海岸新区哪个商场外设了便民服务点？", "place"),  # a venue, with 外 after it
    ("比赛在哪座体育馆举行？", "place"),
    ("中奖彩票出自哪个地址的体彩网点？", "place"),  # an address is a place
    ("哪个国家的企业在榜单上最多？", "place"),  # the country, not a company
    ("哪所高校的学生获得了金奖？", "org"),
    ("该市GDP排名第几？", "level"),
    ("给国家造成了多少国有资产损失？", "count"),  # a bare how-much (a sum answers it), not a count of 国
])
def test_the_asked_noun_decides_the_kind(question, kind):
    asked = classify(question)
    assert asked.kind == kind and asked.unit != "国"


def test_which_school_is_an_organisation():
    # "毕业于哪所高中" had been an open question, whose spans are phrases: 辽宁省本溪市高级中学 is a body's name
    assert classify("双胞胎兄弟冯俊翰、冯俊达毕业于哪所高中？").kind == "org"
    assert classify("她的孩子在哪所小学上学？").kind == "org"


def test_which_days_is_a_date_and_which_aspects_no_place():
    assert classify("第六届进博会于2023年哪几天举办？").kind == "date"  # not 几天, a duration
    assert classify("下一步关爱帮扶困难退役军人要在哪几个方面下功夫？").kind != "place"  # 在哪 of 在哪几个方面


def test_how_many_pages_is_a_count_in_pages():
    # "这份规定有多少页" is answered by 1087页, not by the "一项" of "提出一项长达1087页的规定"
    asked = classify("这份规定有多少页？")
    assert (asked.kind, asked.unit) == ("count", "页")
    from qa.spans import find_asked
    assert [s.text for s in find_asked("监管机构最近提出一项长达1087页的规定。", asked)] == ["达1087页"]


def test_an_age_asked_without_its_counter_is_a_count_in_years_of_age():
    # "患者今年多大年纪" is not answered by the first figure of the sentence (约142毫升)
    from qa.spans import find_asked
    asked = classify("接受捐献的那位血液病患者今年多大年纪？")
    assert (asked.kind, asked.unit) == ("count", "岁")
    assert find_asked("员工邓色倩成功捐献约142毫升造血干细胞混悬液，为一名血液病患者送去希望。", asked) == []
    assert [s.text for s in find_asked("这位患者今年32岁，来自河北。", asked)] == ["32岁"]


def test_points_asked_are_a_count_in_points_not_another_figure_of_the_game():
    # "李凯尔拿了多少分" was answered by "一场" (拿下一场艰难的比赛)
    from qa.spans import find_asked
    asked = classify("李凯尔在中国男篮险胜新西兰队的比赛中拿了多少分？")
    assert (asked.kind, asked.unit) == ("count", "分")
    assert find_asked("我们从谷底反弹，重返赛场，拿下一场艰难的比赛。", asked) == []
    assert [s.text for s in find_asked("李凯尔全场拿下18分、8个篮板，用时不到30分钟。", asked)] == ["18分"]
    assert classify("比赛进行了多少分钟？").kind == "duration"
    assert classify("搜救覆盖了烧毁区域的几分之几？").kind == "percent"


def test_which_day_of_the_week_is_a_weekday_not_a_count_nor_a_calendar_date():
    # "每周几在芒果TV更新" was read as a count and answered by "八名"
    from qa.spans import find_asked
    asked = classify("2023年7月开播的《初入职场·法医季2》每周几在芒果TV更新？")
    assert (asked.kind, asked.unit) == ("date", "weekday")
    assert find_asked("上周正式开播的节目以八名法医为主角，7月19日首播。", asked) == []
    assert [s.text for s in find_asked("该节目于7月19日开播，每周三、周四中午12点更新。", asked)] == ["每周三、周四"]
