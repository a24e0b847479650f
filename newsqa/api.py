"""The HTTP API: /api/ask, /api/health, /api/ingest, /api/articles/{doc_id}, and OpenAI-compatible /v1.

Errors are JSON ``{"error": {"message", "type", "param"}}`` (OpenAI's shape) with a status that
says whose fault it is: 400 body is not JSON, 422 a field is missing or of the wrong type,
422 also a filter that is not one (``date_from``/``date_to`` not YYYY-MM-DD, ``date_from`` after ``date_to``,
a ``collection`` the store does not hold), 413 the question is longer than ``max_question_chars`` (NEWSQA_MAX_QUESTION_CHARS, default
2000) or an upload is too large, 403 uploads are off, 404 no such article, 503 the Chroma server
(NEWSQA_CHROMA_URL) stopped answering — the message says how to start it again.

With NEWSQA_API_KEY set, every /api/* and /v1/* request but ``GET /api/health`` needs
``Authorization: Bearer KEY`` (401 ``invalid_api_key`` otherwise); with NEWSQA_RATE_LIMIT set,
/api/ask and /v1/chat/completions answer 429 with ``Retry-After`` past that many per minute.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from collections.abc import Sequence
from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from core.records import Filters
from core.settings import Settings
from newsqa import openai_compat
from newsqa.ratelimit import RateLimiter
from newsqa.service import Service, UnknownCollection, UploadDisabled
from newsqa.uploads import Limits, UploadRefused, UploadTooBig, preflight
from storage.store import StoreUnavailable

History = list[StrictStr | list[StrictStr | None] | dict[str, Any]]


class FilterFields(BaseModel):
    """Optional filters that narrow the store before ranking (also extra body fields of /v1/chat/completions)."""

    date_from: StrictStr | None = Field(None, description="only articles published on or after (YYYY-MM-DD)")
    date_to: StrictStr | None = Field(None, description="only articles published on or before (YYYY-MM-DD)")
    source: StrictStr | None = Field(None, description="only articles of this source (publisher), e.g. 新浪财经")
    place: StrictStr | None = Field(None, description="only articles that name this place, e.g. 南昌")
    collection: StrictStr | None = Field(None, description="the corpus to ask (GET /api/collections lists them)")

    def filters(self) -> Filters:
        """The filters, or a 422 naming the field that is wrong."""
        try:
            return Filters.parse(self.date_from, self.date_to, self.source, self.place, self.collection)
        except ValueError as err:
            param = str(err).split(" ", 1)[0].rstrip(":")
            raise ApiError(422, str(err), param if param in type(self).model_fields else "date_from") from None


class AskRequest(FilterFields):
    model_config = ConfigDict(extra="forbid")

    question: StrictStr = Field(description="the question, at most max_question_chars characters")
    history: History | None = Field(None, description='earlier turns: [{"role", "content"}], [q, a] pairs or strings')
    k: int | None = Field(None, ge=1, le=50, description="passages to consider (default NEWSQA_K)")


class ChatMessage(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: StrictStr | list[dict[str, Any]] | None = None


class ChatRequest(FilterFields):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens… are accepted and ignored

    model: str = openai_compat.MODEL
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    k: int | None = Field(None, ge=1, le=50)


class ApiError(Exception):
    def __init__(self, status: int, message: str, param: str | None = None, kind: str = "invalid_request_error",
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.param, self.kind, self.headers = status, message, param, kind, headers


def error_response(status: int, message: str, param: str | None = None,
                   kind: str = "invalid_request_error", headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "param": param}}, status_code=status,
                        headers=headers)


# -- API keys -------------------------------------------------------------------------------------

OPEN_PATHS = frozenset({("GET", "/api/health"), ("HEAD", "/api/health")})  # load balancers probe it keyless
GUARDED_PREFIXES = ("/api", "/v1")


def key_matches(sent: str | bytes | None, keys: Sequence[str]) -> bool:
    """Whether ``sent`` is one of ``keys``, compared in constant time against every key (no early exit)."""
    if sent is None or not keys:
        return False
    given = sent.encode("utf-8") if isinstance(sent, str) else sent
    found = False
    for key in keys:
        found |= hmac.compare_digest(given, key.encode("utf-8"))
    return found


def bearer(headers: Sequence[tuple[bytes, bytes]]) -> bytes | None:
    """The token of an ``Authorization: Bearer TOKEN`` header (what OpenAI clients send), else None."""
    for name, value in headers:
        if name.lower() == b"authorization":
            scheme, _, token = value.strip().partition(b" ")
            if scheme.lower() == b"bearer" and token.strip():
                return token.strip()
    return None


def guarded(method: str, path: str) -> bool:
    """Whether a request needs the key: every /api/* and /v1/* path (however spelt) but the health check."""
    clean = "/" + "/".join(p for p in path.split("/") if p)
    low = clean.lower()
    if (method.upper(), clean) in OPEN_PATHS:
        return False
    return any(low == p or low.startswith(p + "/") for p in GUARDED_PREFIXES)


class KeyGate:
    """ASGI middleware: refuse guarded requests without a valid key before any route (or body) is read.

    Plain ASGI rather than BaseHTTPMiddleware so streamed answers and Gradio's event streams pass untouched.
    """

    def __init__(self, app, keys: Sequence[str]):
        self.app, self.keys = app, tuple(keys)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and guarded(scope["method"], scope["path"]):
            token = bearer(scope.get("headers", []))
            if not key_matches(token, self.keys):
                why = "no API key was sent" if token is None else "the API key is not valid"
                response = error_response(
                    401, f"{why}; send the header 'Authorization: Bearer <key>' with a key from the server's "
                         "NEWSQA_API_KEY (OpenAI clients: api_key=<key>)",
                    kind="invalid_api_key", headers={"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def client_id(request: Request, settings: Settings) -> str:
    """Whom a rate limit counts: the API key when keys are required (one bucket per key, whichever address
    it comes from), else the client's address. A key sent to a keyless server is not trusted as an id,
    or a new made-up key would reset the count."""
    token = bearer(request.scope.get("headers", []))
    if settings.api_keys and token is not None:
        return "key:" + hashlib.sha256(token).hexdigest()[:16]
    return "ip:" + (request.client.host if request.client else "unknown")


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        bad_json = [e for e in errors if e.get("type") == "json_invalid"]
        if bad_json:
            ctx = bad_json[0].get("ctx", {}).get("error", "")
            return error_response(400, f"the request body is not valid JSON ({ctx}); send a JSON object "
                                       'like {"question": "南昌7月16日新增多少例"}')
        if any(e.get("loc") == ("body",) for e in errors):
            return error_response(422, 'the request body must be a JSON object like {"question": "…"}', "body")
        first = errors[0]
        name = _field(tuple(first.get("loc", ())))
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        return error_response(422, f"{name}: {first.get('msg', 'invalid value')}{more}", name)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.param, exc.kind, exc.headers)

    @app.exception_handler(UnknownCollection)
    async def _unknown_collection(request: Request, exc: UnknownCollection) -> JSONResponse:
        return error_response(422, str(exc), "collection")

    @app.exception_handler(StoreUnavailable)
    async def _store_down(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return error_response(503, str(exc), kind="service_unavailable_error")


def _check_question(service: Service, question: str, param: str) -> str:
    question = question.strip()
    if not question:
        raise ApiError(422, f"{param}: the question is empty; ask something like “南昌7月16日新增多少例”", param)
    limit = service.settings.max_question_chars
    if len(question) > limit:
        raise ApiError(413, f"{param}: the question is {len(question)} characters; the limit is {limit} "
                            "(NEWSQA_MAX_QUESTION_CHARS)", param)
    return question


def upload_off_message(settings: Settings) -> str:
    if settings.uploads_locked:
        return (f"uploads are off: this server listens on {settings.host}, beyond this machine, without an API "
                "key; restart it with NEWSQA_API_KEY=<secret> to turn them on (clients then send "
                "'Authorization: Bearer <secret>'), or ingest with `newsqa ingest PATH` on the server")
    return ("uploads are turned off on this server (NEWSQA_ALLOW_UPLOAD=0); "
            "ingest with `newsqa ingest PATH` on the server instead")


def _too_big(limits: Limits) -> ApiError:
    return ApiError(413, f"the upload is larger than {limits.upload_bytes // 2**20} MB, the limit "
                         "(NEWSQA_MAX_UPLOAD_MB); send fewer files per request", "files")


def _limited_request(request: Request, limit: int) -> Request:
    """The same request, whose body stops being read past ``limit`` bytes (for bodies sent without a
    Content-Length, or with a false one)."""
    seen = 0

    async def receive():
        nonlocal seen
        message = await request.receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _BodyTooBig
        return message

    return Request(request.scope, receive)


class _BodyTooBig(Exception):
    pass


DRAIN_FACTOR = 4  # an over-size body is read (and dropped) up to this many times the limit before the 413


async def _drain(request: Request, most: int) -> None:
    """Read and drop up to ``most`` bytes of a body that will be refused, so that the client, still sending,
    reads the 413 instead of a broken pipe; a larger body is cut off."""
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen >= most:
            return


def api_router(service: Service) -> APIRouter:
    router = APIRouter()
    settings = service.settings
    limiter = RateLimiter(settings.rate_limit)

    def rate_limited(request: Request) -> None:
        verdict = limiter.hit(client_id(request, settings))
        if not verdict.allowed:
            raise ApiError(429, f"too many questions: this server answers {limiter.per_minute} per minute per "
                                f"client (NEWSQA_RATE_LIMIT); try again in {verdict.retry_after} s",
                           kind="rate_limit_exceeded", headers={"Retry-After": str(verdict.retry_after)})

    limit = [Depends(rate_limited)] if limiter.enabled else []

    @router.get("/api/health")
    def health() -> dict:
        return service.health()

    @router.post("/api/ask", dependencies=limit)
    def ask(req: AskRequest) -> dict:
        question = _check_question(service, req.question, "question")
        return service.ask(question, history=req.history, k=req.k, filters=req.filters()).to_dict()

    @router.get("/api/collections")
    def collections() -> dict:
        return {"default": settings.collection,
                "collections": [{"name": n, "articles": a} for n, a in service.collections().items()]}

    @router.get("/api/articles/{doc_id}")
    def article(doc_id: str) -> dict:
        view = service.article(doc_id)
        if view is None:
            raise ApiError(404, f"no article {doc_id!r} in the store; GET /api/health or the corpus panel "
                                "lists what is there", "doc_id", kind="not_found_error")
        return {**view.info.__dict__, "body": view.body}

    @router.post("/api/ingest")
    async def ingest(request: Request) -> dict:
        if not settings.allow_upload:
            raise ApiError(403, upload_off_message(settings), kind="permission_error")
        limits = Limits.from_settings(settings)
        size = int(request.headers.get("content-length") or 0)
        if size > limits.upload_bytes:
            await _drain(request, min(size, DRAIN_FACTOR * limits.upload_bytes))
            raise _too_big(limits)
        try:
            form = await _limited_request(request, limits.upload_bytes).form(max_files=limits.files, max_fields=50)
        except _BodyTooBig:
            raise _too_big(limits) from None
        except Exception as err:  # starlette raises its own MultiPartException/HTTPException on bad forms
            if "Too many files" in str(err):
                raise ApiError(413, f"files: more than {limits.files} files in one upload, the limit "
                                    "(NEWSQA_MAX_UPLOAD_FILES); send them in several requests", "files") from None
            raise ApiError(400, f"send the files as multipart/form-data under the field 'files' ({err})",
                           "files") from None
        files = [v for _, v in form.multi_items() if hasattr(v, "filename") and hasattr(v, "file")]
        if not files:
            raise ApiError(422, "files: no file in the request; send multipart/form-data with one or more "
                                "'files' parts (article files or a .zip)", "files")
        from starlette.concurrency import run_in_threadpool

        named = [(f.filename or "upload", f.file) for f in files]
        try:
            await run_in_threadpool(preflight, named, limits)
            report = await run_in_threadpool(service.ingest_uploads, named, limits)
        except UploadRefused as err:
            raise ApiError(413 if isinstance(err, UploadTooBig) else 400, str(err), "files") from None
        except UploadDisabled as err:
            raise ApiError(403, str(err), kind="permission_error") from None
        finally:
            for f in files:
                await f.close()
        return report.to_dict()

    @router.get("/v1/models")
    def models() -> dict:
        return openai_compat.models()

    @router.post("/v1/chat/completions", response_model=None, dependencies=limit)
    def chat(req: ChatRequest) -> dict | StreamingResponse:
        messages = [m.model_dump() for m in req.messages]
        if messages[-1]["role"] != "user":
            raise ApiError(422, "messages: the last message must be the user's question", "messages")
        question, history = openai_compat.split_messages(messages)
        question = _check_question(service, question, "messages")
        if req.stream:
            events = service.stream(question, history=history, k=req.k, filters=req.filters())
            first = next(events)  # retrieval runs here, so a store that is down is a 503, not a broken stream
            return StreamingResponse(openai_compat.stream_events(itertools.chain([first], events)),
                                     media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        return openai_compat.completion(service.ask(question, history=history, k=req.k, filters=req.filters()))

    return router

