"""Retrieval fusion and constraint order on hand-made passages: no Chroma, no model."""

from __future__ import annotations

import pytest

from core.records import Passage
from qa.question import parse
from qa.retrieve import (
    RRF_K,
    asked_matches,
    constrained_order,
    date_matches,
    exact_order,
    fuse,
    place_matches,
    previous_chunks,
)


def _passage(cid: str, **meta) -> Passage:
    return Passage(cid, cid.split(":")[0], "text", {"doc_id": cid.split(":")[0], **meta})


def test_fusion_adds_reciprocal_ranks_of_every_ranking():
    found = {c: _passage(c) for c in ("a:0", "b:0", "c:0")}
    fused = {p.chunk_id: p.score for p in fuse(found, [["a:0", "b:0"], ["b:0", "c:0"]])}
    assert fused["b:0"] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert fused["a:0"] == pytest.approx(1 / (RRF_K + 1))
    assert fused["b:0"] > fused["a:0"] > fused["c:0"]


def test_a_passage_with_the_asked_date_and_place_outranks_a_closer_one_without():
    q = parse("南昌7月16日新增多少例？")
    right = _passage("r:0", monthdays=[716], dates=[20220716], places=["南昌", "江西"], doc_places=["南昌", "江西"])
    wrong_day = _passage("w:0", monthdays=[715], dates=[20220715], places=["南昌", "江西"], doc_places=["南昌", "江西"])
    right.score, wrong_day.score = 0.01, 0.05
    assert [p.chunk_id for p in constrained_order(q, [wrong_day, right])] == ["r:0", "w:0"]
    assert right.date_match and right.place_match and not wrong_day.date_match


def test_a_date_without_a_year_matches_any_year_and_a_year_must_match_when_asked():
    meta = {"monthdays": [716], "dates": [20220716]}
    assert date_matches(parse("7月16日新增多少").dates, meta)
    assert date_matches(parse("2022年7月16日新增多少").dates, meta)
    assert not date_matches(parse("2021年7月16日新增多少").dates, meta)


def test_a_district_matches_only_with_its_city():
    q = parse("南昌西湖区7月16日新增多少例")
    assert place_matches(q.places, {"places": ["西湖区", "南昌"]}) == 2
    assert place_matches(q.places, {"places": ["西湖区", "杭州"]}) == 0
    assert place_matches(q.places, {"doc_places": ["西湖区", "南昌"]}) == 1


def test_the_chunks_before_each_leading_passage_are_fetched_once_as_unranked_context():
    class Store:
        asked: list[str] = []

        def chunks_by_id(self, ids):
            self.asked += ids
            return [(cid, "前文。", {"doc_id": cid.split(":")[0], "idx": int(cid.split(":")[1])}) for cid in ids]

    def passage(doc, idx):
        return Passage(f"{doc}:{idx}", doc, "正文。", {"doc_id": doc, "idx": idx}, score=1.0)

    store = Store()
    got = previous_chunks(store, [passage("a", 2), passage("a", 1), passage("b", 0), passage("c", 3)])
    # a:1 is already there, b:0 has no chunk before it; c reads back to its lead
    assert store.asked == ["a:0", "c:2", "c:1", "c:0"]
    assert [p.chunk_id for p in got] == ["a:0", "c:2", "c:1", "c:0"] and all(p.score == 0.0 for p in got)


def test_chunks_further_back_than_speaker_chunks_back_are_not_fetched():
    from qa.weights import WEIGHTS

    class Store:
        def chunks_by_id(self, ids):
            return [(cid, "前文。", {"doc_id": "a", "idx": int(cid.split(":")[1])}) for cid in ids]

    far = WEIGHTS.speaker_chunks_back + 3
    got = previous_chunks(Store(), [Passage(f"a:{far}", "a", "正文。", {"doc_id": "a", "idx": far}, score=1.0)])
    assert [p.meta["idx"] for p in got] == list(range(far - 1, far - 1 - WEIGHTS.speaker_chunks_back, -1))


def test_a_chunk_the_vector_search_missed_goes_where_its_cosine_ranks_it():
    found = {c: _passage(c) for c in ("a:0", "b:0", "c:0", "m:0")}
    for cid, cos in (("a:0", 0.90), ("b:0", 0.86), ("c:0", 0.84), ("m:0", 0.88)):
        found[cid].dense = cos
    assert exact_order(["a:0", "b:0", "c:0"], ["m:0"], found) == ["a:0", "m:0", "b:0", "c:0"]
    assert exact_order(["a:0", "b:0"], [], found) == ["a:0", "b:0"]


def test_the_constrained_search_would_return_a_chunk_of_the_asked_day_and_place_only():
    q = parse("南昌7月16日新增多少例？")
    assert asked_matches(q, {"monthdays": [715, 716], "doc_places": ["南昌", "江西"]})
    assert not asked_matches(q, {"monthdays": [715], "doc_places": ["南昌", "江西"]})
    assert not asked_matches(q, {"monthdays": [716], "doc_places": ["长春"]})
    assert asked_matches(parse("新增多少例？"), {})
