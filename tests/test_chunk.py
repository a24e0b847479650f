import re

from ingest.chunk import chunk_spans
from ingest.load import load_file
from tests.conftest import SEED
from zhtext.sentences import split_sentences


def test_sentences_end_at_chinese_and_ascii_terminators_and_keep_closing_quotes():
    text = "他说：“今天很好。明天也好！”然后走了。第二句?第三句；\n第四段 ok. End"
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == ["他说：“今天很好。明天也好！”然后走了。", "第二句?", "第三句；", "第四段 ok.", "End"]


def test_decimal_points_do_not_end_sentences():
    text = "共完成核酸采样776.08万人次。累计检测296.6万人次。"
    assert [text[s:e] for s, e in split_sentences(text)] == ["共完成核酸采样776.08万人次。", "累计检测296.6万人次。"]


def test_chunk_offsets_point_into_the_body_and_respect_size():
    body = load_file(SEED["nanchang"])[0][0].body
    spans = chunk_spans(body, size=300, overlap=1)
    assert len(spans) >= 8
    sentence_bounds = {s for s, _ in split_sentences(body)} | {e for _, e in split_sentences(body)}
    for start, end in spans:
        assert start in sentence_bounds and end in sentence_bounds, "chunks hold whole sentences"
        assert end - start <= 450
    covered = set()
    for start, end in spans:
        covered.update(range(start, end))
    text_positions = {i for i, ch in enumerate(body) if not ch.isspace()}
    assert text_positions <= covered, "no text is lost between chunks"


def test_chunks_overlap_by_whole_sentences():
    body = "。".join(f"第{i}句话讲了一件事情" for i in range(40)) + "。"
    spans = chunk_spans(body, size=60, overlap=1)
    for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        assert s2 < e1, "consecutive chunks share a sentence"
        assert body[s2:e1].endswith("。")


def test_quotation_is_never_cut():
    quote = "“" + "。".join(["当前疫情防控仍然处在关键阶段"] * 6) + "。”"
    body = "前言一句。" * 10 + quote + "陈志良说。" + "后记一句。" * 10
    for start, end in chunk_spans(body, size=80, overlap=0):
        piece = body[start:end]
        assert piece.count("“") == piece.count("”")


def test_overlong_sentence_splits_at_commas_never_inside_numbers():
    sentence = "，".join(f"其中第{i}区新增12345例无症状感染者" for i in range(60)) + "。"
    spans = chunk_spans(sentence, size=100, overlap=0)
    assert len(spans) > 5
    for start, end in spans:
        piece = sentence[start:end]
        assert end - start <= 150
        assert not re.match(r"^\d", piece) or start == 0
        assert "12345" in piece or len(piece) < 12
    assert "".join(sentence[s:e] for s, e in spans) == sentence
