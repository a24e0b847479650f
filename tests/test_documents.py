"""PDF and Word articles: real documents written in the test (python-docx, ReportLab with its built-in
CJK font), read back through ingest.load, the pipeline and the upload endpoint."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from ingest.documents import (
    JUNK_DATES,
    JUNK_TITLES,
    PAGE_FURNITURE,
    _page_lines,
    pdf_paragraphs,
    real_date,
    real_title,
)
from ingest.load import EXTENSIONS, LoadError, load_file
from ingest.pipeline import ingest_paths
from ingest.prepare import prepare
from newsqa.uploads import UPLOAD_TYPES, stage
from storage.store import open_store

TITLE = "南昌市举行新冠肺炎疫情防控第二十四场新闻发布会"
PARAS = [
    "7月16日0时至24时，南昌市新增报告9例阳性感染者，其中2例在集中隔离点检出（均在南昌县），7例在核酸筛查中检出，"
    "其中，西湖区6例、新建区1例。经定点医院诊断，2例为确诊病例（轻型），7例为无症状感染者。",
    "目前，南昌市有中风险区3个，分别为南昌县莲塘镇某小区、西湖区某街道和新建区某村。所有风险区均已实行封控管理，"
    "严格落实“区域封闭、足不出户、服务上门”措施，确保风险人员应检尽检、应管尽管。",
    "市疫情防控指挥部提醒广大市民，坚持戴口罩、勤洗手、常通风、少聚集，主动配合核酸检测。",
]

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
GAPPED = ParagraphStyle("gapped", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK", spaceAfter=12)
INDENTED = ParagraphStyle("indented", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK",
                          firstLineIndent=24)


def write_pdf(paragraphs: list[str], style=GAPPED, page_numbers: bool = False, **doc) -> bytes:
    buf = io.BytesIO()

    def number(c, d):
        c.setFont("Helvetica", 9)
        c.drawCentredString(A4[0] / 2, 30, f"- {d.page} -")

    SimpleDocTemplate(buf, pagesize=A4, **doc).build(
        [Paragraph(p, style) for p in paragraphs], **({"onFirstPage": number, "onLaterPages": number}
                                                      if page_numbers else {}))
    return buf.getvalue()


def pdf_pages(pages: list[str | None]) -> bytes:
    """One PDF page per entry: a line of Chinese text, or (None) only a drawn rectangle, as a scan's
    image would be: something on the page, no text layer."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for text in pages:
        if text is None:
            c.rect(72, 72, 400, 600, fill=1)
        else:
            c.setFont("STSong-Light", 12)
            c.drawString(72, 760, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def with_pdf_metadata(data: bytes, **meta: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.add_metadata({f"/{k}": v for k, v in meta.items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_docx(paragraphs: list[str], title: str | None = None, created: datetime | None = None) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if title is not None:
        document.core_properties.title = title
    if created is not None:
        document.core_properties.created = created
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def load(tmp_path: Path, name: str, data: bytes, fmt: str = "auto"):
    path = tmp_path / name
    path.write_bytes(data)
    return load_file(path, fmt)


# --- Word ---

def test_docx_takes_title_and_date_from_its_properties_and_keeps_its_paragraphs(tmp_path):
    data = write_docx([TITLE, *PARAS], title=TITLE, created=datetime(2022, 7, 17, 2, 0, tzinfo=UTC))
    [article], warnings = load(tmp_path, "nanchang.docx", data)
    assert article.title == TITLE and article.published == date(2022, 7, 17) and warnings == []
    assert article.body.split("\n\n") == PARAS, "the title paragraph that repeats the property is not body text"


def test_docx_date_line_wins_over_the_files_creation_date(tmp_path):
    data = write_docx([TITLE, "发布日期：2022-07-17", *PARAS], created=datetime(2023, 3, 1, tzinfo=UTC))
    [article], _ = load(tmp_path, "a.docx", data)
    assert article.title == TITLE and article.published == date(2022, 7, 17)
    assert article.body.split("\n\n")[-len(PARAS):] == PARAS


def test_docx_without_properties_takes_its_first_full_date_not_the_python_docx_template_date(tmp_path):
    data = write_docx([TITLE, "南昌发布 2022年7月17日", *PARAS])  # created stays the template's 2013-12-23
    [article], _ = load(tmp_path, "a.docx", data)
    assert article.title == TITLE and article.published == date(2022, 7, 17)


def test_docx_table_rows_become_paragraphs(tmp_path):
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("西湖区", "6例"), ("新建区", "1例")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    buf = io.BytesIO()
    document.save(buf)
    [article], _ = load(tmp_path, "t.docx", buf.getvalue())
    assert article.body == "西湖区 6例\n\n新建区 1例"


# --- PDF ---

@pytest.mark.parametrize("style", [GAPPED, INDENTED], ids=["spaced paragraphs", "first-line indents"])
def test_pdf_chinese_text_layer_comes_back_as_the_written_paragraphs(tmp_path, style):
    data = write_pdf([TITLE, "发布日期：2022-07-17", *PARAS * 6], style=style, page_numbers=True)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 2, "the article must flow over a page break"
    [article], warnings = load(tmp_path, "nanchang.pdf", data)
    assert warnings == []
    assert article.title == TITLE, "ReportLab's '(anonymous)' title property is no headline"
    assert article.published == date(2022, 7, 17)
    assert article.body.split("\n\n") == PARAS * 6, "wrapped lines rejoined, page numbers dropped"


def test_pdf_title_and_creation_date_properties_are_used(tmp_path):
    data = with_pdf_metadata(write_pdf([TITLE, *PARAS]), Title="南昌疫情通报", CreationDate="D:20220717100000+08'00'")
    [article], _ = load(tmp_path, "a.pdf", data)
    assert (article.title, article.published) == ("南昌疫情通报", date(2022, 7, 17))
    assert article.body.split("\n\n") == [TITLE, *PARAS]


def test_pdf_is_read_as_a_document_whatever_format_is_asked(tmp_path):
    [article], _ = load(tmp_path, "a.pdf", write_pdf([TITLE, *PARAS]), fmt="text")
    assert article.body.split("\n\n") == PARAS


@pytest.mark.parametrize("name,data", [("a.pdf", write_pdf([TITLE, "发布日期：2022-07-17", *PARAS * 3])),
                                       ("a.docx", write_docx([TITLE, "发布日期：2022-07-17", *PARAS * 3]))])
def test_chunk_offsets_slice_the_clean_body_exactly(tmp_path, name, data):
    [raw], _ = load(tmp_path, name, data)
    prepared = prepare(raw, chunk_size=120)
    assert len(prepared.chunks) >= 3
    for chunk in prepared.chunks:
        assert prepared.article.body[chunk.start:chunk.end] == chunk.text
    assert "9例阳性感染者" in prepared.chunks[0].text


def test_scanned_page_is_reported_and_the_other_pages_load(tmp_path):
    [article], warnings = load(tmp_path, "scan.pdf", pdf_pages([PARAS[0], None, PARAS[2]]))
    assert warnings == ["page 2 has no text layer (a scan?): run OCR first"]
    assert PARAS[0][:40] in article.body and PARAS[2][:40] in article.body


def test_pdf_with_no_text_at_all_fails_saying_run_ocr(tmp_path):
    with pytest.raises(LoadError, match=r"page 1 has no text layer \(a scan\?\): run OCR first"):
        load(tmp_path, "scan.pdf", pdf_pages([None]))
    with pytest.raises(LoadError, match=r"none of its 2 pages has a text layer \(a scan\?\): run OCR first"):
        load(tmp_path, "scan2.pdf", pdf_pages([None, None]))


def test_encrypted_pdf_fails_saying_to_save_an_unprotected_copy(tmp_path):
    with pytest.raises(LoadError, match="encrypted PDF: it needs a password.*unprotected copy"):
        load(tmp_path, "locked.pdf", write_pdf([TITLE, *PARAS], encrypt="secret"))


def test_pdf_with_only_an_owner_password_opens(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption

    data = write_pdf([TITLE, *PARAS], encrypt=StandardEncryption("", ownerPassword="owner", canPrint=0))
    assert pypdf.PdfReader(io.BytesIO(data)).is_encrypted
    [article], _ = load(tmp_path, "restricted.pdf", data)
    assert article.body.split("\n\n") == PARAS


@pytest.mark.parametrize("name,data,why", [
    ("cut.pdf", write_pdf([TITLE, *PARAS])[:1500], "damaged or truncated PDF"),
    ("cut.docx", write_docx([TITLE, *PARAS])[:4000], "damaged or truncated Word file"),
    ("page.pdf", b"<html><body>not a pdf</body></html>", "not a PDF file"),
])
def test_broken_document_fails_naming_the_problem_and_the_fix(tmp_path, name, data, why):
    with pytest.raises(LoadError, match=why) as err:
        load(tmp_path, name, data)
    assert "ingest that" in str(err.value) or "real extension" in str(err.value)


# --- the rules, each on an example ---

@pytest.mark.parametrize("rule,example", [(0, "Microsoft Word - 通报.docx"), (1, "2022-07-17通报.pdf"),
                                          (2, "无标题"), (2, "Document1"), (3, "(anonymous)")])
def test_placeholder_titles_are_not_headlines(rule, example):
    assert JUNK_TITLES[rule][0].search(example)
    assert real_title(example) is None
    assert real_title(" 南昌市新冠肺炎疫情情况通报 ") == "南昌市新冠肺炎疫情情况通报"


def test_python_docx_template_date_is_not_a_published_date():
    assert real_date(datetime(2013, 12, 23, 23, 15, tzinfo=UTC)) is None
    assert JUNK_DATES[0][0] == datetime(2013, 12, 23, 23, 15, tzinfo=UTC)
    assert real_date(datetime(2022, 7, 17, tzinfo=UTC)) == date(2022, 7, 17)


@pytest.mark.parametrize("rule,line", [(0, "3"), (0, "- 12 -"), (1, "第 3 页 共 5 页"), (2, "Page 3 of 5"), (2, "3/5")])
def test_page_furniture_lines_are_dropped(rule, line):
    class Page:  # what pypdf hands back for a page: its layout text
        def extract_text(self, extraction_mode="plain"):
            return f"   {line}\n\n  南昌市新增报告9例。\n\n        {line}\n"

    assert PAGE_FURNITURE[rule][0].match(line)
    assert _page_lines(Page()) == ["  南昌市新增报告9例。"]


def test_pdf_lines_rejoin_into_paragraphs_by_gap_indent_and_short_last_line():
    full = "一" * 20
    page1 = [full, full[:-1] + "，", "  新段落" + full[:14], full, "短句结束。", "下一段" + full[:17], "", full]
    page2 = [full + "。", "", "The quick brown", "fox jumps."]
    assert pdf_paragraphs([page1, page2]) == [
        full + full[:-1] + "，",  # wrapped lines rejoin with nothing between
        "新段落" + full[:14] + full + "短句结束。",  # an indent opens a paragraph
        "下一段" + full[:17],  # a short line ending a sentence closes one
        full + full + "。",  # a paragraph goes on over a page break; a blank line opened this one
        "The quick brown fox jumps.",  # wrapped English keeps its space
    ]


# --- pipeline and upload ---

def test_a_run_with_a_good_and_a_bad_document_stores_the_good_one(settings, embedder, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.docx").write_bytes(write_docx([TITLE, *PARAS], created=datetime(2022, 7, 17, tzinfo=UTC)))
    (folder / "scan.pdf").write_bytes(pdf_pages([PARAS[0], None]))
    (folder / "locked.pdf").write_bytes(write_pdf(PARAS, encrypt="secret"))
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 truncated")
    s = settings.with_(store=tmp_path / "store")
    store = open_store(s)
    report = ingest_paths([str(folder)], s, store=store, embedder=embedder)
    failed = {Path(f.path).name: f.error for f in report.failed}
    assert set(failed) == {"locked.pdf", "broken.docx"} and "encrypted PDF" in failed["locked.pdf"]
    assert [(Path(w.path).name, w.error) for w in report.warnings] == [
        ("scan.pdf", "page 2 has no text layer (a scan?): run OCR first")]
    assert (report.files, report.articles) == (4, 2)
    hit = store.chunks.get(where_document={"$contains": "南昌市新增报告9例阳性感染者"}, include=["metadatas", "documents"])
    by_file = {Path(m["path"]).name: (m, d) for m, d in zip(hit["metadatas"], hit["documents"], strict=True)}
    meta, text = by_file["good.docx"]
    assert meta["published"] == 20220717
    body = store.articles.get(ids=[meta["doc_id"]], include=["documents"])["documents"][0]
    assert body[meta["start"]:meta["end"]] == text


def test_upload_types_are_the_ingest_extensions_and_zip():
    assert set(UPLOAD_TYPES) == EXTENSIONS | {".zip"} and {".pdf", ".docx"} <= set(UPLOAD_TYPES)


def test_staged_docx_is_kept_whole_not_unpacked_as_a_zip(tmp_path):
    data = write_docx([TITLE, *PARAS])
    staged = stage([("通报.docx", io.BytesIO(data)), ("scan.pdf", io.BytesIO(pdf_pages([PARAS[0]])))], tmp_path)
    assert staged.rejected == [] and sorted(p.name for p in staged.paths) == ["scan.pdf", "通报.docx"]
    assert next(p for p in staged.paths if p.suffix == ".docx").read_bytes() == data


def test_docx_uploaded_through_the_api_is_ingested_and_answers(settings, embedder, tmp_path):
    from tests.live_server import launch, post_json, upload, wait_ready

    store = tmp_path / "store"
    s = settings.with_(store=store)
    seeded = ingest_paths([str(Path(__file__).parent.parent / "data" / "sample" / "000_0dd84e10d465ffc2.txt")], s,
                          store=open_store(s), embedder=embedder)
    assert seeded.articles == 1
    server = launch(store, settings, tmp_path / "serve.log", NEWSQA_ALLOW_UPLOAD="1")
    try:
        wait_ready(server)
        data = write_docx([TITLE, *PARAS], created=datetime(2022, 7, 17, 4, tzinfo=UTC))
        status, report = upload(server.url, [("南昌通报.docx", data)])
        assert status == 200, report
        assert report["articles"] == 1 and not report["failed"], json.dumps(report, ensure_ascii=False)
        _, out = post_json(server.url + "/api/ask", {"question": "南昌7月16日新增多少例？"})
        assert not out["abstained"] and "9例" in out["answer"], out
        assert out["citations"][0]["path"].endswith(".docx")
    finally:
        server.stop()
