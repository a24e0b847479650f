"""The owned evaluation: real questions, as users ask them, over a real index of the sample articles."""

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
