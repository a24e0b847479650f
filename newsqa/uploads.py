"""Files sent from a browser or an HTTP client → files on disk the ingest pipeline can read.

Uploads are kept (under ``<store>/uploads/<content hash>/``) rather than thrown away after
ingest: the store's file records point at them, so ``newsqa ingest --prune`` keeps their
articles and re-sending the same file is reported as unchanged.

A zip archive is first judged by its directory alone, before anything is unpacked: one with an
absolute or ``..`` path, one that unpacks to more than the upload limit, or one with a member
that expands absurdly (a zip bomb) is refused as a whole. The rest is unpacked member by
member with limits that do not trust the archive's own size fields, and with no path taken
from the archive: links and nested archives are refused, and the rest are stored under a
safe basename.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from core.records import FileError
from ingest.load import EXTENSIONS

# What the upload widget offers: every file type ingest reads, and zip archives of them.
UPLOAD_TYPES = [*sorted(EXTENSIONS), ".zip"]

MB = 2**20


@dataclass(frozen=True)
class Limits:
    """What one upload may amount to; ``from_settings`` takes NEWSQA_MAX_UPLOAD_MB and NEWSQA_MAX_UPLOAD_FILES."""

    file_bytes: int = 50 * MB  # one article file (matches ingest.load.MAX_FILE_BYTES)
    upload_bytes: int = 100 * MB  # one request as sent, and so any one file or archive in it
    total_bytes: int = 100 * MB  # everything in one request once archives are unpacked
    members: int = 1_000  # article files taken from one archive
    files: int = 1_000  # files in one request, counting the article files inside archives
    # A zip bomb: a member that expands more than max_ratio times. Chinese news text deflates 2-4x, so
    # 100x is no article; members under ratio_floor_bytes are too small to matter whatever their ratio.
    max_ratio: int = 100
    ratio_floor_bytes: int = 64 * 1024

    @classmethod
    def from_settings(cls, settings) -> Limits:
        size, count = settings.max_upload_mb * MB, settings.max_upload_files
        return cls(file_bytes=min(cls.file_bytes, size), upload_bytes=size, total_bytes=size, members=count,
                   files=count)


class UploadRefused(ValueError):
    """The upload as a whole is refused before anything of it is stored (HTTP 400)."""


class UploadTooBig(UploadRefused):
    """Past a size or count limit, or a zip bomb (HTTP 413)."""


@dataclass
class Staged:
    paths: list[Path] = field(default_factory=list)
    rejected: list[FileError] = field(default_factory=list)


class _TooBig(Exception):
    pass


_UNSAFE = re.compile(r"[^\w.\-()\[\] ]+", re.UNICODE)


def safe_name(name: str) -> str:
    """The last path component, without control characters or anything a shell or a path would read."""
    base = PurePosixPath(str(name).replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[:120] or "upload"


def accepted(name: str) -> bool:
    return PurePosixPath(name.lower()).suffix in EXTENSIONS


def _parts(name: str) -> tuple[str, ...]:
    return PurePosixPath(name.replace("\\", "/")).parts


def _unsafe_path(parts: tuple[str, ...]) -> bool:
    """Absolute (/x, C:x) or climbing out (..): unpacked as named, it would land outside the folder."""
    return ".." in parts or parts[0] == "/" or ":" in parts[0]


def _skipped(parts: tuple[str, ...]) -> bool:
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)  # hidden files and macOS resource forks


def is_archive(name: str, src: Path | BinaryIO) -> bool:
    """A zip to unpack: a .zip, or a zip under another name. A .docx is a zip package too, but an
    article type of its own: only a file that is no article type is unpacked."""
    return name.lower().endswith(".zip") or (not accepted(name) and zipfile.is_zipfile(src))


def inspect_zip(zf: zipfile.ZipFile, limits: Limits) -> tuple[int, int]:
    """(article files it would yield, bytes it says it unpacks to), from the archive's directory alone;
    raises UploadRefused for a path outside the archive, UploadTooBig for a bomb or too much."""
    articles = size = 0
    for info in zf.infolist():
        parts = _parts(info.filename)
        if info.is_dir() or not parts:
            continue
        if _unsafe_path(parts):
            raise UploadRefused(f"the archive has a member '{info.filename}' with an absolute or '..' path, which "
                                "would land outside the upload folder; nothing of it was unpacked — zip the "
                                "articles with relative paths")
        size += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise UploadTooBig(f"the archive's member '{info.filename}' expands {ratio:.0f} times "
                               f"({info.compress_size} bytes to {info.file_size // MB} MB; the limit is "
                               f"{limits.max_ratio} times), which no news article does: it looks like a zip "
                               "bomb and nothing of it was unpacked")
        if not _skipped(parts) and accepted(info.filename):
            articles += 1
    if size > limits.total_bytes:
        raise UploadTooBig(f"the archive unpacks to {size / MB:.1f} MB; the limit is {limits.total_bytes // MB} MB "
                           "(NEWSQA_MAX_UPLOAD_MB); nothing of it was unpacked — split it into smaller archives")
    if articles > limits.members:
        raise UploadTooBig(f"the archive holds {articles} article files; the limit is {limits.members} "
                           "(NEWSQA_MAX_UPLOAD_FILES); split it into smaller archives")
    return articles, size


def preflight(files: Iterable[tuple[str, BinaryIO]], limits: Limits = Limits()) -> None:
    """Judge a whole request before staging any of it: count and size with archives unpacked (by their
    directories), and each archive's paths and ratios. Unreadable zips are left to ``stage`` to report."""
    count = size = 0
    for name, src in files:
        src.seek(0, 2)
        sent = src.tell()
        src.seek(0)
        try:
            if is_archive(str(name or ""), src):
                src.seek(0)
                with zipfile.ZipFile(src) as zf:
                    articles, unpacked = inspect_zip(zf, limits)
                count, size = count + articles, size + unpacked
            else:
                count, size = count + 1, size + sent
        except zipfile.BadZipFile:
            count, size = count + 1, size + sent
        finally:
            src.seek(0)
    if count > limits.files:
        raise UploadTooBig(f"the upload holds {count} files (counting those inside archives); the limit is "
                           f"{limits.files} (NEWSQA_MAX_UPLOAD_FILES); send them in several requests")
    if size > limits.total_bytes:
        raise UploadTooBig(f"the upload unpacks to {size / MB:.1f} MB; the limit is {limits.total_bytes // MB} MB "
                           "(NEWSQA_MAX_UPLOAD_MB); send it in several requests")


def stage(files: Iterable[tuple[str, Path | BinaryIO]], dest: Path, limits: Limits = Limits()) -> Staged:
    """Copy uploads (and the members of uploaded zips) into ``dest``; refuse what is unsafe or too big."""
    out = Staged()
    budget = [limits.total_bytes]
    dest.mkdir(parents=True, exist_ok=True)
    for i, (name, src) in enumerate(files):
        display = str(name or "upload")
        if i >= limits.files:
            out.rejected.append(FileError(display, f"too many files in one upload (limit {limits.files})"))
            continue
        with tempfile.NamedTemporaryFile(dir=dest, prefix=".incoming-", delete=False) as tmp:
            tmp_path = Path(tmp.name)
            try:
                _copy(src, tmp, limits.upload_bytes)
            except _TooBig:
                tmp_path.unlink(missing_ok=True)
                out.rejected.append(FileError(display, f"file too large (limit {limits.upload_bytes // 2**20} MB)"))
                continue
        try:
            if is_archive(display, tmp_path):
                _unzip(display, tmp_path, dest, limits, budget, out)
            elif not accepted(display):
                out.rejected.append(FileError(display, _unsupported()))
            else:
                size = tmp_path.stat().st_size
                if size > budget[0]:
                    out.rejected.append(FileError(display, "upload too large in total"))
                else:
                    budget[0] -= size
                    out.paths.append(_keep(tmp_path, safe_name(display), dest))
                    continue
        finally:
            tmp_path.unlink(missing_ok=True)
    return out


def _unsupported() -> str:
    return "unsupported file type; send " + ", ".join(sorted(EXTENSIONS)) + " files or a .zip of them"


def _copy(src: Path | BinaryIO, fh, limit: int) -> None:
    if isinstance(src, (str, Path)):
        if Path(src).stat().st_size > limit:
            raise _TooBig
        with open(src, "rb") as f:
            _copy_stream(f, fh, limit)
    else:
        _copy_stream(src, fh, limit)


def _copy_stream(src: BinaryIO, dst, limit: int) -> int:
    n = 0
    while block := src.read(1 << 20):
        n += len(block)
        if n > limit:
            raise _TooBig
        dst.write(block)
    return n


def _keep(tmp: Path, name: str, dest: Path) -> Path:
    """Move a staged file to ``dest/<sha256[:16]>/<name>``: the same content keeps the same path."""
    h = hashlib.sha256()
    with tmp.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    final = dest / h.hexdigest()[:16] / name
    final.parent.mkdir(parents=True, exist_ok=True)
    if not final.exists():
        shutil.move(str(tmp), final)
    return final


def _unzip(display: str, archive: Path, dest: Path, limits: Limits, budget: list[int], out: Staged) -> None:
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as err:
        out.rejected.append(FileError(display, f"not a readable zip archive ({err})"))
        return
    taken = 0
    with zf:
        try:
            inspect_zip(zf, limits)
        except UploadRefused as err:
            out.rejected.append(FileError(display, str(err)))
            return
        for info in zf.infolist():
            label = f"{display}:{info.filename}"
            parts = _parts(info.filename)
            if info.is_dir() or not parts or _skipped(parts):
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                out.rejected.append(FileError(label, "symbolic links are not unpacked"))
            elif info.flag_bits & 0x1:
                out.rejected.append(FileError(label, "encrypted zip members are not supported"))
            elif info.filename.lower().endswith(".zip"):
                out.rejected.append(FileError(label, "zip files inside a zip are not unpacked"))
            elif not accepted(info.filename):
                out.rejected.append(FileError(label, _unsupported()))
            elif taken >= limits.members:
                out.rejected.append(FileError(label, f"too many files in one archive (limit {limits.members})"))
            else:
                taken += 1
                _extract(zf, info, label, dest, limits, budget, out)


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, dest: Path, limits: Limits,
             budget: list[int], out: Staged) -> None:
    """Stream one member out, counting the bytes really produced (a zip bomb lies in its headers)."""
    limit = min(limits.file_bytes, budget[0])
    with tempfile.NamedTemporaryFile(dir=dest, prefix=".member-", delete=False) as tmp:
        tmp_path = Path(tmp.name)
        try:
            with zf.open(info) as src:
                budget[0] -= _copy_stream(src, tmp, limit)
        except _TooBig:
            tmp_path.unlink(missing_ok=True)
            why = "file too large" if limit == limits.file_bytes else "archive unpacks to too much data"
            out.rejected.append(FileError(label, f"{why} (limit {limit // 2**20} MB)"))
            return
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as err:
            tmp_path.unlink(missing_ok=True)
            out.rejected.append(FileError(label, f"cannot unpack: {err}"))
            return
    try:
        out.paths.append(_keep(tmp_path, safe_name(info.filename), dest))
    finally:
        tmp_path.unlink(missing_ok=True)
