"""The audit store: requests and feedback written, read back, PII redacted.

Runs on SQLite always and on PostgreSQL when CREDITAI_TEST_POSTGRES_URL is set
(`eval "$(.ci/postgres.sh)"` starts a throw-away server on loopback).
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

import pytest

from creditai.service.audit import AuditError, AuditStore, UnknownRequestError, safe_url

PG_URL = os.environ.get("CREDITAI_TEST_POSTGRES_URL")


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not PG_URL, reason="CREDITAI_TEST_POSTGRES_URL not set (run: eval \"$(.ci/postgres.sh)\")"
            ),
        ),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path):
    url = f"sqlite:///{tmp_path}/nested/dir/audit.sqlite" if request.param == "sqlite" else PG_URL
    s = AuditStore(url)
    yield s
    s.close()


def _rid() -> str:
    return uuid.uuid4().hex


def test_request_written_and_read_back_redacted(store: AuditStore) -> None:
    rid = _rid()
    raw = "Account #12345678 is not mine, my SSN is 123-45-6789, call 555-123-4567"
    store.record_request(
        rid, "classify", raw, label="eligible", confidence=0.91, source="rules",
        citations=[{"source": "fcra-611.md", "title": "FCRA 611"}],
        output={"label": "eligible", "note": "email me at jane@example.com"}, latency_ms=12.3456,
    )
    entry = store.get(rid)
    assert entry is not None
    assert entry.endpoint == "classify" and entry.label == "eligible" and entry.source == "rules"
    assert entry.confidence == pytest.approx(0.91)
    assert entry.latency_ms == pytest.approx(12.346)
    for secret in ("12345678", "123-45-6789", "555-123-4567", "jane@example.com"):
        assert secret not in entry.input_redacted
        assert secret not in entry.output_redacted
    assert "[SSN]" in entry.input_redacted and "[EMAIL]" in entry.output_redacted
    assert entry.citations == [{"source": "fcra-611.md", "title": "FCRA 611"}]
    assert entry.created_at is not None
    assert store.exists(rid) and not store.exists(_rid())
    status = store.status()
    assert status["ok"] and store.count() >= 1


def test_json_input_is_redacted_too(store: AuditStore) -> None:
    rid = _rid()
    store.record_request(rid, "classify_batch", ["SSN 123-45-6789", "DOB: 01/02/1980"], output=[{"label": "x"}])
    entry = store.get(rid)
    assert entry is not None
    assert "123-45-6789" not in entry.input_redacted and "01/02/1980" not in entry.input_redacted
    assert entry.label is None and entry.confidence is None


def test_feedback_attaches(store: AuditStore) -> None:
    rid = _rid()
    store.record_request(rid, "analyze", "The balance is wrong")
    first = store.record_feedback(rid, 5, "great, reach me at 555-987-6543")
    second = store.record_feedback(rid, 2)
    assert second != first
    entry = store.get(rid)
    assert entry is not None
    assert [f["rating"] for f in entry.feedback] == [5, 2]
    assert "555-987-6543" not in entry.feedback[0]["comment"] and "[PHONE]" in entry.feedback[0]["comment"]
    assert entry.feedback[1]["comment"] is None


def test_feedback_for_unknown_request(store: AuditStore) -> None:
    with pytest.raises(UnknownRequestError):
        store.record_feedback(_rid(), 3)


def test_duplicate_request_id_is_an_audit_error(store: AuditStore) -> None:
    rid = _rid()
    store.record_request(rid, "classify", "x")
    with pytest.raises(AuditError):
        store.record_request(rid, "classify", "y")


def test_sqlite_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "var" / "deep" / "audit.sqlite"
    store = AuditStore(f"sqlite:///{path}")
    store.record_request("abc", "chat", "my email is a@b.io", output="hello")
    store.close()
    assert path.is_file()
    with sqlite3.connect(path) as con:  # what is on disk, read without our code
        row = con.execute("SELECT endpoint, input_redacted FROM audit_requests WHERE request_id='abc'").fetchone()
    assert row == ("chat", "my email is [EMAIL]")


def test_bad_url_and_masked_password() -> None:
    with pytest.raises(AuditError):
        AuditStore("not a url")
    assert safe_url("postgresql+psycopg://u:secret@127.0.0.1:5432/db") == "postgresql+psycopg://u:***@127.0.0.1:5432/db"
