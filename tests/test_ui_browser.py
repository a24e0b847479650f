"""The chat UI in headless Chromium (Debian's /usr/bin/chromium driven by playwright), against `newsqa serve`.

Screenshots go to artifacts/ (gitignored) so a person can look at what the tests saw.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.live_server import ROOT, launch, shared_servers, stop_shared, wait_ready
from tests.series_data import series_store

CHROMIUM = os.environ.get("NEWSQA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts"
WAIT_MS = 120_000

EVIL = """---
title: "<img src=x onerror=\\"document.title='pwned-title'\\">赣州市疫情通报"
source: "<b onmouseover=\\"window.__nqPwned='source'\\">赣州发布</b>"
date: 2022-05-02
---
2022年5月1日0时至24时，赣州市新增本土确诊病例3例，详见<img src=x onerror="window.__nqPwned='body'">附件。

相关说明见<script>window.__nqPwned='script'; document.title='pwned-script'</script>公告。
"""


@pytest.fixture(scope="session")
def server(settings, embedder, tmp_path_factory):
    yield shared_servers(settings, embedder, tmp_path_factory)["on"]
    stop_shared()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set NEWSQA_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_chat(browser, url: str):
    """A fresh browser context on the chat at ``url``, its input ready; page errors collect in ``page.errors``."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(url + "/", wait_until="domcontentloaded")
    pg.wait_for_selector("#nq-input textarea", timeout=WAIT_MS)
    pg.errors = errors
    return ctx, pg


@pytest.fixture
def page(browser, server):
    ctx, pg = open_chat(browser, server.url)
    yield pg
    ctx.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(400)  # let the viewer's slide-in finish
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def ask(page, question: str, answers_before: int = 0):
    page.fill("#nq-input textarea", question)
    page.press("#nq-input textarea", "Enter")
    return wait_answer(page, answers_before)


def wait_answer(page, answers_before: int):
    """The (answers_before+1)-th answer once fully streamed (the last step marks it nq-final)."""
    page.wait_for_function("n => document.querySelectorAll('.nq-answer.nq-final').length > n",
                           arg=answers_before, timeout=WAIT_MS)
    return page.locator(".nq-answer.nq-final").nth(answers_before)


def test_answer_shows_a_citation_card_that_opens_the_highlighted_article(page):
    answer = ask(page, "南昌7月16日新增多少例")
    assert "9例" in answer.inner_text()
    card = page.locator(".nq-card").first
    card.wait_for(timeout=WAIT_MS)
    assert "南昌" in card.locator(".nq-card-title").inner_text()
    quoted = card.locator("mark").inner_text()
    assert "9例" in quoted
    shot(page, "ui-answer")

    card.click()
    hit = page.locator(".nq-drawer #nq-hit")
    hit.wait_for(timeout=WAIT_MS)
    assert hit.inner_text() == quoted
    assert hit.is_visible()
    assert "南昌" in page.locator(".nq-drawer-title").inner_text()
    shot(page, "ui-article")

    page.keyboard.press("Escape")
    page.locator(".nq-drawer").wait_for(state="detached", timeout=WAIT_MS)
    assert page.errors == []


def test_follow_up_example_uses_the_conversation(page):
    ask(page, "南昌7月16日新增多少例")
    page.get_by_role("button", name="其中确诊几例？").click()
    assert "2例" in wait_answer(page, 1).inner_text()
    shot(page, "ui-follow-up")


def test_abstains_when_the_articles_do_not_say(page):
    answer = ask(page, "南昌7月20日新增多少例？")
    assert answer.locator(".nq-badge").count() == 1


def test_corpus_panel_lists_and_filters_articles(page):
    page.get_by_role("tab", name="语料库").click()
    page.locator(".nq-table").wait_for(timeout=WAIT_MS)
    assert page.locator(".nq-row").count() >= 5
    page.fill("#nq-search textarea, #nq-search input", "长春")
    page.wait_for_function("[...document.querySelectorAll('.nq-row')].every(r => r.innerText.includes('长春'))",
                           timeout=WAIT_MS)
    rows = page.locator(".nq-row")
    assert 1 <= rows.count() < 5
    rows.first.click()
    page.locator(".nq-drawer .nq-article-body").wait_for(timeout=WAIT_MS)
    assert "长春" in page.locator(".nq-drawer").inner_text()
    shot(page, "ui-corpus")


def test_english_toggle_switches_the_labels(page):
    page.get_by_text("English", exact=True).click()
    page.get_by_role("tab", name="Corpus").wait_for(timeout=WAIT_MS)
    assert "News Q&A" in page.locator(".nq-header h1").inner_text()


def test_untrusted_article_text_is_shown_literally_and_never_runs(page, tmp_path):
    evil = tmp_path / "ganzhou.md"
    evil.write_text(EVIL, encoding="utf-8")
    title = page.title()
    page.get_by_role("tab", name="上传文章").click()
    page.locator("#nq-files input[type=file]").set_input_files(str(evil))
    page.locator("#nq-upload").click()
    report = page.locator("#nq-report .nq-report")
    report.wait_for(timeout=WAIT_MS)
    assert report.locator(".nq-stat b").first.inner_text() in ("1", "0")  # 0 when an earlier run stored it

    page.get_by_role("tab", name="问答").click()
    answer = ask(page, "赣州5月1日新增多少例")
    assert "<img src=x onerror=" in answer.inner_text()
    card = page.locator(".nq-card").last
    assert "<img src=x onerror=" in card.locator(".nq-card-title").inner_text()
    assert "<b onmouseover=" in card.locator(".nq-card-meta").inner_text()
    card.click()
    body = page.locator(".nq-drawer .nq-article-body")
    body.wait_for(timeout=WAIT_MS)
    assert "<script>window.__nqPwned='script'" in body.inner_text()

    shot(page, "ui-untrusted-article")
    page.keyboard.press("Escape")
    page.locator(".nq-drawer").wait_for(state="detached", timeout=WAIT_MS)
    page.get_by_role("tab", name="语料库").click()
    page.fill("#nq-search textarea, #nq-search input", "赣州")
    page.wait_for_function("[...document.querySelectorAll('.nq-row')].some(r => r.innerText.includes('onerror'))",
                           timeout=WAIT_MS)
    page.wait_for_timeout(500)  # give any injected handler the chance to fire
    shot(page, "ui-untrusted")
    assert page.evaluate("window.__nqPwned") is None
    assert page.title() == title
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], [onerror], [onmouseover]').length") == 0
    assert page.errors == []


@pytest.fixture(scope="session")
def series_server(settings, embedder, tmp_path_factory):
    """A server of its own over the generated daily reports of 南昌 and 赣州 (tests/series_data.py)."""
    base = tmp_path_factory.mktemp("series-ui")
    s = launch(series_store(base, settings, embedder), settings, base / "serve.log")
    try:
        wait_ready(s)
        yield s
    finally:
        s.stop()


def test_series_question_draws_a_chart_whose_points_light_their_cards_and_open_their_articles(browser, series_server):
    ctx, page = open_chat(browser, series_server.url)
    answer = ask(page, "南昌7月1日至7日每天新增本土确诊病例多少例？")
    assert "7月5日｜缺" in answer.inner_text()
    chart = page.locator("svg.nq-chart")
    chart.wait_for(timeout=WAIT_MS)
    points = chart.locator("g.nq-point")
    assert points.count() == 7  # six days with a figure, one of them reported twice; the gap is a cross
    assert chart.locator("g.nq-gap").count() == 1
    assert chart.locator("g.nq-point-differ").count() == 1
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    labels = [points.nth(i).locator("text").text_content() for i in range(points.count())]
    assert labels == ["5例", "7例", "2例", "6例", "8例", "11例", "4例"]
    page.wait_for_timeout(1000)  # the chat's autoscroll to the new message ends first
    chart.evaluate("el => el.scrollIntoView({block: 'center'})")
    shot(page, "ui-series-chart")

    to = points.nth(4).evaluate("el => [...el.classList].find((c) => c.startsWith('nq-to-'))")
    assert to, "a point names the citation card it belongs to"
    points.nth(4).locator("circle").click()  # the re-report's 8例
    card = page.locator(f".nq-card.nq-cite-{to.removeprefix('nq-to-')}.nq-flash")
    card.wait_for(timeout=WAIT_MS)  # its citation card lights up…
    assert "8例" in card.inner_text()
    hit = page.locator(".nq-drawer #nq-hit")  # …and its article opens at the quote
    hit.wait_for(timeout=WAIT_MS)
    assert "8例" in hit.inner_text() and "经复核" in hit.inner_text()
    shot(page, "ui-series-article")
    assert page.errors == []
    ctx.close()
