"""Files → RawArticles: find files, detect encoding, sniff the shape, parse front matter / HTML / text / JSONL.

One file may hold one article (.md/.txt/.html) or many (.jsonl, and the one-article-per-line
``[ 2023-07-28 16：40 ] ，正文：…`` dumps of crud_news). Bad files raise ``LoadError`` with a
reason; the caller reports it and goes on.
"""

from __future__ import annotations

import glob
import json
import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import frontmatter
import yaml

from ingest.clean import clean_lines, source_from_dropped
from ingest.dates import find_dates, parse_published
from ingest.encoding import DecodeError, decode
from ingest.html_text import html_to_text, looks_like_html, tidy
from ingest.records import RawArticle

EXTENSIONS = {".md", ".markdown", ".txt", ".html", ".htm", ".jsonl", ".ndjson"}
FORMATS = ("auto", "frontmatter", "html", "text", "jsonl", "lines")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ARTICLE_CHARS = 200_000  # longer than any news article: a dump or a broken page, not one story

# crud_news style: "<header>，正文：<body>", the header holding a date and/or "来源：…" or nothing.
_LINE_ARTICLE = re.compile(r"^(.{0,240}?)[，,]\s*正文\s*[:：]\s*(.*)$")
_HEADER_DATE = re.compile(r"\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}日?(?:\s+\d{1,2}[:：]\d{2})?")
_YEARLESS_HEADER = re.compile(r"^(\d{1,2})\s*[-/月]\s*(\d{1,2})日?(?:\s+\d{1,2}[:：]\d{2})?$")
_HEADER_SOURCE = re.compile(r"来源\s*[:：]\s*(\S+)")
_DATE_LINE = re.compile(r"^(?:[发發][布佈](?:日期|[时時][间間])|[发發]表[时時][间間]|[时時][间間])\s*[:：]\s*(.+)$")
_FULL_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


class LoadError(ValueError):
    """A file that cannot be read as articles; the message says why."""


def discover(inputs: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files, directories (recursive, hidden entries skipped, links not followed into loops)
    and glob patterns. Returns (files, [(input, problem)…]) in a stable order."""
    found: dict[str, Path] = {}
    problems: list[tuple[str, str]] = []
    for raw in inputs:
        matches = [raw] if os.path.lexists(raw) else sorted(glob.glob(raw, recursive=True))
        if not matches:
            problems.append((raw, "no such file or directory"))
            continue
        for item in matches:
            p = Path(item)
            if p.is_dir():
                for f in _walk(p, problems):
                    found.setdefault(str(f.resolve()), f)
            elif p.is_file():
                found.setdefault(str(p.resolve()), p)
            elif p.is_symlink():
                problems.append((item, "broken symbolic link"))
            else:
                problems.append((item, "not a regular file"))
    return sorted(found.values(), key=lambda p: str(p)), problems


def _walk(root: Path, problems: list[tuple[str, str]]) -> Iterator[Path]:
    seen_dirs: set[tuple[int, int]] = set()

    def onerror(err: OSError) -> None:
        problems.append((err.filename or str(root), f"cannot read directory: {err.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=True):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen_dirs:  # a symlink loop: visit each real directory once
            dirnames[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or Path(name).suffix.lower() not in EXTENSIONS:
                continue
            path = Path(dirpath) / name
            if path.is_symlink() and not path.exists():
                problems.append((str(path), "broken symbolic link"))
            elif not path.is_file():
                problems.append((str(path), "not a regular file (a pipe, socket or device)"))
            else:
                yield path


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadError(f"file too large ({size // 1_048_576} MB > {MAX_FILE_BYTES // 1_048_576} MB)")
        return path.read_bytes()
    except PermissionError:
        raise LoadError("permission denied: cannot read the file") from None
    except OSError as err:
        raise LoadError(f"cannot read the file: {err.strerror or err}") from None


def to_text(data: bytes) -> str:
    try:
        text, _ = decode(data)
    except DecodeError as err:
        raise LoadError(str(err)) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sniff(path: Path, text: str) -> str:
    """Guess the file's shape from its extension and first lines."""
    head = text.lstrip("\ufeff \t\n")
    lines = [ln for ln in head[:20_000].split("\n")[:20] if ln.strip()]
    if lines and sum(bool(_LINE_ARTICLE.match(ln)) for ln in lines) >= max(1, len(lines) // 2):
        return "lines"
    if path.suffix.lower() in (".jsonl", ".ndjson") or (lines and all(ln.lstrip().startswith("{") for ln in lines[:5])):
        return "jsonl"
    if head.startswith("---"):
        return "frontmatter"
    if path.suffix.lower() in (".html", ".htm") or looks_like_html(head):
        return "html"
    return "text"


def load_file(path: Path, fmt: str = "auto", data: bytes | None = None) -> tuple[list[RawArticle], list[str]]:
    """Parse one file. Returns (articles, per-record problems); raises LoadError when nothing is usable."""
    text = to_text(read_bytes(path) if data is None else data)
    shape = sniff(path, text) if fmt == "auto" else fmt
    parser = {"frontmatter": _parse_frontmatter, "html": _parse_html, "text": _parse_text,
              "jsonl": _parse_jsonl, "lines": _parse_lines}.get(shape)
    if parser is None:
        raise LoadError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    articles, problems = parser(str(path), text)
    articles = [a for a in articles if a.body.strip()]
    long = [a for a in articles if len(a.body) > MAX_ARTICLE_CHARS]
    if long:
        articles = [a for a in articles if len(a.body) <= MAX_ARTICLE_CHARS]
        problems = [*problems, *(f"{'line ' + str(a.index) + ': ' if a.index else ''}article too long "
                                 f"({len(a.body):,} characters > {MAX_ARTICLE_CHARS:,}); split it into articles"
                                 for a in long)]
    if not articles:
        reason = "; ".join(problems[:3]) if problems else "no article text found"
        raise LoadError(reason)
    return articles, problems


def _parse_frontmatter(path: str, text: str) -> tuple[list[RawArticle], list[str]]:
    try:
        post = frontmatter.loads(text.lstrip("\ufeff \t\n"))
    except (yaml.YAMLError, ValueError, TypeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise LoadError(f"broken front matter (YAML): {first}") from None
    meta = post.metadata if isinstance(post.metadata, dict) else {}
    body = post.content
    page_title = None
    if looks_like_html(body):
        body, page_title = html_to_text(body)
    else:
        body = tidy(body)
    body, dropped = clean_lines(body)
    cats = meta.get("categories") or meta.get("tags") or []
    if isinstance(cats, str):
        cats = [cats]
    title = _text(meta.get("title")) or page_title
    published = parse_published(meta.get("date") or meta.get("published") or "")
    source = _text(meta.get("author") or meta.get("source")) or source_from_dropped(dropped)
    return [RawArticle(path, body, title=title, published=published, source=source,
                       categories=[str(c) for c in cats if c])], []


def _parse_html(path: str, text: str) -> tuple[list[RawArticle], list[str]]:
    body, title = html_to_text(text)
    return _parse_page(path, body, title)


def _parse_text(path: str, text: str) -> tuple[list[RawArticle], list[str]]:
    return _parse_page(path, tidy(text), None)


def _parse_page(path: str, body: str, title: str | None) -> tuple[list[RawArticle], list[str]]:
    """A scraped page: title = first meaningful line, date from a 发布日期 line or the first full date."""
    published = None
    for para in body.split("\n\n")[:15]:
        m = _DATE_LINE.match(para.strip())
        if m:
            published = parse_published(m.group(1).strip())
            if published:
                break
    body, dropped = clean_lines(body)
    paras = body.split("\n\n")
    if title is None and paras and _is_heading(paras[0]):
        title = paras.pop(0)
        body = "\n\n".join(paras)
    if published is None:
        published = _first_full_date(body)
    return [RawArticle(path, body, title=title, published=published, source=source_from_dropped(dropped))], []


def _is_heading(line: str) -> bool:
    return 4 <= len(line) <= 60 and not re.search(r"[。！？；,，]", line)


def _first_full_date(body: str) -> date | None:
    for mention in find_dates(body[:3000]):
        d = mention.as_date()
        if d is not None and mention.year is not None and _FULL_DATE.search(mention.text):
            return d
    return None


def _parse_lines(path: str, text: str) -> tuple[list[RawArticle], list[str]]:
    articles, problems = [], []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        m = _LINE_ARTICLE.match(line)
        if not m:
            problems.append(f"line {n}: not of the form '[ YYYY-MM-DD HH:MM ] ，正文：…'")
            continue
        header = m.group(1).strip(" []\t")
        src = _HEADER_SOURCE.search(header)
        body, _ = clean_lines(tidy(m.group(2)))
        articles.append(RawArticle(path, body, title=None, published=_header_date(header, body),
                                   source=src.group(1) if src else None, index=n))
    return articles, problems


def _header_date(header: str, body: str) -> date | None:
    """The published date of a one-line article: the header's date in any of its shapes; a header
    with month and day only ("07-20 22:43") takes its year from the first full date in the body."""
    header = _HEADER_SOURCE.sub("", header).strip(" ，,")
    when = _HEADER_DATE.search(header)
    published = parse_published(when.group(0) if when else header) if header else None
    if published is not None:
        return published
    md = _YEARLESS_HEADER.match(header)
    full = _first_full_date(body)
    if md and full is not None:
        try:
            return date(full.year, int(md.group(1)), int(md.group(2)))
        except ValueError:
            return None
    return None


_BODY_KEYS = ("body", "content", "text", "正文", "article", "news")
_TITLE_KEYS = ("title", "标题", "headline")
_DATE_KEYS = ("published", "date", "time", "pubdate", "publish_time", "日期", "发布时间")
_SOURCE_KEYS = ("source", "author", "url", "来源", "site")


def _parse_jsonl(path: str, text: str) -> tuple[list[RawArticle], list[str]]:
    articles, problems = [], []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            problems.append(f"line {n}: invalid JSON ({err.msg})")
            continue
        if not isinstance(row, dict):
            problems.append(f"line {n}: expected a JSON object")
            continue
        raw_body = next((row[k] for k in _BODY_KEYS if isinstance(row.get(k), str) and row[k].strip()), None)
        if raw_body is None:
            problems.append(f"line {n}: no article text (one of {', '.join(_BODY_KEYS)})")
            continue
        body = html_to_text(raw_body)[0] if looks_like_html(raw_body) else tidy(raw_body)
        body, _ = clean_lines(body)
        title = next((_text(row[k]) for k in _TITLE_KEYS if row.get(k)), None)
        published = next((d for k in _DATE_KEYS if row.get(k) and (d := parse_published(str(row[k])))), None)
        source = next((_text(row[k]) for k in _SOURCE_KEYS if row.get(k)), None)
        articles.append(RawArticle(path, body, title=title, published=published, source=source, index=n))
    return articles, problems


def _text(value) -> str | None:
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s or None
