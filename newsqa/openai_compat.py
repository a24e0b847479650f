"""OpenAI Chat Completions shapes, so OpenAI clients (openai, LangChain, chat front-ends) can use newsqa.

The answer text keeps its [n] markers; the citations ride along as an extra ``citations``
field on the response, on the message, and on the final stream chunk.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict

from core.records import Answer
from qa.engine import message_text
from qa.llm import Final

MODEL = "newsqa"


def split_messages(messages: list[dict]) -> tuple[str, list[dict]]:
    """(question, history): the last message is the question, the earlier user/assistant turns the history."""
    question = message_text(messages[-1].get("content"))
    history = [{"role": m["role"], "content": message_text(m.get("content"))}
               for m in messages[:-1] if m.get("role") in ("user", "assistant")]
    return question, history


def _citations(answer: Answer) -> list[dict]:
    return [asdict(c) for c in answer.citations]


def completion(answer: Answer, model: str = MODEL) -> dict:
    cites = _citations(answer)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": answer.answer, "refusal": None,
                                 "citations": cites}}],
        "citations": cites,
        "abstained": answer.abstained,
    }


def pieces(text: str, size: int = 8) -> Iterator[str]:
    """Cut text into short runs, never inside a [n] marker, so a client can show it as it arrives."""
    i = 0
    while i < len(text):
        j = min(len(text), i + size)
        open_at = text.rfind("[", i, j)
        if open_at != -1 and "]" not in text[open_at:j]:
            close = text.find("]", open_at)
            if close != -1 and close - open_at <= 4:
                j = close + 1
        yield text[i:j]
        i = j


def sse(obj: dict | str) -> str:
    data = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)
    return f"data: {data}\n\n"


def stream(answer: Answer, model: str = MODEL) -> Iterator[str]:
    """Server-sent events: a role chunk, content chunks, a final chunk with the citations, then [DONE]."""
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model}

    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        return sse({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
                    **extra})

    yield chunk({"role": "assistant", "content": ""})
    for piece in pieces(answer.answer):
        yield chunk({"content": piece})
    yield chunk({}, "stop", citations=_citations(answer), abstained=answer.abstained)
    yield sse("[DONE]")


def stream_events(events: Iterable[str | Final], model: str = MODEL) -> Iterator[str]:
    """Server-sent events of ``Engine.stream``: the LLM's tokens as content chunks as they come (or, with
    no LLM, the answer in short runs), then the final chunk with the citations.

    When the streamed text failed the number check, a last content chunk says why and gives the extractive
    answer, and the final chunk carries ``replaced`` {reason, message, content} so a client that knows it
    can swap the shown text for ``content``."""
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model}

    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        return sse({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
                    **extra})

    yield chunk({"role": "assistant", "content": ""})
    streamed = False
    final = None
    for event in events:
        if isinstance(event, Final):
            final = event
            break
        streamed = True
        yield chunk({"content": event})
    if final is None:
        raise RuntimeError("the answer stream ended without its final event")
    answer, extra = final.answer, {}
    if final.reason:
        extra["replaced"] = {"reason": final.reason, "message": final.message, "content": answer.answer}
    if streamed and final.reason:
        yield chunk({"content": f"\n\n——{final.message}\n\n{answer.answer}"})
    elif not streamed:
        for piece in pieces(answer.answer):
            yield chunk({"content": piece})
    yield chunk({}, "stop", citations=_citations(answer), abstained=answer.abstained, **extra)
    yield sse("[DONE]")


def models() -> dict:
    return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "newsqa"}]}
