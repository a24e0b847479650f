"""The question parser on its own: dates, places, kind, measures and follow-ups, no store."""

from __future__ import annotations

from qa.question import AskedDate, parse, with_history


def test_reads_date_place_kind_and_measure_of_a_count_question():
    q = parse("南昌7月16日新增多少例？")
    assert q.dates == [AskedDate(None, 7, 16)]
    assert [p.name for p in q.places] == ["南昌"]
    assert q.kind == "count" and "新增" in q.measures


def test_reads_english_dates_places_and_glossary_terms():
    q = parse("How many new cases did Nanchang report on July 16?")
    assert q.dates == [AskedDate(None, 7, 16)]
    assert [p.name for p in q.places] == ["南昌"]
    assert "新增" in q.search_text and q.kind == "count"


def test_classifies_who_when_and_which_questions():
    assert parse("发布会由谁主持？").kind == "person"
    assert parse("发布会什么时候举行？").kind == "time"
    assert parse("哪些区县出现内涝？").kind == "list"


def test_a_followup_takes_the_date_and_place_of_the_conversation():
    q = with_history(parse("其中确诊几例？"), ["南昌7月16日新增多少例"])
    assert q.followup and q.dates == [AskedDate(None, 7, 16)] and [p.name for p in q.places] == ["南昌"]
    assert "确诊" in q.measures


def test_a_followup_that_names_another_city_swaps_only_the_place():
    q = with_history(parse("那长春呢？"), ["南昌7月16日新增多少例"])
    assert [p.name for p in q.places] == ["长春"] and q.dates == [AskedDate(None, 7, 16)]
    assert q.kind == "count"
