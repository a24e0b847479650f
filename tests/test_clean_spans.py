"""Footers glued to the end of a body line: the footer goes, the body sentences before it stay."""

import re

import pytest

from ingest.clean import RULES, SPAN_RULES, clean_lines, footer_span
from ingest.html_text import tidy
from ingest.load import LoadError, load_file
from tests.conftest import SEED, crud_lines
from tests.test_clean import raw_text
from zhtext.sentences import split_sentences

BODY = "今年全市小麦总产量为12.6亿斤，比上年增长3.2%。"


@pytest.mark.parametrize(("rule", "footer"), [
    ("icp", "吉ICP备05002247号-1"),
    ("police_record", "吉公网安备 22010202000123号"),
    ("site_code", "网站标识码：2201000001"),
    ("copyright", "Copyright © 2023 长春市人民政府"),
    ("report_hotline", "违法和不良信息举报电话：12377 举报邮箱：jubao@12377.cn"),
    ("site_disclaimer", "本网站所刊载信息，不代表本站观点。如需转载，请注明出处。"),
    ("reprint_ban", "海外网独家稿件，未经授权不得转载。"),
    ("rights_owner", "版权归原作者所有，如有侵权请联系删除"),
    ("editor_inline", "（责任编辑：张三 审核：李四）"),
    ("related_links", "相关新闻：长春小麦丰收 吉林夏粮总产创新高 相关阅读 全省夏粮收购进度过半"),
    ("permalink", "本文链接：https://sy.rednet.cn/content/646741/68/12892425.htm"),
    ("sohu_more", "返回搜狐，查看更多"),
    ("site_owner", "主办单位：长春市人民政府办公室 承办单位：长春市政务服务和数字化建设管理局"),
    ("rights_reserved", "长春市人民政府 版权所有 技术支持：吉林某某科技"),
    ("site_support", "技术支持：吉林某某科技 网站维护：长春某某网络"),
    ("contact", "地址：长春市人民大街 电话：0431-88888888 吉ICP备05002247号"),
    ("correction_link", "【纠错】 【责任编辑：邱丽芳】"),
])
def test_footer_after_a_body_sentence_is_cut_and_the_sentence_kept(rule, footer):
    line = f"{BODY} {footer}"
    assert rule in footer_span(line).rules
    clean, dropped = clean_lines(line)
    assert clean == BODY
    assert [text for _, text in dropped] == [footer]


def test_issue_example_keeps_the_news_and_drops_the_whole_footer_cluster():
    footer = "主办单位：XX市人民政府办公室 承办单位：XX市大数据局 京ICP备12345号 网站标识码：1101000001"
    clean, dropped = clean_lines(f"据统计，全市小麦总产量为12.6亿斤。 {footer}")
    assert clean == "据统计，全市小麦总产量为12.6亿斤。"
    assert dropped == [("icp", footer)]


@pytest.mark.parametrize("line", [
    "本次活动主办单位为市文旅局，承办单位为市图书馆，活动将持续三天。",
    "主办单位：市文旅局",  # one line of an event notice: a single cluster item is not a footer
    "主办单位：市文旅局。活动将持续三天。",
    "该网站版权所有方为北京五八信息技术有限公司，企业注册资本1000万人民币。",
    "该杂志编辑：张三认为这本书很有价值。",
    "他在一家杂志当编辑：工作很忙。",
    "编辑部表示，责任编辑：张三已经离职，后续稿件由李四负责。",
    "记者从网信办获悉，违法和不良信息举报电话12377全年受理举报超过万件。",
    "美军士兵在未经授权的情况下越过军事分界线。",
    "任由流量明星和相关新闻占据互联网关注度，淹没真正具有社会价值的信息。",
    "中国队队长（C）曲宗帅，主力阵容如下：张三 李四",
    "报名请到活动现场。地址：市图书馆一楼 电话：0431-12345678",  # contact details alone are news
])
def test_body_sentences_that_mention_footer_words_survive(line):
    assert clean_lines(line) == (line, [])


def test_a_footer_marker_in_mid_line_leaves_the_line_alone():
    line = f"吉ICP备05002247号显示，该网站由某公司运营。{BODY}"
    assert clean_lines(line) == (line, [])


def test_a_line_that_is_only_footer_is_dropped_whole():
    line = "主办单位：长春市人民政府办公室 承办单位：长春市大数据局 吉ICP备05002247号"
    assert clean_lines(f"{BODY}\n\n{line}") == (BODY, [("icp", line)])


def test_a_footer_only_page_is_reported_as_having_no_article_text(tmp_path):
    page = tmp_path / "footer.txt"
    page.write_text("主办单位：长春市人民政府办公室 承办单位：长春市大数据局\n"
                    "吉ICP备05002247号-1 吉公网安备 22010202000123号 网站标识码：2201000001\n"
                    "违法和不良信息举报电话：12377\n", encoding="utf-8")
    with pytest.raises(LoadError, match="no article text found"):
        load_file(page)


def test_a_page_whose_last_line_carries_the_footer_keeps_that_line(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(f"全市夏粮喜获丰收\n{BODY} 主办单位：长春市人民政府办公室 承办单位：长春市大数据局 "
                    "吉ICP备05002247号\n", encoding="utf-8")
    article = load_file(page)[0][0]
    assert article.title == "全市夏粮喜获丰收"
    assert article.body == BODY


def test_span_rules_are_named_data_with_reasons():
    names = [r.name for r in SPAN_RULES]
    assert len(names) == len(set(names)) and not set(names) & {r.name for r in RULES}
    assert all(r.why for r in SPAN_RULES)
    assert {r.kind for r in SPAN_RULES} == {"anchor", "tail", "cluster", "companion"}


# --- Property: cleaning loses no body sentence ---------------------------------------------------

_EDGE = " \t（(【[《“*"


def _lost_pieces(raw: str, kept: str) -> list[str]:
    """What of each sentence of ``raw`` is missing from ``kept``: a whole sentence, or the end of one
    (the part after where a footer was cut, the kept part ending a paragraph)."""
    paras = kept.split("\n\n")
    lost = []
    for s, e in split_sentences(raw):
        sentence = raw[s:e]
        if sentence in kept:
            continue
        heads = (sentence[:k].rstrip(_EDGE) for k in range(len(sentence) - 1, 0, -1))
        head = next((h for h in heads if h and any(p.endswith(h) for p in paras)), "")
        lost.append(sentence[len(head):].strip())
    return lost


def _is_boilerplate(piece: str) -> bool:
    """The piece is boilerplate by a rule of its own: cleaning it alone leaves nothing."""
    return clean_lines(tidy(piece))[0] == ""


def _crud_sample() -> list[str]:
    return crud_lines(6000)[::19]


@pytest.mark.parametrize("seed", list(SEED))
def test_cleaning_a_seed_loses_no_body_sentence(seed):
    article = load_file(SEED[seed])[0][0]
    lost = _lost_pieces(raw_text(SEED[seed]), f"{article.title or ''}\n\n{article.body}")
    assert [p for p in lost if not _is_boilerplate(p)] == []


def test_cleaning_crud_news_loses_no_body_sentence(tmp_path):
    lines = _crud_sample()
    assert len(lines) >= 300
    dump = tmp_path / "crud.txt"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles = {a.index: a for a in load_file(dump, "lines")[0]}
    bad = {}
    for n, line in enumerate(lines, 1):
        raw = tidy(re.split(r"正文\s*[:：]", line, maxsplit=1)[1])
        kept = articles[n].body if n in articles else ""
        lost = _lost_pieces(raw, kept)
        real = [p for p in lost if not _is_boilerplate(p)]
        if real:
            bad[n] = real
        assert sum(map(len, lost)) <= 150, f"line {n}: cleaning took {lost}"
    assert bad == {}
