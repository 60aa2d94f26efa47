"""What every route shares: the request's id and runtime, the loaded component or a 503,
the background audit record, and running library code off the event loop.

Both route modules (`app` for creditai's own API, `openai_api` for the OpenAI-compatible
one) build on these, so a request is audited, limited and counted the same way whichever
shape it came in.
"""

from __future__ import annotations

import inspect
import json
import time
from typing import Any

import anyio
from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from creditai.service.runtime import Runtime, Unavailable

def request_id_of(request: Request) -> str:
    return request.state.request_id


def elapsed_ms(request: Request) -> float:
    return (time.perf_counter() - request.state.started) * 1000


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime


def unavailable(exc: Exception) -> HTTPException:
    return HTTPException(status_code=503, detail=str(exc))


def require_component(request: Request, slot: str) -> Any:
    """The loaded component behind `slot` (classifier, embeddings, ...), or a 503 saying why not."""
    try:
        return getattr(runtime_of(request), slot).require()
    except Unavailable as exc:
        raise unavailable(exc) from None


def audit(request: Request, endpoint: str, input: Any, output: Any, **fields: Any) -> None:
    """Queue the audit record of this request (written in the background, in batches, so
    the response never waits on the database). A failed write is logged and counted."""
    metrics = request.app.state.metrics
    runtime_of(request).submit_audit(
        {"request_id": request_id_of(request), "endpoint": endpoint, "input": input, "output": output,
         "latency_ms": elapsed_ms(request), **fields},
        on_error=lambda _rid, _exc: metrics.audit_errors.inc(),
    )


def analysis_dict(result: Any, request_id: str) -> dict[str, Any]:
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    data = json.loads(json.dumps(data, default=str))  # plain JSON types only
    data["request_id"] = request_id
    return data


def eligibility_fields(data: dict[str, Any]) -> dict[str, Any]:
    elig = data.get("eligibility")
    label = elig.get("label") if isinstance(elig, dict) else elig
    conf = data.get("confidence")
    if conf is None and isinstance(elig, dict):
        conf = elig.get("confidence")
    source = data.get("source") or (elig.get("source") if isinstance(elig, dict) else None)
    return {
        "label": None if label is None else str(label),
        "confidence": conf if isinstance(conf, (int, float)) else None,
        "source": None if source is None else str(source),
    }


def citations_of(data: dict[str, Any]) -> list[Any]:
    out = []
    for c in data.get("citations") or []:
        if isinstance(c, dict):
            out.append({k: c.get(k) for k in ("source", "title", "heading", "doc_type", "score") if k in c})
        else:
            out.append(c)
    return out


def in_thread(fn: Any) -> Any:
    """An async endpoint that runs the plain function `fn` in the threadpool.

    Plain `def` endpoints would cost FastAPI two threadpool hops per request (the call,
    then the response validation); this costs one, and the event loop never runs
    CPU-bound library code. FastAPI reads the parameters from `__signature__`."""

    async def endpoint(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(fn, *args, **kwargs)

    return as_endpoint(endpoint, fn)


def model_work(fn: Any) -> Any:
    """`in_thread` under the app's capacity limit for model work (`max_concurrency`).

    Requests beyond the limit wait on the event loop, holding no thread: /health and the
    light endpoints keep their threads, and the few running model calls share the cores
    instead of every request fighting for the GIL at once."""

    async def endpoint(*args: Any, **kwargs: Any) -> Any:
        return await run_model_work(kwargs["request"], fn, *args, **kwargs)

    return as_endpoint(endpoint, fn)


async def run_model_work(request: Request, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
    """`fn(*args, **kwargs)` in the threadpool under the model-work limit (see `model_work`)."""
    app = request.app
    limiter = getattr(app.state, "model_limiter", None)
    if limiter is None:  # created inside the event loop, once (anyio needs a running loop)
        limiter = app.state.model_limiter = anyio.CapacityLimiter(app.state.settings.max_concurrency)
    return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs), limiter=limiter)


def as_endpoint(endpoint: Any, fn: Any) -> Any:
    """`endpoint` presented to FastAPI with `fn`'s signature, name and docstring."""
    endpoint.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
    endpoint.__name__, endpoint.__qualname__, endpoint.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    return endpoint


def finish_answer(request: Request, endpoint: str, input: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Count the answer's eligibility label and queue its audit record; returns `data`."""
    fields = eligibility_fields(data)
    if fields["label"] and fields["source"]:
        request.app.state.metrics.count_labels([fields])
    audit(request, endpoint, input, data.get("answer") or data, citations=citations_of(data), **fields)
    return data

