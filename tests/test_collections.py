"""Named corpora in one store: `newsqa collections` lists them, and an ask or search of one corpus (HTTP, MCP,
the CLI flag) never cites another's articles."""

from __future__ import annotations

import asyncio
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import SEED
from tests.live_server import ROOT, child_env, corpora_store, launch, post_json, run_cli, wait_ready

CORPORA = {"alpha": [SEED["nanchang"], SEED["changzhou"]], "beta": [SEED["jilin"], SEED["changchun"]]}
Q_NANCHANG = "南昌7月16日新增多少例"
Q_JILIN = "吉林市确诊多少例"
TIMEOUT = 300


@pytest.fixture(scope="module")
def served(settings, embedder, tmp_path_factory):
    base = tmp_path_factory.mktemp("corpora-http")
    ids = corpora_store(base / "store", settings, embedder, CORPORA)
    server = launch(base / "store", settings, base / "serve.log", NEWSQA_COLLECTION="alpha")
    try:
        wait_ready(server)
        yield server.url, ids
    finally:
        server.stop()


async def mcp_session(store, settings) -> dict:
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(command=sys.executable, args=["-m", "newsqa", "mcp", "--store", str(store),
                                                                 "--collection", "alpha"],
                                   env=child_env(settings), cwd=str(ROOT))
    out: dict = {}
    async with Client(params, read_timeout_seconds=TIMEOUT) as client:
        out["alpha"] = await client.call_tool("ask", {"question": Q_JILIN})
        out["beta"] = await client.call_tool("ask", {"question": Q_JILIN, "collection": "beta"})
        out["beta_nanchang"] = await client.call_tool("ask", {"question": Q_NANCHANG, "collection": "beta"})
        out["search_beta"] = await client.call_tool("search", {"query": "确诊病例", "k": 10, "collection": "beta"})
        out["search_source"] = await client.call_tool("search", {"query": "确诊病例", "k": 10, "collection": "beta",
                                                                 "source": "新浪财经", "date_to": "2022-03-31"})
        out["unknown"] = await client.call_tool("ask", {"question": Q_JILIN, "collection": "gamma"})
    return out


@pytest.fixture(scope="module")
def mcp(settings, embedder, tmp_path_factory):
    """The MCP calls (run to the end first), then the same store for the CLI tests."""
    store = tmp_path_factory.mktemp("corpora-mcp") / "store"
    ids = corpora_store(store, settings, embedder, CORPORA)
    with ThreadPoolExecutor(1) as pool:  # a thread of its own, as in test_mcp
        calls = pool.submit(asyncio.run, asyncio.wait_for(mcp_session(store, settings), TIMEOUT * 2)).result()
    return store, ids, calls


def structured(result) -> dict:
    assert not result.is_error, result.content
    return result.structured_content


def cited(answer: dict) -> set[str]:
    return {c["doc_id"] for c in answer["citations"]}


def test_http_ask_of_one_corpus_never_cites_the_other(served):
    url, ids = served
    status, own = post_json(url + "/api/ask", {"question": Q_JILIN})  # the server's own corpus: alpha
    assert status == 200 and not cited(own) & ids["beta"]
    status, beta = post_json(url + "/api/ask", {"question": Q_JILIN, "collection": "beta"})
    assert status == 200 and not beta["abstained"] and cited(beta) and cited(beta) <= ids["beta"]
    status, alpha = post_json(url + "/api/ask", {"question": Q_NANCHANG, "collection": "alpha"})
    assert status == 200 and not alpha["abstained"] and cited(alpha) <= ids["alpha"]
    status, cross = post_json(url + "/api/ask", {"question": Q_NANCHANG, "collection": "beta"})
    assert status == 200 and cross["abstained"] is True and not cited(cross) & ids["alpha"]


def test_http_lists_the_corpora_and_refuses_an_unknown_one(served):
    url, _ = served
    from tests.live_server import http

    status, _, raw = http("GET", url + "/api/collections")
    listing = json.loads(raw)
    assert status == 200 and listing["default"] == "alpha"
    assert {c["name"]: c["articles"] for c in listing["collections"]} == {"alpha": 2, "beta": 2}
    status, out = post_json(url + "/api/ask", {"question": Q_JILIN, "collection": "gamma"})
    assert status == 422 and out["error"]["param"] == "collection" and "alpha, beta" in out["error"]["message"]


def test_mcp_ask_of_one_corpus_never_cites_the_other(mcp):
    _, ids, calls = mcp
    assert not cited(structured(calls["alpha"])) & ids["beta"]
    beta = structured(calls["beta"])
    assert not beta["abstained"] and cited(beta) and cited(beta) <= ids["beta"]
    cross = structured(calls["beta_nanchang"])
    assert cross["abstained"] is True and not cited(cross) & ids["alpha"]


def test_mcp_search_stays_in_its_corpus_and_honours_filters(mcp):
    _, ids, calls = mcp
    hits = structured(calls["search_beta"])["hits"]
    assert hits and {h["doc_id"] for h in hits} <= ids["beta"]
    narrowed = structured(calls["search_source"])["hits"]
    assert narrowed and all(h["source"] == "新浪财经" and h["published"] <= "2022-03-31" for h in narrowed)
    assert {h["doc_id"] for h in narrowed} < {h["doc_id"] for h in hits}  # the April Changchun article is gone


def test_mcp_refuses_an_unknown_corpus_with_what_to_do(mcp):
    result = mcp[2]["unknown"]
    assert result.is_error and "newsqa ingest --collection gamma" in result.content[0].text


def test_cli_collections_lists_each_corpus_with_its_article_count(mcp, settings):
    store = mcp[0]
    out = run_cli(["collections", "--store", str(store), "--json"], settings, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"collections": [{"name": "alpha", "articles": 2},
                                                      {"name": "beta", "articles": 2}]}
    text = run_cli(["collections", "--store", str(store)], settings, timeout=120, NEWSQA_COLLECTION="beta")
    assert text.stdout.splitlines() == ["alpha\t2 articles", "beta\t2 articles  (default)"]


def test_cli_collection_flag_picks_the_corpus(mcp, settings):
    store, ids, _ = mcp
    out = run_cli(["ask", "--json", "--store", str(store), "--collection", "beta"], settings,
                  stdin=f"{Q_JILIN}\n{Q_NANCHANG}\n")
    assert out.returncode == 0, out.stderr
    jilin, nanchang = (json.loads(line) for line in out.stdout.splitlines())
    assert not jilin["abstained"] and cited(jilin) <= ids["beta"]
    assert nanchang["abstained"] is True


def test_cli_refuses_a_corpus_the_store_does_not_hold(mcp, settings):
    out = run_cli(["ask", "--json", "--store", str(mcp[0]), "--collection", "gamma", Q_JILIN], settings)
    assert out.returncode == 2 and "it holds: alpha, beta" in out.stderr
    listed = run_cli(["collections", "--store", str(mcp[0]), "--json"], settings, timeout=120)
    assert [c["name"] for c in json.loads(listed.stdout)["collections"]] == ["alpha", "beta"]  # none was created
