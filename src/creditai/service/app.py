"""The HTTP service: thin FastAPI routes over the library.

    uvicorn --factory creditai.service.app:create_app      (or `creditai serve`)

Routes validate input (pydantic models, limits from ServiceSettings), call the library in
the threadpool (CPU-bound work never blocks the event loop; the model endpoints share a
capacity limit so /health always has a thread and the GIL to answer), record the request in
the audit store (PII-redacted) and return JSON. Request bodies must be declared
`application/json` (any other content type is 415): a web page can send a form or text/plain
to 127.0.0.1 without the browser asking first, but not JSON. Bad input is a 4xx naming the
field, never a 500.
"""

# No `from __future__ import annotations`: the request models are built per app (limits
# from settings) and FastAPI must see the real classes in the route signatures.

import hashlib
import hmac
import os
import re
import time
import uuid
from collections import Counter
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter as PCounter, Gauge, Histogram, generate_latest
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

import creditai
from creditai.errors import CreditAIError
from creditai.service.audit import AuditError, UnknownRequestError
from creditai.service import openai_api
from creditai.service.auth import require_api_key
from creditai.service.logs import configure_logging, get_logger
from creditai.service.routing import (
    analysis_dict,
    audit,
    finish_answer,
    in_thread,
    model_work,
    request_id_of,
    require_component,
    runtime_of,
)
from creditai.service.runtime import Runtime
from creditai.service.schemas import (
    AnalyzeResponse,
    BatchClassifyResponse,
    ClassifyResponse,
    EmbedResponse,
    ErrorResponse,
    FeedbackResponse,
    HealthResponse,
    RetrieveResponse,
    build_schemas,
)
from creditai.service.settings import ServiceSettings

log = get_logger()

_JSON_CT = re.compile(rb"^[ \t]*application/([a-z0-9.+\-]*\+)?json[ \t]*(;|$)", re.IGNORECASE)
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Malformed JSON body."},
    401: {"model": ErrorResponse, "description": "Missing or invalid API key (when keys are configured)."},
    413: {"model": ErrorResponse, "description": "Request body too large."},
    415: {"model": ErrorResponse, "description": "The body is not declared as application/json."},
    422: {"model": ErrorResponse, "description": "Invalid input: each item names the field."},
    503: {"model": ErrorResponse, "description": "A model the request needs is unavailable."},
}


# --------------------------------------------------------------------------- metrics
class ServiceMetrics:
    """Prometheus metrics of one app (own registry: several apps can live in one process).

    With several worker processes (`creditai serve --workers N` sets PROMETHEUS_MULTIPROC_DIR)
    every process writes its values to that folder and /metrics sums them over all workers,
    whichever worker answers (prometheus_client's multiprocess mode)."""

    def __init__(self) -> None:
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = PCounter(
            "creditai_http_requests", "HTTP requests handled", ["endpoint", "method", "status"], registry=r
        )
        self.latency = Histogram(
            "creditai_http_request_duration_seconds", "HTTP request latency", ["endpoint"], registry=r,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
        )
        self.predictions = PCounter(
            "creditai_predictions", "Eligibility labels returned", ["label", "source"], registry=r
        )
        self.fallbacks = PCounter(
            "creditai_fallbacks", "Answers served by a fallback (rules for the classifier, bm25 for retrieval)",
            ["component", "fallback"], registry=r,
        )
        self.feedback = PCounter("creditai_feedback", "Feedback received", ["rating"], registry=r)
        self.audit_errors = PCounter("creditai_audit_errors", "Audit-store writes that failed", registry=r)
        self.loaded = Gauge("creditai_component_loaded", "1 when the component is loaded", ["component"], registry=r,
                            multiprocess_mode="livemax")

    def exposition(self) -> bytes:
        """The metrics in Prometheus text format (summed over worker processes when there are several)."""
        if self.multiprocess:
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)

    def count_labels(self, results: list[dict[str, Any]]) -> None:
        for res in results:
            label, source = str(res.get("label")), str(res.get("source"))
            self.predictions.labels(label=label, source=source).inc()
            if source == "rules":
                self.fallbacks.labels(component="classifier", fallback="rules").inc()


# --------------------------------------------------------------------------- middleware
class RequestContextMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware overhead). Per request: assigns the request id
    (X-Request-ID response header), answers 415 to a body not declared as JSON and 413 to a
    declared length over the limit (before anything reads it), and writes one JSON log line
    and the HTTP metrics. Never logs bodies; a client's X-Request-ID is logged only as a
    UUID or as a hash (it is client text and may hold anything, an SSN included)."""

    def __init__(self, app: Any, metrics: ServiceMetrics, max_body_bytes: int | None = None):
        self.app, self.metrics, self.max_body_bytes = app, metrics, max_body_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        rid = uuid.uuid4().hex
        headers = list(scope.get("headers") or [])
        client_rid = next((v for k, v in headers if k == b"x-request-id"), b"").decode("latin-1")
        state = dict(scope.get("state") or {})
        state["request_id"] = rid
        state["started"] = start
        inner = dict(scope, state=state)
        status = [500]
        started = [False]
        path = str(scope.get("path") or "")
        refusal = self._refuse_body(scope.get("method"), headers, path)

        async def send_wrapper(message: dict) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                started[0] = True
                MutableHeaders(scope=message).append("X-Request-ID", rid)
            await send(message)

        received = [0]

        async def limited_receive() -> dict:
            # the body limit for bodies sent without a Content-Length (chunked): counted as read
            message = await receive()
            if message["type"] == "http.request" and self.max_body_bytes is not None:
                received[0] += len(message.get("body", b""))
                if received[0] > self.max_body_bytes:
                    raise HTTPException(status_code=413, detail=f"over the limit of {self.max_body_bytes} bytes")
            return message

        try:
            if refusal is not None:
                await refusal(inner, receive, send_wrapper)
            else:
                await self.app(inner, limited_receive, send_wrapper)
        except Exception as exc:  # a bug, not bad input: JSON 500 with the id, traceback in the log only
            log.error("unhandled error", exc_info=exc, extra={"request_id": rid})
            if started[0]:
                raise
            response = (openai_api.error_response(500, f"internal error (request id {rid})")
                        if openai_api.is_openai_path(path) else
                        JSONResponse(status_code=500, content={"detail": "internal error", "request_id": rid}))
            await response(inner, receive, send_wrapper)
        finally:
            latency = time.perf_counter() - start
            route = inner.get("route")
            endpoint = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "") if scope.get("method", "") in _METHODS else "OTHER"  # client text
            self.metrics.requests.labels(endpoint=endpoint, method=method, status=str(status[0])).inc()
            self.metrics.latency.labels(endpoint=endpoint).observe(latency)
            extra = {
                "request_id": rid, "method": method, "endpoint": endpoint,
                "status": status[0], "latency_ms": round(latency * 1000, 3),
            }
            if client_rid:
                extra["client_request_id"] = _loggable_request_id(client_rid)
            log.info("request", extra=extra)

    def _refuse_body(self, method: str | None, headers: list[tuple[bytes, bytes]], path: str) -> JSONResponse | None:
        """415 for a body not declared as JSON, 413 for a declared length over the limit."""
        if method not in ("POST", "PUT", "PATCH"):
            return None
        cts = [v for k, v in headers if k == b"content-type"]
        if len(cts) != 1 or not _JSON_CT.match(cts[0]):
            got = cts[0].decode("latin-1")[:80] if len(cts) == 1 else ("none" if not cts else "several")
            return _error(path, 415, "content-type", f"content-type: must be application/json (got {got})",
                          "unsupported_media_type")
        length = next((v for k, v in headers if k == b"content-length"), b"")
        if self.max_body_bytes is not None and length.isdigit() and int(length) > self.max_body_bytes:
            return _error(path, 413, "body", f"body: {int(length)} bytes is over the limit of {self.max_body_bytes}",
                          "body_too_large")
        return None


def _error(path: str, status: int, field: str, message: str, kind: str) -> JSONResponse:
    return _error_response(path, status, [{"field": field, "message": message, "type": kind}])


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# Keyed per process: an unkeyed hash of a 9-digit SSN is undone by hashing all 10^9 of them.
_RID_KEY = os.urandom(32)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _loggable_request_id(value: str) -> str:
    """A client's request id as it may be logged: a canonical UUID as is, anything else as a
    keyed hash (the same id hashes the same within one process, so log lines still join)."""
    if _UUID.fullmatch(value):
        return value.lower()
    return "hmac:" + hmac.new(_RID_KEY, value.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:16]


# --------------------------------------------------------------------------- helpers
def _classification(pred: Any) -> dict[str, Any]:
    """An Eligibility (dataclass or object) as the API's Classification dict."""
    data = pred.as_dict() if hasattr(pred, "as_dict") else dict(vars(pred))
    rules = data.get("rules") or []
    if isinstance(rules, str):
        rules = [rules]
    return {
        "label": str(data.get("label")),
        "confidence": float(data.get("confidence") or 0.0),
        "probabilities": {str(k): float(v) for k, v in (data.get("probabilities") or {}).items()},
        "source": str(data.get("source") or "rules"),
        "rules": [r if isinstance(r, str) else str(getattr(r, "name", r)) for r in rules],
        "model_version": None if data.get("model_version") is None else str(data.get("model_version")),
    }


# --------------------------------------------------------------------------- routes
def _add_routes(app: FastAPI, settings: ServiceSettings) -> None:
    S = build_schemas(settings.max_text_chars, settings.max_batch, settings.max_k)
    ClassifyRequest, BatchClassifyRequest = S.ClassifyRequest, S.BatchClassifyRequest
    EmbedRequest, RetrieveRequest, ChatRequest = S.EmbedRequest, S.RetrieveRequest, S.ChatRequest
    AnalyzeRequest, FeedbackRequest = S.AnalyzeRequest, S.FeedbackRequest

    @app.get("/health", response_model=HealthResponse, tags=["service"], summary="Service and model status")
    @in_thread
    def health(request: Request) -> dict[str, Any]:
        """Always open (no API key). Says what is loaded and what is missing."""
        rt = runtime_of(request)
        out = rt.health()
        for slot in rt.slots():
            request.app.state.metrics.loaded.labels(component=slot.name).set(1 if slot.value is not None else 0)
        out.update(
            version=creditai.__version__,
            auth="api_key" if settings.auth_enabled else "open",
            limits={"max_text_chars": settings.max_text_chars, "max_batch": settings.max_batch, "max_k": settings.max_k},
        )
        return out

    # The key check (and its security scheme in the OpenAPI docs) only when keys are set:
    # an open API resolves no per-request dependency.
    api = APIRouter(dependencies=[Depends(require_api_key)] if settings.auth_enabled else [], responses=ERROR_RESPONSES)

    @api.post("/classify", response_model=ClassifyResponse, tags=["models"], summary="Classify one item")
    @model_work
    def classify(body: ClassifyRequest, request: Request) -> dict[str, Any]:  # type: ignore[valid-type]
        """Dispute eligibility of one credit-report item. Without a trained classifier the
        rule-based fallback answers (`source: "rules"`)."""
        pred = require_component(request, "classifier")
        res = _classification(pred.predict([body.text])[0])
        request.app.state.metrics.count_labels([res])
        audit(request, "classify", body.text, res, label=res["label"], confidence=res["confidence"], source=res["source"])
        return {"request_id": request_id_of(request), **res}

    @api.post("/classify/batch", response_model=BatchClassifyResponse, tags=["models"], summary="Classify many items")
    @model_work
    def classify_batch(body: BatchClassifyRequest, request: Request) -> dict[str, Any]:  # type: ignore[valid-type]
        """Many items in one call (batched on the model); at most `max_batch` (see /health)."""
        pred = require_component(request, "classifier")
        results = [_classification(p) for p in pred.predict(list(body.texts))]
        request.app.state.metrics.count_labels(results)
        labels = Counter(r["label"] for r in results)
        sources = {r["source"] for r in results}
        audit(
            request, "classify_batch", list(body.texts), results,
            label=labels.most_common(1)[0][0] if len(labels) == 1 else "mixed",
            confidence=min(r["confidence"] for r in results),
            source=sources.pop() if len(sources) == 1 else "mixed",
        )
        return {"request_id": request_id_of(request), "count": len(results), "results": results}

    @api.post("/embed", response_model=EmbedResponse, tags=["models"], summary="Embed texts")
    @model_work
    def embed(body: EmbedRequest, request: Request) -> dict[str, Any]:  # type: ignore[valid-type]
        """Sentence embeddings (fine-tuned model when trained, else the bundled base)."""
        emb = require_component(request, "embeddings")
        vecs = emb.encode(list(body.texts))
        return {
            "request_id": request_id_of(request), "model": emb.describe(), "dimension": int(vecs.shape[1]),
            "embeddings": [[round(float(x), 6) for x in row] for row in vecs],
        }

    @api.post("/retrieve", response_model=RetrieveResponse, tags=["knowledge base"], summary="Search the knowledge base")
    @model_work
    def retrieve(body: RetrieveRequest, request: Request) -> dict[str, Any]:  # type: ignore[valid-type]
        """Hybrid (BM25 + embeddings) search; BM25 alone when no embeddings are available."""
        kb = require_component(request, "knowledge_base")
        hits = kb.search(
            body.query, k=body.k, doc_types=[body.doc_type] if body.doc_type else None, intent=body.intent
        )
        mode = "hybrid" if getattr(kb, "dense_available", False) else "bm25"
        if mode == "bm25":
            request.app.state.metrics.fallbacks.labels(component="retrieval", fallback="bm25").inc()
        return {"request_id": request_id_of(request), "retrieval": mode, "hits": [h.as_dict() for h in hits]}

    @api.post("/analyze", response_model=AnalyzeResponse, tags=["assistant"], summary="Full structured analysis")
    @model_work
    def analyze(body: AnalyzeRequest, request: Request) -> dict[str, Any]:  # type: ignore[valid-type]
        """Classify, retrieve, compose the structured answer (SUMMARY, ANALYSIS, ELIGIBILITY
        STATUS, RECOMMENDED ACTION, NEXT STEPS) and check it for compliance."""
        analyzer = require_component(request, "assistant")
        data = analysis_dict(analyzer.analyze(body.text, question=body.question, request_id=request_id_of(request)), request_id_of(request))
        return finish_answer(request, "analyze", {"text": body.text, "question": body.question}, data)

    @api.post("/chat", response_model=AnalyzeResponse, tags=["assistant"], summary="Chat with the assistant")
    @model_work
    def chat(body: ChatRequest, request: Request) -> dict[str, Any]:  # type: ignore[valid-type]
        """One assistant turn; `history` holds the earlier turns."""
        analyzer = require_component(request, "assistant")
        history = [t.model_dump() for t in body.history]
        data = analysis_dict(analyzer.chat(body.message, history=history or None, request_id=request_id_of(request)), request_id_of(request))
        return finish_answer(request, "chat", {"message": body.message, "history": history}, data)

    @api.post(
        "/feedback", response_model=FeedbackResponse, tags=["service"], summary="Rate an earlier answer",
        responses={404: {"model": ErrorResponse, "description": "Unknown request_id."}},
    )
    @in_thread
    def feedback(body: FeedbackRequest, request: Request) -> dict[str, Any]:  # type: ignore[valid-type]
        """Attach a 1-5 rating (and optional comment) to an earlier classify/analyze/chat request."""
        rt = runtime_of(request)
        rt.wait_pending(body.request_id)
        store = rt.store
        if store is None:
            raise HTTPException(status_code=503, detail="audit store unavailable")
        try:
            fid = store.record_feedback(body.request_id, body.rating, body.comment)
        except UnknownRequestError:
            return JSONResponse(
                status_code=404,
                content={"detail": [{"field": "request_id", "message": "unknown request_id", "type": "not_found"}]},
            )
        except AuditError as exc:
            raise HTTPException(status_code=503, detail=str(exc)) from None
        request.app.state.metrics.feedback.labels(rating=str(body.rating)).inc()
        return {"request_id": body.request_id, "feedback_id": fid, "status": "recorded"}

    @api.get(
        "/metrics", response_class=PlainTextResponse, tags=["service"], summary="Prometheus metrics",
        responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}},
    )
    async def metrics(request: Request) -> PlainTextResponse:
        """Request counts and latency per endpoint, label counts, fallback counts."""
        return PlainTextResponse(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    app.include_router(api)
    app.include_router(openai_api.router)  # /v1: the same library calls in the OpenAI API's shape


# --------------------------------------------------------------------------- errors
def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail: Any = exc.detail
        if isinstance(exc, openai_api.OpenAIError):  # raised by a /v1 route: it names its param and code
            body = openai_api.error_body(exc.status_code, str(detail), param=exc.param, code=exc.code, type=exc.type)
            return JSONResponse(status_code=exc.status_code, content=body)
        if exc.status_code in (400, 413) and isinstance(detail, str):  # body-level problems name the body
            kind = "body_too_large" if exc.status_code == 413 else "invalid_body"
            detail = [{"field": "body", "message": f"body: {detail}", "type": kind}]
        return _error_response(request.url.path, exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(CreditAIError)
    async def library_input_error(request: Request, exc: CreditAIError) -> JSONResponse:
        if hasattr(exc, "field"):  # the library refused the input (the pipeline's InputError names the field)
            field, problem = str(exc.field), str(getattr(exc, "problem", exc))
            detail = [{"field": field, "message": f"{field}: {problem}", "type": type(exc).__name__}]
            return _error_response(request.url.path, 422, detail)
        # anything else the library reports as a user-fixable problem: a model or store is missing
        log.warning("request failed: %s", exc, extra={"request_id": getattr(request.state, "request_id", None)})
        return _error_response(request.url.path, 503, f"{type(exc).__name__}: {exc}")

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        items, status = [], 422
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p != "body"]
            typ = str(err.get("type", "invalid"))
            if typ == "json_invalid":
                status = 400
                ctx = err.get("ctx") or {}
                items.append({"field": "body", "message": f"malformed JSON: {ctx.get('error', 'decode error')}", "type": typ})
                continue
            field = ".".join(loc) if loc else "body"
            message = str(err.get("msg", "invalid value"))
            if typ == "missing" and not loc:
                message = "a JSON object body is required"
            items.append({"field": field, "message": f"{field}: {message}", "type": typ})
        return _error_response(request.url.path, status, items)


def _error_response(path: str, status: int, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    """An error in the shape the route's clients expect: OpenAI's under /v1, else {"detail": ...}."""
    if openai_api.is_openai_path(path):
        return openai_api.error_response(status, detail, headers)
    return JSONResponse(status_code=status, content={"detail": detail}, headers=headers)


# --------------------------------------------------------------------------- factory
def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """Build the app. With no argument, settings come from the environment (uvicorn --factory)."""
    settings = settings or ServiceSettings.from_env()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        if not settings.auth_enabled:
            log.warning("CREDITAI_API_KEYS is not set: the API is open to anyone who can reach it")
        if settings.preload:
            await run_in_threadpool(app.state.runtime.preload)
        try:
            yield
        finally:
            app.state.runtime.close()

    app = FastAPI(
        title="creditai",
        version=creditai.__version__,
        description=(
            "Offline credit-repair AI: dispute-eligibility classification, knowledge-base retrieval "
            "and compliant structured answers. Educational information, not legal or financial advice."
        ),
        lifespan=lifespan,
        # with API keys the schema needs a key too (route added below) and the browser docs
        # pages are off: they could not send the key when fetching the schema
        docs_url=None if settings.auth_enabled else "/docs",
        redoc_url=None if settings.auth_enabled else "/redoc",
        openapi_url=None if settings.auth_enabled else "/openapi.json",
    )
    app.state.settings = settings
    app.state.runtime = Runtime(settings)
    app.state.metrics = ServiceMetrics()
    _add_routes(app, settings)
    if settings.auth_enabled:

        @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(require_api_key)])
        async def openapi_schema() -> JSONResponse:
            return JSONResponse(app.openapi())

    _add_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics, max_body_bytes=settings.max_body_bytes)
    return app
