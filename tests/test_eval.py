"""The owned evaluation: real questions, as users ask them, over a real index of the sample articles."""

import pytest

from ingest.pipeline import ingest_paths
from qa.engine import Engine
from qa.evaluate import evaluate, load_rows
from tests.conftest import ROOT, SAMPLE, crud_lines

EVAL = ROOT / "eval" / "sample_qa.jsonl"


def test_eval_file_covers_what_users_ask():
    rows = load_rows(EVAL)
    assert len(rows) >= 60
    assert sum(bool(r.get("abstain")) for r in rows) >= 15
    assert sum(bool(r.get("history")) for r in rows) >= 3
    assert any(r["q"].isascii() for r in rows), "cross-lingual questions"


def _report(engine):
    rep = evaluate(engine, load_rows(EVAL))
    shown = "\n".join(f"{f['q']} → {f['answer']}" for f in rep.failures)
    return rep, shown


def test_sample_eval_accuracy_is_at_least_95_percent(sample_engine):
    rep, shown = _report(sample_engine)
    assert rep.accuracy >= 0.95, shown
    assert rep.refusal_precision >= 0.95 and rep.refusal_recall >= 0.95, shown
    assert rep.citation_accuracy >= 0.95, shown


@pytest.mark.slow
def test_sample_eval_holds_with_crud_news_distractors(settings, embedder, tmp_path_factory):
    """A few hundred real 2023 news articles beside the sample must not pull answers astray."""
    s = settings.with_(store=tmp_path_factory.mktemp("distractors"))
    news = tmp_path_factory.mktemp("crud") / "crud_news.txt"
    news.write_text("\n".join(crud_lines(300)) + "\n", encoding="utf-8")
    rep = ingest_paths([str(SAMPLE), str(news)], s, embedder=embedder)
    assert rep.articles >= 295 and not rep.failed
    report, shown = _report(Engine(s, embedder=embedder))
    assert report.accuracy >= 0.95, shown
