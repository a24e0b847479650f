"""`newsqa mcp` spoken to by the MCP SDK's own stdio client: one server process, several tool calls."""

from __future__ import annotations

import asyncio
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_server import ROOT, child_env, sample_store

TIMEOUT = 300


async def session(store, settings) -> dict:
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(command=sys.executable, args=["-m", "newsqa", "mcp", "--store", str(store)],
                                   env=child_env(settings), cwd=str(ROOT))
    out: dict = {}
    async with Client(params, read_timeout_seconds=TIMEOUT) as client:
        out["tools"] = {t.name: t for t in (await client.list_tools()).tools}
        out["ask"] = await client.call_tool("ask", {"question": "南昌7月16日新增多少例"})
        out["abstain"] = await client.call_tool("ask", {"question": "南昌7月20日新增多少例"})
        out["follow"] = await client.call_tool("ask", {"question": "其中确诊几例？",
                                                       "history": ["南昌7月16日新增多少例"]})
        out["search"] = await client.call_tool("search", {"query": "新增阳性感染者", "k": 3,
                                                          "date": "2022-07-16", "place": "南昌"})
        out["search_other_day"] = await client.call_tool("search", {"query": "新增阳性感染者", "date": "2022-07-20",
                                                                    "place": "南昌"})
        out["bad_date"] = await client.call_tool("search", {"query": "新增", "date": "7月16日"})
    return out


@pytest.fixture(scope="module")
def calls(settings, embedder, tmp_path_factory) -> dict:
    store = sample_store(tmp_path_factory.mktemp("mcp-store"), settings, embedder)
    # a thread of its own: playwright's sync API (test_ui_browser) keeps an event loop on this one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(session(store, settings), TIMEOUT * 2)).result()


def structured(result) -> dict:
    assert not result.is_error, result.content
    data = result.structured_content
    text = json.loads(result.content[0].text)  # the same result as text, for clients without structured output
    assert text == data
    return data


def test_lists_the_ask_and_search_tools_with_their_parameters(calls):
    tools = calls["tools"]
    assert set(tools) == {"ask", "search"}
    assert "question" in tools["ask"].input_schema["properties"]
    assert {"query", "k", "date", "place"} <= set(tools["search"].input_schema["properties"])


def test_ask_answers_with_citations(calls):
    data = structured(calls["ask"])
    assert not data["abstained"] and "9例" in data["answer"]
    c = data["citations"][0]
    assert "南昌" in c["title"] and c["quote"] and c["end"] > c["start"]


def test_ask_abstains_when_the_articles_do_not_say(calls):
    assert structured(calls["abstain"])["abstained"] is True


def test_ask_follows_up_on_history(calls):
    data = structured(calls["follow"])
    assert not data["abstained"] and "2例" in data["answer"]


def test_search_filters_by_date_and_place(calls):
    hits = structured(calls["search"])["hits"]
    assert 1 <= len(hits) <= 3
    assert all(h["date_match"] and h["place_match"] for h in hits)
    assert any("9例" in h["text"] and "南昌" in h["title"] for h in hits)


def test_search_finds_nothing_for_a_day_no_article_mentions(calls):
    assert structured(calls["search_other_day"])["hits"] == []


def test_search_rejects_a_malformed_date_with_the_expected_form(calls):
    result = calls["bad_date"]
    assert result.is_error and "YYYY-MM-DD" in result.content[0].text
