"""The HTTP API: /api/ask, /api/health, /api/ingest, /api/articles/{doc_id}, and OpenAI-compatible /v1.

Errors are JSON ``{"error": {"message", "type", "param"}}`` (OpenAI's shape) with a status that
says whose fault it is: 400 body is not JSON, 422 a field is missing or of the wrong type,
413 the question is longer than ``max_question_chars`` (NEWSQA_MAX_QUESTION_CHARS, default
2000) or an upload is too large, 403 uploads are off, 404 no such article, 503 the Chroma server
(NEWSQA_CHROMA_URL) stopped answering — the message says how to start it again.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from newsqa import openai_compat
from newsqa.service import Service, UploadDisabled
from newsqa.uploads import Limits
from storage.store import StoreUnavailable

History = list[StrictStr | list[StrictStr | None] | dict[str, Any]]


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: StrictStr = Field(description="the question, at most max_question_chars characters")
    history: History | None = Field(None, description='earlier turns: [{"role", "content"}], [q, a] pairs or strings')
    k: int | None = Field(None, ge=1, le=50, description="passages to consider (default NEWSQA_K)")


class ChatMessage(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: StrictStr | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens… are accepted and ignored

    model: str = openai_compat.MODEL
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    k: int | None = Field(None, ge=1, le=50)


class ApiError(Exception):
    def __init__(self, status: int, message: str, param: str | None = None, kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.message, self.param, self.kind = status, message, param, kind


def error_response(status: int, message: str, param: str | None = None,
                   kind: str = "invalid_request_error") -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "param": param}}, status_code=status)


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
        return error_response(exc.status, exc.message, exc.param, exc.kind)

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


def api_router(service: Service) -> APIRouter:
    router = APIRouter()

    @router.get("/api/health")
    def health() -> dict:
        return service.health()

    @router.post("/api/ask")
    def ask(req: AskRequest) -> dict:
        question = _check_question(service, req.question, "question")
        return service.ask(question, history=req.history, k=req.k).to_dict()

    @router.get("/api/articles/{doc_id}")
    def article(doc_id: str) -> dict:
        view = service.article(doc_id)
        if view is None:
            raise ApiError(404, f"no article {doc_id!r} in the store; GET /api/health or the corpus panel "
                                "lists what is there", "doc_id", kind="not_found_error")
        return {**view.info.__dict__, "body": view.body}

    @router.post("/api/ingest")
    async def ingest(request: Request) -> dict:
        if not service.settings.allow_upload:
            raise ApiError(403, "uploads are turned off on this server (NEWSQA_ALLOW_UPLOAD=0); "
                                "ingest with `newsqa ingest PATH` on the server instead", kind="permission_error")
        limits = Limits()
        size = int(request.headers.get("content-length") or 0)
        if size > limits.total_bytes:
            raise ApiError(413, f"the upload is {size // 2**20} MB; the limit is {limits.total_bytes // 2**20} MB")
        try:
            form = await request.form(max_files=limits.files, max_fields=50)
        except Exception as err:  # starlette raises its own MultiPartException/HTTPException on bad forms
            raise ApiError(400, f"send the files as multipart/form-data under the field 'files' ({err})",
                           "files") from None
        files = [v for _, v in form.multi_items() if hasattr(v, "filename") and hasattr(v, "file")]
        if not files:
            raise ApiError(422, "files: no file in the request; send multipart/form-data with one or more "
                                "'files' parts (article files or a .zip)", "files")
        from starlette.concurrency import run_in_threadpool

        try:
            report = await run_in_threadpool(
                service.ingest_uploads, [(f.filename or "upload", f.file) for f in files], limits)
        except UploadDisabled as err:
            raise ApiError(403, str(err), kind="permission_error") from None
        finally:
            for f in files:
                await f.close()
        return report.to_dict()

    @router.get("/v1/models")
    def models() -> dict:
        return openai_compat.models()

    @router.post("/v1/chat/completions", response_model=None)
    def chat(req: ChatRequest) -> dict | StreamingResponse:
        messages = [m.model_dump() for m in req.messages]
        if messages[-1]["role"] != "user":
            raise ApiError(422, "messages: the last message must be the user's question", "messages")
        question, history = openai_compat.split_messages(messages)
        question = _check_question(service, question, "messages")
        answer = service.ask(question, history=history, k=req.k)
        if req.stream:
            return StreamingResponse(openai_compat.stream(answer), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        return openai_compat.completion(answer)

    return router

