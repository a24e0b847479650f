"""PDF (text layer) and Word .docx bytes → the text and metadata of one article.

These are binaries, so they never go through encoding detection: each reader opens the file
with its own library (pypdf, python-docx) and gives back plain paragraphs, one per line, which
ingest.load then treats like a scraped page (boilerplate rules, title, date lines). A problem with
the whole file raises ``DocumentError`` saying what to do; a problem with part of it (a scanned
page) is a warning and the rest still loads.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from zhtext.dates import parse_published


class DocumentError(ValueError):
    """A PDF or Word file that cannot be read at all; the message says why and what to do."""


@dataclass
class DocumentText:
    """What a document reader found: paragraphs in reading order and the file's own metadata."""

    paragraphs: list[str]
    title: str | None = None  # from the document properties, when it is a real title
    published: date | None = None  # from the document properties
    warnings: list[str] = field(default_factory=list)


# Metadata titles that are not headlines: (pattern, why it is not one).
JUNK_TITLES = (
    (re.compile(r"^Microsoft Word - "), "Word's PDF printer writes 'Microsoft Word - <file name>' as the title"),
    (re.compile(r"\.(?:docx?|pdf|wps|txt)$", re.I), "a file name, not a headline"),
    (re.compile(r"^(?:untitled|无标题|新建\s*\S*文档|文档\s*\d*|document\s*\d*)$", re.I),
     "an editor's placeholder for a document nobody named"),
    (re.compile(r"^\((?:anonymous|unspecified)\)$"), "ReportLab's placeholder when the writer set no title"),
)

# Metadata timestamps that are not the article's: (timestamp, why).
JUNK_DATES = (
    (datetime(2013, 12, 23, 23, 15, tzinfo=UTC),
     "python-docx's default template carries this creation time into every file it makes"),
)

# Lines of a PDF page that are not article text: (pattern, why).
PAGE_FURNITURE = (
    (re.compile(r"^[-—–\s]*\d{1,4}[-—–\s]*$"), "a page number ('3', '- 3 -')"),
    (re.compile(r"^第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"), "a '第 3 页 共 5 页' footer"),
    (re.compile(r"^(?:page\s*)?\d{1,4}\s*(?:/|of)\s*\d{1,4}$", re.I), "a 'Page 3 of 5' footer"),
)

_SENTENCE_END = tuple("。！？!?”」』…；;")
_INDENT = 2  # layout columns a line must stand in from the page's margin to open a paragraph
_SHORT = 0.8  # a line narrower than this share of the page's widest line can end a paragraph


def no_text_layer(page: int) -> str:
    return f"page {page} has no text layer (a scan?): run OCR first"


def read_pdf(data: bytes) -> DocumentText:
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    if b"%PDF" not in data[:1024]:
        raise DocumentError("not a PDF file (no %PDF header): check the file, or give it its real extension")
    with _quiet("pypdf"):
        try:
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise DocumentError("encrypted PDF: it needs a password to open; save an unprotected copy "
                                    "(open it and print or export to PDF) and ingest that")
            pages = list(reader.pages)
        except DocumentError:
            raise
        except DependencyError as err:
            raise DocumentError(f"encrypted PDF that needs an extra package to open ({err}): pip install "
                                "cryptography, or save an unprotected copy") from None
        except FileNotDecryptedError:
            raise DocumentError("encrypted PDF: it needs a password to open; save an unprotected copy "
                                "and ingest that") from None
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as err:
            raise DocumentError(f"damaged or truncated PDF ({type(err).__name__}: {err}); open it in a PDF "
                                "reader and save or export a fresh copy, then ingest that") from None
        warnings: list[str] = []
        page_lines: list[list[str]] = []
        for n, page in enumerate(pages, 1):
            try:
                lines = _page_lines(page)
            except Exception as err:  # noqa: BLE001 — one unreadable page must not lose the others
                warnings.append(f"page {n}: cannot extract its text ({type(err).__name__}); it was left out")
                continue
            if not lines:
                warnings.append(no_text_layer(n))
            page_lines.append(lines)
        meta = _pdf_metadata(reader)
    paragraphs = pdf_paragraphs(page_lines)
    if not paragraphs:
        if len(pages) == 1 and warnings:
            raise DocumentError(warnings[0])
        raise DocumentError(f"none of its {len(pages)} pages has a text layer (a scan?): run OCR first")
    return DocumentText(paragraphs, title=real_title(meta[0]), published=real_date(meta[1]), warnings=warnings)


def _page_lines(page) -> list[str]:
    """A page as layout lines (leading spaces show indents, blank lines show gaps); furniture dropped."""
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:  # noqa: BLE001 — layout mode fails on some fonts where the plain mode still works
        text = page.extract_text()
    lines = [ln.rstrip() for ln in (text or "").replace("\r", "\n").split("\n")]
    lines = ["" if any(p.match(ln.strip()) for p, _ in PAGE_FURNITURE) else ln for ln in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def pdf_paragraphs(pages: list[list[str]]) -> list[str]:
    """Rejoin wrapped PDF lines into paragraphs, across page breaks too. A line opens a paragraph after
    a blank line (a vertical gap), when it stands indented from the margin (a first-line indent), or
    after a short line ending a sentence (a paragraph's last line)."""
    paragraphs: list[str] = []
    prev: tuple[str, bool] | None = None  # (the last line's text, whether it was short)
    for lines in pages:
        body = [ln for ln in lines if ln.strip()]
        if not body:
            continue
        margin = min(len(ln) - len(ln.lstrip()) for ln in body)
        widest = max(_width(ln.strip()) + len(ln) - len(ln.lstrip()) - margin for ln in body)
        gap = False
        for ln in lines:
            text = " ".join(ln.split())
            if not text:
                gap = prev is not None
                continue
            indent = len(ln) - len(ln.lstrip()) - margin
            ended = prev is not None and prev[1] and prev[0].endswith(_SENTENCE_END)
            if prev is None or gap or indent >= _INDENT or ended:
                paragraphs.append(text)
            else:
                paragraphs[-1] += _joiner(paragraphs[-1], text) + text
            prev = (text, indent + _width(text) < _SHORT * widest)
            gap = False
    return paragraphs


def _width(text: str) -> int:
    """Display columns: a Chinese character is as wide as two Latin letters."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _joiner(left: str, right: str) -> str:
    """A wrapped Chinese line rejoins with nothing between; wrapped English words need their space."""
    return " " if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum() else ""


def _pdf_metadata(reader) -> tuple[str | None, object]:
    try:
        info = reader.metadata
    except Exception:  # noqa: BLE001 — a broken info dictionary is no reason to lose the text
        return None, None
    if info is None:
        return None, None
    try:
        created = info.creation_date
    except Exception:  # noqa: BLE001 — pypdf raises on malformed dates ("D:2022")
        created = None
    try:
        title = info.title
    except Exception:  # noqa: BLE001
        title = None
    return (str(title) if title else None), created


def read_docx(data: bytes) -> DocumentText:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError, EOFError) as err:
        reason = "not a zip package" if isinstance(err, (zipfile.BadZipFile, PackageNotFoundError)) else err
        raise DocumentError(f"damaged or truncated Word file ({reason}); open it in Word or LibreOffice and "
                            "save it again as .docx (an old .doc must be saved as .docx), then ingest that") from None
    except Exception as err:  # noqa: BLE001 — lxml and python-docx raise many kinds on broken XML
        raise DocumentError(f"damaged Word file ({type(err).__name__}: {err}); open it in Word or LibreOffice "
                            "and save it again as .docx, then ingest that") from None
    paragraphs: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            paragraphs += _table_rows(block)
        else:
            paragraphs += block.text.split("\n")  # a manual line break (Shift+Enter) parts lines too
    props = document.core_properties
    return DocumentText([p for p in paragraphs if p.strip()], title=real_title(props.title),
                        published=real_date(props.created))


def _table_rows(table) -> list[str]:
    """A table as one line per row, its cells' text side by side (a merged cell once)."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            rows.append(" ".join(cells))
    return rows


def real_title(value: str | None) -> str | None:
    """A metadata title, unless it is a file name or a placeholder (JUNK_TITLES)."""
    title = " ".join(str(value or "").split())
    if not title or any(p.search(title) for p, _ in JUNK_TITLES):
        return None
    return title


def real_date(value) -> date | None:
    """A metadata date, unless it is a known template's timestamp (JUNK_DATES)."""
    if any(value == junk for junk, _ in JUNK_DATES):
        return None
    return parse_published(value)


@contextmanager
def _quiet(name: str):
    """pypdf logs every repair it makes ("EOF marker not found"); our errors and warnings say it better."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(level)


READERS: dict[str, Callable[[bytes], DocumentText]] = {".pdf": read_pdf, ".docx": read_docx}
