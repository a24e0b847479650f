import json
from datetime import date

import pytest

from ingest.load import LoadError, discover, load_file
from tests.conftest import SAMPLE, SEED, crud_lines


def one(path):
    articles, problems = load_file(path)
    assert len(articles) == 1 and not problems
    return articles[0]


def test_hexo_front_matter_gives_title_date_source_categories():
    a = one(SEED["changzhou"])
    assert a.title == "最新消息！江苏常州新增无症状感染者38例"
    assert a.published == date(2022, 3, 20)
    assert a.source == "趣头条"
    assert a.categories == ["新媒体", "趣头条", "分类"]
    assert "新增本土无症状感染者38例" in a.body


def test_html_body_loses_tags_images_styles_comments_and_qr_blocks():
    a = one(SEED["changchun"])
    for junk in ("<", "appendQr", "&#123;", "{", "海量资讯", "正文下iframe", "sinaimg", "news_keyword"):
        assert junk not in a.body
    assert "4月3日0-24时，长春市新增本地确诊病例574例" in a.body
    assert a.body.count("\n\n") >= 10, "paragraph breaks are kept"


def test_html_paragraphs_do_not_start_with_ideographic_spaces():
    a = one(SEED["jilin"])
    assert all(not p.startswith("\u3000") for p in a.body.split("\n\n"))


def test_scraped_page_title_is_first_heading_and_date_from_publish_line():
    a = one(SEED["nanchang"])
    assert a.title == "南昌市举行新冠肺炎疫情防控第二十四场新闻发布会"
    assert a.published == date(2022, 7, 17)
    assert not a.body.startswith("南昌市举行"), "the title line is not repeated in the body"
    assert "发布日期" not in a.body


def test_scraped_page_without_date_keeps_source_from_reprint_notice():
    a = one(SEED["changchun_scrubbed"])
    assert a.title == "本轮长春市疫情防控工作第17场新闻发布会"
    assert a.published is None
    assert a.source == "www.1xbbk.net"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_encoding_is_detected(tmp_path, encoding):
    text = SEED["nanchang"].read_text(encoding="utf-8").replace("\xa0", " ")
    f = tmp_path / f"page-{encoding}.txt"
    f.write_bytes(text.encode(encoding))
    utf8 = tmp_path / "page-utf8.txt"
    utf8.write_text(text, encoding="utf-8")
    assert one(f).body == one(utf8).body


def test_big5_traditional_page_is_read(tmp_path):
    text = "台北市政府新聞稿\n\n發布日期: 2022-05-01\n\n臺北市昨日新增本土確診病例一千二百例，市府呼籲民眾配合防疫措施。"
    f = tmp_path / "big5.txt"
    f.write_bytes(text.encode("big5"))
    a = one(f)
    assert "新增本土確診病例" in a.body
    assert a.published == date(2022, 5, 1)


def test_crud_lines_file_gives_one_article_per_line_with_date(tmp_path):
    f = tmp_path / "news.txt"
    f.write_text("\n".join(crud_lines(3)) + "\n", encoding="utf-8")
    articles, problems = load_file(f)
    assert len(articles) == 3 and not problems
    assert articles[0].published == date(2023, 7, 28)
    assert articles[0].body.startswith("人民网柏林7月28日电")
    assert not articles[0].body.startswith("[")


def test_jsonl_rows_with_bad_lines_report_them_and_keep_the_rest(tmp_path):
    f = tmp_path / "feed.jsonl"
    rows = [json.dumps({"title": "甲", "content": "南昌市7月16日新增9例。", "date": "2022-07-17"}, ensure_ascii=False),
            "{not json",
            json.dumps({"title": "乙"}, ensure_ascii=False),
            json.dumps({"title": "丙", "text": "<p>长春市新增574例。</p>", "published": "2022-04-04"}, ensure_ascii=False)]
    f.write_text("\n".join(rows), encoding="utf-8")
    articles, problems = load_file(f)
    assert [a.title for a in articles] == ["甲", "丙"]
    assert articles[1].body == "长春市新增574例。"
    assert len(problems) == 2 and problems[0].startswith("line 2")


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (bytes(range(256)) * 40, "binary"),
    ("---\ntitle: [unclosed\n---\n<p>正文。</p>".encode(), "broken front matter"),
    ("---\ntitle: 只有标题\n---\n".encode(), "no article text"),
])
def test_bad_files_raise_a_clear_reason(tmp_path, content, reason):
    f = tmp_path / "bad.md"
    f.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load_file(f)


def test_discover_walks_directories_globs_and_survives_symlink_loops(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "x.txt").write_text("一。", encoding="utf-8")
    (tmp_path / "a" / "b" / "y.md").write_text("二。", encoding="utf-8")
    (tmp_path / "a" / "b" / "skip.pptx").write_bytes(b"%PDF")
    (tmp_path / "a" / "b" / "loop").symlink_to(tmp_path / "a")
    files, problems = discover([str(tmp_path / "a")])
    assert sorted(f.name for f in files) == ["x.txt", "y.md"]
    files, problems = discover([str(tmp_path / "a" / "**" / "*.md"), str(tmp_path / "missing")])
    assert [f.name for f in files] == ["y.md"]
    assert problems == [(str(tmp_path / "missing"), "no such file or directory")]


def test_sample_directory_has_five_articles():
    files, problems = discover([str(SAMPLE)])
    assert len(files) == 5 and not problems
