"""Dense (Chroma) + lexical (BM25) retrieval, fused, then reranked with the question's constraints.

A chunk that mentions the asked date (after normalisation: "16日" in an article published
7月17日 is 7月16日) and the asked place outranks one that does not, whatever its similarity.
"""

from __future__ import annotations

from datetime import date

from ingest.places import Place
from qa.lexical import lexical_index
from qa.question import AskedDate, Question
from qa.types import Passage

RRF_K = 60


def date_matches(asked: list[AskedDate], meta: dict) -> bool:
    """Does the chunk mention one of the asked dates? A year the question omits matches any year;
    a chunk whose article has no known year matches on month and day."""
    if not asked:
        return True
    monthdays = set(meta.get("monthdays") or [])
    years_by_md: dict[int, set[int]] = {}
    for key in meta.get("dates") or []:
        years_by_md.setdefault(key % 10000, set()).add(key // 10000)
    for d in asked:
        if d.monthday not in monthdays:
            continue
        years = years_by_md.get(d.monthday)
        if d.year is None or not years or d.year in years:
            return True
    return False


def _needs(place: Place) -> set[str]:
    """A district is matched with its city: 西湖区 of 杭州 is not 西湖区 of 南昌."""
    return {place.name, place.parent} if place.level == "district" and place.parent else {place.name}


def place_matches(asked: list[Place], meta: dict) -> int:
    """2 when the chunk names an asked place, 1 when only its article does (a chunk under a district's
    heading need not repeat the district), 0 otherwise."""
    if not asked:
        return 2
    for key, level in (("places", 2), ("doc_places", 1)):
        names = set(meta.get(key) or [])
        if any(_needs(p) <= names for p in asked):
            return level
    return 0


def _where(q: Question) -> dict | None:
    clauses = []
    if q.dates:
        mds = sorted({d.monthday for d in q.dates})
        clauses.append({"monthdays": {"$contains": mds[0]}} if len(mds) == 1 else
                       {"$or": [{"monthdays": {"$contains": md}} for md in mds]})
    names = [p.name for p in q.places]
    if names:
        clauses.append({"doc_places": {"$contains": names[0]}} if len(names) == 1 else
                       {"$or": [{"doc_places": {"$contains": n}} for n in names]})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def retrieve(engine, q: Question, k: int = 20, timings: dict | None = None) -> list[Passage]:
    """Candidates from dense, constraint-filtered dense and BM25, fused by reciprocal rank, then reranked."""
    import time

    timings = timings if timings is not None else {}
    store = engine.store
    if store.chunks.count() == 0:
        return []
    t = time.perf_counter()
    qvec = engine.embedder.encode_queries([q.search_text if q.followup else q.raw])[0]
    timings["embed_ms"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    found: dict[str, Passage] = {}
    rankings: list[list[str]] = []
    where = _where(q)
    for filt in ([None, where] if where else [None]):
        res = store.chunks.query(query_embeddings=[qvec], n_results=k * 2 if filt is None else k, where=filt,
                                 include=["documents", "metadatas", "distances"])
        ids = res["ids"][0]
        for cid, doc, meta, dist in zip(ids, res["documents"][0], res["metadatas"][0], res["distances"][0],
                                        strict=True):
            p = found.setdefault(cid, Passage(cid, meta["doc_id"], doc, meta))
            p.dense = max(p.dense or -1.0, 1.0 - dist)
        rankings.append(ids)
    timings["dense_ms"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    lex = lexical_index(store, engine.cache_dir).search(q.search_text, k * 2)
    lex_ids = [cid for cid, _ in lex]
    missing = [cid for cid in lex_ids if cid not in found]
    if missing:
        got = store.chunks.get(ids=missing, include=["documents", "metadatas"])
        for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
            found[cid] = Passage(cid, meta["doc_id"], doc, meta)
    rankings.append([cid for cid in lex_ids if cid in found])
    timings["lexical_ms"] = (time.perf_counter() - t) * 1000

    # serve only chunks whose article record exists: an ingest writes a changed article's new chunks
    # first and swaps the records after, so this one read decides old version or new, never both
    doc_ids = list({p.doc_id for p in found.values()})
    sealed = set(store.articles.get(ids=doc_ids, include=[])["ids"]) if doc_ids else set()
    found = {cid: p for cid, p in found.items() if p.doc_id in sealed}
    rankings = [[cid for cid in ranking if cid in found] for ranking in rankings]

    for ranking in rankings:
        for rank, cid in enumerate(ranking):
            found[cid].score += 1.0 / (RRF_K + rank + 1)
    for p in found.values():
        p.date_match = date_matches(q.dates, p.meta)
        p.place_level = place_matches(q.places, p.meta)
        p.place_match = p.place_level > 0
    return sorted(found.values(), key=lambda p: (p.date_match + p.place_match, p.place_level, p.score),
                  reverse=True)


def date_anchor(meta: dict) -> tuple[date | None, bool]:
    """What "16日" and "昨天" in a chunk are read against: the published date, else the month and
    day guessed at ingest for an undated article (its year unknown). Returns (anchor, year known)."""
    published = published_date(meta)
    if published is not None:
        return published, True
    md = meta.get("anchor_md")
    return (date(2000, md // 100, md % 100), False) if md else (None, True)


def published_date(meta: dict) -> date | None:
    key = meta.get("published")
    if not key:
        return None
    return date(key // 10000, key // 100 % 100, key % 100)
