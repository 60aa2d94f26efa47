"""OpenAI-compatible endpoints: /v1/chat/completions, /v1/embeddings, /v1/models.

The `openai` client, LangChain, LlamaIndex and chat front ends talk to a local model server
by pointing a `base_url` at it; these routes give them creditai in that shape. They are thin:
the same Analyzer, guard, encoder, API keys (`Authorization: Bearer`), limits, audit store and
metrics as the native routes (`app.py`). A declined request is a normal assistant message
holding the decline and the lawful alternative. What OpenAI's shape has no room for (the
citations, the eligibility label, the guard's verdict) rides in an extra `creditai` field,
which the `openai` client keeps (`completion.model_extra["creditai"]`).

Errors have OpenAI's body, `{"error": {"message", "type", "param", "code"}}`, with 400 for
invalid input (OpenAI's status; the native API says 422), so the client raises its usual
exceptions. The answer is composed, not sampled: temperature, top_p, seed, max_tokens and
the like are accepted and have no effect on the template path.
"""

# No `from __future__ import annotations`: FastAPI must see the real classes in the route
# signatures (the routes are wrapped by routing.model_work, whose module cannot resolve names).

import base64
import json
import re
import time
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from creditai.service.auth import require_api_key
from creditai.service.schemas import storable
from creditai.service.routing import (
    analysis_dict,
    eligibility_fields,
    finish_answer,
    in_thread,
    model_work,
    request_id_of,
    require_component,
    run_model_work,
    runtime_of,
)

PREFIX = "/v1"
CHAT_MODEL = "creditai-assistant"
EMBEDDING_MODEL = "creditai-embeddings"
MAX_MESSAGES = 51  # the native /chat's 50 earlier turns plus the message itself
_STARTED = int(time.time())
# OpenAI's `usage` counts tokens of the model's own tokenizer; the template path has none, so
# these count words and punctuation marks (documented in the README), a stable proxy.
_TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


# --------------------------------------------------------------------------- errors
class OpenAIError(HTTPException):
    """A 4xx/5xx with OpenAI's error body (raised by these routes, shaped by `error_body`)."""

    def __init__(self, status: int, message: str, *, param: str | None = None, code: str | None = None,
                 type: str = "invalid_request_error"):
        super().__init__(status_code=status, detail=message)
        self.param, self.code, self.type = param, code, type


_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
          404: "invalid_request_error", 413: "invalid_request_error", 415: "invalid_request_error",
          422: "invalid_request_error", 429: "rate_limit_error"}


def error_body(status: int, message: str, *, param: str | None = None, code: str | None = None,
               type: str | None = None) -> dict[str, Any]:
    default = _TYPES.get(status, "invalid_request_error" if status < 500 else "server_error")
    return {"error": {"message": message, "type": type or default, "param": param, "code": code}}


def error_response(status: int, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    """Any error of a /v1 route in OpenAI's shape: `detail` is the native error's detail (a
    message, or the list of {field, message, type} items; the first names the param)."""
    param = code = None
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        first = detail[0]
        param, message, code = first.get("field"), "; ".join(str(d.get("message")) for d in detail), first.get("type")
    else:
        message = str(detail)
    if status == 401:
        code = "invalid_api_key"
    elif status == 422:  # OpenAI answers invalid input with 400
        status = 400
    return JSONResponse(status_code=status, content=error_body(status, message, param=param, code=code), headers=headers)


def is_openai_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


# --------------------------------------------------------------------------- request models
class _Lenient(BaseModel):
    # OpenAI clients send fields this server does not use (temperature, seed, user, ...):
    # accepted and ignored, as other OpenAI-compatible servers do.
    model_config = ConfigDict(extra="ignore")


class ContentPart(_Lenient):
    type: str = Field(description="Only 'text' parts are supported.")
    text: str | None = Field(None, description="The text of a 'text' part.")


class ChatMessage(_Lenient):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"] = Field(description="Who said it.")
    content: str | list[ContentPart] | None = Field(None, description="The text (or text parts).")

    def text(self, param: str) -> str:
        """The message's text; a non-text part is a 400 naming it."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        out = []
        for j, part in enumerate(self.content):
            if part.type == "refusal" and self.role == "assistant":  # an earlier model refusal: not content
                continue
            if part.type != "text":
                raise OpenAIError(400, f"{param}.content.{j}: only text content is supported (got type {part.type!r})",
                                  param=f"{param}.content.{j}.type", code="unsupported_content")
            if part.text is None:
                raise OpenAIError(400, f"{param}.content.{j}: a text part needs its 'text'",
                                  param=f"{param}.content.{j}.text")
            out.append(part.text)
        return "\n".join(out)


class StreamOptions(_Lenient):
    include_usage: bool = False


class ChatCompletionRequest(_Lenient):
    model: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=200)]
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = Field(None, ge=1, le=1, description="Only one choice is composed.")
    tools: list[Any] | None = None
    functions: list[Any] | None = None
    response_format: dict[str, Any] | None = None
    logprobs: bool | None = None

    @field_validator("tools", "functions")
    @classmethod
    def _no_tools(cls, value: list[Any] | None) -> list[Any] | None:
        if value:
            raise ValueError("tool and function calling are not supported")
        return value

    @field_validator("response_format")
    @classmethod
    def _text_only(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value and value.get("type") not in (None, "text"):
            raise ValueError("only the 'text' response format is supported")
        return value

    @field_validator("logprobs")
    @classmethod
    def _no_logprobs(cls, value: bool | None) -> bool | None:
        if value:
            raise ValueError("log probabilities are not available: the answer is composed, not sampled")
        return value


class EmbeddingRequest(_Lenient):
    model: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=200)]
    input: str | list[str]
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: int | None = Field(None, ge=1)

    @field_validator("input", mode="before")
    @classmethod
    def _text_input(cls, value: Any) -> Any:
        if isinstance(value, list) and value and all(isinstance(v, int) or isinstance(v, list) for v in value):
            raise ValueError("token arrays are not supported: send the text")
        return value


# --------------------------------------------------------------------------- routes
router = APIRouter(prefix=PREFIX, tags=["openai"], dependencies=[Depends(require_api_key)])


def _check_model(requested: str, expected: str) -> None:
    if requested != expected:
        raise OpenAIError(404, f"The model '{requested[:200]}' does not exist; this server serves '{expected}' "
                          "(GET /v1/models lists them)", param="model", code="model_not_found")


def _check_text(text: str, param: str, limit: int) -> str:
    """The native API's text checks (storable in the audit store, within the limit) as OpenAI errors."""
    try:
        storable(text)
    except ValueError as exc:
        raise OpenAIError(400, f"{param}: {exc}", param=param) from None
    if len(text) > limit:
        raise OpenAIError(400, f"{param}: {len(text)} characters is over the limit of {limit}", param=param,
                          code="context_length_exceeded")
    return text


def _conversation(body: ChatCompletionRequest, request: Request) -> tuple[str, list[dict[str, str]], list[str]]:
    """(the last user message, the earlier user/assistant turns, the client's instructions)."""
    from creditai.assistant.pipeline import MAX_QUESTION_CHARS

    limit = request.app.state.settings.max_text_chars
    *earlier, last = body.messages
    n = len(body.messages) - 1
    if last.role != "user":
        raise OpenAIError(400, f"messages.{n}: the last message must have role 'user' (got {last.role!r})",
                          param=f"messages.{n}.role")
    message = _check_text(last.text(f"messages.{n}"), f"messages.{n}.content", min(limit, 4 * MAX_QUESTION_CHARS))
    if not message.strip():
        raise OpenAIError(400, f"messages.{n}.content: must not be empty", param=f"messages.{n}.content")
    history, instructions = [], []
    for i, m in enumerate(earlier):
        if m.role in ("tool", "function"):
            raise OpenAIError(400, f"messages.{i}: tool messages are not supported (no tools are offered)",
                              param=f"messages.{i}.role")
        text = _check_text(m.text(f"messages.{i}"), f"messages.{i}.content", limit)
        if not text.strip():
            continue
        if m.role in ("system", "developer"):
            instructions.append(text)
        else:
            history.append({"role": m.role, "content": text})
    return message, history, instructions


@router.post("/chat/completions", response_model=None, summary="Chat completion (OpenAI-compatible)",
             responses={200: {"description": "A chat.completion object, or with `stream: true` server-sent "
                                             "events of chat.completion.chunk objects ending in `data: [DONE]`."}})
async def chat_completions(body: ChatCompletionRequest, request: Request) -> Any:
    """The guarded answer of `/chat` as an OpenAI chat completion. System and developer messages
    are screened like the user's turns; a declined request is an ordinary assistant message."""
    # the checks first, on the event loop: a request that fails them never waits for a model slot
    _check_model(body.model, CHAT_MODEL)
    message, history, instructions = _conversation(body, request)
    said = [*instructions, *(h["content"] for h in history), message]
    rid = request_id_of(request)

    def answer_it() -> dict[str, Any]:
        analyzer = require_component(request, "assistant")
        result = analyzer.chat(message, history=history or None, request_id=rid, instructions=instructions)
        return finish_answer(request, "chat_completions", {"messages": said}, analysis_dict(result, rid))

    data = await run_model_work(request, answer_it)
    answer = str(data.get("answer") or "")
    prompt_tokens, completion_tokens = sum(count_tokens(t) for t in said), count_tokens(answer)
    usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
             "total_tokens": prompt_tokens + completion_tokens}
    extra = {
        "request_id": rid, "refused": bool(data.get("refused")), "intent": data.get("intent"),
        "eligibility": eligibility_fields(data),
        "sections": data.get("sections"), "citations": data.get("citations") or [],
        "compliance": data.get("compliance"), "components": data.get("components") or {},
    }
    head = {"id": f"chatcmpl-{rid}", "created": int(time.time()), "model": CHAT_MODEL, "system_fingerprint": None}
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        return StreamingResponse(_sse(head, answer, extra, usage if include_usage else None),
                                 media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
    return {
        **head, "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer, "refusal": None},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": usage, "creditai": extra,
    }


def _pieces(answer: str) -> list[str]:
    """The answer in line-sized pieces whose concatenation is the answer, byte for byte."""
    return [p for p in re.split(r"(?<=\n)", answer) if p] or [""]


def _sse(head: dict[str, Any], answer: str, extra: dict[str, Any], usage: dict[str, int] | None) -> Iterator[str]:
    """Server-sent events in OpenAI's chunk format: the role, the content in pieces, the finish
    (carrying the `creditai` extra), the usage chunk when `usage` is given (then every chunk
    carries `"usage": null` but the last, as OpenAI's do), then `[DONE]`."""
    more: dict[str, Any] = {"usage": None} if usage is not None else {}

    def event(payload: dict[str, Any]) -> str:
        return f"data: {json.dumps(payload, separators=(',', ':'))}\n\n"

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra_fields: Any) -> str:
        return event({**head, "object": "chat.completion.chunk",
                      "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
                      **more, **extra_fields})

    yield chunk({"role": "assistant", "content": ""})
    for piece in _pieces(answer):
        yield chunk({"content": piece})
    yield chunk({}, "stop", creditai=extra)
    if usage is not None:
        yield event({**head, "object": "chat.completion.chunk", "choices": [], "usage": usage})
    yield "data: [DONE]\n\n"


@router.post("/embeddings", summary="Embeddings (OpenAI-compatible)")
@model_work
def embeddings(body: EmbeddingRequest, request: Request) -> dict[str, Any]:
    """The service's encoder (fine-tuned when trained, else the bundled MiniLM), L2-normalized;
    `encoding_format: base64` gives little-endian float32 bytes, as OpenAI's does."""
    _check_model(body.model, EMBEDDING_MODEL)
    settings = request.app.state.settings
    texts = [body.input] if isinstance(body.input, str) else list(body.input)
    if not texts:
        raise OpenAIError(400, "input: must hold at least one text", param="input")
    if len(texts) > settings.max_batch:
        raise OpenAIError(400, f"input: {len(texts)} texts is over the limit of {settings.max_batch}", param="input")
    for i, text in enumerate(texts):
        param = "input" if isinstance(body.input, str) else f"input.{i}"
        _check_text(text, param, settings.max_text_chars)
        if not text.strip():
            raise OpenAIError(400, f"{param}: must not be empty", param=param)
    emb = require_component(request, "embeddings")
    if body.dimensions is not None and body.dimensions != emb.dim:
        raise OpenAIError(400, f"dimensions: this model's vectors have {emb.dim} dimensions "
                          f"(got {body.dimensions}; it was not trained to be shortened)", param="dimensions")
    vectors = np.asarray(emb.encode(texts), dtype=np.float32)
    data = []
    for i, row in enumerate(vectors):
        value: Any = (base64.b64encode(row.astype("<f4").tobytes()).decode("ascii")
                      if body.encoding_format == "base64" else row.tolist())
        data.append({"object": "embedding", "index": i, "embedding": value})
    tokens = sum(count_tokens(t) for t in texts)
    return {"object": "list", "data": data, "model": EMBEDDING_MODEL,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


@router.get("/models", summary="Models served (OpenAI-compatible)")
@in_thread
def list_models(request: Request) -> dict[str, Any]:
    """The chat model (the guarded assistant) and the encoder, with what backs each now."""
    return {"object": "list", "data": _models(request)}


@router.get("/models/{model_id}", summary="One model (OpenAI-compatible)")
@in_thread
def get_model(model_id: str, request: Request) -> dict[str, Any]:
    for model in _models(request):
        if model["id"] == model_id:
            return model
    raise OpenAIError(404, f"The model '{model_id[:200]}' does not exist", param="model", code="model_not_found")


def _models(request: Request) -> list[dict[str, Any]]:
    health = runtime_of(request).health()["models"]
    assistant, encoder = health.get("assistant") or {}, health.get("embeddings") or {}
    return [
        {"id": CHAT_MODEL, "object": "model", "created": _STARTED, "owned_by": "creditai",
         "creditai": {"loaded": bool(assistant.get("loaded")), "source": assistant.get("source"),
                      "classifier": (health.get("classifier") or {}).get("source"),
                      "retrieval": assistant.get("retrieval")}},
        {"id": EMBEDDING_MODEL, "object": "model", "created": _STARTED, "owned_by": "creditai",
         "creditai": {"loaded": bool(encoder.get("loaded")), "source": encoder.get("source"),
                      "base_model": encoder.get("model_id"), "version": encoder.get("version")}},
    ]
