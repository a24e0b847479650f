"""The owned evaluation: real questions, as users ask them, over a real index of the sample articles."""

import json

import pytest

from ingest.pipeline import ingest_paths
from qa.engine import Engine
from qa.evaluate import evaluate, load_rows
from tests.conftest import ROOT, SAMPLE, crud_lines

EVAL = ROOT / "eval" / "sample_qa.jsonl"
# Written by a teammate who never saw the answerer's code or EVAL; the answerer was fixed against it by
# failure class over a few rounds (not question by question). README gives its first-run scores too.
HOLDOUT = ROOT / "eval" / "holdout_sample_qa.jsonl"
HOLDOUT_CRUD = ROOT / "eval" / "holdout_crud_qa.jsonl"  # about the first 300 crud_news articles


def test_eval_file_covers_what_users_ask():
    rows = load_rows(EVAL)
    assert len(rows) >= 60
    assert sum(bool(r.get("abstain")) for r in rows) >= 15
    assert sum(bool(r.get("history")) for r in rows) >= 3
    assert any(r["q"].isascii() for r in rows), "cross-lingual questions"


def _report(engine, path=EVAL):
    rep = evaluate(engine, load_rows(path))
    shown = "\n".join(f"{f['q']} → {f['answer']}" for f in rep.failures)
    return rep, shown


def test_sample_eval_accuracy_is_at_least_95_percent(sample_engine):
    rep, shown = _report(sample_engine)
    assert rep.accuracy >= 0.95, shown
    assert rep.refusal_precision >= 0.95 and rep.refusal_recall >= 0.95, shown
    assert rep.citation_accuracy >= 0.95, shown


def test_held_out_sample_questions_are_answered_too(sample_engine):
    rep, shown = _report(sample_engine, HOLDOUT)
    assert rep.questions >= 40
    assert rep.accuracy >= 0.9, shown
    assert rep.refusal_precision >= 0.9, shown


def test_dev_format_rows_are_scored_by_gold_string_with_type_and_kind_tables(sample_engine, tmp_path):
    """The developers' format ({"q", "answer", "doc", "kind"} / {"q", "abstain", "kind"}) over the real sample
    index; the last answerable row's gold is off by one on purpose, so it must be scored wrong."""
    rows = [
        {"q": "南昌7月16日新增多少例？", "answer": "9例阳性感染者", "doc": "001_8811dd7f464feb54", "kind": "1Doc"},
        {"q": "截至3月20日常州累计排查密接多少人？", "answer": "５０５２ 人", "doc": "000_0dd84e10d465ffc2", "kind": "2Docs"},
        {"q": "长春4月3日新增本地确诊多少例？", "answer": "575例", "doc": "003_e8fc8e791bb6fafd", "kind": "2Docs"},
        {"q": "南昌7月20日新增多少例？", "abstain": True, "kind": "1Doc"},
    ]
    path = tmp_path / "dev.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    rep = evaluate(sample_engine, load_rows(path))
    shown = "\n".join(f"{f['q']} → {f['answer']}" for f in rep.failures)
    assert (rep.questions, rep.answerable, rep.must_refuse) == (4, 3, 1)
    assert rep.answerable_accuracy == round(2 / 3, 4), shown
    assert [f["gold"] for f in rep.failures] == ["575例"], shown
    assert rep.refusal_recall == 1.0 and rep.wrongful_refusal_rate == 0.0, shown
    assert rep.citation_accuracy == 1.0 and rep.recall_at_k == 1.0
    count = rep.by_answer_type["count"]
    assert (count.questions, count.answerable, count.correct, count.must_refuse) == (4, 3, 3, 1)
    assert rep.by_kind["1Doc"].accuracy == 1.0 and rep.by_kind["2Docs"].answerable_accuracy == 0.5
    first = rep.threshold_sweep[0]  # the weakest answer's evidence: refuses nothing the answerer did not
    assert (first.answerable_accuracy, first.refusal_recall, first.refused) == (rep.answerable_accuracy, 1.0, 1)


@pytest.mark.slow
def test_sample_eval_holds_with_crud_news_distractors(settings, embedder, tmp_path_factory):
    """A few hundred real 2023 news articles beside the sample must not pull answers astray."""
    s = settings.with_(store=tmp_path_factory.mktemp("distractors"))
    news = tmp_path_factory.mktemp("crud") / "crud_news.txt"
    news.write_text("\n".join(crud_lines(300)) + "\n", encoding="utf-8")
    rep = ingest_paths([str(SAMPLE), str(news)], s, embedder=embedder)
    assert rep.articles >= 295 and not rep.failed
    engine = Engine(s, embedder=embedder)
    report, shown = _report(engine)
    assert report.accuracy >= 0.95, shown
    crud, shown = _report(engine, HOLDOUT_CRUD)  # real 2023 news, far from the sample's shape
    assert crud.accuracy >= 0.6, shown
    # the seed shapes the issue saw lost among distractors: a breakdown after the day's total, a count in words
    within = engine.ask("南昌7月16日新增的阳性感染者中有几例确诊？")
    assert within.short_answer == "2例" and "2例为确诊病例" in within.citations[0].quote, within.answer
    rounds = engine.ask("南昌市从7月17日开始连续开展几轮区域核酸筛查？")
    assert rounds.short_answer == "三轮" and "三轮区域核酸筛查" in rounds.citations[0].quote, rounds.answer
