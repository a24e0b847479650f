"""Places: the gazetteer data, mentions in the seed articles, ambiguity, false friends, English names."""

from __future__ import annotations

import csv
import time
from importlib import resources

import pytest

from ingest.load import load_file
from tests.conftest import SEED
from zhtext.places import find_places, gazetteer, main_city, place_names

NANCHANG_CHUNK = ("7月16日0时至24时,南昌市新增报告9例阳性感染者,其中2例在集中隔离点检出(均在南昌县),"
                  "7例在核酸筛查中检出,其中,西湖区6例、新建区1例。")


def _seed(name: str):
    articles, _ = load_file(SEED[name])
    return articles[0]


def _by_text(mentions) -> dict[str, object]:
    return {m.text: m.place for m in mentions}


@pytest.fixture(scope="module")
def table() -> list[dict]:
    text = resources.files("zhtext").joinpath("data", "gazetteer.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_gazetteer_holds_every_province_and_prefecture(table):
    provinces = [r for r in table if r["level"] == "province"]
    prefectures = [r for r in table if r["level"] == "city" and r["parent"] != "台湾"]
    counties = [r for r in table if r["level"] == "district"]
    assert len(provinces) == 34  # 23 provinces, 5 regions, 4 municipalities, 2 SARs
    assert len(prefectures) == 333  # 293 cities, 7 地区, 30 自治州, 3 盟
    assert len(counties) > 2800
    names = {r["name"] for r in provinces + prefectures}
    assert len(names) == len(provinces) + len(prefectures), "province and city names are unique"
    assert {"吉林", "吉林市", "内蒙古", "广西", "香港", "澳门", "台湾", "延边", "兴安盟"} <= names
    assert all(r["parent"] in names for r in prefectures + counties if r["parent"] != "台湾")


@pytest.mark.parametrize("seed, city", [("changzhou", "常州"), ("nanchang", "南昌"), ("changchun_scrubbed", "长春"),
                                        ("changchun", "长春"), ("jilin", "吉林市")])
def test_main_city_of_each_seed_article(seed, city):
    raw = _seed(seed)
    assert main_city(raw.title, raw.body) == city


def test_main_city_weighs_the_title_over_the_body():
    body = "长春市新增病例。长春市民配合检测。吉林市也有病例。"
    assert main_city(None, body) == "长春"
    assert main_city("吉林市新增病例", body) == "吉林市"
    assert main_city(None, "今天天气很好，全国各地气温回升。") is None


def test_nanchang_chunk_names_city_province_county_and_districts():
    mentions = find_places(NANCHANG_CHUNK, context_city="南昌")
    assert {"南昌", "江西", "西湖区", "新建区", "南昌县"} <= set(place_names(mentions))
    places = _by_text(mentions)
    assert places["西湖区"].parent == "南昌"
    county = places["南昌县"]  # the county, not just the city 南昌
    assert (county.name, county.level, county.parent) == ("南昌县", "district", "南昌")
    assert all(NANCHANG_CHUNK[m.start: m.end] == m.text for m in mentions)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_context_city_decides_which_xihu_district():
    places = _by_text(find_places(NANCHANG_CHUNK, context_city="杭州"))
    assert places["西湖区"].parent == "杭州"
    assert places["新建区"].parent == "南昌"  # only 南昌 has one


def test_city_written_right_before_a_district_beats_the_context():
    places = [(m.place.name, m.place.parent) for m in find_places("北京市朝阳区新增2例", context_city="长春")]
    assert places == [("北京", None), ("朝阳区", "北京")]


def test_repeated_district_without_any_city_is_skipped_not_guessed():
    assert find_places("朝阳区新增5例，西湖区新增3例") == []


def test_repeated_district_takes_the_city_named_earlier_in_the_text():
    places = _by_text(find_places("长春市通报疫情。其中朝阳区35例。"))
    assert places["朝阳区"].parent == "长春"


def test_changchun_district_list_found_with_their_city():
    body = _seed("changchun_scrubbed").body
    line = next(p for p in body.split("\n") if "其中九台区例" in p)
    mentions = find_places(line, context_city="长春")
    districts = {m.place.name for m in mentions if m.place.level == "district"}
    assert {"九台区", "榆树市", "宽城区", "绿园区", "二道区", "南关区", "朝阳区", "德惠市", "农安县", "双阳区",
            "公主岭市"} <= districts
    assert {m.place.parent for m in mentions if m.place.level == "district"} == {"长春"}
    assert "经开区" not in {m.text for m in mentions}, "development zones are not administrative places"


def test_district_short_names_count_only_in_lists_of_their_city():
    text = "该市集中在武进、新北、天宁、钟楼、常州经开区开展核酸检测"
    with_city = [m.place.name for m in find_places(text, context_city="常州")]
    assert with_city == ["武进区", "新北区", "天宁区", "钟楼区", "常州"]
    assert [m.place.name for m in find_places(text)] == ["常州"]
    assert find_places("南昌新建方舱医院", context_city="南昌")[1:] == []


def test_nearby_cities_of_the_changchun_seed_are_found():
    text = "省委书记景俊海要求四平、通化、梅河口要组建工作队直接指挥和支援宽城、绿园、经开做好疫情防控工作。"
    names = [m.place.name for m in find_places(text, context_city="长春")]
    assert names[:2] == ["四平", "通化"]
    assert {"宽城区", "绿园区"} <= set(names)


def test_jilin_province_and_jilin_city_are_told_apart():
    mentions = find_places("吉林省吉林市疫情防控依然胶着，吉林省委发出指示，吉林市民配合检测。")
    assert [(m.text, m.place.name, m.place.level) for m in mentions] == [
        ("吉林省", "吉林", "province"), ("吉林市", "吉林市", "city"), ("吉林省", "吉林", "province"),
        ("吉林市", "吉林市", "city")]
    assert place_names(mentions) == ["吉林", "吉林市"]
    assert place_names(find_places("吉林市")) == ["吉林市", "吉林"]


def test_place_names_add_each_ancestor_once_in_order():
    mentions = find_places("长春市朝阳区、南关区和四平市")
    assert place_names(mentions) == ["长春", "吉林", "朝阳区", "南关区", "四平"]


@pytest.mark.parametrize("text, expected", [
    ("长春市民积极配合", [("长春市", "长春")]),
    ("吉林省委发出命令", [("吉林省", "吉林")]),
    ("均在南昌县", [("南昌县", "南昌县")]),
    ("日照市新增1例", [("日照市", "日照")]),
    ("南昌市场监管局通报", [("南昌", "南昌")]),
    ("香港特区政府宣布", [("香港", "香港")]),
    ("洛阳老城区", [("洛阳", "洛阳"), ("老城区", "老城区")]),
    ("延边州新增病例", [("延边州", "延边")]),
    ("本溪县发布通告", [("本溪县", "本溪满族自治县")]),
])
def test_finds_places_in_their_common_written_forms(text, expected):
    assert [(m.text, m.place.name) for m in find_places(text)] == expected


@pytest.mark.parametrize("text", [
    "江西路上车很多", "北京东路", "鞍山四村第三小区", "在吉安镇金门村",  # streets, villages, towns
    "新建方舱医院", "东湖公园游人如织", "中国全国各地",  # words that only look like places
    "北京时间7月16日", "大同小异", "四平八稳", "长治久安", "平台北侧", "三明治", "哈密瓜",  # a clock, idioms
    "祝您幸福安康", "日照充足", "白银价格上涨", "朝阳产业", "来宾们请入座", "孙中山先生", "中山大学",  # suffix-only
    "莲花山区4例", "城中区域", "老城区改造", "东方市场", "宁德时代跌3%", "美国德州", "周某和田某离婚",
])
def test_false_friends_are_not_places(text):
    assert find_places(text) == []


def test_english_and_pinyin_names():
    table = gazetteer()
    assert table["nanchang"].name == "南昌"
    assert table["changchun"].name == "长春"
    assert (table["jilin"].name, table["jilin"].level) == ("吉林", "province")
    assert table["jilin city"].name == "吉林市"
    assert table["beijing"].name == "北京"
    assert table["hong kong"].name == "香港" and table["macau"].name == "澳门"
    assert table["inner mongolia"].name == "内蒙古" and table["tibet"].name == "西藏"
    assert table["shaanxi"].name == "陕西" and table["shanxi"].name == "山西"
    assert (table["chongqing"].name, table["changsha"].name, table["xiamen"].name) == ("重庆", "长沙", "厦门")
    assert table["harbin"].name == "哈尔滨" and table["guangdong"].name == "广东"
    assert "taizhou" not in table, "台州 and 泰州 share a pinyin: no guess"


def test_finding_places_in_a_sentence_is_fast():
    find_places(NANCHANG_CHUNK, context_city="南昌")  # load the table and jieba once
    runs = 200
    start = time.perf_counter()
    for _ in range(runs):
        find_places(NANCHANG_CHUNK, context_city="南昌")
    per_call_ms = (time.perf_counter() - start) / runs * 1000
    assert per_call_ms < 2.0, f"{per_call_ms:.2f} ms per sentence"
