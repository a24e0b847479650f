"""Helpers shared by the benchmarks: the crud_news corpus and timing."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("NEWSQA_CORPUS", ROOT.parent / "shared" / "corpus"))


def crud_slice(limit: int | None, out_dir: Path) -> Path:
    """Write the first ``limit`` crud_news articles (all when None) to one lines-file in ``out_dir``."""
    files = sorted((CORPUS / "crud_news").glob("*.txt"))
    if not files:
        raise SystemExit(f"crud_news not found under {CORPUS}; set NEWSQA_CORPUS")
    lines: list[str] = []
    for f in files:
        lines += [ln for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    if limit:
        lines = lines[:limit]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "crud_news.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
