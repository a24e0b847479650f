import re

import pytest

from ingest.clean import RULES, clean_lines
from ingest.html_text import html_to_text, tidy
from ingest.load import load_file
from tests.conftest import SEED
from zhtext.sentences import split_sentences


def raw_text(path):
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("---"):
        return html_to_text(text.split("---", 2)[2])[0]
    return tidy(text)


@pytest.mark.parametrize(("seed", "rule", "line"), [
    ("nanchang", "breadcrumb", "您当前所在位置:首页 > 新闻发布会"),
    ("nanchang", "baidu_map", "Baidu"),
    ("nanchang", "baidu_map", "map"),
    ("nanchang", "published_line", "发布日期: 2022-07-17"),
    ("changchun_scrubbed", "spam_link", "哪里治白癜风的医院好\xa0http://pf.39.net/bdfyy/zjft/170416/5291113.html"),
    ("changchun_scrubbed", "reprint_notice", "转载请注明地址:http://www.1xbbk.net/jwbls/1566.html"),
    ("changchun_scrubbed", "prev_next", "上一篇文章:"),
    ("changchun_scrubbed", "prev_next", "下一篇文章:"),
    ("changchun_scrubbed", "site_menu", "网站简介 广告合作 发布优势 服务条款 隐私保护 网站地图 版权声明"),
    ("changchun_scrubbed", "icp", "冀ICP备19027023号-7"),
    ("changzhou", "editor_credit", "编辑：王宇"),
    ("changzhou", "editor_credit", "审核：朱丽"),
    ("changchun", "editor_credit", "责任编辑：蒋晓桐"),
    ("jilin", "editor_credit", "责任编辑：李昂"),
])
def test_each_rule_drops_its_line_from_the_seed_that_has_it(seed, rule, line):
    _, dropped = clean_lines(raw_text(SEED[seed]))
    assert (rule, line) in dropped
    body = load_file(SEED[seed])[0][0].body
    assert line not in body.split("\n\n")


def test_rules_are_named_data_with_reasons():
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert all(r.why for r in RULES)


@pytest.mark.parametrize("seed", list(SEED))
def test_every_body_sentence_of_every_seed_survives(seed):
    raw = raw_text(SEED[seed])
    body = load_file(SEED[seed])[0][0].body
    sentences = [raw[s:e] for s, e in split_sentences(raw)]
    body_sentences = [s for s in sentences if (re.search(r"[。！？]", s) or len(s) >= 40) and "http" not in s]
    assert len(body_sentences) >= 8
    missing = [s for s in body_sentences if s not in body]
    assert not missing


def test_body_sentences_that_look_like_boilerplate_words_are_kept():
    text = "转载自新华社的报道称，当地新增病例3例。\n\n编辑部表示，这是当地首次报告。\n\n请访问 http://example.com 了解南昌市新增病例的详细情况和防控措施。"
    clean, dropped = clean_lines(tidy(text))
    assert not dropped
    assert clean.count("\n\n") == 2


def test_a_one_line_article_citing_a_www_address_keeps_its_text():
    """The spam_link rule read "www.thepaper.cn）从水利部获悉…" as one URL and dropped 24 crud_news articles."""
    line = "7月20日，澎湃新闻（www.thepaper.cn）从水利部获悉，滇中引水工程龙树山隧洞日前顺利贯通。"
    assert clean_lines(line) == (line, [])


def test_a_one_line_article_naming_three_menu_words_keeps_its_text():
    line = "读者可以通过联系我们、投稿和友情链接等栏目参与，编辑部将在三个工作日内回复。"
    assert clean_lines(line) == (line, [])
