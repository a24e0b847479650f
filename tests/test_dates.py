import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from core.schema import date_key
from ingest.load import load_file
from tests.conftest import SAMPLE, SEED
from zhtext.dates import DateMention, find_dates, parse_published

CHANGZHOU = date(2022, 3, 20)  # seed 000
NANCHANG = date(2022, 7, 17)  # seed 001
CHANGCHUN_27 = date(2022, 3, 28)  # seed 002 has no date of its own; the press conference was on 3-28
CHANGCHUN = date(2022, 4, 4)  # seed 003
JILIN = date(2022, 3, 18)  # seed 004


def found(text: str, anchor: date | None = None) -> list[tuple[str, str, str]]:
    """(matched text, YYYY-MM-DD with ???? for an unknown year, part) for each mention."""
    return [(m.text, f"{m.year or '????'}-{m.month:02d}-{m.day:02d}", m.part) for m in find_dates(text, anchor)]


FROM_SEEDS = [
    # 000 常州, published Sun, 20 Mar 2022 15:08 GMT
    ("3月20日下午6点，科技日报记者从江苏省常州市召开的新闻发布会上获悉", CHANGZHOU, [("3月20日", "2022-03-20", "")]),
    ("截至20日15时，该市无新增本土确诊病例，新增本土无症状感染者38例", CHANGZHOU, [("20日", "2022-03-20", "")]),
    ("截至20日15时，全市已累计排查密接5052人、次密接4690人，均已转运隔离。", CHANGZHOU, [("20日", "2022-03-20", "")]),
    ("常州市人民政府副市长陈志良介绍，19日起，该市集中在武进、新北", CHANGZHOU, [("19日", "2022-03-19", "")]),
    ("3月19日晚上9点，在常州市武进区", CHANGZHOU, [("3月19日", "2022-03-19", "")]),
    ("“今天一早社区将集中开展核酸检测", CHANGZHOU, [("今天", "2022-03-20", "")]),
    # 001 南昌, 发布日期: 2022-07-17
    ("发布日期: 2022-07-17", None, [("2022-07-17", "2022-07-17", "")]),
    ("7月16日0时至24时,南昌市新增报告9例阳性感染者", NANCHANG, [("7月16日", "2022-07-16", "")]),
    ("7月9日至16日,全市累计报告阳性感染者41例", NANCHANG,
     [("7月9日", "2022-07-09", "start"), ("16日", "2022-07-16", "end")]),
    ("截至7月16日24时,我市共排查到密接6291人", NANCHANG, [("7月16日", "2022-07-16", "")]),
    ("7月10日—7月16日,洪城红医护应急预备队出动15098人次", NANCHANG,
     [("7月10日", "2022-07-10", "start"), ("7月16日", "2022-07-16", "end")]),
    ("市指挥部决定从7月17日开始连续开展三轮区域核酸筛查", NANCHANG, [("7月17日", "2022-07-17", "")]),
    ("截至17日8时,南浦街道", NANCHANG, [("17日", "2022-07-17", "")]),
    ("16日,街道共完成全员采样任务", NANCHANG, [("16日", "2022-07-16", "")]),
    ("5月5日,4支队伍正式成立", NANCHANG, [("5月5日", "2022-05-05", "")]),
    # 002 长春 (scrubbed numbers, no published date)
    ("3月27日0-24时,全市新增本地确诊病例例", None, [("3月27日", "????-03-27", "")]),
    ("3月28日、29日各开展一轮全员核酸检测", None, [("3月28日", "????-03-28", ""), ("29日", "????-03-29", "")]),
    ("3月9日至27日24时,共完成", None, [("3月9日", "????-03-09", "start"), ("27日", "????-03-27", "end")]),
    ("截至27日24时,全区", CHANGCHUN_27, [("27日", "2022-03-27", "")]),
    ("昨天,我市共有名新冠肺炎确诊患者治愈出院", CHANGCHUN_27, [("昨天", "2022-03-27", "")]),
    ("昨日,开展重点小区核酸检测", CHANGCHUN_27, [("昨日", "2022-03-27", "")]),
    # 003 长春, published Mon, 04 Apr 2022 02:50 GMT
    ("4月3日0-24时，长春市新增本地确诊病例574例", CHANGCHUN, [("4月3日", "2022-04-03", "")]),
    ("《吉林日报》报道提到，4月3日早6点，梅河口市由市委主要领导带队", CHANGCHUN, [("4月3日", "2022-04-03", "")]),
    ("四平市紧急调配539名医护人员、355名公安干警，于3日早6点驰援宽城区", CHANGCHUN, [("3日", "2022-04-03", "")]),
    ("我们备受考验。3月11日封闭管理，3月20日提级管控", CHANGCHUN,
     [("3月11日", "2022-03-11", ""), ("3月20日", "2022-03-20", "")]),
    # 004 吉林, published Fri, 18 Mar 2022 01:53 GMT
    ("吉林市昨日确诊继续破千例，吉林省长紧急指挥部署核酸检测", JILIN, [("昨日", "2022-03-17", "")]),
    ("根据国家卫健委18日上午公布的最新数据，3月17日0—24时", JILIN,
     [("18日", "2022-03-18", ""), ("3月17日", "2022-03-17", "")]),
    ("此前一天，3月16日，吉林省委副书记", JILIN, [("3月16日", "2022-03-16", "")]),
    ("吉林市工作组一行16日赶赴到抗疫一线", JILIN, [("16日", "2022-03-16", "")]),
]


@pytest.mark.parametrize(("text", "anchor", "expected"), FROM_SEEDS)
def test_finds_and_resolves_the_dates_of_seed_sentences(text, anchor, expected):
    assert found(text, anchor) == expected


OTHER_FORMS = [
    ("2022年7月17日", None, [("2022年7月17日", "2022-07-17", "")]),
    ("2022/7/17", None, [("2022/7/17", "2022-07-17", "")]),
    ("2022.07.17", None, [("2022.07.17", "2022-07-17", "")]),
    ("２０２２年７月１７日", None, [("２０２２年７月１７日", "2022-07-17", "")]),
    ("据报道，７月１６日新增", NANCHANG, [("７月１６日", "2022-07-16", "")]),
    ("7月16号", NANCHANG, [("7月16号", "2022-07-16", "")]),
    ("七月十六日", NANCHANG, [("七月十六日", "2022-07-16", "")]),
    ("三月二十七日", None, [("三月二十七日", "????-03-27", "")]),
    ("二〇二二年七月十七日", None, [("二〇二二年七月十七日", "2022-07-17", "")]),
    ("7月9日-16日", NANCHANG, [("7月9日", "2022-07-09", "start"), ("16日", "2022-07-16", "end")]),
    ("7月9-16日", NANCHANG, [("7月9", "2022-07-09", "start"), ("16日", "2022-07-16", "end")]),
    ("7月16日0时至17日24时", NANCHANG, [("7月16日", "2022-07-16", "start"), ("17日", "2022-07-17", "end")]),
    ("24日至26日、28日至31日", date(2023, 7, 20),
     [("24日", "2023-07-24", "start"), ("26日", "2023-07-26", "end"),
      ("28日", "2023-07-28", "start"), ("31日", "2023-07-31", "end")]),
    ("2022年12月30日至1月2日", None, [("2022年12月30日", "2022-12-30", "start"), ("1月2日", "2023-01-02", "end")]),
    ("2023年7月25日、6月15日", None, [("2023年7月25日", "2023-07-25", ""), ("6月15日", "2023-06-15", "")]),
    ("3月30日至2日", None, [("3月30日", "????-03-30", "start"), ("2日", "????-04-02", "end")]),
    ("去年12月30日", NANCHANG, [("去年12月30日", "2021-12-30", "")]),
    ("本月5日", NANCHANG, [("本月5日", "2022-07-05", "")]),
    ("前天", NANCHANG, [("前天", "2022-07-15", "")]),
    ("明日", NANCHANG, [("明日", "2022-07-18", "")]),
    ("今日（7月17日）", NANCHANG, [("今日", "2022-07-17", ""), ("7月17日", "2022-07-17", "")]),
    ("2月29日", None, [("2月29日", "????-02-29", "")]),  # real in a leap year
]


@pytest.mark.parametrize(("text", "anchor", "expected"), OTHER_FORMS)
def test_finds_full_chinese_numeral_range_list_and_relative_forms(text, anchor, expected):
    assert found(text, anchor) == expected


YEAR_AND_MONTH_INFERENCE = [
    ("12月30日", date(2023, 1, 3), "2022-12-30"),  # a recent past month belongs to the previous year
    ("1月5日起实施", date(2022, 12, 30), "2023-01-05"),  # one or two months ahead: the coming one
    ("9月1日开学", NANCHANG, "2022-09-01"),
    ("3月5日", NANCHANG, "2022-03-05"),
    ("1月20日", NANCHANG, "2022-01-20"),  # six months back is still this year's
    ("10月1日", NANCHANG, "????-10-01"),  # 3-5 months ahead: this year's coming one or last year's, unknown
    ("将于10月17日开始", NANCHANG, "2022-10-17"),  # announced: the coming one
    ("30日", date(2022, 4, 2), "2022-03-30"),  # day-only after the anchor's day: the previous month
    ("将于25日召开", CHANGZHOU, "2022-03-25"),  # a week ahead at most, or announced: this month
    ("预计将于23日尝试登陆月球", date(2023, 8, 7), "2023-08-23"),
    ("当地时间1日夜间", date(2023, 8, 3), "2023-08-01"),
]


@pytest.mark.parametrize(("text", "anchor", "expected"), YEAR_AND_MONTH_INFERENCE)
def test_infers_year_and_month_from_the_anchor(text, anchor, expected):
    assert [d for _, d, _ in found(text, anchor)] == [expected]


NOT_DATES = [
    "对第10-11轮核酸阳性个案发病的重点小区进行检测",
    "对7日内有病例发生的社区开展10混1检测",
    "对7-14日内有疫情发生的社区开展20混1检测",
    "确保在24小时之内完成新一轮全域全员核酸检测",
    "设置网格化采样点3147个",
    "累计报告12345例",
    "近7日资金流向一览",
    "连续3日无新增",
    "每日开展核酸检测",
    "平均1.5日完成",
    "第2日",
    "请于文章刊发之日起30日内与本网联系",
    "咨询电话0791-86123456",
    "冀ICP备19027023号-7",
    "今年第5号台风",
    "2022年全年",
    "2022年7月",
    "7月起",
    "2月30日",
    "13月5日",
    "4月31日",
    "100日元",
    "今日头条、抖音",
    "《光明日报》记者",
    "如今日益严重",
    "以前日本",
    "目前日均消耗量",
    "共筑美好的明天",
    "“今日闵行”客户端",
    "每月5日发放",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_durations_counts_ordinals_names_and_impossible_dates_are_not_dates(text):
    assert find_dates(text, anchor=NANCHANG) == []


@pytest.mark.parametrize("text", ["16日", "昨天", "今日", "截至20日15时", "本月5日"])
def test_day_only_and_relative_words_need_an_anchor(text):
    assert find_dates(text) == []
    assert len(find_dates(text, anchor=CHANGZHOU)) == 1


def test_month_day_without_anchor_has_unknown_year_and_no_calendar_date():
    (m,) = find_dates("7月16日")
    assert (m.year, m.monthday, m.as_date()) == (None, 716, None)


def test_relative_flag_marks_what_the_anchor_supplied():
    mentions = find_dates("7月9日至16日；16日；昨天；2022年7月1日", NANCHANG)
    assert [(m.text, m.relative) for m in mentions] == [
        ("7月9日", False), ("16日", False), ("16日", True), ("昨天", True), ("2022年7月1日", False)]


def test_mention_is_a_frozen_value_with_monthday_and_date():
    m = DateMention("7月16日", 0, 5, 2022, 7, 16)
    assert m.monthday == 716 and m.as_date() == date(2022, 7, 16)
    with pytest.raises(AttributeError):
        m.day = 17  # type: ignore[misc]


def test_offsets_survive_full_width_digits_and_spaces():
    text = "据报道\u3000２０２２年７月１６日，南昌市新增9例；７月１７日继续"
    mentions = find_dates(text)
    assert [(text[m.start:m.end], m.as_date() or m.monthday) for m in mentions] == [
        ("２０２２年７月１６日", date(2022, 7, 16)), ("７月１７日", 717)]


def _seed_texts():
    for path in sorted(SAMPLE.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        article = load_file(path)[0][0]
        yield path.name, raw, None
        yield path.name, article.body, article.published
        yield path.name, article.body, date(2022, 7, 17)


def test_every_mention_in_every_seed_points_at_its_text_in_order():
    total = 0
    for name, text, anchor in _seed_texts():
        mentions = find_dates(text, anchor)
        for m in mentions:
            assert text[m.start:m.end] == m.text, (name, m)
            assert m.as_date() is not None or m.year is None, (name, m)
        assert [m.start for m in mentions] == sorted(m.start for m in mentions), name
        assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:], strict=False)), name
        total += len(mentions)
    assert total > 100


def test_seed_articles_get_their_dates_resolved_with_the_published_anchor():
    nanchang = load_file(SEED["nanchang"])[0][0]
    keys = {date_key(d) for m in find_dates(nanchang.body, nanchang.published) if (d := m.as_date())}
    assert {20220709, 20220710, 20220716, 20220717} <= keys
    jilin = load_file(SEED["jilin"])[0][0]
    assert jilin.published == date(2022, 3, 18)
    assert {m.as_date() for m in find_dates(jilin.body, jilin.published)} == {
        date(2022, 3, 16), date(2022, 3, 17), date(2022, 3, 18)}


def test_finding_dates_in_a_chunk_takes_well_under_a_millisecond():
    body = load_file(SEED["nanchang"])[0][0].body
    chunks = [body[i:i + 300] for i in range(0, len(body), 300)]
    find_dates(chunks[0], NANCHANG)
    start = time.perf_counter()
    for _ in range(20):
        for chunk in chunks:
            find_dates(chunk, NANCHANG)
    per_call = (time.perf_counter() - start) / (20 * len(chunks))
    assert per_call < 0.001, f"{per_call * 1000:.3f} ms per 300 characters"


PUBLISHED = [
    ("Sun, 20 Mar 2022 15:08:04 GMT", date(2022, 3, 20)),  # 23:08 in China
    ("Mon, 04 Apr 2022 02:50:26 GMT", date(2022, 4, 4)),
    ("Fri, 18 Mar 2022 01:53:02 GMT", date(2022, 3, 18)),
    ("Sat, 19 Mar 2022 17:30:00 GMT", date(2022, 3, 20)),  # 01:30 the next day in China
    ("2022-03-20", date(2022, 3, 20)),
    ("2022-03-20T15:08:04Z", date(2022, 3, 20)),
    ("2022-03-19T20:00:00Z", date(2022, 3, 20)),
    ("2022-03-20T01:00:00+08:00", date(2022, 3, 20)),
    ("2022-03-20 15:08", date(2022, 3, 20)),
    ("2023-07-28 16：40", date(2023, 7, 28)),
    ("[ 2023-07-28 16：40 ]", date(2023, 7, 28)),
    ("2022年7月17日", date(2022, 7, 17)),
    ("2022年7月17日 10:30", date(2022, 7, 17)),
    ("2022/7/17", date(2022, 7, 17)),
    ("二〇二二年七月十七日", date(2022, 7, 17)),
    (" 2022-07-17 ", date(2022, 7, 17)),
    (date(2022, 7, 17), date(2022, 7, 17)),
    (datetime(2022, 7, 17, 23, 30), date(2022, 7, 17)),  # naive: as it is
    (datetime(2022, 7, 17, 20, 0, tzinfo=UTC), date(2022, 7, 18)),
    (datetime(2022, 7, 17, 20, 0, tzinfo=timezone(timedelta(hours=8))), date(2022, 7, 17)),
    (20220717, date(2022, 7, 17)),
    ("23-07-26 22:00", date(2023, 7, 26)),  # crud_news header shapes
    ("202307/25 05:01:02", date(2023, 7, 25)),
]


@pytest.mark.parametrize(("value", "expected"), PUBLISHED)
def test_parse_published_reads_rfc2822_iso_chinese_and_objects_in_china_time(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "garbage", "昨天", "2022-13-45", "Sun, 99 Foo 2022",
                                   "2022年", "07-20 22:43", "08/05", 3.5, ["2022-07-17"], True, 12345, object()])
def test_parse_published_returns_none_for_anything_else_without_raising(value):
    assert parse_published(value) is None


def test_date_key_is_a_sortable_int():
    assert date_key(date(2022, 7, 16)) == 20220716
    assert date_key(date(2022, 7, 16)) < date_key(date(2022, 12, 1)) < date_key(date(2023, 1, 1))
