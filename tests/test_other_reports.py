"""The figure path tells what every report says (issue #10, corroboration): a count two articles give alike
is cited from both, and one they give differently is shown beside the best with its own citation, never
silently dropped. Real questions of a real index: the five sample articles plus short reports of another
outlet, written here, ingested by the real pipeline and embedded by the real embedder."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLE

QUESTION = "南昌7月16日新增多少例？"

AGREEING = """---
title: 南昌昨日新增9例阳性感染者
date: 2022-07-17
source: 江西日报
---
<p>记者从南昌市卫健委获悉，7月16日0时至24时，南昌市新增报告9例阳性感染者，其中2例为确诊病例，7例为无症状感染者。</p>
<p>目前，南昌市正在开展区域核酸筛查，请市民配合。</p>
"""

DIFFERING = """---
title: 南昌新增阳性感染者情况通报
date: 2022-07-17
source: 南昌晚报
---
<p>据南昌市疫情防控指挥部通报，7月16日0时至24时，南昌市新增报告11例阳性感染者，均已转运至定点医院。</p>
<p>专家提醒市民做好个人防护。</p>
"""


@pytest.fixture
def engine_with(settings, embedder, tmp_path):
    """An engine over the sample articles plus ``extra`` report files (name → text)."""
    from ingest.pipeline import ingest_paths
    from qa.engine import Engine
    from storage.store import open_store

    def build(extra: dict[str, str]):
        folder = tmp_path / "extra"
        folder.mkdir()
        for name, text in extra.items():
            (folder / name).write_text(text, encoding="utf-8")
        s = settings.with_(store=tmp_path / "store")
        store = open_store(s)
        report = ingest_paths([str(SAMPLE), str(folder)], s, store=store, embedder=embedder)
        assert report.articles == 5 + len(extra) and not report.failed
        return Engine(s, store=store, embedder=embedder)

    return build


def test_one_report_gives_the_figure_first_and_cites_it_alone(sample_engine):
    answer = sample_engine.ask(QUESTION)
    assert not answer.abstained
    assert answer.short_answer == "9例" and answer.answer.startswith("**9例**。")
    assert len(answer.citations) == 1 and "9例阳性感染者" in answer.citations[0].quote
    assert "一致" not in answer.answer and "不同" not in answer.answer


def test_cites_every_report_that_gives_the_same_figure(engine_with):
    answer = engine_with({"agree.md": AGREEING}).ask(QUESTION)
    assert not answer.abstained and answer.short_answer == "9例"
    docs = {c.doc_id for c in answer.citations}
    assert len(answer.citations) == 2 and len(docs) == 2
    assert all("9例阳性感染者" in c.quote for c in answer.citations)
    assert "[1][2]" in answer.answer and "2篇报道一致" in answer.answer
    assert "不同" not in answer.answer


def test_shows_a_report_that_gives_another_figure_beside_the_best(engine_with):
    answer = engine_with({"differ.md": DIFFERING}).ask(QUESTION)
    assert not answer.abstained
    figures = {c.quote.split("新增报告")[1][:3] for c in answer.citations}
    assert len(answer.citations) == 2 and figures == {"9例阳", "11例"}
    other = next(c for c in answer.citations if "11例" in c.quote)
    assert f"另一篇报道为**{'11例' if answer.short_answer == '9例' else '9例'}**" in answer.answer
    assert f"[{other.n}]" in answer.answer and "各报道数字不同" in answer.answer
    assert other.source == "南昌晚报" or answer.citations[0].source == "南昌晚报"


def test_a_report_of_another_measure_is_not_a_differing_figure(engine_with):
    """The same day and city, but the figure counts 无症状感染者: neither agreement nor disagreement."""
    other_measure = DIFFERING.replace("新增报告11例阳性感染者，均已转运至定点医院", "新增无症状感染者7例，均已转运至定点医院")
    answer = engine_with({"asymptomatic.md": other_measure}).ask(QUESTION)
    assert answer.short_answer == "9例" and len(answer.citations) == 1
    assert "不同" not in answer.answer and "一致" not in answer.answer
