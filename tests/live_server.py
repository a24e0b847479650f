"""Real servers for the HTTP, browser and MCP tests: a store of data/sample, `newsqa serve` as a subprocess.

Servers are started once per test session and shared by the modules that use them (the
fixtures in test_api.py and test_ui_browser.py both ask for the same pair), and stopped by PID.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
START_TIMEOUT = 300  # seconds for a server to load the embedder and answer /api/health


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_store(dest: Path, settings, embedder) -> Path:
    """A fresh store holding the five sample articles, built in this process with the shared embedder."""
    from ingest.pipeline import ingest_paths
    from storage.store import open_store

    s = settings.with_(store=dest)
    report = ingest_paths([str(SAMPLE)], s, store=open_store(s), embedder=embedder)
    assert report.articles == 5 and not report.failed, report
    return dest


def child_env(settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NEWSQA_MODELS": str(settings.models), "NEWSQA_EMBED_MODEL": settings.embed_model,
                "NEWSQA_CHROMA_URL": "", "NEWSQA_STORE": "", "TOKENIZERS_PARALLELISM": "false",
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


@dataclass
class LiveServer:
    url: str
    proc: subprocess.Popen
    store: Path
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def log_tail(self, n: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-n:]


def launch(store: Path, settings, log: Path, **env: str) -> LiveServer:
    port = free_port()
    cmd = [sys.executable, "-m", "newsqa", "serve", "--port", str(port), "--store", str(store)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(settings, **env), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    return LiveServer(f"http://127.0.0.1:{port}", proc, store, log)


def wait_ready(server: LiveServer, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            pytest.fail(f"newsqa serve exited with {server.proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "/api/health", timeout=5) as r:
                if r.status == 200 and json.load(r)["status"] == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
            pass
        time.sleep(0.5)
    server.stop()
    pytest.fail(f"newsqa serve did not answer /api/health within {timeout:.0f}s:\n{server.log_tail()}")


_SHARED: dict[str, dict[str, LiveServer]] = {}


def shared_servers(settings, embedder, tmp_path_factory) -> dict[str, LiveServer]:
    """{"on": uploads allowed, "off": NEWSQA_ALLOW_UPLOAD=0}, each over its own sample store; started in
    parallel, once per session."""
    if "pair" not in _SHARED:
        base = tmp_path_factory.mktemp("live")
        servers = {
            "on": launch(sample_store(base / "store-on", settings, embedder), settings, base / "on.log",
                         NEWSQA_ALLOW_UPLOAD="1"),
            "off": launch(sample_store(base / "store-off", settings, embedder), settings, base / "off.log",
                          NEWSQA_ALLOW_UPLOAD="0"),
        }
        try:
            for s in servers.values():
                wait_ready(s)
        except BaseException:
            for s in servers.values():
                s.stop()
            raise
        _SHARED["pair"] = servers
    return _SHARED["pair"]


def stop_shared() -> None:
    for s in _SHARED.pop("pair", {}).values():
        s.stop()


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None,
         timeout: float = 120) -> tuple[int, dict[str, str], bytes]:
    """One request with the standard library: (status, headers, body), error statuses included."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def post_json(url: str, payload, timeout: float = 120) -> tuple[int, dict]:
    status, _, raw = http("POST", url, json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                          {"Content-Type": "application/json"}, timeout)
    return status, json.loads(raw)


def multipart(files: list[tuple[str, bytes]], field: str = "files") -> tuple[bytes, str]:
    """Encode files as multipart/form-data: (body, content type)."""
    boundary = "newsqa-test-boundary-7c1f"
    parts = []
    for name, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                     "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(url: str, files: list[tuple[str, bytes]]) -> tuple[int, dict]:
    body, ctype = multipart(files)
    status, _, raw = http("POST", url + "/api/ingest", body, {"Content-Type": ctype}, timeout=300)
    return status, json.loads(raw)


def launch_at(host: str, store: Path, settings, log: Path, **env: str) -> LiveServer:
    """``launch`` with ``--host HOST`` (e.g. 0.0.0.0); the returned URL still talks over loopback."""
    port = free_port()
    cmd = [sys.executable, "-m", "newsqa", "serve", "--host", host, "--port", str(port), "--store", str(store)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(settings, **env), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    return LiveServer(f"http://127.0.0.1:{port}", proc, store, log)


def corpora_store(dest: Path, settings, embedder, corpora: dict[str, list[Path]]) -> dict[str, set[str]]:
    """One store holding several named corpora ({name: article files}), built in this process with the
    shared embedder; returns each corpus's doc_ids."""
    from ingest.pipeline import ingest_paths
    from storage.store import open_store

    out: dict[str, set[str]] = {}
    for name, paths in corpora.items():
        s = settings.with_(store=dest, collection=name)
        store = open_store(s)
        report = ingest_paths([str(p) for p in paths], s, store=store, embedder=embedder)
        assert report.articles == len(paths) and not report.failed, report
        out[name] = set(store.article_metadatas()[0])
    return out


def run_cli(args: list[str], settings, stdin: str = "", timeout: float = START_TIMEOUT,
            **env: str) -> subprocess.CompletedProcess:
    """``python -m newsqa ARGS`` as a user runs it, with the test models: (exit code, stdout, stderr) as text."""
    return subprocess.run([sys.executable, "-m", "newsqa", *args], cwd=ROOT, env=child_env(settings, **env),
                          input=stdin, capture_output=True, text=True, timeout=timeout)
