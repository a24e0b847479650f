"""The question's frame (the words beside its question word) found again around a gap in a sentence."""

from __future__ import annotations

from qa.answer_types import classify
from qa.frame import fill, frame_of
from qa.question import parse


def test_the_gap_between_both_sides_of_the_question_word_is_the_answer():
    f = frame_of("这批新车将在城际线上承担哪些运输任务？")
    got = fill(f, "两列新车将在城际线南段承担通勤客运、夜间货运等运输任务，缓解运力紧张。")
    assert got.span is not None and got.span.text == "通勤客运、夜间货运等运输任务"
    assert got.share == 1.0


def test_a_who_question_takes_the_name_right_before_the_rest_of_the_question():
    got = fill(frame_of("谁提出了五点倡议？"), "会议期间，张明远提出五点倡议。")
    assert got.span is not None and got.span.text == "张明远"


def test_an_open_question_takes_what_follows_its_words_up_to_the_clause_end():
    got = fill(frame_of("今年八月成为了有记录以来的什么？"), "气象台表示，今年八月是有记录以来最干旱的八月，也是降水最少的月份。")
    assert got.span is not None and got.span.text == "最干旱的八月"


def test_the_asked_noun_after_the_question_word_stays_with_the_answer():
    got = fill(frame_of("他回国后将接受什么程序？"), "警方告诉记者，他回国后将接受司法程序。")
    assert got.span is not None and got.span.text == "司法程序"


def test_a_sentence_that_shares_no_words_beside_the_gap_fills_nothing():
    got = fill(frame_of("全市举办的是什么比赛？"), "气温持续升高，各地注意防暑。")
    assert got.span is None and got.share == 0.0


def test_which_one_questions_keep_their_type_after_numerals_become_digits():
    q = parse("周某是哪一天被拐走的？")
    assert "哪1天" in q.text  # parsing writes the numeral as a digit…
    assert classify(q.text).kind == "date"  # …and the question is still a when-question
    assert frame_of(q.text).right == "被拐走的"


def test_the_asked_attribute_right_before_the_question_word_is_not_skipped_for_a_longer_piece():
    f = frame_of("2024年全民健身周的口号是什么？")
    restating = fill(f, "2024年5月10日至16日是第8个全民健身周。")  # names the week, not its slogan
    answering = fill(f, "今年的活动口号为“健康你我他”，倡导全民参与。")
    assert restating.share < answering.share
    assert answering.span is not None and "健康你我他" in answering.span.text


def test_a_particle_between_the_question_and_its_word_may_still_be_skipped():
    got = fill(frame_of("全市举办的是什么比赛？"), "全市举办职工羽毛球比赛，共有300人参加。")
    assert got.span is not None and "羽毛球" in got.span.text


def test_no_gap_when_the_words_after_it_come_before_the_words_before_it():
    frame = frame_of("警方成立了什么样的专案小组？")
    assert fill(frame, "专案小组连夜奔赴外地，在外地警方的大力配合下将嫌疑人抓获。").span is None
    assert fill(frame, "警方成立了由刑侦骨干组成的专案小组。").span.text == "由刑侦骨干组成的专案小组"


def test_the_fill_of_a_gap_is_a_phrase_on_whole_words_without_a_leftover_preposition():
    got = fill(frame_of("防汛指挥部维持了哪些地区的防汛四级响应？"), "防汛指挥部维持对江西、湖南的防汛四级响应。")
    assert got.gap is not None and got.gap.text == "对江西、湖南"  # the characters between the frame's words
    assert got.span is not None and got.span.text == "江西、湖南"


def test_the_words_after_the_gap_are_looked_for_in_its_clause_only():
    # 地区 is in the next clause; the gap ends where 防汛应急三级响应 begins, and 地区 adds nothing to the match
    f = fill(frame_of("国家防总维持了哪些地区的防汛应急三级响应？"),
             "当前，国家防总维持对京津冀晋鲁豫防汛应急三级响应，在前期派出12个防汛工作组的基础上，加派3个工作组赴相关地区协助指导。")
    assert f.gap.text == "对京津冀晋鲁豫"


def test_the_asked_verb_in_a_later_clause_takes_the_gap_before_it_there():
    # 主办 follows the left words' clause; the asked 承办 comes a clause later, with its own doer before it
    f = fill(frame_of("博览会由哪个单位承办？"), "本届博览会由商务部、陕西省人民政府共同主办，西安市贸促会承办，为期5天。")
    assert f.span is not None and f.span.text == "西安市贸促会"


def test_a_sentence_matching_only_the_subject_past_the_asked_verb_fills_the_frame_half():
    # "HXN3型内燃机车优化了[?]系统结构": a sentence naming the locomotive but not 优化 nor 系统结构 says what it is,
    # not what was optimised; "可能会" before the gap is passed over freely
    f = frame_of("HXN3型内燃机车优化了哪个系统结构？")
    assert fill(f, "HXN3型内燃机车为6000马力交流传动型内燃机车。").share <= 0.5
    g = frame_of("华商基金预计长债利率可能会怎样变动？")
    assert fill(g, "华商基金杜磊预计，“宽货币”仍将推动长债利率波动下行。").share > 0.5


def test_the_asked_noun_after_the_gap_belongs_to_the_answer_when_nothing_before_it_matched():
    f = fill(frame_of("对哪种无人机发射了热诱弹？"), "美国东部时间7月23日，一架美国MQ-9“死神”无人机发射了热诱弹。")
    assert f.span is not None and f.span.text.endswith("“死神”无人机")


def test_a_lone_verb_in_the_gap_is_no_answer():
    f = fill(frame_of("为对方企业提供什么样的营商环境？"), "持续开展万家民营企业评营商环境工作。")
    assert f.span is None
    f = fill(frame_of("为对方企业提供什么样的营商环境？"), "为对方企业提供公平、开放、非歧视性的营商环境。")
    assert f.span is not None and "非歧视性的营商环境" in f.span.text


def test_what_a_thing_is_follows_its_name_and_a_copula_not_any_words():
    asked = frame_of("涂抹防晒霜是什么防晒措施？")
    assert fill(asked, "可回收物防晒霜空瓶无论是塑料制品，还是玻璃制品，都属于可回收物！").span is None
    got = fill(frame_of("今年母乳喂养周的主题是什么？"), "今年母乳喂养周的主题为“职场母乳喂养”。")
    assert got.span is not None and "职场母乳喂养" in got.span.text
    cleft = frame_of("在欧洲港口被扣留的是什么？")  # a cleft: what was held, written "被扣留的化肥"
    got = fill(cleft, "目前在欧洲港口被扣留的化肥多达26万吨。")
    assert not cleft.copula and got.span is not None and "化肥" in got.span.text
