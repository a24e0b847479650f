"""Which questions ask for a series, and which days they ask about; the chart drawn from a series."""

from __future__ import annotations

from datetime import date

import pytest

from core.records import Citation, SeriesPoint
from newsqa.render import series_chart_html
from qa.question import parse
from qa.series import MAX_DAYS, asks_series, day_range
from zhtext.normalise import normalise

NEWEST = date(2022, 7, 9)


def rng(text: str, newest: date = NEWEST):
    r = day_range(normalise(text), newest)
    return None if r is None else (r.start, r.end)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("南昌7月1日至7日每天新增多少例", date(2022, 7, 1), date(2022, 7, 7)),
    ("南昌7月1日—7日每天新增", date(2022, 7, 1), date(2022, 7, 7)),
    ("2022年6月28日到7月3日南昌逐日新增", date(2022, 6, 28), date(2022, 7, 3)),
    ("七月一日至七月七日每天新增", date(2022, 7, 1), date(2022, 7, 7)),
    ("2021年1月1日至2022年7月7日每天新增确诊", date(2021, 1, 1), date(2022, 7, 7)),
])
def test_explicit_range(text, start, end):
    assert rng(text) == (start, end)


def test_explicit_range_across_new_year():
    assert rng("12月30日至1月2日每天新增", date(2023, 1, 5)) == (date(2022, 12, 30), date(2023, 1, 2))


@pytest.mark.parametrize(("text", "newest", "start", "end"), [
    ("长春3月每日新增确诊", date(2022, 4, 10), date(2022, 3, 1), date(2022, 3, 31)),
    ("长春三月份每天新增确诊多少例", date(2022, 4, 10), date(2022, 3, 1), date(2022, 3, 31)),
    ("长春2021年2月每日新增确诊", date(2022, 4, 10), date(2021, 2, 1), date(2021, 2, 28)),
    ("南昌11月每日新增", date(2022, 7, 9), date(2021, 11, 1), date(2021, 11, 30)),  # far ahead: last year's
    ("南昌8月每日新增", date(2022, 7, 9), date(2022, 8, 1), date(2022, 8, 31)),  # just ahead: this year's
])
def test_month(text, newest, start, end):
    assert rng(text, newest) == (start, end)


@pytest.mark.parametrize(("text", "days"), [
    ("南昌近7天每天新增", 7), ("南昌近七天每日新增", 7), ("南昌最近3天新增的变化", 3), ("近一周南昌新增确诊的变化", 7),
    ("近两周南昌每天新增", 14), ("过去一个月南昌新增趋势", 30), ("南昌近10日每日新增", 10),
])
def test_recent_window_ends_on_the_newest_article(text, days):
    r = day_range(normalise(text), NEWEST)
    assert r.end == NEWEST and r.days == days and r.recent and r.open_end


def test_since_a_day_runs_to_the_newest_article():
    r = day_range(normalise("南昌7月3日以来每日新增"), NEWEST)
    assert (r.start, r.end, r.open_end, r.recent) == (date(2022, 7, 3), NEWEST, True, False)


@pytest.mark.parametrize("text", ["南昌7月16日新增多少例", "南昌每天新增多少例", "南昌新增多少例", "第7日", "近况如何"])
def test_no_range(text):
    assert rng(text) is None


@pytest.mark.parametrize("text", [
    "南昌7月1日至7日每天新增多少例阳性感染者？", "长春3月每日新增确诊", "近一周南昌新增确诊的变化", "南昌近7天新增的趋势",
])
def test_asks_series(text):
    ask = asks_series(parse(text))
    assert ask is not None and ask.place in text


@pytest.mark.parametrize(("text", "why"), [
    ("南昌7月1日至7日新增多少例", "no word asks for days: the figure path weighs the period"),
    ("7月1日至7日每天新增多少例", "no place"),
    ("南昌3月房价变化", "no measure"),
    ("南昌7月16日每天新增多少例", "one day is not a range"),
])
def test_not_a_series(text, why):
    assert asks_series(parse(text)) is None, why


def test_the_range_limit_is_a_year():
    assert MAX_DAYS == 366


def _cite(n: int, doc: str) -> Citation:
    return Citation(n, doc, "t", None, "2022-07-02", "p", "q", 10 * n, 10 * n + 5, 0.0)


def test_chart_has_a_point_per_figure_that_opens_its_citation_and_a_cross_per_missing_day():
    series = [SeriesPoint("2022-07-01", 5, "例", 1, "q", "5例"), SeriesPoint("2022-07-02", None),
              SeriesPoint("2022-07-03", 6, "例", 2, "q", "6例"), SeriesPoint("2022-07-03", 8, "例", 3, "q", "8例")]
    html = series_chart_html(series, [_cite(1, "aa"), _cite(2, "bb"), _cite(3, "cc")])
    assert html.count('<g class="nq-point') == 3
    assert "nq-open nq-doc-aa nq-at-10-15" in html and "nq-open nq-doc-cc nq-at-30-35" in html
    assert html.count("nq-gap") == 1 and html.count("nq-point-differ") == 1
    assert html.count("<polyline") == 0  # no two consecutive days with data: nothing to join
    assert series_chart_html([], []) == ""


def test_a_chart_point_names_the_citation_card_it_lights_up():
    from newsqa.render import card_html

    html = series_chart_html([SeriesPoint("2022-07-01", 5, "例", 2, "q", "5例")], [_cite(2, "bb")])
    assert "nq-to-2" in html and "nq-cite-2" in card_html(_cite(2, "bb"), None)


def test_chart_escapes_what_it_quotes():
    html = series_chart_html([SeriesPoint("2022-07-01", 5, "例", 1, "q", "<b>5例")], [_cite(1, "aa")])
    assert "<b>5例" not in html and "&lt;b&gt;5例" in html
