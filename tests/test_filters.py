"""Explicit filters (published range, source, place) narrow the store before ranking: over real HTTP on
loopback, on the OpenAI-compatible endpoint, with `newsqa ask` flags, and Chroma's ``where`` agreeing with
the test the lexical hits go through."""

from __future__ import annotations

import json
from datetime import date

import pytest

from core.records import Filters
from tests.live_server import post_json, run_cli, sample_store, shared_servers, stop_shared

Q_NANCHANG = "南昌7月16日新增多少例"  # answered by the Nanchang article, published 2022-07-17, no source


@pytest.fixture(scope="session")
def servers(settings, embedder, tmp_path_factory):
    yield shared_servers(settings, embedder, tmp_path_factory)
    stop_shared()


@pytest.fixture(scope="session")
def url(servers) -> str:
    return servers["off"].url  # the server no test uploads to: its store is the five samples


def ask(url: str, **body) -> dict:
    status, out = post_json(url + "/api/ask", {"question": Q_NANCHANG, **body})
    assert status == 200, out
    return out


def test_a_date_range_that_holds_the_article_keeps_the_answer(url):
    out = ask(url, date_from="2022-07-17", date_to="2022-07-17")
    assert not out["abstained"] and "9例" in out["answer"]
    assert all(c["published"] == "2022-07-17" for c in out["citations"])


def test_a_date_range_before_the_article_was_published_refuses(url):
    assert ask(url)["abstained"] is False  # the same question without the filter is answered
    assert ask(url, date_to="2022-07-16")["abstained"] is True
    assert ask(url, date_from="2030-01-01")["abstained"] is True


def test_a_source_filter_keeps_only_that_publishers_articles(url):
    assert ask(url, source="新浪财经")["abstained"] is True  # the Nanchang article has no source
    status, out = post_json(url + "/api/ask", {"question": "吉林市确诊多少例", "source": "新浪财经"})
    assert status == 200 and not out["abstained"]
    assert out["citations"] and {c["source"] for c in out["citations"]} == {"新浪财经"}


def test_a_place_filter_is_read_as_the_gazetteer_names_it(url):
    out = ask(url, place="南昌市")
    assert not out["abstained"] and "南昌" in out["citations"][0]["title"]
    assert ask(url, place="长春")["abstained"] is True


@pytest.mark.parametrize(("body", "param", "says"), [
    ({"date_from": "7月16日"}, "date_from", "YYYY-MM-DD"),
    ({"date_to": "2022-02-30"}, "date_to", "YYYY-MM-DD"),
    ({"date_from": "2022-07-18", "date_to": "2022-07-16"}, "date_from", "after date_to"),
    ({"collection": "no_such_corpus"}, "collection", "newsqa ingest --collection"),
])
def test_a_bad_filter_is_422_naming_the_field(url, body, param, says):
    status, out = post_json(url + "/api/ask", {"question": Q_NANCHANG, **body})
    assert status == 422, out
    assert out["error"]["param"] == param and says in out["error"]["message"]


def test_chat_completions_take_filters_as_extra_body_fields(url):
    messages = [{"role": "user", "content": Q_NANCHANG}]
    status, plain = post_json(url + "/v1/chat/completions", {"messages": messages})
    assert status == 200 and plain["abstained"] is False
    status, narrowed = post_json(url + "/v1/chat/completions", {"messages": messages, "date_to": "2022-07-16"})
    assert status == 200 and narrowed["abstained"] is True and narrowed["citations"] == []
    status, bad = post_json(url + "/v1/chat/completions", {"messages": messages, "date_from": "yesterday"})
    assert status == 422 and bad["error"]["param"] == "date_from"


@pytest.mark.parametrize("filters", [
    Filters(date_from=date(2022, 3, 19)),
    Filters(date_to=date(2022, 3, 20)),
    Filters(date_from=date(2022, 3, 20), date_to=date(2022, 4, 4)),
    Filters(source="新浪财经"),
    Filters(place="常州"),
    Filters(place="吉林市", source="新浪财经", date_to=date(2022, 12, 31)),
])
def test_the_lexical_side_filters_exactly_as_chroma_does(sample_engine, filters):
    from qa.retrieve import filter_matches, filter_where
    from storage.store import get_all

    chunks = sample_engine.store.chunks
    everything = get_all(chunks, include=["metadatas"])
    by_python = {cid for cid, m in zip(everything["ids"], everything["metadatas"], strict=True)
                 if filter_matches(filters, m)}
    by_chroma = set(get_all(chunks, include=[], where=filter_where(filters))["ids"])
    assert by_python == by_chroma
    assert 0 < len(by_chroma) < len(everything["ids"])  # each filter keeps some chunks and drops others


def test_filters_refuse_reversed_dates_and_blank_fields_mean_none():
    with pytest.raises(ValueError, match="after date_to"):
        Filters.parse("2022-07-18", "2022-07-16")
    assert Filters.parse(" ", "", "  ", None) == Filters()
    assert not Filters.parse(collection="beta").narrows


@pytest.fixture(scope="module")
def cli_store(settings, embedder, tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("cli-filters"), settings, embedder)


def test_cli_ask_flags_narrow_the_store(settings, cli_store):
    out = run_cli(["ask", "--json", "--store", str(cli_store), "--date-to", "2022-07-16"], settings,
                  stdin=Q_NANCHANG + "\n")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["abstained"] is True
    out = run_cli(["ask", "--json", "--store", str(cli_store), "--from", "2022-07-17", "--place", "南昌市",
                   Q_NANCHANG], settings)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert not answer["abstained"] and "9例" in answer["answer"]


def test_cli_ask_rejects_a_bad_date_before_loading_anything(settings, tmp_path):
    out = run_cli(["ask", "--json", "--store", str(tmp_path), "--date-from", "2022/07/16", Q_NANCHANG], settings,
                  timeout=60)
    assert out.returncode == 2 and "YYYY-MM-DD" in out.stderr
