"""Answering in worker processes (newsqa.answer_pool): the same answers as in-process, an ingest in the
server process seen by every worker at its next question, a dead or stuck worker replaced, never a hang."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from core.records import Filters
from core.settings import Settings, parse_answer_workers
from embedding.pool import WORKER_GIB
from ingest.pipeline import ingest_paths
from newsqa.answer_pool import START_TIMEOUT, AnswerPool, AnswerUnavailable, resolve_answer_workers
from newsqa.cli import build_parser
from newsqa.service import Service, UnknownCollection
from storage.store import open_store
from tests.conftest import crud_lines
from tests.test_concurrency import QUESTIONS, ask_during_ingest, key, vector_report

ASKS = [  # (question, history, k, filters): every field a request thread hands over
    ("南昌7月16日新增多少例？", None, None, None),
    ("其中确诊几例？", ["南昌7月16日新增多少例"], None, None),
    ("长春4月3日新增本地确诊多少例？", None, 3, None),
    ("新增多少例", None, None, Filters(date_from=date(2022, 7, 1), date_to=date(2022, 7, 31), place="南昌")),
    ("How many new cases did Nanchang report on July 16?", None, None, None),
    ("南昌7月20日新增多少例？", None, None, None),
]


def same(answer) -> dict:
    """An answer without its timings, which differ from run to run."""
    return {**answer.to_dict(), "timings_ms": None}


def wait_for(condition, what: str, limit: float = START_TIMEOUT) -> None:
    """Poll until ``condition()``; a bound so that a broken pool fails the test instead of hanging it."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {limit:.0f} s")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def pool_service(sample_engine):
    service = Service(sample_engine.settings, engine=sample_engine,
                      pool=AnswerPool(sample_engine.settings, workers=2))
    yield service
    service.close()


def test_answers_from_the_pool_are_those_given_in_process(pool_service, sample_engine):
    local = Service(sample_engine.settings, engine=sample_engine)
    for question, history, k, filters in ASKS * 2:  # twice: both workers answer each at least once, in any order
        got = pool_service.ask(question, history=history, k=k, filters=filters)
        assert same(got) == same(local.ask(question, history=history, k=k, filters=filters)), question


def test_many_askers_at_once_get_the_in_process_answers(pool_service, sample_engine):
    local = Service(sample_engine.settings, engine=sample_engine)
    expected = {q: same(local.ask(q)) for q in QUESTIONS}
    asks = [QUESTIONS[i % len(QUESTIONS)] for i in range(36)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(pool_service.ask, asks))
    assert [same(a) for a in got] == [expected[q] for q in asks]


def test_a_workers_error_is_raised_in_the_request_thread_as_itself(pool_service):
    with pytest.raises(UnknownCollection, match="no corpus named 'nope'"):
        pool_service.ask("南昌7月16日新增多少例？", filters=Filters(collection="nope"))
    assert pool_service.ask("南昌7月16日新增多少例？").citations  # and the worker goes on answering


def test_a_killed_worker_is_replaced_and_its_question_answered_by_another(pool_service, sample_engine):
    pool = pool_service.pool
    expected = same(Service(sample_engine.settings, engine=sample_engine).ask(QUESTIONS[0]))
    victim = pool.pids()[0]
    os.kill(victim, signal.SIGKILL)
    for _ in range(4):  # the dead one is handed a question at some point, or found dead while idle
        assert same(pool_service.ask(QUESTIONS[0])) == expected
    wait_for(lambda: len(pool.pids()) == 2 and victim not in pool.pids(), "replacing the killed worker")
    with ThreadPoolExecutor(max_workers=4) as threads:
        assert all(same(a) == expected for a in threads.map(pool_service.ask, [QUESTIONS[0]] * 8))


def test_a_worker_that_does_not_answer_in_time_is_an_error_and_is_replaced(sample_engine):
    pool = AnswerPool(sample_engine.settings, workers=1, timeout=3)
    try:
        stuck = pool.pids()[0]
        os.kill(stuck, signal.SIGSTOP)  # alive but never answering
        with pytest.raises(AnswerUnavailable, match="no answer within 3 s"):
            pool.ask(QUESTIONS[0])
        wait_for(lambda: pool.pids() and stuck not in pool.pids(), "replacing the stuck worker")
        assert pool.ask(QUESTIONS[0]).citations
    finally:
        pool.close()


def test_workers_see_an_ingest_of_the_server_process_at_their_next_question(engine, tmp_path):
    local = Service(engine.settings, engine=engine)
    service = Service(engine.settings, engine=engine, pool=AnswerPool(engine.settings, workers=2))
    try:
        before = {q: key(local.ask(q)) for q in QUESTIONS}
        new_question = "中国驻德国大使馆举行庆祝中国人民解放军建军96周年招待会，约多少人出席？"  # crud_news article 1
        assert local.ask(new_question).abstained  # not in the sample articles
        asks, got = ask_during_ingest(service, engine, tmp_path / "extra")
        after = {q: key(local.ask(q)) for q in QUESTIONS}
        for q, answer in zip(asks, got, strict=True):
            assert key(answer) in (before[q], after[q]), q
        expected = local.ask(new_question)
        assert not expected.abstained and expected.citations[0].path.endswith("crud_0.txt"), \
            vector_report(engine.store, "crud_0.txt")
        with ThreadPoolExecutor(max_workers=4) as pool:  # eight at once: each worker answers some
            fresh = list(pool.map(service.ask, [new_question] * 8))
        assert all(key(a) == key(expected) for a in fresh)
        assert all(key(service.ask(q)) == after[q] for q in QUESTIONS)
    finally:
        service.close()


def test_answer_workers_reads_a_count_or_auto_and_says_what_a_wrong_value_should_be():
    assert Settings.from_env({"NEWSQA_ANSWER_WORKERS": "auto"}).answer_workers == 0
    assert Settings.from_env({"NEWSQA_ANSWER_WORKERS": "3"}).answer_workers == 3
    assert Settings.from_env({}).answer_workers is None
    with pytest.raises(ValueError, match="1 = in the server process"):
        parse_answer_workers("two")
    assert build_parser().parse_args(["serve", "--answer-workers", "auto"]).answer_workers == 0
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--answer-workers", "-1"])


def test_unset_answer_workers_is_in_process_and_auto_is_one_per_core_as_memory_allows(monkeypatch):
    monkeypatch.setattr("newsqa.answer_pool.usable_cores", lambda: 4)
    monkeypatch.setattr("newsqa.answer_pool.available_gib", lambda: 16.0)
    assert resolve_answer_workers(None) == 1
    assert resolve_answer_workers(0) == 4 and resolve_answer_workers(2) == 2
    monkeypatch.setattr("newsqa.answer_pool.available_gib", lambda: 2.5 * WORKER_GIB)  # room for two embedders
    assert resolve_answer_workers(0) == 2


def test_a_corpus_ingested_after_the_workers_started_is_asked_by_name(engine, tmp_path):
    local = Service(engine.settings, engine=engine)
    service = Service(engine.settings, engine=engine, pool=AnswerPool(engine.settings, workers=1))
    try:
        question = "中国驻德国大使馆举行庆祝中国人民解放军建军96周年招待会，约多少人出席？"
        other = Filters(collection="other")
        with pytest.raises(UnknownCollection):  # not there yet: refused, not created empty
            service.ask(question, filters=other)
        (tmp_path / "other").mkdir()
        (tmp_path / "other" / "crud_0.txt").write_text(crud_lines(1)[0], encoding="utf-8")
        s = engine.settings.with_(collection="other")
        assert ingest_paths([str(tmp_path / "other")], s, store=open_store(s, client=engine.store.client),
                            embedder=engine.embedder).articles == 1
        expected = local.ask(question, filters=other)
        assert not expected.abstained
        assert key(service.ask(question, filters=other)) == key(expected)
        assert key(service.ask(question)) == key(local.ask(question))  # the server's own corpus is unchanged
    finally:
        service.close()


def test_a_closed_pool_says_so_at_once(sample_engine):
    pool = AnswerPool(sample_engine.settings, workers=1)
    pool.close()
    with pytest.raises(AnswerUnavailable, match="stopped"):
        pool.ask(QUESTIONS[0])


def test_a_service_set_to_answer_in_workers_starts_them_without_waiting_and_answers_alike(sample_engine):
    service = Service(sample_engine.settings.with_(answer_workers=2), engine=sample_engine)
    try:
        first = [same(service.ask(q)) for q in QUESTIONS]  # in this process until a worker is up
        wait_for(lambda: len(service.pool.pids()) == 2, "starting two workers in the background")
        assert [same(service.ask(q)) for q in QUESTIONS] == first
    finally:
        service.close()
    assert not service.pool.ready
