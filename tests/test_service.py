"""The HTTP service, in process (TestClient) and as a real uvicorn server.

Every app here starts with nothing trained (model dirs point at empty temp folders): the
no-model start-up path. The classifier answers with the rule fallback, retrieval uses a
temporary BM25 index of the shipped knowledge base, embeddings use the bundled MiniLM.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from creditai import LABELS
from creditai.service import ServiceSettings, create_app
from creditai.service import auth as auth_module

from _helpers import free_port, start_server, stop_server

REPO = Path(__file__).resolve().parents[1]
SEED_BODY = b'{"text": "This charge-off is incorrect"}'
JSON = {"content-type": "application/json"}
SECRET_SSN = "123-45-6789"
MAX_BATCH = 8


def _settings(tmp: Path, **kw) -> ServiceSettings:
    base = dict(
        database_url=f"sqlite:///{tmp}/var/audit.sqlite",
        classifier_dir=tmp / "no-classifier",
        embeddings_dir=tmp / "no-embeddings",
        index_dir=tmp / "no-index",
        max_batch=MAX_BATCH,
    )
    base.update(kw)
    return ServiceSettings(**base)


@pytest.fixture(scope="module")
def tmp_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service")


@pytest.fixture(scope="module")
def client(tmp_module: Path):
    app = create_app(_settings(tmp_module))
    with TestClient(app) as c:  # runs the lifespan: models preload
        yield c


def _entry(client: TestClient, request_id: str):
    """The audit record of a request (records are written in the background: wait for it)."""
    rt = client.app.state.runtime
    rt.flush_audit()
    return rt.store.get(request_id)


def _classify(client: TestClient, text: str) -> dict:
    r = client.post("/classify", json={"text": text})
    assert r.status_code == 200, r.text
    return r.json()


# ------------------------------------------------------------------ health / start-up
def test_health_without_models_says_what_is_missing(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    h = r.json()
    assert h["status"] == "degraded"
    assert h["device"] in {"cpu", "cuda", "mps"}
    assert h["auth"] == "open"
    clf = h["models"]["classifier"]
    assert clf["loaded"] is False and clf["source"] == "rules"
    assert "creditai train classifier" in clf["missing"] and clf["path"].endswith("no-classifier")
    emb = h["models"]["embeddings"]
    assert emb["loaded"] is True and "creditai train embeddings" in emb["missing"]
    kb = h["models"]["knowledge_base"]
    assert kb["loaded"] is True and kb["source"] == "bm25" and "creditai kb build" in kb["missing"]
    assert h["knowledge_base"]["size"] > 0 and h["knowledge_base"]["retrieval"] == "bm25"
    assert h["store"]["ok"] is True and h["store"]["backend"] == "sqlite"
    assert h["limits"]["max_batch"] == MAX_BATCH
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])


def test_lazy_loading_without_preload(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path, preload=False))
    with TestClient(app) as c:
        assert c.get("/health").json()["models"]["classifier"]["missing"] is None  # not tried yet
        body = _classify(c, "An account I never opened is on my report")
        assert body["source"] == "rules"
        assert c.get("/health").json()["models"]["classifier"]["source"] == "rules"


# ------------------------------------------------------------------ endpoints
def test_seed_curl_request_with_json_content_type(client: TestClient) -> None:
    # curl -X POST http://localhost:8000/classify -H 'Content-Type: application/json' -d '{"text": "..."}'
    r = client.post("/classify", content=SEED_BODY, headers={"content-type": "application/json; charset=utf-8"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["label"] in LABELS
    assert body["source"] == "rules"
    assert 0.0 <= body["confidence"] <= 1.0
    assert set(body["probabilities"]) == set(LABELS)
    assert body["request_id"] == r.headers["x-request-id"]


def test_non_json_content_type_is_415(client: TestClient) -> None:
    """A form or text/plain post is what any web page can send to 127.0.0.1 without a CORS
    preflight; refusing it keeps an open service (no keys set) out of reach of those pages."""
    for headers in ({"content-type": "application/x-www-form-urlencoded"}, {}, {"content-type": "text/plain"},
                    {"content-type": "multipart/form-data; boundary=x"}):
        r = client.post("/classify", content=SEED_BODY, headers=headers)
        assert r.status_code == 415, (headers, r.text)
        assert r.json()["detail"][0]["field"] == "content-type"
    assert client.post("/analyze", content=b'{"text": "x"}', headers={"content-type": "text/plain"}).status_code == 415


def test_classify_is_audited_redacted_and_never_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    text = f"Collection account not mine, my SSN {SECRET_SSN} was stolen"
    with caplog.at_level(logging.INFO, logger="creditai"):
        body = _classify(client, text)
    entry = _entry(client, body["request_id"])
    assert entry is not None and entry.endpoint == "classify"
    assert SECRET_SSN not in entry.input_redacted and "[SSN]" in entry.input_redacted
    assert entry.label == body["label"] and entry.source == "rules"
    assert entry.latency_ms is not None and entry.latency_ms > 0
    lines = [r for r in caplog.records if getattr(r, "request_id", None) == body["request_id"]]
    assert any(r.getMessage() == "request" and r.endpoint == "/classify" and r.status == 200 for r in lines)
    for rec in caplog.records:
        dumped = json.dumps(rec.__dict__, default=str)
        assert SECRET_SSN not in dumped and "was stolen" not in dumped


def test_classify_batch(client: TestClient) -> None:
    texts = ["This charge-off is incorrect", "I authorized this inquiry", "Something is wrong"]
    r = client.post("/classify/batch", json={"texts": texts})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 3 and [x["label"] in LABELS for x in body["results"]] == [True] * 3
    entry = _entry(client, body["request_id"])
    assert entry is not None and entry.endpoint == "classify_batch"


def test_embed(client: TestClient) -> None:
    r = client.post("/embed", json={"texts": ["charge-off", "identity theft block"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["dimension"] == 384 and len(body["embeddings"]) == 2
    assert all(len(v) == 384 for v in body["embeddings"])
    norm = sum(x * x for x in body["embeddings"][0]) ** 0.5
    assert abs(norm - 1.0) < 1e-3


def test_retrieve_bm25(client: TestClient) -> None:
    r = client.post("/retrieve", json={"query": "how long can a collection stay on my credit report", "k": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["retrieval"] == "bm25"
    assert 1 <= len(body["hits"]) <= 3
    hit = body["hits"][0]
    assert {"text", "source", "title", "doc_type", "score"} <= set(hit)
    r = client.post("/retrieve", json={"query": "dispute letter", "k": 2, "doc_type": "templates"})
    assert r.status_code == 200
    assert all(h["doc_type"] == "templates" for h in r.json()["hits"])
    r = client.post("/retrieve", json={"query": "dispute letter", "k": 2, "intent": "dispute"})
    assert r.status_code == 200 and r.json()["hits"]


ANSWER_SECTIONS = ("SUMMARY", "ANALYSIS", "ELIGIBILITY STATUS", "RECOMMENDED ACTION", "NEXT STEPS")


def test_analyze(client: TestClient) -> None:
    r = client.post(
        "/analyze",
        json={"text": f"Midland collection for $900 is not mine, SSN {SECRET_SSN}", "question": "What can I do?"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["request_id"] == r.headers["x-request-id"]
    assert body["answer"] and all(s in body["answer"] for s in ANSWER_SECTIONS)
    assert body["source"] in {"model", "rules"}
    entry = _entry(client, body["request_id"])
    assert entry is not None and entry.endpoint == "analyze"
    assert SECRET_SSN not in entry.input_redacted and SECRET_SSN not in entry.output_redacted
    assert entry.label is not None


def test_chat_with_history(client: TestClient) -> None:
    r = client.post(
        "/chat",
        json={
            "message": "Can I dispute a late payment that I think is wrong?",
            "history": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello."}],
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["answer"]
    entry = _entry(client, body["request_id"])
    assert entry is not None and entry.endpoint == "chat"


def test_feedback(client: TestClient) -> None:
    rid = _classify(client, "This charge-off is incorrect")["request_id"]
    r = client.post("/feedback", json={"request_id": rid, "rating": 4, "comment": "mail me: a@b.com"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "recorded" and r.json()["request_id"] == rid
    entry = _entry(client, rid)
    assert entry.feedback[-1]["rating"] == 4 and entry.feedback[-1]["comment"] == "mail me: [EMAIL]"


def test_feedback_unknown_request_is_404(client: TestClient) -> None:
    r = client.post("/feedback", json={"request_id": "does-not-exist", "rating": 3})
    assert r.status_code == 404
    assert r.json()["detail"][0]["field"] == "request_id"


def test_metrics(client: TestClient) -> None:
    _classify(client, "This charge-off is incorrect")
    client.post("/retrieve", json={"query": "fraud alert", "k": 1})
    client.post("/classify", json={"text": ""})
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert re.search(r'creditai_http_requests_total\{endpoint="/classify",method="POST",status="200"\} [1-9]', text)
    assert re.search(r'creditai_http_requests_total\{endpoint="/classify",method="POST",status="422"\} [1-9]', text)
    assert 'creditai_http_request_duration_seconds_bucket{endpoint="/classify"' in text
    assert re.search(r'creditai_predictions_total\{label="[a-z_]+",source="rules"\} [1-9]', text)
    assert re.search(r'creditai_fallbacks_total\{component="classifier",fallback="rules"\} [1-9]', text)
    assert re.search(r'creditai_fallbacks_total\{component="retrieval",fallback="bm25"\} [1-9]', text)


def test_openapi_documents_every_field(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in ("ClassifyRequest", "BatchClassifyRequest", "EmbedRequest", "RetrieveRequest", "ChatRequest",
                 "AnalyzeRequest", "FeedbackRequest", "ClassifyResponse", "HealthResponse", "AnalyzeResponse"):
        for field, prop in schemas[name]["properties"].items():
            assert prop.get("description"), f"{name}.{field} has no description"
    body = spec["paths"]["/classify"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("/ClassifyRequest")
    assert schemas["ClassifyRequest"]["properties"]["text"]["maxLength"] == 20_000
    assert schemas["BatchClassifyRequest"]["properties"]["texts"]["maxItems"] == MAX_BATCH


# ------------------------------------------------------------------ bad input -> 4xx naming the field
BAD = [
    ("/classify", {"text": ""}, 422, "text"),
    ("/classify", {"text": "   \n "}, 422, "text"),
    ("/classify", {"text": "x" * 20_001}, 422, "text"),
    ("/classify", {"text": 42}, 422, "text"),
    ("/classify", {"text": None}, 422, "text"),
    ("/classify", {}, 422, "text"),
    ("/classify", {"text": "ok", "txt": "typo"}, 422, "txt"),
    ("/classify", {"text": "bad \ud800 surrogate"}, 422, "text"),
    ("/classify", [1, 2], 422, "body"),
    ("/classify/batch", {"texts": []}, 422, "texts"),
    ("/classify/batch", {"texts": ["a"] * (MAX_BATCH + 1)}, 422, "texts"),
    ("/classify/batch", {"texts": ["fine", ""]}, 422, "texts.1"),
    ("/classify/batch", {"texts": "not a list"}, 422, "texts"),
    ("/embed", {"texts": ["a"] * (MAX_BATCH + 1)}, 422, "texts"),
    ("/retrieve", {"query": "q", "k": 0}, 422, "k"),
    ("/retrieve", {"query": "q", "k": 10_000}, 422, "k"),
    ("/retrieve", {"query": "q", "k": "5"}, 422, "k"),
    ("/chat", {"message": "hi", "history": [{"role": "robot", "content": "x"}]}, 422, "history.0.role"),
    ("/analyze", {"text": "ok", "question": ""}, 422, "question"),
    ("/feedback", {"request_id": "abc", "rating": 6}, 422, "rating"),
    ("/feedback", {"request_id": "abc", "rating": 0}, 422, "rating"),
    ("/feedback", {"request_id": "abc", "rating": "5"}, 422, "rating"),
    ("/feedback", {"request_id": "a b/c", "rating": 5}, 422, "request_id"),
    ("/feedback", {"rating": 5}, 422, "request_id"),
]


@pytest.mark.parametrize(("path", "payload", "status", "field"), BAD, ids=[f"{p}:{f}:{i}" for i, (p, _, _, f) in enumerate(BAD)])
def test_bad_input_is_4xx_naming_the_field(client: TestClient, path: str, payload, status: int, field: str) -> None:
    r = client.post(path, content=json.dumps(payload).encode(), headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert any(d["field"] == field for d in detail), detail
    assert all(field.split(".")[0] in d["message"] or d["field"] == "body" for d in detail)


@pytest.mark.parametrize("raw", [b'{"text": ', b"not json at all", b"\xff\xfe\x00", b'{"text": "a"} trailing'])
def test_malformed_json_is_400(client: TestClient, raw: bytes) -> None:
    r = client.post("/classify", content=raw, headers=JSON)
    assert r.status_code == 400, r.text
    assert r.json()["detail"][0]["field"] == "body"


def test_empty_body_and_oversized_body(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    r = client.post("/classify", headers=JSON)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body"
    assert client.post("/classify").status_code == 415  # nothing declared
    huge = b'{"texts": ["' + b"a" * (client.app.state.settings.max_body_bytes + 10) + b'"]}'
    r = client.post("/classify/batch", content=huge, headers=JSON)
    assert r.status_code == 413 and r.json()["detail"][0]["field"] == "body"

    def chunks():  # no Content-Length: the framework's own limit answers, and nothing logs an error
        yield huge

    caplog.clear()
    r = client.post("/classify/batch", content=chunks(), headers=JSON)
    assert r.status_code == 413
    assert not [rec for rec in caplog.records if rec.levelname == "ERROR"], [rec.getMessage() for rec in caplog.records]


def test_text_limit_is_configurable(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path, max_text_chars=10, preload=False))
    with TestClient(app) as c:
        r = c.post("/classify", json={"text": "x" * 11})
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "text"
        assert c.post("/classify", json={"text": "x" * 10}).status_code == 200


# ------------------------------------------------------------------ auth
def test_auth_required_when_keys_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = auth_module.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth_module.hmac, "compare_digest", spy)
    app = create_app(_settings(tmp_path, api_keys="alpha-key, beta-key", preload=False))
    with TestClient(app) as c:
        assert c.get("/health").status_code == 200  # /health stays open
        assert c.get("/health").json()["auth"] == "api_key"
        r = c.post("/classify", json={"text": "This charge-off is incorrect"})
        assert r.status_code == 401 and "API key" in r.json()["detail"]
        assert c.post("/classify", json={"text": "x"}, headers={"X-API-Key": "wrong"}).status_code == 401
        assert c.post("/classify", json={"text": "x"}, headers={"Authorization": "Bearer alpha-ke"}).status_code == 401
        assert c.get("/metrics").status_code == 401
        calls.clear()
        ok = c.post("/classify", json={"text": "This charge-off is incorrect"}, headers={"Authorization": "Bearer alpha-key"})
        assert ok.status_code == 200
        # constant-time: compared with hmac.compare_digest against every key, no early exit on a match
        assert [b for _, b in calls] == [b"alpha-key", b"beta-key"]
        assert c.post("/classify", content=SEED_BODY, headers={"X-API-Key": "beta-key",
                                                               "content-type": "application/json"}).status_code == 200
        assert c.get("/metrics", headers={"X-API-Key": "beta-key"}).status_code == 200
        # the schema needs a key too; the browser docs pages are off
        assert c.get("/openapi.json").status_code == 401
        schema = c.get("/openapi.json", headers={"X-API-Key": "alpha-key"})
        assert schema.status_code == 200 and "/classify" in schema.json()["paths"]
        assert c.get("/docs").status_code == 404


def test_open_api_logs_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="creditai"):
        with TestClient(create_app(_settings(tmp_path, preload=False))) as c:
            assert c.post("/classify", json={"text": "x"}).status_code == 200
    assert any("CREDITAI_API_KEYS" in r.getMessage() for r in caplog.records)


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDITAI_API_KEYS", " k1 ,k2,, ")
    monkeypatch.setenv("CREDITAI_MAX_TEXT_CHARS", "123")
    monkeypatch.setenv("CREDITAI_DATABASE_URL", "sqlite:////tmp/x.sqlite")
    s = ServiceSettings.from_env()
    assert s.api_keys == ("k1", "k2") and s.max_text_chars == 123 and s.database_url == "sqlite:////tmp/x.sqlite"
    monkeypatch.setenv("CREDITAI_MAX_BATCH", "lots")
    from creditai.errors import ConfigError

    with pytest.raises(ConfigError, match="CREDITAI_MAX_BATCH"):
        ServiceSettings.from_env()
    monkeypatch.delenv("CREDITAI_MAX_BATCH")
    assert ServiceSettings.from_env().classifier_backend == "auto"
    monkeypatch.setenv("CREDITAI_CLASSIFIER_BACKEND", "onnx")
    assert ServiceSettings.from_env().classifier_backend == "onnx"
    monkeypatch.setenv("CREDITAI_CLASSIFIER_BACKEND", "tensorflow")
    with pytest.raises(ConfigError, match="CREDITAI_CLASSIFIER_BACKEND"):
        ServiceSettings.from_env()


# ------------------------------------------------------------------ the real server
@pytest.mark.slow
def test_real_uvicorn_server(tmp_path: Path) -> None:
    """`creditai serve` in a subprocess on a free loopback port: /health and the seed /classify."""
    proc, base = start_server(tmp_path)
    try:
        health = httpx.get(f"{base}/health", timeout=5)
        assert health.status_code == 200 and health.json()["models"]["classifier"]["source"] == "rules"
        # what curl -d sends (form-encoded) is refused; with the JSON content type it is answered
        r = httpx.post(f"{base}/classify", content=SEED_BODY,
                       headers={"content-type": "application/x-www-form-urlencoded"}, timeout=30)
        assert r.status_code == 415, r.text
        r = httpx.post(f"{base}/classify", content=SEED_BODY, headers={"content-type": "application/json"}, timeout=30)
        assert r.status_code == 200, r.text
        assert r.json()["label"] in LABELS and r.json()["source"] == "rules"
        rid = r.headers["x-request-id"]
    finally:
        err = stop_server(proc)
    logs = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(l.get("request_id") == rid and l.get("endpoint") == "/classify" and l.get("status") == 200 for l in logs), err[-2000:]
    assert "charge-off is incorrect" not in err


@pytest.mark.slow
def test_metrics_sum_over_worker_processes(tmp_path: Path) -> None:
    """`creditai serve --workers 2`: /metrics counts the requests of both workers, whichever answers."""
    (tmp_path / "metrics").mkdir()
    proc, base = start_server(tmp_path, "--workers", "2", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    try:
        n = 24
        for _ in range(n):  # a new connection each time: the kernel spreads them over the workers
            assert httpx.post(f"{base}/classify", json={"text": "This charge-off is incorrect"}, timeout=30).status_code == 200
        pids = {f.name.split("_")[-1] for f in (tmp_path / "metrics").glob("counter_*.db")}
        for _ in range(6):
            text = httpx.get(f"{base}/metrics", timeout=30).text
            counts = re.findall(r'creditai_http_requests_total\{[^}]*endpoint="/classify"[^}]*\} ([0-9.]+)', text)
            assert sum(float(c) for c in counts) == n, text[-1500:]
        assert len(pids) == 2, pids  # both workers served and wrote their share
    finally:
        stop_server(proc)


def test_store_down_still_answers(tmp_path: Path) -> None:
    """An unreachable audit database: start-up survives, /health says so, answers still go out."""
    port = free_port()  # nothing listens there: connection refused at once
    app = create_app(_settings(tmp_path, preload=False, database_url=f"postgresql+psycopg://u:pw@127.0.0.1:{port}/db"))
    with TestClient(app) as c:
        h = c.get("/health").json()
        assert h["store"]["ok"] is False and "pw" not in json.dumps(h["store"])
        r = c.post("/classify", json={"text": "This charge-off is incorrect"})
        assert r.status_code == 200
        app.state.runtime.flush_audit()
        assert re.search(r"creditai_audit_errors_total [1-9]", c.get("/metrics").text)
        assert c.post("/feedback", json={"request_id": r.json()["request_id"], "rating": 5}).status_code == 503


def test_pipeline_limits_are_4xx(client: TestClient) -> None:
    """The answer pipeline's own limits are enforced up front (and named), never a 500."""
    from creditai.assistant.pipeline import MAX_QUESTION_CHARS, MAX_TEXT_CHARS

    r = client.post("/analyze", json={"text": "x" * (MAX_TEXT_CHARS + 1)})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "text"
    r = client.post("/analyze", json={"text": "ok", "question": "q" * (MAX_QUESTION_CHARS + 1)})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "question"
    r = client.post("/chat", json={"message": "m" * (4 * MAX_QUESTION_CHARS + 1)})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "message"


def test_json_log_lines() -> None:
    from creditai.service.logs import JsonFormatter

    rec = logging.LogRecord("creditai.service", logging.INFO, __file__, 1, "user said SSN %s", (SECRET_SSN,), None)
    rec.request_id = "0123456789abcdef0123456789abcdef"
    rec.note = "call 555-123-4567"
    line = JsonFormatter().format(rec)
    assert "\n" not in line
    out = json.loads(line)
    assert out["request_id"] == "0123456789abcdef0123456789abcdef"  # ids are not mangled
    assert SECRET_SSN not in line and "555-123-4567" not in line
    assert out["level"] == "info" and out["logger"] == "creditai.service"


# ------------------------------------------------------------------ hardening
def test_a_folder_that_is_not_an_eligibility_model_is_refused_at_load(tmp_path: Path) -> None:
    """A plain encoder (no classifier head for the policy's labels) used to load, answer with
    LABEL_0/LABEL_1 and, at threshold 0, return 500. Now /health says why and the rules answer."""
    from creditai.basemodels import bundled_models

    encoder = next(iter(bundled_models().values()))
    app = create_app(_settings(tmp_path, classifier_dir=encoder, confidence_threshold=0.0))
    with TestClient(app) as c:
        clf = c.get("/health").json()["models"]["classifier"]
        assert clf["loaded"] is False and "not a creditai classifier" in clf["missing"], clf
        for path, body in (("/classify", {"text": "The Midland collection is not mine"}),
                           ("/classify/batch", {"texts": ["The Midland collection is not mine"]}),
                           ("/analyze", {"text": "The Midland collection of $300 is not mine"})):
            r = c.post(path, json=body)
            assert r.status_code == 200, (path, r.text)


def test_audit_database_is_private_and_records_are_redacted_before_queueing(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))
    with TestClient(app) as c:
        _classify(c, f"My SSN is {SECRET_SSN} and this account is not mine")
        rt = c.app.state.runtime
        assert rt._queue.maxsize > 0  # bounded
        rt.flush_audit()
    db = tmp_path / "var" / "audit.sqlite"
    assert db.stat().st_mode & 0o777 == 0o600
    assert (db.parent.stat().st_mode & 0o077) == 0
    assert SECRET_SSN not in db.read_bytes().decode("latin-1")


def test_queued_audit_rows_hold_no_raw_text(tmp_path: Path) -> None:
    from creditai.service.runtime import Runtime

    rt = Runtime(_settings(tmp_path))
    rt._writer = type("Parked", (), {"is_alive": lambda self: True})()  # no writer: the row stays queued
    rt.submit_audit({"request_id": "r1", "endpoint": "classify", "input": f"ssn {SECRET_SSN}", "output": None})
    row, _ = rt._queue.get_nowait()
    assert SECRET_SSN not in json.dumps(row, default=str) and "[SSN]" in row["input_redacted"]


def test_integers_written_as_floats_follow_the_schema(client: TestClient) -> None:
    """OpenAPI says `integer`, and JSON Schema's integer includes 5.0; 5.5, "5" and true are not."""
    assert client.post("/retrieve", json={"query": "fcra dispute", "k": 3.0}).status_code == 200
    for bad in (3.5, "3", True, None):
        r = client.post("/retrieve", json={"query": "fcra dispute", "k": bad})
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "k", (bad, r.text)


def test_client_request_id_is_logged_only_as_uuid_or_hash(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="creditai.service")
    uid = "0b9b5d2e-4b55-4b7e-9f0c-2f7a1d7f1c11"
    client.get("/health", headers={"x-request-id": SECRET_SSN})
    client.get("/health", headers={"x-request-id": uid})
    logged = [getattr(r, "client_request_id", None) for r in caplog.records]
    assert SECRET_SSN not in " ".join(map(str, logged))
    assert uid in logged and any(str(x).startswith("hmac:") for x in logged)


def test_shipped_knowledge_base_is_found_from_another_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = create_app(_settings(tmp_path))
    with TestClient(app) as c:
        h = c.get("/health").json()
        assert h["knowledge_base"]["size"] > 0, h["knowledge_base"]
        hits = c.post("/retrieve", json={"query": "how long does a bureau have to investigate a dispute"}).json()["hits"]
        assert hits


def test_empty_knowledge_base_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "knowledge_base"
    empty.mkdir()
    monkeypatch.chdir(tmp_path)
    app = create_app(_settings(tmp_path))
    with TestClient(app) as c:
        kb = c.get("/health").json()["models"]["knowledge_base"]
        assert kb["loaded"] is False and "no passages" in kb["missing"], kb
