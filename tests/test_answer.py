"""Real questions of a real index of the sample articles, built by the real embedder."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from qa.chain import NewsRetriever, build_chain
from qa.engine import Engine
from qa.verify import unsupported_numbers
from tests.conftest import ROOT, SEED


def body_of(engine, doc_id):
    return engine.store.articles.get(ids=[doc_id], include=["documents"])["documents"][0]


def test_answers_a_count_with_the_exact_passage(sample_engine):
    a = sample_engine.ask("南昌7月16日新增多少例？")
    assert not a.abstained
    assert "9例阳性感染者" in a.answer and "[1]" in a.answer
    assert "2例为确诊病例" in a.answer and "7例为无症状感染者" in a.answer, "qualifiers are kept"
    c = a.citations[0]
    assert Path(c.path).name == SEED["nanchang"].name
    assert body_of(sample_engine, c.doc_id)[c.start: c.end] == c.quote
    assert c.published == "2022-07-17"


def test_abstains_when_only_a_citys_count_is_reported_for_its_province(sample_engine):
    """长春's 574例 is not 吉林省's figure: refused, and 长春's offered as what the articles do say."""
    a = sample_engine.ask("4月3日吉林省新增本地确诊病例多少例？")
    assert a.abstained and a.answer.startswith("资料中没有吉林省的这个数字，只有长春市的：")
    assert "574例" in a.citations[0].quote
    assert body_of(sample_engine, a.citations[0].doc_id)[a.citations[0].start: a.citations[0].end] == a.citations[0].quote


def test_abstains_when_date_not_in_corpus_and_points_to_nearest(sample_engine):
    a = sample_engine.ask("南昌7月20日新增多少例？")
    assert a.abstained
    assert a.answer.startswith("资料中没有南昌7月20日")
    assert "最近的是" in a.answer and "9例" in a.answer
    assert a.citations and "7月16日" in a.citations[0].quote


@pytest.mark.parametrize("question", ["北京7月16日新增多少例？", "上海3月20日新增无症状感染者多少例"])
def test_abstains_for_a_city_not_in_corpus(sample_engine, question):
    a = sample_engine.ask(question)
    assert a.abstained and not a.citations
    assert not unsupported_numbers(a.answer, [], question)


@pytest.mark.parametrize("question", ["南昌的房价是多少？", "谁赢得了2022年世界杯？", "长春今天天气怎么样？",
                                      "常州地铁有几条线？"])
def test_refuses_off_topic_questions(sample_engine, question):
    a = sample_engine.ask(question)
    assert a.abstained, a.answer


def test_scrubbed_number_is_not_borrowed_from_a_neighbour(sample_engine):
    a = sample_engine.ask("长春3月27日全市新增本地确诊病例多少例？")
    assert a.abstained
    assert "数字缺失" in a.answer
    assert not [n for n in ("89", "74", "61", "60", "58") if n in a.answer]


@pytest.mark.parametrize("question", [
    "南昌7月16日新增多少例？", "长春4月3日新增本地确诊多少例？", "常州3月20日新增无症状感染者多少例？",
    "吉林市3月17日新增多少例？", "截至7月16日南昌累计排查密接多少人？", "南昌7月20日新增多少例？",
])
def test_every_number_in_an_answer_is_in_a_cited_passage(sample_engine, question):
    a = sample_engine.ask(question)
    assert not unsupported_numbers(a.answer, [c.quote for c in a.citations], question)


def test_number_check_catches_an_invented_number():
    assert unsupported_numbers("新增99例[1]", ["新增9例阳性感染者"]) == ["99"]
    assert unsupported_numbers("新增9例[1]", ["新增9例阳性感染者"]) == []


def test_english_traditional_and_chinese_numeral_questions(sample_engine):
    for q in ["How many new cases did Nanchang report on July 16?", "南昌7月16日新增多少例陽性感染者？",
              "南昌七月十六日新增多少例"]:
        a = sample_engine.ask(q)
        assert not a.abstained and "9例" in a.answer, (q, a.answer)
    a = sample_engine.ask("長春4月3日新增本地確診多少例？")
    assert "574例" in a.answer


def test_followups_inherit_date_and_place_or_swap_the_place(sample_engine):
    history = ["南昌7月16日新增多少例？"]
    a = sample_engine.ask("其中确诊几例？", history=history)
    assert not a.abstained and "2例为确诊病例" in a.answer
    a = sample_engine.ask("那西湖区呢？", history=history)
    assert not a.abstained and "西湖区6例" in a.answer
    a = sample_engine.ask("那长春呢？", history=history)
    assert a.abstained and "长春" in a.answer and "南昌" not in a.answer.split("。")[0]


def test_chain_is_a_runnable_and_the_retriever_stands_alone(sample_engine):
    chain = build_chain(sample_engine)
    one = chain.invoke("长春4月3日新增本地确诊多少例？")
    assert "574例" in one.answer
    many = chain.batch(["南昌7月16日新增多少例？", {"question": "其中确诊几例？", "history": ["南昌7月16日新增多少例？"]}])
    assert "9例" in many[0].answer and "2例" in many[1].answer
    streamed = list(chain.stream("吉林市3月17日新增多少例？"))
    assert "1210例" in streamed[-1].answer
    docs = NewsRetriever(engine=sample_engine, k=3).invoke("南昌7月16日新增多少例")
    assert len(docs) == 3 and "9例阳性感染者" in docs[0].page_content
    assert docs[0].metadata["date_match"] and docs[0].metadata["place_match"]


def test_llm_writes_the_answer_when_its_numbers_check_out(sample_engine):
    good = FakeListChatModel(responses=["南昌7月16日新增9例阳性感染者，其中2例确诊、7例无症状[1]。"])
    engine = Engine(sample_engine.settings, store=sample_engine.store, embedder=sample_engine.embedder, llm=good)
    a = engine.ask("南昌7月16日新增多少例？")
    assert a.answer.startswith("南昌7月16日新增9例") and a.citations[0].n == 1


def test_llm_answer_with_an_invented_number_falls_back_to_extractive(sample_engine):
    bad = FakeListChatModel(responses=["南昌7月16日新增19例阳性感染者[1]。"])
    engine = Engine(sample_engine.settings, store=sample_engine.store, embedder=sample_engine.embedder, llm=bad)
    a = engine.ask("南昌7月16日新增多少例？")
    assert "19例" not in a.answer and "9例阳性感染者" in a.answer


def test_cli_ask_json_and_one_question_per_stdin_line(sample_engine):
    env = {**os.environ, "NEWSQA_MODELS": str(sample_engine.settings.models)}
    store = str(sample_engine.settings.store)
    out = subprocess.run([sys.executable, "-m", "newsqa", "ask", "--store", store, "--json"],
                         input="南昌7月16日新增多少例\n南昌7月20日新增多少例\n", capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["abstained"] for r in rows] == [False, True]
    assert set(rows[0]) == {"question", "answer", "abstained", "citations", "timings_ms", "short_answer",
                            "answer_type", "evidence", "series"}
    assert set(rows[0]["citations"][0]) == {"n", "doc_id", "title", "source", "published", "path", "quote", "start",
                                            "end", "score"}


def test_a_district_of_another_city_with_the_same_name_is_not_matched(sample_engine):
    a = sample_engine.ask("杭州西湖区7月16日新增多少例？")
    assert a.abstained and "6例" not in a.answer


def test_a_count_for_a_measure_the_article_never_reports_is_refused(sample_engine):
    a = sample_engine.ask("南昌7月16日新增死亡病例多少例？")
    assert a.abstained and "9例" not in a.answer and "死亡" in a.answer


def test_a_figure_is_found_under_its_district_heading_in_an_undated_article(sample_engine):
    """Seed 002 has no published date: '截至27日24时' is read against the 3月27日 it names, and the
    passage under the 南关区 speaker counts for 南关区 though it does not repeat the name."""
    a = sample_engine.ask("截至3月27日南关区累计派送蔬菜包多少万份？")
    assert not a.abstained and "4.4万份" in a.answer
    assert a.citations[0].published is None


def test_a_breakdown_number_is_not_given_as_the_city_total(sample_engine):
    a = sample_engine.ask("长春3月27日全市新增本地确诊病例多少例？")
    assert a.abstained and "74例" not in a.answer and "89例" not in a.answer


REPORTED_NEXT_DAY = """---
title: 雅安市卫健委通报2022年8月12日疫情防控情况
date: 2022-08-13
---
雅安市卫生健康委员会8月13日通报：8月12日0—24时，全市新增阳性感染者97例，其中确诊病例60例，无症状感染者37例，分布在名山区和雨城区。
"""
SAME_DAY = """---
title: 2022年8月13日雅安市新增本土病例情况
date: 2022-08-14
---
8月13日0—24时，雅安市新增阳性感染者50例，其中确诊病例20例，无症状感染者30例，分布在雨城区。
"""


def test_the_day_a_figure_was_reported_is_not_the_day_it_is_for(settings, embedder, tmp_path):
    """"8月13日通报：8月12日0—24时…37例" answers 8月12日; asked for 8月13日 it is the other article, or nothing."""
    from ingest.pipeline import ingest_paths
    from storage.store import open_store

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "reported.md").write_text(REPORTED_NEXT_DAY, encoding="utf-8")
    s = settings.with_(store=tmp_path / "store")
    engine = Engine(s, store=open_store(s), embedder=embedder)
    ingest_paths([str(tmp_path / "in")], s, store=engine.store, embedder=embedder)
    assert "37例" in engine.ask("雅安8月12日新增无症状感染者多少例？").answer
    assert engine.ask("雅安8月13日新增无症状感染者多少例？").abstained
    (tmp_path / "in" / "same-day.md").write_text(SAME_DAY, encoding="utf-8")
    ingest_paths([str(tmp_path / "in")], s, store=engine.store, embedder=embedder)
    a = engine.ask("雅安8月13日新增无症状感染者多少例？")
    assert not a.abstained and "30例" in a.answer and "37例" not in a.answer
    assert a.citations[0].title == "2022年8月13日雅安市新增本土病例情况"


SPEECH = """---
title: 驻外大使王建国在经贸论坛发表演讲
date: 2023-07-20
---
7月19日，驻外大使王建国出席经贸论坛并发表演讲。王建国表示，双方经贸关系面临严重困难和挑战。
""" + "会议回顾了过去一年的工作，肯定了各方取得的进展，并就下一阶段的重点任务交换了意见。" * 7 + """
他说，对方应以行动落实李总统不寻求对抗的表态。
""" + "与会代表围绕产业链合作、绿色发展和数字经济等议题进行了交流，气氛热烈而务实。" * 7 + """
一是取消加征的关税，用行动改善贸易环境。二是扩大人员往来，恢复更多直航航班。三是加强地方合作，为企业牵线搭桥。四是深化人文交流，支持更多学生互访。五是要求对方停止限制企业的正常投资，让合作回到正轨。
"""


def test_a_statement_chunks_after_the_lead_is_given_to_the_speaker_the_lead_names(engine, tmp_path):
    """Real ingest and retrieval: the speech's fifth point, two chunks after the lead that names its speaker,
    is his; the name mentioned on the way (李总统) is not; both the point and his naming are cited."""
    from ingest.pipeline import ingest_paths

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "speech.md").write_text(SPEECH, encoding="utf-8")
    ingest_paths([str(tmp_path / "in")], engine.settings, store=engine.store, embedder=engine.embedder)
    a = engine.ask("谁要求停止限制企业的正常投资？")
    assert not a.abstained and a.short_answer and "王建国" in a.short_answer, a.answer
    assert any("停止限制企业的正常投资" in c.quote for c in a.citations)
    assert any("王建国" in c.quote and ("表示" in c.quote or "演讲" in c.quote) for c in a.citations)
    (doc_id,) = {c.doc_id for c in a.citations if "停止限制企业" in c.quote}
    got = engine.store.chunks.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
    said = [m["idx"] for d, m in zip(got["documents"], got["metadatas"], strict=True) if "停止限制企业" in d]
    named = [m["idx"] for d, m in zip(got["documents"], got["metadatas"], strict=True) if "王建国" in d]
    assert min(said) - max(named) >= 2  # the statement is chunks after the last chunk that names him
    for c in a.citations:
        assert body_of(engine, c.doc_id)[c.start: c.end] == c.quote
