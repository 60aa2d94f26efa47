"""What the service holds while it runs: the models, the knowledge base, the audit store.

Each component loads once (at start-up when `preload`, else on first use), under its own
lock, and a failure never stops the service: it is recorded and reported by /health,
and the request falls back (classifier -> rules, retrieval -> BM25) or answers 503.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from pathlib import Path
from typing import Any, Callable

from creditai.service.audit import AuditError, AuditStore, safe_url
from creditai.service.settings import ServiceSettings

log = logging.getLogger("creditai.service")
# A record waits at most this long before it is written. One write per 0.2 s keeps the
# writer thread off the GIL while requests run: with 20 ms, the classifier call inside the
# server measured ~1 ms slower than the same call alone (benchmarks/bench_service.py).
AUDIT_LINGER_S = 0.2
# Records waiting for the writer, at most (each already redacted). A stalled database makes
# requests wait up to AUDIT_PUT_TIMEOUT_S for room, then the record is dropped and counted.
AUDIT_QUEUE_MAX = 10_000
AUDIT_PUT_TIMEOUT_S = 1.0


class Unavailable(Exception):
    """A component could not be loaded; the message says what is missing."""


class _Slot:
    """One lazily loaded component: value or the reason it is missing."""

    def __init__(self, name: str, loader: Callable[[], Any]):
        self.name, self._loader = name, loader
        self.value: Any = None
        self.error: str | None = None
        self.attempted = False
        self.seconds: float | None = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        if not self.attempted:
            with self._lock:
                if not self.attempted:
                    t0 = time.perf_counter()
                    try:
                        self.value = self._loader()
                    except Exception as exc:  # reported by /health; never crashes start-up
                        self.error = f"{type(exc).__name__}: {exc}"
                        log.warning("%s unavailable: %s", self.name, self.error, extra={"component": self.name})
                    self.seconds = round(time.perf_counter() - t0, 3)
                    self.attempted = True
        return self.value

    def require(self) -> Any:
        value = self.get()
        if value is None:
            raise Unavailable(f"{self.name} unavailable: {self.error or 'not loaded'}")
        return value


class Runtime:
    """The loaded state of one app instance."""

    def __init__(self, settings: ServiceSettings):
        self.settings = settings
        self.kb_source: str | None = None
        self.device = "cpu"
        self.classifier = _Slot("classifier", self._load_classifier)
        self.embeddings = _Slot("embeddings", self._load_embedder)
        self.knowledge_base = _Slot("knowledge_base", self._load_kb)
        self.assistant = _Slot("assistant", self._load_analyzer)
        self.store_slot = _Slot("audit store", lambda: AuditStore(settings.database_url))
        self._pending: dict[str, threading.Event] = {}
        self._pending_lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue(maxsize=AUDIT_QUEUE_MAX)
        self._writer: threading.Thread | None = None

    # -- audit records: written by one background thread, in batches --------------------
    def submit_audit(self, record: dict[str, Any], on_error: Callable[[str, Exception], None] | None = None) -> None:
        """Queue one `AuditStore.record_request` call. The record is redacted here, in the
        request's thread (so raw PII never waits in memory and the cost stays with the request
        that brought it); the request never waits on the database, only for room in the
        bounded queue. /feedback waits for the record of its request id (`wait_pending`)."""
        rid = str(record["request_id"])
        row = AuditStore.row_values(**record)
        with self._pending_lock:
            self._pending[rid] = threading.Event()
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._write_loop, name="creditai-audit", daemon=True)
                self._writer.start()
        try:
            self._queue.put((row, on_error), timeout=AUDIT_PUT_TIMEOUT_S)
        except queue.Full:
            exc = AuditError(f"audit queue full ({AUDIT_QUEUE_MAX} records waiting): record dropped")
            log.error("audit write failed", extra={"request_id": rid, "error": str(exc)})
            if on_error is not None:
                on_error(rid, exc)
            self._done_pending(rid)

    def _write_loop(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            # linger a moment so a busy service writes one transaction per batch and this
            # thread wakes (and takes the GIL) once per batch, not once per request
            time.sleep(AUDIT_LINGER_S)
            batch = [first]
            while len(batch) < 256:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True  # finish this batch, then stop (no re-put: the queue may be full)
                    break
                batch.append(item)
            records = [r for r, _ in batch]
            try:
                store = self.store
                if store is None:
                    raise AuditError(f"audit store unavailable: {self.store_slot.error}")
                failed = dict(store.write_rows(records))
            except Exception as exc:  # never let the writer thread die
                failed = {str(r["request_id"]): exc for r in records}
            for record, on_error in batch:
                rid = str(record["request_id"])
                if rid in failed:
                    log.error("audit write failed", extra={"request_id": rid, "error": str(failed[rid])})
                    if on_error is not None:
                        on_error(rid, failed[rid])
                self._done_pending(rid)

    def _done_pending(self, request_id: str) -> None:
        with self._pending_lock:
            event = self._pending.pop(request_id, None)
        if event is not None:
            event.set()

    def wait_pending(self, request_id: str, timeout: float = 5.0) -> None:
        """Block until the audit record of `request_id` is written (no-op if not pending)."""
        with self._pending_lock:
            event = self._pending.get(request_id)
        if event is not None:
            event.wait(timeout)

    def flush_audit(self, timeout: float = 10.0) -> None:
        """Wait until every queued audit record is written."""
        deadline = time.monotonic() + timeout
        with self._pending_lock:
            events = list(self._pending.values())
        for event in events:
            event.wait(max(0.0, deadline - time.monotonic()))

    # -- loaders ---------------------------------------------------------------------
    def _load_classifier(self) -> Any:
        from creditai.inference import EligibilityPredictor

        return EligibilityPredictor(
            model_dir=self.settings.classifier_dir, threshold=self.settings.confidence_threshold,
            backend=self.settings.classifier_backend,
        )

    def _load_embedder(self) -> Any:
        from creditai.kb.embed import finetuned_available, load_base_embedder, load_embedder

        if finetuned_available(self.settings.embeddings_dir):
            return load_embedder(self.settings.embeddings_dir)
        return load_base_embedder()

    def _load_kb(self) -> Any:
        from creditai.kb import store
        from creditai.kb.search import KnowledgeBase

        index_dir = Path(self.settings.index_dir)
        if store.exists(index_dir):
            self.kb_source = "index"
            # Load the service's encoder first: the index then finds it in the embedder cache
            # (same weights) instead of loading a second copy, and searches hybrid.
            self.embeddings.get()
            return KnowledgeBase.load(index_dir)  # dense when its embeddings model is here
        # No index built yet: a BM25-only index of the shipped knowledge base, in memory, so
        # retrieval still works; `creditai kb build` makes the real one.
        self.kb_source = "temporary-bm25"
        log.warning(
            "no knowledge-base index at %s: serving a BM25-only index of the shipped knowledge base "
            "(run `creditai kb build` for hybrid search)", index_dir,
        )
        return KnowledgeBase.from_sources()

    def _load_analyzer(self) -> Any:
        from creditai.assistant.pipeline import Analyzer

        predictor = self.classifier.get()
        kb = self.knowledge_base.get()
        analyzer = _make_analyzer(Analyzer, predictor, kb, self.settings.confidence_threshold)
        _ = getattr(analyzer, "screener", None)  # load the request screener now (any analyzer class works here)
        return analyzer

    # -- lifecycle -------------------------------------------------------------------
    def preload(self) -> None:
        t0 = time.perf_counter()
        try:
            from creditai.train.common import select_device

            self.device = select_device().device
            if os.environ.get("CREDITAI_NUM_THREADS"):  # `creditai serve` sets 1 unless told otherwise
                from creditai.inference.classifier import configure_threads

                configure_threads()
        except Exception:  # torch missing or broken: report cpu
            self.device = "cpu"
        for slot in (self.store_slot, self.classifier, self.embeddings, self.knowledge_base, self.assistant):
            slot.get()
        log.info(
            "service ready",
            extra={
                "seconds": round(time.perf_counter() - t0, 2),
                "loaded": [s.name for s in self.slots() if s.value is not None],
                "missing": [s.name for s in self.slots() if s.value is None],
            },
        )

    def slots(self) -> list[_Slot]:
        return [self.classifier, self.embeddings, self.knowledge_base, self.assistant, self.store_slot]

    @property
    def store(self) -> AuditStore | None:
        return self.store_slot.get()

    def close(self) -> None:
        writer = self._writer
        if writer is not None and writer.is_alive():
            try:  # after everything queued: the writer drains, then stops
                self._queue.put(None, timeout=30)
            except queue.Full:
                log.error("audit writer stalled: closing with records still queued")
            writer.join(timeout=30)
        self._writer = None
        store = self.store_slot.value
        if store is not None:
            store.close()

    # -- health ----------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        models = {
            "classifier": self._classifier_status(),
            "embeddings": self._embeddings_status(),
            "knowledge_base": self._kb_status(),
            "assistant": self._assistant_status(),
        }
        kb = self.knowledge_base.value
        kb_info: dict[str, Any] = {"size": 0, "loaded": kb is not None}
        if kb is not None:
            try:
                kb_info.update(_jsonable(kb.info()))
                kb_info["size"] = kb.size()
            except Exception as exc:
                kb_info["error"] = type(exc).__name__
            kb_info["retrieval"] = "hybrid" if getattr(kb, "dense_available", False) else "bm25"
            kb_info["origin"] = self.kb_source
        store = self.store_slot.value
        if store is not None:
            store_info = store.status()
        else:
            store_info = {
                "ok": False, "url": safe_url(self.settings.database_url),
                "error": self.store_slot.error or "not opened",
            }
        degraded = (
            not store_info.get("ok")
            or any(not m["loaded"] or m.get("missing") for m in models.values())
        )
        return {
            "status": "degraded" if degraded else "ok",
            "device": self.device,
            "models": models,
            "knowledge_base": kb_info,
            "store": store_info,
        }

    def _classifier_status(self) -> dict[str, Any]:
        pred = self.classifier.value
        out: dict[str, Any] = {"loaded": pred is not None, "path": str(self.settings.classifier_dir)}
        if pred is None:
            out["source"] = None
            out["missing"] = self.classifier.error
            return out
        info: dict[str, Any] = {}
        try:
            info = dict(pred.info() or {})
        except Exception as exc:
            info = {"error": type(exc).__name__}
        out.update(_jsonable(info))
        has_model = bool(info.get("loaded"))
        out["loaded"] = has_model  # the trained model; the rule fallback is always there
        out["source"] = info.get("source") or ("model" if has_model else "rules")
        out.setdefault("version", info.get("model_version") or info.get("created_at"))
        if not has_model and info.get("error") and not str(info["error"]).startswith("no trained model"):
            out["missing"] = f"{info['error']}: answering with the rule-based fallback"
        if not has_model and not out.get("missing"):
            out["missing"] = (
                f"no trained classifier at {self.settings.classifier_dir}: answering with the rule-based "
                "fallback (run `creditai train classifier`)"
            )
        return out

    def _embeddings_status(self) -> dict[str, Any]:
        emb = self.embeddings.value
        out: dict[str, Any] = {"loaded": emb is not None, "path": str(self.settings.embeddings_dir)}
        if emb is None:
            out["missing"] = self.embeddings.error
            return out
        from creditai.train.common import read_metadata

        out.update(_jsonable(emb.describe()))
        out["path"] = str(emb.path)
        meta = read_metadata(emb.path) or {}
        out["created_at"] = meta.get("created_at")
        out["version"] = meta.get("created_at")
        if emb.source != "finetuned":
            out["missing"] = (
                f"no fine-tuned embeddings at {self.settings.embeddings_dir}: using the base model "
                f"{emb.model_id} (run `creditai train embeddings`)"
            )
        return out

    def _kb_status(self) -> dict[str, Any]:
        kb = self.knowledge_base.value
        out: dict[str, Any] = {"loaded": kb is not None, "path": str(self.settings.index_dir)}
        if kb is None:
            out["missing"] = self.knowledge_base.error
            return out
        out["source"] = "hybrid" if getattr(kb, "dense_available", False) else "bm25"
        try:
            out["created_at"] = out["version"] = kb.info().get("built_at")
        except Exception:
            pass
        try:
            empty = kb.size() == 0
        except Exception:
            empty = False
        if empty:
            out["loaded"] = False
            out["missing"] = "the knowledge base has no passages: answers carry no citations (run `creditai kb build`)"
        elif self.kb_source != "index":
            out["missing"] = (
                f"no index at {self.settings.index_dir}: serving a temporary BM25 index of the shipped "
                "knowledge base (run `creditai kb build`)"
            )
        elif out["source"] == "bm25":
            out["missing"] = "the index has no usable embeddings: BM25 only (run `creditai kb build`)"
        return out

    def _assistant_status(self) -> dict[str, Any]:
        an = self.assistant.value
        out: dict[str, Any] = {"loaded": an is not None}
        if an is None:
            out["missing"] = self.assistant.error
            return out
        info: dict[str, Any] = {}
        info_fn = getattr(an, "info", None)
        if callable(info_fn):
            try:
                info = _jsonable(dict(info_fn() or {}))
            except Exception as exc:
                info = {"error": type(exc).__name__}
        llm = info.get("llm") if isinstance(info.get("llm"), dict) else {}
        llm_loaded = bool(llm.get("loaded")) or llm.get("status") == "loaded"
        out["source"] = "llm" if llm_loaded else "template"
        out["retrieval"] = info.get("retrieval")
        out["llm"] = llm
        out["screener"] = info.get("screener")  # the guard's learned layer (rules alone when not loaded)
        if not llm_loaded:  # the LLM is optional: the template composer is a full answer, not degraded
            out["note"] = "no LLM loaded: answers come from the template composer (set ENABLE_LLM=1 and QWEN_MODEL_ID)"
        return out


def _make_analyzer(cls: Any, predictor: Any, kb: Any, threshold: float) -> Any:
    """Build the Analyzer around the already-loaded predictor and knowledge base."""
    import inspect

    params = inspect.signature(cls).parameters
    kwargs: dict[str, Any] = {}
    for name in ("predictor", "classifier"):
        if name in params and predictor is not None:
            kwargs[name] = predictor
            break
    for name in ("kb", "knowledge_base"):
        if name in params and kb is not None:
            kwargs[name] = kb
            break
    if "threshold" in params:
        kwargs["threshold"] = threshold
    return cls(**kwargs)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


__all__ = ["AuditError", "Runtime", "Unavailable"]
