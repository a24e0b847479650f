"""Helpers shared by the benchmarks: the crud_news corpus, the developers' question set, timing."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("NEWSQA_CORPUS", ROOT.parent / "shared" / "corpus"))
# crud_questeval dev: questions.jsonl ({"q", "answer", "doc", "kind"} / {"q", "abstain", "kind"}) and corpus/*.txt
DEV_SET = Path(os.environ.get("NEWSQA_DEV_SET", ROOT.parent / "shared" / "eval" / "crud_questeval_dev"))


def dev_set() -> tuple[Path, Path]:
    """(questions.jsonl, corpus folder) of the developers' set, or a message saying where to point."""
    questions, corpus = DEV_SET / "questions.jsonl", DEV_SET / "corpus"
    if not questions.is_file() or not corpus.is_dir():
        raise SystemExit(f"the dev set (questions.jsonl and corpus/) is not under {DEV_SET}; set NEWSQA_DEV_SET")
    return questions, corpus


def crud_slice(limit: int | None, out_dir: Path, exclude: Iterable[str] = ()) -> Path:
    """Write the first ``limit`` crud_news articles (all when None) to one lines-file in ``out_dir``,
    leaving out those whose text is in ``exclude`` (an article that is also a gold document is no distractor)."""
    files = sorted((CORPUS / "crud_news").glob("*.txt"))
    if not files:
        raise SystemExit(f"crud_news not found under {CORPUS}; set NEWSQA_CORPUS")
    skip = {t.strip() for t in exclude}
    lines: list[str] = []
    for f in files:
        lines += [ln for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip() and ln.strip() not in skip]
    if limit:
        lines = lines[:limit]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "crud_news.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def crud_pages(n: int, out_dir: Path, max_chars: int = 200) -> Path:
    """Write ``n`` one-paragraph pages cut from crud_news, one file each, into ``out_dir``: the shape of
    a scraped newsroom folder (thousands of ~170-character passages). Each page is a run of whole
    sentences of one article, up to ``max_chars``, the header left out; ``out_dir`` is returned."""
    files = sorted((CORPUS / "crud_news").glob("*.txt"))
    if not files:
        raise SystemExit(f"crud_news not found under {CORPUS}; set NEWSQA_CORPUS")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            page = ""
            for sentence in (s + "。" for s in line.split("正文：", 1)[-1].split("。") if s.strip()):
                if page and len(page) + len(sentence) > max_chars:
                    (out_dir / f"page{written:05d}.txt").write_text(page + "\n", encoding="utf-8")
                    written += 1
                    if written == n:
                        return out_dir
                    page = ""
                page += sentence
    raise SystemExit(f"crud_news gave only {written} pages of the {n} asked for")
