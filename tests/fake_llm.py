"""A scripted OpenAI-compatible chat server on 127.0.0.1, for testing the LLM path over the real wire format.

``POST /v1/chat/completions`` answers with ``FakeLLM.script``: a text (as one JSON completion, or with
``stream: true`` as ``data: {chunk}`` SSE lines of a few characters each, ``delay`` seconds apart, then
``data: [DONE]``), a hang of some seconds before anything is sent, or an HTTP error status.
Every request body is kept in ``requests``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Script:
    text: str = ""
    piece: int = 3  # characters per streamed chunk
    delay: float = 0.05  # seconds between streamed chunks
    hang: float = 0.0  # seconds to wait before answering at all
    status: int = 200  # anything else: an OpenAI-shaped error body with this status

    def pieces(self) -> list[str]:
        return [self.text[i: i + self.piece] for i in range(0, len(self.text), self.piece)]


@dataclass
class FakeLLM:
    server: ThreadingHTTPServer
    thread: threading.Thread
    script: Script = field(default_factory=Script)
    requests: list[dict] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)  # ends a hang early at shutdown

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def _chunk(cid: str, delta: dict, finish: str | None = None) -> bytes:
    body = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": "fake",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n".encode()


def _handler(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet test output
            pass

        def _send_json(self, status: int, obj: dict) -> None:
            data = json.dumps(obj, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            fake.requests.append(body)
            script = fake.script
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                return
            if script.hang and fake.release.wait(script.hang):
                return
            if script.status != 200:
                self._send_json(script.status, {"error": {"message": "scripted failure", "type": "server_error"}})
                return
            cid = f"chatcmpl-{uuid.uuid4().hex}"
            if not body.get("stream"):
                self._send_json(200, {
                    "id": cid, "object": "chat.completion", "created": int(time.time()), "model": "fake",
                    "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                                 "message": {"role": "assistant", "content": script.text}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(_chunk(cid, {"role": "assistant", "content": ""}))
                self.wfile.flush()
                for piece in script.pieces():
                    if fake.release.wait(script.delay):
                        return
                    self.wfile.write(_chunk(cid, {"content": piece}))
                    self.wfile.flush()
                self.wfile.write(_chunk(cid, {}, "stop"))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                pass

    return Handler


def start() -> FakeLLM:
    """A FakeLLM listening on a free loopback port, served from a daemon thread; ``stop()`` it."""
    fake = FakeLLM(server=None, thread=None)  # type: ignore[arg-type]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.server = server
    fake.thread = threading.Thread(target=server.serve_forever, name="fake-llm", daemon=True)
    fake.thread.start()
    return fake
