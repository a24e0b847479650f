"""``newsqa eval``: answer accuracy, refusal precision/recall, citation accuracy, recall@k, MRR, latency.

Two row formats are scored. The project's own sets (``eval/*.jsonl``) hold
``{"q", "expect": [regex…], "doc", "abstain", "history"}``: right when every regex matches the answer.
The developers' set (crud_questeval) holds ``{"q", "answer": "<short gold string>", "doc", "kind"}`` or
``{"q", "abstain": true, "kind"}``: right when the answer is not a refusal and holds the gold string
(both NFKC-normalised, whitespace dropped; nothing looser, so a near miss stays a miss).

Everything but the asking is a pure function of (row, Answer) outcomes, so the refusal-threshold sweep
reads one run: refusing an answer can only turn a right answer wrong or a wrongful answer into a right
refusal, never the other way, so no question needs asking twice.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.records import Answer
from qa.answer_types import classify
from qa.engine import Engine
from qa.retrieve import retrieve


@dataclass
class GroupScore:
    """The scores of one slice of the rows (one answer type, one ``kind``)."""

    questions: int = 0
    correct: int = 0
    accuracy: float = 0.0
    answerable: int = 0
    answerable_accuracy: float = 0.0
    must_refuse: int = 0
    refusal_recall: float = 0.0  # 1.0 when the slice has no must-refuse row
    wrongful_refusals: int = 0  # answerable rows refused


@dataclass
class ThresholdPoint:
    """What the scores would be if every answer with ``evidence`` below ``threshold`` were refused."""

    threshold: float
    refused: int  # answers refused in all, the answerer's own refusals included
    answerable_accuracy: float
    refusal_recall: float
    wrongful_refusal_rate: float


@dataclass
class EvalReport:
    questions: int = 0
    accuracy: float = 0.0
    refusal_precision: float = 0.0
    refusal_recall: float = 0.0
    citation_accuracy: float = 0.0
    recall_at_k: float = 0.0
    mrr: float = 0.0
    k: int = 5
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    failures: list[dict] = field(default_factory=list)
    answerable: int = 0
    must_refuse: int = 0
    answerable_accuracy: float = 0.0
    wrongful_refusal_rate: float = 0.0  # answerable rows refused / answerable rows
    by_answer_type: dict[str, GroupScore] = field(default_factory=dict)  # qa.answer_types.classify(q).kind
    by_kind: dict[str, GroupScore] = field(default_factory=dict)  # the row's "kind" (1Doc, 2Docs…), when present
    threshold_sweep: list[ThresholdPoint] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


@dataclass
class Outcome:
    """One row, the answer it got, and whether that answer was right."""

    row: dict
    answer: Answer
    correct: bool


def load_rows(path: str | Path) -> list[dict]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{n}: invalid JSON ({err.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("q"), str):
                raise ValueError(f'{path}:{n}: each line must be a JSON object with a "q" string')
            if "answer" in row and "expect" in row:
                raise ValueError(f'{path}:{n}: give either "answer" (a gold string) or "expect" (regexes), not both')
            rows.append(row)
    return rows


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[idx]


def normalise_gold(text: str) -> str:
    """NFKC (full-width digits and letters, ％, compatibility forms) with every whitespace character dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def gold_in(gold: str, text: str) -> bool:
    """The gold string occurs in ``text`` after normalising both; an empty gold string matches nothing."""
    g = normalise_gold(gold)
    return bool(g) and g in normalise_gold(text)


def is_answerable(row: dict) -> bool:
    return not row.get("abstain")


def is_correct(row: dict, answer) -> bool:
    if row.get("abstain"):
        return answer.abstained
    if "answer" in row:
        return not answer.abstained and gold_in(str(row["answer"]), answer.answer)
    return not answer.abstained and all(re.search(rx, answer.answer) for rx in row.get("expect", []))


def _ratio(num: int, den: int, empty: float) -> float:
    return round(num / den, 4) if den else empty


def group_scores(outcomes: Iterable[Outcome], key: Callable[[Outcome], str | None]) -> dict[str, GroupScore]:
    """Scores per value of ``key`` (rows whose key is None or empty are left out), largest group first."""
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        name = key(o)
        if name:
            groups.setdefault(str(name), []).append(o)
    out = {}
    for name, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        ans = [o for o in members if is_answerable(o.row)]
        refuse = [o for o in members if not is_answerable(o.row)]
        out[name] = GroupScore(
            questions=len(members), correct=sum(o.correct for o in members),
            accuracy=_ratio(sum(o.correct for o in members), len(members), 0.0),
            answerable=len(ans), answerable_accuracy=_ratio(sum(o.correct for o in ans), len(ans), 0.0),
            must_refuse=len(refuse), refusal_recall=_ratio(sum(o.answer.abstained for o in refuse), len(refuse), 1.0),
            wrongful_refusals=sum(o.answer.abstained for o in ans))
    return out


def sweep_thresholds(outcomes: list[Outcome], steps: int = 10) -> list[float]:
    """Thresholds to try: the evidence quantiles of the answers given, the lowest first (it refuses nothing
    more than the answerer did, so the first row is today's scores)."""
    given = sorted(o.answer.evidence for o in outcomes if not o.answer.abstained and o.answer.evidence is not None)
    if not given:
        return [0.0]
    return sorted({given[round(i / steps * (len(given) - 1))] for i in range(steps + 1)})


def threshold_sweep(outcomes: list[Outcome], thresholds: Iterable[float] | None = None) -> list[ThresholdPoint]:
    """For each threshold, the scores if every answer with evidence below it were refused as well."""
    ans = [o for o in outcomes if is_answerable(o.row)]
    refuse = [o for o in outcomes if not is_answerable(o.row)]
    points = []
    for t in sorted(set(thresholds if thresholds is not None else sweep_thresholds(outcomes))):
        def refused(o: Outcome, t: float = t) -> bool:
            return o.answer.abstained or (o.answer.evidence is not None and o.answer.evidence < t)
        points.append(ThresholdPoint(
            threshold=t, refused=sum(refused(o) for o in outcomes),
            answerable_accuracy=_ratio(sum(o.correct and not refused(o) for o in ans), len(ans), 0.0),
            refusal_recall=_ratio(sum(refused(o) for o in refuse), len(refuse), 1.0),
            wrongful_refusal_rate=_ratio(sum(refused(o) for o in ans), len(ans), 0.0)))
    return points


def _failure(o: Outcome, answer_type: str) -> dict:
    row, ans = o.row, o.answer
    out = {"q": row["q"], "answer": ans.answer, "abstained": ans.abstained,
           "expected_abstain": bool(row.get("abstain")), "expect": row.get("expect", []),
           "answer_type": answer_type, "evidence": ans.evidence}
    if "answer" in row:
        out["gold"] = row["answer"]
    if row.get("kind"):
        out["kind"] = row["kind"]
    return out


def score(outcomes: list[Outcome], thresholds: Iterable[float] | None = None, k: int = 5) -> EvalReport:
    """Everything in the report that the answers alone decide (not recall@k, MRR or citation accuracy)."""
    rep = EvalReport(questions=len(outcomes), k=k)
    types = {id(o): classify(o.row["q"]).kind for o in outcomes}
    ans = [o for o in outcomes if is_answerable(o.row)]
    refuse = [o for o in outcomes if not is_answerable(o.row)]
    refused = sum(o.answer.abstained for o in outcomes)
    refused_right = sum(o.answer.abstained for o in refuse)
    rep.accuracy = round(sum(o.correct for o in outcomes) / max(len(outcomes), 1), 4)
    rep.refusal_precision = _ratio(refused_right, refused, 1.0)
    rep.refusal_recall = _ratio(refused_right, len(refuse), 1.0)
    rep.answerable, rep.must_refuse = len(ans), len(refuse)
    rep.answerable_accuracy = _ratio(sum(o.correct for o in ans), len(ans), 0.0)
    rep.wrongful_refusal_rate = _ratio(sum(o.answer.abstained for o in ans), len(ans), 0.0)
    rep.by_answer_type = group_scores(outcomes, lambda o: types[id(o)])
    rep.by_kind = group_scores(outcomes, lambda o: o.row.get("kind"))
    rep.threshold_sweep = threshold_sweep(outcomes, thresholds)
    rep.failures = [_failure(o, types[id(o)]) for o in outcomes if not o.correct]
    latencies = [o.answer.timings_ms.get("total_ms", 0.0) for o in outcomes]
    rep.latency_p50_ms = round(percentile(latencies, 50), 1)
    rep.latency_p95_ms = round(percentile(latencies, 95), 1)
    return rep


def evaluate(engine: Engine, rows: list[dict], k: int = 5, thresholds: Iterable[float] | None = None) -> EvalReport:
    outcomes = []
    cited_ok = cited_n = 0
    hits = rr = ranked = 0.0
    for row in rows:
        ans = engine.ask(row["q"], history=row.get("history"))
        outcomes.append(Outcome(row, ans, is_correct(row, ans)))
        doc = row.get("doc")
        if doc and is_answerable(row):
            if not ans.abstained and ans.citations:
                cited_n += 1
                cited_ok += Path(ans.citations[0].path).stem == doc
            q = engine.understand(row["q"], row.get("history"))
            stems = list(dict.fromkeys(Path(p.meta.get("path", "")).stem for p in retrieve(engine, q, k=20)))
            ranked += 1
            if doc in stems[:k]:
                hits += 1
            if doc in stems:
                rr += 1.0 / (stems.index(doc) + 1)
    rep = score(outcomes, thresholds, k=k)
    rep.citation_accuracy = round(cited_ok / cited_n, 4) if cited_n else 0.0
    rep.recall_at_k = round(hits / ranked, 4) if ranked else 0.0
    rep.mrr = round(rr / ranked, 4) if ranked else 0.0
    return rep


def format_report(rep: EvalReport) -> str:
    """The report for a person: the headline, then the slices and the threshold table."""
    lines = [f"{rep.questions} questions: accuracy {rep.accuracy:.1%}, refusal precision "
             f"{rep.refusal_precision:.1%} recall {rep.refusal_recall:.1%}, citation accuracy "
             f"{rep.citation_accuracy:.1%}, recall@{rep.k} {rep.recall_at_k:.1%}, MRR {rep.mrr:.3f}, "
             f"latency p50 {rep.latency_p50_ms:.0f} ms p95 {rep.latency_p95_ms:.0f} ms",
             f"answerable {rep.answerable}: accuracy {rep.answerable_accuracy:.1%}, wrongful refusals "
             f"{rep.wrongful_refusal_rate:.1%}; must refuse {rep.must_refuse}: refusal recall {rep.refusal_recall:.1%}"]
    for title, groups in (("answer type", rep.by_answer_type), ("kind", rep.by_kind)):
        if not groups:
            continue
        width = max(len(title), *(len(n) for n in groups))
        lines += ["", f"{title:<{width}}  rows  accuracy  answerable  acc.    refuse  recall  wrongful"]
        for name, g in groups.items():
            acc = f"{g.answerable_accuracy:.1%}" if g.answerable else "—"
            recall = f"{g.refusal_recall:.1%}" if g.must_refuse else "—"
            lines.append(f"{name:<{width}}  {g.questions:>4}  {g.accuracy:>8.1%}  {g.answerable:>10}  "
                         f"{acc:>6}  {g.must_refuse:>6}  {recall:>6}  {g.wrongful_refusals:>8}")
    if rep.threshold_sweep:
        lines += ["", "refuse when evidence < t   refused  answerable acc.  refusal recall  wrongful refusals"]
        for p in rep.threshold_sweep:
            lines.append(f"t = {p.threshold:<21.4g}  {p.refused:>7}  {p.answerable_accuracy:>15.1%}  "
                         f"{p.refusal_recall:>14.1%}  {p.wrongful_refusal_rate:>17.1%}")
    return "\n".join(lines)


def format_failures(rep: EvalReport, limit: int | None = None) -> str:
    """One line per wrong answer (the first ``limit``), with what was wanted."""
    shown = rep.failures if limit is None else rep.failures[:limit]
    lines = []
    for f in shown:
        want = "a refusal" if f["expected_abstain"] else f.get("gold") or " ".join(f["expect"]) or "an answer"
        lines.append(f"✗ [{f['answer_type']}] {f['q']} → {f['answer']}  (wanted: {want})")
    if len(shown) < len(rep.failures):
        lines.append(f"… {len(rep.failures) - len(shown)} more failures (--show-failures N, or --json)")
    return "\n".join(lines)
