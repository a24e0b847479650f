"""``newsqa eval``: answer accuracy, refusal precision/recall, citation accuracy, recall@k, MRR, latency."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.engine import Engine
from qa.retrieve import retrieve


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

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def load_rows(path: str | Path) -> list[dict]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{n}: invalid JSON ({err.msg})") from None
    return rows


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[idx]


def is_correct(row: dict, answer) -> bool:
    if row.get("abstain"):
        return answer.abstained
    return not answer.abstained and all(re.search(rx, answer.answer) for rx in row.get("expect", []))


def evaluate(engine: Engine, rows: list[dict], k: int = 5) -> EvalReport:
    rep = EvalReport(questions=len(rows), k=k)
    correct = cited_ok = cited_n = refused = refused_right = should_refuse = 0
    hits = rr = ranked = 0.0
    latencies = []
    for row in rows:
        ans = engine.ask(row["q"], history=row.get("history"))
        latencies.append(ans.timings_ms.get("total_ms", 0.0))
        ok = is_correct(row, ans)
        correct += ok
        if not ok:
            rep.failures.append({"q": row["q"], "answer": ans.answer, "abstained": ans.abstained,
                                 "expected_abstain": bool(row.get("abstain")), "expect": row.get("expect", [])})
        refused += ans.abstained
        should_refuse += bool(row.get("abstain"))
        refused_right += ans.abstained and bool(row.get("abstain"))
        doc = row.get("doc")
        if doc and not row.get("abstain"):
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
    n = max(len(rows), 1)
    rep.accuracy = round(correct / n, 4)
    rep.refusal_precision = round(refused_right / refused, 4) if refused else 1.0
    rep.refusal_recall = round(refused_right / should_refuse, 4) if should_refuse else 1.0
    rep.citation_accuracy = round(cited_ok / cited_n, 4) if cited_n else 0.0
    rep.recall_at_k = round(hits / ranked, 4) if ranked else 0.0
    rep.mrr = round(rr / ranked, 4) if ranked else 0.0
    rep.latency_p50_ms = round(percentile(latencies, 50), 1)
    rep.latency_p95_ms = round(percentile(latencies, 95), 1)
    return rep
