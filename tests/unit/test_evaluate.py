"""Scoring the answers of one run: gold matching, slices, the refusal-threshold sweep (no model, no store)."""

import json

import pytest

from core.records import Answer
from qa.evaluate import (
    EvalReport,
    Outcome,
    format_failures,
    format_report,
    gold_in,
    is_correct,
    load_rows,
    score,
    sweep_thresholds,
    threshold_sweep,
)


def _ans(text: str, abstained: bool = False, evidence: float = 0.0, ms: float = 10.0) -> Answer:
    return Answer(question="", answer=text, abstained=abstained, evidence=evidence, timings_ms={"total_ms": ms})


def _outcome(row: dict, ans: Answer) -> Outcome:
    return Outcome(row, ans, is_correct(row, ans))


def test_gold_matches_across_full_width_forms_and_whitespace():
    assert gold_in("150亿美元", "中国在南亚累计投资１５０ 亿美元。[1]")
    assert gold_in("4万亿元", "不良贷款余额4 万亿元")
    assert gold_in("COVID 19", "ＣＯＶＩＤ19疫情")


def test_gold_match_stays_strict_otherwise():
    assert not gold_in("十个", "共涉及10个方面")  # no numeral conversion
    assert not gold_in("2021亿元", "增加了2020亿元")
    assert not gold_in("三天", "考察交流持续了3天")
    assert not gold_in("", "anything")


def test_dev_row_with_gold_is_wrong_when_refused_even_if_the_refusal_quotes_it():
    row = {"q": "考察交流持续了多久？", "answer": "三天"}
    assert is_correct(row, _ans("考察交流持续了三天。[1]"))
    assert not is_correct(row, _ans("资料中没有……最近的是：持续了三天", abstained=True))
    assert not is_correct(row, _ans("持续了两天"))


def test_must_refuse_row_is_right_only_when_refused():
    row = {"q": "什么是硬防晒？", "abstain": True, "kind": "1Doc"}
    assert is_correct(row, _ans("资料中没有", abstained=True))
    assert not is_correct(row, _ans("硬防晒是指……"))


def test_regex_rows_keep_todays_scoring():
    row = {"q": "南昌7月16日新增多少例？", "expect": ["9例", "阳性"]}
    assert is_correct(row, _ans("新增报告9例阳性感染者"))
    assert not is_correct(row, _ans("新增报告9例"))
    assert not is_correct(row, _ans("新增报告9例阳性感染者", abstained=True))


def test_load_rows_rejects_a_row_with_both_gold_and_regexes(tmp_path):
    f = tmp_path / "rows.jsonl"
    f.write_text(json.dumps({"q": "x", "answer": "a", "expect": ["a"]}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="either"):
        load_rows(f)


def _run() -> list[Outcome]:
    """Two answerable count questions (one right with strong evidence, one wrong with weak), one answerable
    person question refused, two must-refuse rows: one refused, one answered with weak evidence."""
    return [
        _outcome({"q": "新增多少例？", "answer": "9例", "kind": "1Doc"}, _ans("新增9例", evidence=0.9, ms=10)),
        _outcome({"q": "受伤人数是多少？", "answer": "5人", "kind": "2Docs"}, _ans("受伤3人", evidence=0.3, ms=20)),
        _outcome({"q": "谁担任主任？", "answer": "张三", "kind": "2Docs"}, _ans("资料中没有", True, ms=30)),
        _outcome({"q": "什么是硬防晒？", "abstain": True, "kind": "1Doc"}, _ans("资料中没有", True, ms=40)),
        _outcome({"q": "谁获得了冠军？", "abstain": True, "kind": "3Docs"}, _ans("李四", evidence=0.2, ms=50)),
    ]


def test_score_counts_answerable_accuracy_refusal_recall_and_wrongful_refusals():
    rep = score(_run())
    assert (rep.questions, rep.answerable, rep.must_refuse) == (5, 3, 2)
    assert rep.accuracy == 0.4
    assert rep.answerable_accuracy == round(1 / 3, 4)
    assert rep.refusal_recall == 0.5
    assert rep.refusal_precision == 0.5  # 2 refusals, 1 of them right
    assert rep.wrongful_refusal_rate == round(1 / 3, 4)
    assert rep.latency_p50_ms == 30.0
    assert len(rep.failures) == 3 and {f.get("gold") for f in rep.failures} == {"5人", "张三", None}


def test_slices_by_answer_type_and_by_kind():
    rep = score(_run())
    count = rep.by_answer_type["count"]
    assert (count.questions, count.answerable, count.correct, count.answerable_accuracy) == (2, 2, 1, 0.5)
    person = rep.by_answer_type["person"]
    assert (person.questions, person.answerable, person.wrongful_refusals, person.must_refuse) == (2, 1, 1, 1)
    assert person.refusal_recall == 0.0
    assert set(rep.by_kind) == {"1Doc", "2Docs", "3Docs"}
    assert rep.by_kind["1Doc"].accuracy == 1.0 and rep.by_kind["2Docs"].accuracy == 0.0
    assert rep.by_kind["3Docs"].refusal_recall == 0.0


def test_rows_without_kind_leave_the_kind_table_empty():
    rep = score([_outcome({"q": "新增多少例？", "expect": ["9例"]}, _ans("9例"))])
    assert rep.by_kind == {} and rep.by_answer_type["count"].accuracy == 1.0


def test_threshold_sweep_refuses_weak_answers_without_reasking():
    pts = {p.threshold: p for p in threshold_sweep(_run(), [0.0, 0.25, 0.5, 1.0])}
    assert (pts[0.0].refused, pts[0.0].answerable_accuracy, pts[0.0].refusal_recall) == (2, round(1 / 3, 4), 0.5)
    # 0.25 refuses the wrongful answer to a must-refuse row (evidence 0.2) and nothing answerable
    assert (pts[0.25].refused, pts[0.25].refusal_recall, pts[0.25].wrongful_refusal_rate) == (3, 1.0, round(1 / 3, 4))
    # 0.5 also refuses the wrong answerable one: accuracy holds, wrongful refusals grow
    assert pts[0.5].answerable_accuracy == round(1 / 3, 4) and pts[0.5].wrongful_refusal_rate == round(2 / 3, 4)
    # 1.0 refuses everything, the one right answer too
    assert (pts[1.0].refused, pts[1.0].answerable_accuracy, pts[1.0].wrongful_refusal_rate) == (5, 0.0, 1.0)


def test_default_thresholds_start_at_the_weakest_answer_so_the_first_row_is_the_run_itself():
    outs = _run()
    ts = sweep_thresholds(outs)
    assert ts == [0.2, 0.3, 0.9]
    first = threshold_sweep(outs)[0]
    rep = score(outs)
    assert (first.answerable_accuracy, first.refusal_recall) == (rep.answerable_accuracy, rep.refusal_recall)
    assert sweep_thresholds([_outcome({"q": "x", "abstain": True}, _ans("", True))]) == [0.0]


def test_report_json_and_text_carry_the_new_tables():
    rep = score(_run())
    data = json.loads(rep.to_json())
    assert data["by_answer_type"]["count"]["answerable"] == 2
    assert data["threshold_sweep"][0]["threshold"] == 0.2
    assert set(EvalReport().__dict__) <= set(data)
    text = format_report(rep)
    assert "answer type" in text and "3Docs" in text and "refuse when evidence < t" in text
    failures = format_failures(rep, 1).splitlines()
    assert len(failures) == 2 and "5人" in failures[0] and "2 more" in failures[1]


def test_the_threshold_leaves_figure_path_answers_alone():
    """An answer with no evidence score came from the figure path, whose refusals are by rule: no threshold
    refuses it, so the sweep measures only what the threshold decides."""
    figure = Answer(question="", answer="新增9例[1]", abstained=False, evidence=None, timings_ms={"total_ms": 1})
    span = _ans("**谢锋**。谢锋表示…[1]", evidence=3.0)
    outcomes = [_outcome({"q": "南昌7月16日新增多少例？", "answer": "9例"}, figure),
                _outcome({"q": "谁表示？", "answer": "谢锋"}, span)]
    [point] = threshold_sweep(outcomes, [5.0])
    assert point.refused == 1 and point.answerable_accuracy == 0.5
