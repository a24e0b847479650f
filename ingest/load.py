"""Files → RawArticles: find files, detect encoding, sniff the shape, parse front matter / HTML / text / JSONL.

One file may hold one article (.md/.txt/.html; .pdf/.docx through ingest.documents) or many (.jsonl,
and the one-article-per-line ``[ 2023-07-28 16：40 ] ，正文：…`` dumps of crud_news). Bad files raise
``LoadError`` with a reason; the caller reports it and goes on.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import frontmatter
import yaml

from core.records import RawArticle
from ingest.clean import clean_lines, source_from_dropped
from ingest.documents import READERS, DocumentError, DocumentText
from ingest.encoding import DecodeError, decode
from ingest.html_text import html_to_text, looks_like_html, tidy
from zhtext.dates import find_dates, parse_published

EXTENSIONS = {".md", ".markdown", ".txt", ".html", ".htm", ".jsonl", ".ndjson", *READERS}
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


DENIED_FILE = "permission denied: cannot read the file; give the user running newsqa read access (chmod a+r) or leave it out"
DENIED_PATH = ("permission denied: a directory on its path cannot be entered; give the user running newsqa search "
               "access to it (chmod a+x) or leave it out")


def _denied_dir(folder: str = "") -> str:
    return (f"permission denied: cannot list the directory{' ' + folder if folder else ''}; give the user running "
            "newsqa read and search access (chmod a+rx) or leave it out")


def discover(inputs: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files, directories (recursive, hidden entries skipped, links not followed into loops)
    and glob patterns. Returns (files, [(input, problem)…]) in a stable order; an entry that cannot
    be read is a problem with its path, never an exception, so one locked folder does not stop a run."""
    found: dict[str, Path] = {}
    problems: list[tuple[str, str]] = []
    for raw in inputs:
        try:
            os.lstat(raw)
            matches = [raw]
        except OSError as err:
            if isinstance(err, PermissionError) and not glob.has_magic(raw):
                problems.append((raw, DENIED_PATH))
                continue
            matches = sorted(glob.glob(raw, recursive=True))
            problems += _locked_folders(raw)  # glob skips the folders it may not list without a word
        if not matches:
            problems.append((raw, _why_nothing_matches(raw)))
            continue
        for item in matches:
            p = Path(item)
            kind, problem = _kind(p)
            if kind == "dir":
                for f in _walk(p, problems):
                    found.setdefault(str(f.resolve()), f)
            elif kind == "file":
                found.setdefault(str(p.resolve()), p)
            else:
                problems.append((item, problem))
    return sorted(found.values(), key=lambda p: str(p)), list(dict.fromkeys(problems))  # a folder a pattern also named: once


def _kind(path: Path) -> tuple[str, str]:
    """("file" | "dir" | "bad", why it is bad), following symbolic links; never raises."""
    try:
        st = os.stat(path)
    except PermissionError:
        return "bad", DENIED_PATH
    except FileNotFoundError:
        return "bad", "broken symbolic link" if os.path.islink(path) else "no such file or directory"
    except OSError as err:  # a symlink loop (ELOOP), a name too long…
        return "bad", f"cannot read it: {err.strerror or err}"
    if stat.S_ISDIR(st.st_mode):
        return "dir", ""
    if stat.S_ISREG(st.st_mode):
        return "file", ""
    return "bad", "not a regular file (a pipe, socket or device)"


def _split_pattern(raw: str) -> tuple[Path, tuple[str, ...]]:
    """A glob pattern → (the folder before its first wildcard, the components from there on)."""
    parts = Path(raw).parts
    fixed = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts) - 1)
    return (Path(*parts[:fixed]) if fixed else Path(".")), parts[fixed:]


def _locked_folders(raw: str) -> list[tuple[str, str]]:
    """The folders a glob pattern would have searched but may not list (only for patterns)."""
    start, rest = _split_pattern(raw)
    folders = rest[:-1]  # the wildcard components that name folders; the last one names files
    if not glob.has_magic(raw) or not folders:
        return []
    recursive = "**" in folders
    locked: list[tuple[str, str]] = []

    def onerror(err: OSError) -> None:
        if isinstance(err, PermissionError) and Path(err.filename or "") != start:
            locked.append((err.filename, _denied_dir()))

    for dirpath, dirnames, _ in os.walk(start, onerror=onerror):
        depth = len(Path(dirpath).relative_to(start).parts)
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and (
            recursive or (depth < len(folders) and fnmatch.fnmatch(d, folders[depth])))]
    return locked


def _why_nothing_matches(raw: str) -> str:
    """A path or pattern that matched nothing: missing, or hidden behind a directory we may not read."""
    if not glob.has_magic(raw):  # lstat said ENOENT: it is missing, whatever its folder allows
        return "no such file or directory"
    folder, _ = _split_pattern(raw)
    try:
        with os.scandir(folder):
            pass
    except PermissionError:
        return _denied_dir(str(folder)) if os.path.lexists(folder) else DENIED_PATH
    except OSError:
        pass
    return "no such file or directory"


def _walk(root: Path, problems: list[tuple[str, str]]) -> Iterator[Path]:
    seen_dirs: set[tuple[int, int]] = set()

    def onerror(err: OSError) -> None:
        reason = _denied_dir() if isinstance(err, PermissionError) else f"cannot read directory: {err.strerror}"
        problems.append((err.filename or str(root), reason))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError as err:
            onerror(err)
            dirnames[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:  # a symlink loop: visit each real directory once
            dirnames[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or Path(name).suffix.lower() not in EXTENSIONS:
                continue
            path = Path(dirpath) / name
            kind, problem = _kind(path)
            if kind == "file":
                yield path
            elif kind == "bad":
                problems.append((str(path), problem))


def is_gone(path: str) -> bool:
    """True only when the file no longer exists; a file we may not read (or cannot reach) is not gone,
    so pruning never deletes articles just because their folder was locked."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except PermissionError:
        raise LoadError(DENIED_PATH) from None
    except OSError as err:
        raise LoadError(f"cannot read the file: {err.strerror or err}") from None
    if size > MAX_FILE_BYTES:
        raise LoadError(f"file too large ({size // 1_048_576} MB > {MAX_FILE_BYTES // 1_048_576} MB)")
    try:
        return path.read_bytes()
    except PermissionError:
        raise LoadError(DENIED_FILE) from None
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
    """Parse one file. Returns (articles, per-record problems); raises LoadError when nothing is usable.
    A .pdf or .docx is read by its extension whatever ``fmt`` says: it is a binary, not text of a shape."""
    data = read_bytes(path) if data is None else data
    reader = READERS.get(path.suffix.lower())
    if reader is not None:
        articles, problems = _parse_document(str(path), reader, data)
    else:
        text = to_text(data)
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


def _parse_document(path: str, reader: Callable[[bytes], DocumentText], data: bytes) -> tuple[list[RawArticle], list[str]]:
    """A PDF or Word file read as a scraped page: its paragraphs go through the same title, date-line
    and boilerplate rules. Its properties' title wins over the first line (which is dropped when it
    repeats it); a labelled date line (发布日期：…) wins over the properties' creation date, which is
    when the file was made (an export, a copy), and that wins over the first full date in the text."""
    try:
        doc = reader(data)
    except DocumentError as err:
        raise LoadError(str(err)) from None
    paragraphs = doc.paragraphs
    if doc.title and paragraphs and " ".join(paragraphs[0].split()) == doc.title:
        paragraphs = paragraphs[1:]
    body = tidy("\n".join(paragraphs))
    [article], _ = _parse_page(path, body, doc.title)
    if doc.published and _labelled_date(body) is None:
        article.published = doc.published
    return [article], doc.warnings


def _parse_html(path: str, text: str) -> tuple[list[RawArticle], list[str]]:
    body, title = html_to_text(text)
    return _parse_page(path, body, title)


def _parse_text(path: str, text: str) -> tuple[list[RawArticle], list[str]]:
    return _parse_page(path, tidy(text), None)


def _parse_page(path: str, body: str, title: str | None) -> tuple[list[RawArticle], list[str]]:
    """A scraped page: title = first meaningful line, date from a 发布日期 line or the first full date."""
    published = _labelled_date(body)
    body, dropped = clean_lines(body)
    paras = body.split("\n\n")
    if title is None and paras and _is_heading(paras[0]):
        title = paras.pop(0)
        body = "\n\n".join(paras)
    if published is None:
        published = _first_full_date(body)
    return [RawArticle(path, body, title=title, published=published, source=source_from_dropped(dropped))], []


def _labelled_date(body: str) -> date | None:
    """The date of a 发布日期/发布时间 line among the first paragraphs."""
    for para in body.split("\n\n")[:15]:
        m = _DATE_LINE.match(para.strip())
        if m and (published := parse_published(m.group(1).strip())):
            return published
    return None


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
