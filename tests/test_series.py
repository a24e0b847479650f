"""Figures over time, over generated daily reports of two cities ingested by the real pipeline and embedder:
the series comes back day by day with a citation per figure, a gap day listed as missing, a re-reported
day with both figures, the other city's figures never; and the same series over the CLI, HTTP and MCP."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import date

import pytest

from qa.engine import Engine
from qa.verify import unsupported_numbers
from storage.store import open_store
from tests.live_server import ROOT, child_env, launch, post_json, run_cli, wait_ready
from tests.series_data import FIGURES, GAP, RE_REPORT, expected, series_store

Q_NANCHANG = "南昌7月1日至7日每天新增本土确诊病例多少例？"


@pytest.fixture(scope="module")
def store_dir(settings, embedder, tmp_path_factory):
    return series_store(tmp_path_factory.mktemp("series"), settings, embedder)


@pytest.fixture(scope="module")
def engine(settings, embedder, store_dir):
    s = settings.with_(store=store_dir)
    return Engine(s, store=open_store(s), embedder=embedder)


def pairs(answer) -> list[tuple[str, int | None]]:
    return [(p.date, p.value) for p in answer.series]


def body_of(engine, doc_id: str) -> str:
    return engine.store.article(doc_id)[1]


def test_series_gives_each_day_its_figure_the_gap_and_both_figures_of_a_re_reported_day(engine):
    a = engine.ask(Q_NANCHANG)
    assert not a.abstained and a.answer_type == "series"
    assert pairs(a) == [("2022-07-01", 5), ("2022-07-02", 7), ("2022-07-03", 2), ("2022-07-04", 6),
                        ("2022-07-04", 8), ("2022-07-05", None), ("2022-07-06", 11), ("2022-07-07", 4)]
    assert pairs(a) == expected("南昌", date(2022, 7, 1), date(2022, 7, 7))
    assert "7月1日｜5例｜[1]" in a.answer.splitlines()


def test_every_figure_is_verbatim_in_the_quote_of_its_own_citation(engine):
    a = engine.ask(Q_NANCHANG)
    cites = {c.n: c for c in a.citations}
    for p in a.series:
        if p.value is None:
            assert p.citation is None and p.quote is None
            continue
        c = cites[p.citation]
        assert p.quote == c.quote and p.figure in c.quote and str(p.value) in p.figure
        assert not unsupported_numbers(p.figure, [c.quote])
        assert body_of(engine, c.doc_id)[c.start:c.end] == c.quote
        assert f"{int(p.date[5:7])}月{int(p.date[8:])}日" in c.quote
        assert f"｜{p.figure}｜[{c.n}]" in a.answer


def test_the_figure_is_filed_under_its_data_date_not_the_day_it_was_reported(engine):
    a = engine.ask(Q_NANCHANG)
    first = next(p for p in a.series if p.date == "2022-07-01")
    cite = a.citations[first.citation - 1]
    assert cite.published == "2022-07-02" and "7月2日通报" in cite.quote


def test_the_gap_day_is_listed_as_missing(engine):
    a = engine.ask(Q_NANCHANG)
    gap = [p for p in a.series if p.date == GAP["南昌"].isoformat()]
    assert len(gap) == 1 and gap[0].value is None
    assert "7月5日｜缺" in a.answer and "缺少1天：7月5日" in a.answer


def test_two_reports_that_disagree_about_a_day_are_both_shown_each_cited(engine):
    a = engine.ask(Q_NANCHANG)
    city, day, other = RE_REPORT
    both = [p for p in a.series if p.date == day.isoformat()]
    assert sorted(p.value for p in both) == sorted([FIGURES[city][1][3][0], other])
    assert len({p.citation for p in both}) == 2
    assert {a.citations[p.citation - 1].source for p in both} == {"南昌发布", "江西新闻"}
    assert "7月4日各报道数字不同" in a.answer


def test_the_other_citys_figures_never_leak_in(engine):
    ganzhou = {v for figs in FIGURES["赣州"][1] for v in (*figs, sum(figs))}
    for q in (Q_NANCHANG, "南昌7月1日至8日每日新增无症状感染者多少例"):
        a = engine.ask(q)
        assert not {p.value for p in a.series} & ganzhou
        assert all(c.title.startswith("南昌") for c in a.citations), [c.title for c in a.citations]
    g = engine.ask("赣州7月1日至8日每天新增本土确诊病例多少例")
    assert pairs(g) == expected("赣州", date(2022, 7, 1), date(2022, 7, 8))
    assert all(c.title.startswith("赣州") for c in g.citations)


def test_the_asked_measure_picks_its_own_figure_of_the_sentence(engine):
    a = engine.ask("南昌7月1日至7日每天新增多少例无症状感染者？")
    assert pairs(a) == expected("南昌", date(2022, 7, 1), date(2022, 7, 7), which=1)  # the re-report agrees: 1 point
    g = engine.ask("赣州7月1日至8日每天新增多少例阳性感染者？")
    assert pairs(g) == expected("赣州", date(2022, 7, 1), date(2022, 7, 8), which=2)


def test_positives_are_not_answered_by_a_city_that_gives_only_confirmed_and_asymptomatic(engine):
    a = engine.ask("南昌7月1日至7日每天新增多少例阳性感染者？")
    assert a.abstained and not a.series


def test_a_recent_window_counts_back_from_the_newest_article(engine):
    # the newest articles are of 7月9日, with the figures of 7月8日: the window ends there
    for q in ("南昌近7天每天新增确诊多少例", "近一周南昌新增确诊的变化"):
        a = engine.ask(q)
        days = list(dict.fromkeys(p.date for p in a.series))
        assert days == [f"2022-07-0{d}" for d in range(2, 9)], (q, days)


def test_a_month_lists_every_day_of_it(engine):
    a = engine.ask("南昌7月每日新增确诊")
    assert len({p.date for p in a.series}) == 31
    assert [v for _, v in pairs(a) if v is not None] == [5, 7, 2, 6, 8, 11, 4, 3]
    assert "7月9日至7月31日｜缺" in a.answer


def test_a_range_over_366_days_is_refused_naming_the_days_with_data(engine):
    a = engine.ask("南昌2021年1月1日至2022年7月7日每天新增确诊多少例")
    assert a.abstained and not a.series
    assert "366" in a.answer and "2022年7月1日" in a.answer and "2022年7月8日" in a.answer


@pytest.mark.parametrize(("question", "nearest"), [
    ("南昌8月1日至7日每天新增本土确诊病例多少例？", ["2022年7月8日"]),
    ("南昌6月每日新增确诊", ["2022年7月1日"]),
])
def test_a_range_without_data_is_refused_naming_the_nearest_days_with_data(engine, question, nearest):
    a = engine.ask(question)
    assert a.abstained and not a.series
    for day in nearest:
        assert day in a.answer
    assert a.citations and f"{int(nearest[0][5])}月{nearest[0][7:]}" in a.citations[0].quote


LATER = """---
title: 北京市举办2023年服贸会
source: 北京日报
date: 2023-08-18
---
8月17日，北京市召开新闻发布会，介绍2023年中国国际服务贸易交易会筹备情况。
"""


def test_a_year_less_range_is_of_the_latest_year_whose_articles_have_it(settings, embedder, tmp_path):
    from ingest.pipeline import ingest_paths
    from tests.series_data import write_reports

    write_reports(tmp_path / "docs")
    (tmp_path / "docs" / "later.md").write_text(LATER, encoding="utf-8")
    s = settings.with_(store=tmp_path / "store")
    store = open_store(s)
    assert not ingest_paths([str(tmp_path / "docs")], s, store=store, embedder=embedder).failed
    later = Engine(s, store=store, embedder=embedder)
    a = later.ask(Q_NANCHANG)  # the newest article is of 2023; 南昌's July reports are of 2022
    assert pairs(a) == expected("南昌", date(2022, 7, 1), date(2022, 7, 7))
    recent = later.ask("南昌近7天每天新增确诊多少例")  # counted back from 2023-08-18: nothing there
    assert recent.abstained and "2022年7月8日" in recent.answer


def test_a_one_day_question_still_gets_the_single_figure(engine):
    a = engine.ask("南昌7月6日新增本土确诊病例多少例？")
    assert not a.series and "11例" in a.answer


def test_a_seven_day_series_is_fast(engine):
    engine.ask(Q_NANCHANG)  # warm
    t = time.perf_counter()
    for _ in range(5):
        engine.ask(Q_NANCHANG)
    per_ask = (time.perf_counter() - t) / 5
    print(f"7-day series: {per_ask * 1000:.1f} ms per ask")
    assert per_ask < 2.0


# -- the interfaces ---------------------------------------------------------------------------------------


def test_cli_json_and_text_carry_the_series(settings, store_dir, engine):
    want = [asdict(p) for p in engine.ask(Q_NANCHANG).series]
    out = run_cli(["ask", Q_NANCHANG, "--json", "--store", str(store_dir)], settings)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["series"] == want
    text = run_cli(["ask", Q_NANCHANG, "--store", str(store_dir)], settings)
    assert "7月4日｜8例｜[5]" in text.stdout and "7月5日｜缺" in text.stdout


@pytest.fixture(scope="module")
def server(settings, store_dir, tmp_path_factory):
    s = launch(store_dir, settings, tmp_path_factory.mktemp("series-log") / "serve.log")
    try:
        wait_ready(s)
        yield s
    finally:
        s.stop()


def test_api_ask_carries_the_series(server, engine):
    status, out = post_json(server.url + "/api/ask", {"question": Q_NANCHANG})
    assert status == 200 and not out["abstained"]
    assert out["series"] == [asdict(p) for p in engine.ask(Q_NANCHANG).series]
    status, plain = post_json(server.url + "/api/ask", {"question": "南昌7月6日新增本土确诊病例多少例？"})
    assert status == 200 and plain["series"] == []


async def _mcp_ask(store_dir, settings, question: str):
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(command=sys.executable, args=["-m", "newsqa", "mcp", "--store", str(store_dir)],
                                   env=child_env(settings), cwd=str(ROOT))
    async with Client(params, read_timeout_seconds=300) as client:
        return await client.call_tool("ask", {"question": question})


def test_mcp_ask_carries_the_series(settings, store_dir, engine):
    with ThreadPoolExecutor(1) as pool:  # playwright's sync API may hold this thread's event loop
        result = pool.submit(asyncio.run, _mcp_ask(store_dir, settings, Q_NANCHANG)).result()
    assert not result.is_error, result.content
    got = result.structured_content["series"]
    assert got == [asdict(p) for p in engine.ask(Q_NANCHANG).series]
    assert json.loads(result.content[0].text)["series"] == got
