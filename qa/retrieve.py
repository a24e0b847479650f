"""Dense (Chroma) + lexical (BM25) retrieval, fused, then reranked with the question's constraints.

A chunk that mentions the asked date (after normalisation: "16日" in an article published
7月17日 is 7月16日) and the asked place outranks one that does not, whatever its similarity.
"""

from __future__ import annotations

import time

from core.records import Filters, Passage
from core.schema import date_key, key_monthday, key_year
from qa.question import AskedDate, Question
from qa.weights import WEIGHTS
from storage.lexical import LexicalIndex, lexical_index
from zhtext.places import Place, find_places

RRF_K = 60


def date_matches(asked: list[AskedDate], meta: dict) -> bool:
    """Does the chunk mention one of the asked dates? A year the question omits matches any year;
    a chunk whose article has no known year matches on month and day."""
    if not asked:
        return True
    monthdays = set(meta.get("monthdays") or [])
    years_by_md: dict[int, set[int]] = {}
    for key in meta.get("dates") or []:
        years_by_md.setdefault(key_monthday(key), set()).add(key_year(key))
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


def filter_place(name: str) -> str:
    """The gazetteer's name for a place filter ("南昌市" → "南昌", as ``doc_places`` holds it); a name the
    gazetteer does not know is kept as given."""
    found = find_places(name)
    return found[0].place.name if len(found) == 1 and found[0].text == name else name


def filter_where(f: Filters | None) -> dict | None:
    """The Chroma ``where`` for explicit filters: published within the range, the source, the place."""
    if f is None or not f.narrows:
        return None
    clauses: list[dict] = []
    if f.date_from:
        clauses.append({"published": {"$gte": date_key(f.date_from)}})
    if f.date_to:
        clauses.append({"published": {"$lte": date_key(f.date_to)}})
    if f.source:
        clauses.append({"source": {"$eq": f.source}})
    if f.place:
        clauses.append({"doc_places": {"$contains": filter_place(f.place)}})
    return _all(clauses)


def filter_matches(f: Filters | None, meta: dict) -> bool:
    """``filter_where`` on one chunk's metadata, for the hits of the lexical index (which Chroma does not filter)."""
    if f is None or not f.narrows:
        return True
    published = meta.get("published")
    if (f.date_from or f.date_to) and not published:
        return False
    if f.date_from and published < date_key(f.date_from):
        return False
    if f.date_to and published > date_key(f.date_to):
        return False
    if f.source and meta.get("source") != f.source:
        return False
    return not f.place or filter_place(f.place) in (meta.get("doc_places") or [])


def _all(clauses: list[dict]) -> dict | None:
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


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
    return _all(clauses)


def asked_matches(q: Question, meta: dict) -> bool:
    """``_where(q)`` on one chunk's metadata: a chunk the constrained search should have returned."""
    if q.dates and not {d.monthday for d in q.dates} & set(meta.get("monthdays") or []):
        return False
    return not q.places or bool({p.name for p in q.places} & set(meta.get("doc_places") or []))


def query_text(q: Question) -> str:
    """What the embedder sees of a question: as asked, or with a follow-up's context filled in."""
    return q.search_text if q.followup else q.raw


def retrieve(engine, q: Question, k: int = 20, timings: dict | None = None,
             filters: Filters | None = None, lexical: LexicalIndex | None = None) -> list[Passage]:
    """Candidates from dense, constraint-filtered dense and BM25, fused by reciprocal rank, then reranked.
    Explicit ``filters`` narrow every side before ranking: both dense queries carry their ``where`` and the
    lexical hits are dropped by the same test on their metadata.

    ``lexical``: the store's current lexical index, when the caller already holds it (the engine uses
    it for the answer's word weights too): finding it reads the marker and the chunk count, ~2 ms."""
    timings = timings if timings is not None else {}
    store = engine.store
    if lexical is None:
        lexical = lexical_index(store, engine.cache_dir)
    if not lexical.ids:  # the index is over every chunk of the store's current version
        return []
    t = time.perf_counter()
    qvec = engine.query_vector(query_text(q))
    timings["embed_ms"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    found: dict[str, Passage] = {}
    rankings: list[list[str]] = []
    base = filter_where(filters)
    asked = _where(q)
    where = _all([c for c in (base, asked) if c])
    searches = [(base, k * 2, lambda meta: True)]
    if asked:
        searches.append((where, k, lambda meta: asked_matches(q, meta)))
    edges: list[tuple[float, bool]] = []  # per search: the last cosine it returned, and whether it filled its page
    for filt, n, _ in searches:
        hits = store.query(qvec, n=n, where=filt)
        for cid, doc, meta, dist in hits:
            p = found.setdefault(cid, Passage(cid, meta["doc_id"], doc, meta))
            p.dense = max(p.dense or -1.0, 1.0 - dist)
        rankings.append([cid for cid, *_ in hits])
        edges.append((1.0 - hits[-1][3] if hits else -1.0, len(hits) >= n))
    timings["dense_ms"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    narrowed = filters is not None and filters.narrows
    # with filters, more lexical hits are read so that enough survive them
    lex = lexical.search(q.search_text, k * (10 if narrowed else 2))
    lex_ids = [cid for cid, _ in lex]
    missing = [cid for cid in lex_ids if cid not in found]
    if missing:
        missed: list[list[str]] = [[] for _ in searches]
        for cid, doc, meta, vec in store.chunks_with_vectors(missing):
            if not filter_matches(filters, meta):
                continue
            p = found[cid] = Passage(cid, meta["doc_id"], doc, meta)
            cos = float(vec @ qvec) if vec is not None else -1.0
            for i, ((_, _, matches), (floor, full)) in enumerate(zip(searches, edges, strict=True)):
                if vec is not None and matches(meta) and (cos > floor or not full):
                    p.dense = cos  # a search should have returned it: its approximate index missed it
                    missed[i].append(cid)
        rankings = [exact_order(r, m, found) for r, m in zip(rankings, missed, strict=True)]
    rankings.append([cid for cid in lex_ids if cid in found][:k * 2])
    timings["lexical_ms"] = (time.perf_counter() - t) * 1000

    # serve only chunks whose article is sealed (NewsStore's protocol): old version or new, never both
    sealed = store.sealed(p.doc_id for p in found.values())
    found = {cid: p for cid, p in found.items() if p.doc_id in sealed}
    rankings = [[cid for cid in ranking if cid in found] for ranking in rankings]

    ordered = constrained_order(q, fuse(found, rankings))
    t = time.perf_counter()
    ordered += previous_chunks(store, ordered, q)
    timings["context_ms"] = (time.perf_counter() - t) * 1000
    return ordered


def previous_chunks(store, passages: list[Passage], q: Question | None = None,
                    top: int = WEIGHTS.g_top) -> list[Passage]:
    """The chunks before each of the ``top`` leading passages (up to ``speaker_chunks_back``, back to the
    article's lead), when retrieval did not find them: context only, unranked (score 0), for the answerer to
    read back to a statement's speaker ("大使谢锋…发表演讲。谢锋强调，…" chunks before "一是…").
    With ``q``, each carries its own date and place match, as ranked passages do: the answerer reads only the
    passages that fit the question, and a context chunk left unmarked was never read."""
    have = {p.chunk_id for p in passages}
    wanted = []
    for p in passages[:top]:
        idx = p.meta.get("idx")
        if not isinstance(idx, int):
            continue
        for back in range(idx - 1, max(-1, idx - 1 - WEIGHTS.speaker_chunks_back), -1):
            if (cid := f"{p.doc_id}:{back}") not in have:
                wanted.append(cid)
                have.add(cid)
    if not wanted:
        return []
    out = [Passage(cid, meta["doc_id"], doc, meta) for cid, doc, meta in store.chunks_by_id(wanted)]
    if q is not None:
        for p in out:
            _mark(q, p)
    return out


def exact_order(ranking: list[str], missed: list[str], found: dict[str, Passage]) -> list[str]:
    """A vector search's ranking with the chunks it missed put where their exact cosine belongs.

    HNSW search is approximate: now and then a chunk closer than the last one returned is not returned.
    The words find it all the same, and its stored vector says where it ranks, so an answer does not hang
    on the approximate search."""
    if not missed:
        return ranking
    return sorted(ranking + missed, key=lambda cid: -(found[cid].dense or -1.0))  # stable: ties keep Chroma's order


def fuse(found: dict[str, Passage], rankings: list[list[str]]) -> list[Passage]:
    """Reciprocal rank fusion: each ranking adds 1 / (RRF_K + rank) to the passages it lists."""
    for ranking in rankings:
        for rank, cid in enumerate(ranking):
            found[cid].score += 1.0 / (RRF_K + rank + 1)
    return list(found.values())


def constrained_order(q: Question, passages: list[Passage]) -> list[Passage]:
    """Passages that mention the asked date and place first (a named place before an article-level one),
    then by fused score."""
    for p in passages:
        _mark(q, p)
    return sorted(passages, key=lambda p: (p.date_match + p.place_match, p.place_level, p.score), reverse=True)


def _mark(q: Question, p: Passage) -> None:
    """Whether the passage mentions the asked date and place (``place_level``: where it names it)."""
    p.date_match = date_matches(q.dates, p.meta)
    p.place_level = place_matches(q.places, p.meta)
    p.place_match = p.place_level > 0
