"""How well asked types and typed spans fit the developers' question set: the type distribution of the
questions, and for answerable ones how often the gold answer overlaps a span of the classified type in
the source article (after dropping spans that only echo the question).

    python benchmarks/answer_types.py            # the table
    python benchmarks/answer_types.py --misses   # also every answerable miss, to find classes to fix
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.answer_types import KINDS, classify  # noqa: E402
from qa.spans import find_asked, span_not_in_question  # noqa: E402
from zhtext.dates import parse_published  # noqa: E402
from zhtext.sentences import split_sentences  # noqa: E402

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "crud_questeval_dev"
_QUOTES = "“”\"《》「」『』"


def article(path: Path) -> tuple[str, object]:
    """The body and published date of one dev article ("<date header>，正文：<body>", one line)."""
    text = path.read_text(encoding="utf-8").strip()
    head, sep, body = text.partition("正文：")
    return (body if sep else text), parse_published(head.rstrip("，, ")) if sep else None


def gold_hits(sentence: str, gold: str) -> list[tuple[int, int]]:
    """Where the gold answer (quotes dropped) sits in a sentence."""
    needle = gold.strip(_QUOTES + "。 ")
    out, i = [], sentence.find(needle)
    while needle and i >= 0:
        out.append((i, i + len(needle)))
        i = sentence.find(needle, i + 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=DEV, help="folder with questions.jsonl and corpus/")
    ap.add_argument("--misses", action="store_true", help="print every answerable question whose gold no span covers")
    args = ap.parse_args()
    qfile = args.dev / "questions.jsonl"
    if not qfile.exists():
        raise SystemExit(f"{qfile} not found; pass --dev with the crud_questeval_dev folder")
    rows = [json.loads(line) for line in qfile.read_text(encoding="utf-8").splitlines() if line.strip()]

    kinds: Counter[str] = Counter()
    answerable: Counter[str] = Counter()
    located: Counter[str] = Counter()
    covered: Counter[str] = Counter()
    spans_per_article: dict[str, list[int]] = defaultdict(list)
    with_span: Counter[str] = Counter()  # sentences holding a span of the asked type: low = the type discriminates
    sentences: Counter[str] = Counter()
    misses: list[str] = []
    for row in rows:
        asked = classify(row["q"])
        kinds[asked.kind] += 1
        if row.get("abstain") or not row.get("answer") or not row.get("doc"):
            continue
        answerable[asked.kind] += 1
        body, anchor = article(args.dev / "corpus" / f"{row['doc']}.txt")
        found_gold = hit = False
        n_spans = 0
        gold_sentence_spans: list[str] = []
        for s, e in split_sentences(body):
            sentence = body[s:e]
            spans = [sp for sp in find_asked(sentence, asked, anchor=anchor)
                     if span_not_in_question(sp, row["q"])]
            n_spans += len(spans)
            sentences[asked.kind] += 1
            with_span[asked.kind] += bool(spans)
            golds = gold_hits(sentence, row["answer"])
            if not golds:
                continue
            found_gold = True
            gold_sentence_spans += [sp.text for sp in spans]
            if any(sp.start < ge and gs < sp.end for sp in spans for gs, ge in golds):
                hit = True
        spans_per_article[asked.kind].append(n_spans)
        if found_gold:
            located[asked.kind] += 1
            covered[asked.kind] += hit
            if not hit:
                misses.append(f"  [{asked.kind}/{asked.rule} unit={asked.unit} focus={asked.focus} head={asked.head}] {row['q']}"
                              f" => {row['answer']}  | spans: {gold_sentence_spans[:6]}")

    print(f"{len(rows)} questions, {sum(answerable.values())} answerable, {sum(located.values())} with the gold "
          "answer verbatim in one sentence of its article\n")
    print(f"{'kind':<11}{'all':>5}{'answerable':>12}{'located':>9}{'covered':>9}{'rate':>8}{'spans/article':>15}"
          f"{'sentences with one':>20}")
    for kind in KINDS:
        if not kinds[kind]:
            continue
        rate = f"{covered[kind] / located[kind]:.0%}" if located[kind] and kind != "yesno" else "-"
        per = spans_per_article[kind]
        avg = f"{sum(per) / len(per):.1f}" if per else "-"
        share = f"{with_span[kind] / sentences[kind]:.0%}" if sentences[kind] else "-"
        print(f"{kind:<11}{kinds[kind]:>5}{answerable[kind]:>12}{located[kind]:>9}{covered[kind]:>9}{rate:>8}{avg:>15}"
              f"{share:>20}")
    typed = [k for k in KINDS if k not in ("open", "yesno")]
    t_loc, t_cov = sum(located[k] for k in typed), sum(covered[k] for k in typed)
    print(f"\ntyped kinds: {t_cov}/{t_loc} located gold answers overlap a span of the asked type"
          f" ({t_cov / max(t_loc, 1):.0%})")
    if args.misses:
        print("\nmisses:")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
