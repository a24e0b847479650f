"""Files sent from a browser or an HTTP client → files on disk the ingest pipeline can read.

Uploads are kept (under ``<store>/uploads/<content hash>/``) rather than thrown away after
ingest: the store's file records point at them, so ``newsqa ingest --prune`` keeps their
articles and re-sending the same file is reported as unchanged. Zip archives are unpacked
member by member with limits that do not trust the archive's own size fields, and with no
path taken from the archive: members with absolute or ``..`` paths, links and nested archives
are refused, and the rest are stored under a safe basename.
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


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 50 * 1024 * 1024  # one article file (matches ingest.load.MAX_FILE_BYTES)
    upload_bytes: int = 200 * 1024 * 1024  # one uploaded file or archive
    total_bytes: int = 500 * 1024 * 1024  # everything unpacked from one request
    members: int = 10_000  # files taken from one archive
    files: int = 1_000  # files in one request


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
            # a .docx is a zip package too: only a file that is no article type of its own is unpacked
            if display.lower().endswith(".zip") or (not accepted(display) and zipfile.is_zipfile(tmp_path)):
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
        for info in zf.infolist():
            label = f"{display}:{info.filename}"
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if info.is_dir() or not parts:
                continue
            if ".." in parts or parts[0] == "/" or ":" in parts[0]:
                out.rejected.append(FileError(label, "unsafe path in the archive (absolute or with ..)"))
            elif any(p.startswith(".") or p == "__MACOSX" for p in parts):
                continue  # hidden files and macOS resource forks
            elif stat.S_ISLNK(info.external_attr >> 16):
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
