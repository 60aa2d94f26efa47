"""Audit store: every classify / batch / analyze / chat request and the feedback on it.

SQLAlchemy 2.x ORM over an embedded SQLite file by default (its folder is created);
point CREDITAI_DATABASE_URL at PostgreSQL (`postgresql+psycopg://user:pw@host/db`) to
share one store between machines. Inputs and outputs are PII-redacted (redact.py)
before they reach the database: callers pass raw values, the store redacts.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker

from creditai.errors import CreditAIError
from creditai.service.redact import redact, redact_obj


class AuditError(CreditAIError):
    """The audit store cannot be opened or written."""


class UnknownRequestError(CreditAIError):
    """Feedback names a request id the store has never seen."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class RequestRecord(Base):
    __tablename__ = "audit_requests"

    request_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    endpoint: Mapped[str] = mapped_column(String(64), index=True)
    input_redacted: Mapped[str] = mapped_column(Text, default="")
    label: Mapped[str | None] = mapped_column(String(64), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str | None] = mapped_column(String(32), nullable=True)
    citations: Mapped[Any] = mapped_column(JSON, default=list)
    output_redacted: Mapped[str] = mapped_column(Text, default="")
    latency_ms: Mapped[float | None] = mapped_column(Float, nullable=True)

    feedback: Mapped[list["FeedbackRecord"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="FeedbackRecord.id"
    )


class FeedbackRecord(Base):
    __tablename__ = "audit_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("audit_requests.request_id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    request: Mapped[RequestRecord] = relationship(back_populates="feedback")


@dataclass(frozen=True)
class AuditEntry:
    """One stored request, as read back."""

    request_id: str
    created_at: datetime
    endpoint: str
    input_redacted: str
    label: str | None
    confidence: float | None
    source: str | None
    citations: list[Any]
    output_redacted: str
    latency_ms: float | None
    feedback: list[dict[str, Any]]


def safe_url(url: str) -> str:
    """The URL with any password masked, for /health and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL: show nothing of it
        return "<invalid url>"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers never block the writer; NORMAL: no fsync per commit (durable at checkpoint).
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _private_file(path: Path) -> None:
    """Create the SQLite file (and its folder) readable by its owner only: audit rows are
    redacted, but still about people's credit. SQLite gives its -wal and -shm files the
    database file's mode."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(path, 0o600)
    except OSError as exc:
        raise AuditError(f"cannot create the audit store file {path}: {exc.strerror or exc}") from None


class AuditStore:
    """Write and read audit records. Thread-safe (one session per call)."""

    def __init__(self, url: str):
        self.url = url
        try:
            parsed = make_url(url)
        except Exception as exc:
            raise AuditError(f"CREDITAI_DATABASE_URL is not a database URL: {exc}") from None
        self.backend = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if self.backend == "sqlite":
            db = parsed.database
            if db and db != ":memory:" and not db.startswith("file:"):
                _private_file(Path(db).expanduser())
            kwargs["connect_args"] = {"check_same_thread": False}
        try:
            self.engine: Engine = create_engine(parsed, **kwargs)
            if self.backend == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            Base.metadata.create_all(self.engine)
        except (SQLAlchemyError, ImportError, OSError) as exc:
            raise AuditError(f"cannot open the audit store {safe_url(url)}: {exc}") from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._lock = threading.Lock() if self.backend == "sqlite" else None

    # -- writing ---------------------------------------------------------------------
    def record_request(
        self,
        request_id: str,
        endpoint: str,
        input: Any,
        *,
        label: str | None = None,
        confidence: float | None = None,
        source: str | None = None,
        citations: list[Any] | None = None,
        output: Any = None,
        latency_ms: float | None = None,
    ) -> None:
        """Store one request; `input` and `output` (str or JSON-like) are redacted here."""
        record = self._row(
            request_id, endpoint, input, label=label, confidence=confidence, source=source,
            citations=citations, output=output, latency_ms=latency_ms,
        )
        self._write(lambda s: s.add(record))

    @classmethod
    def _row(cls, *args: Any, **kwargs: Any) -> RequestRecord:
        return RequestRecord(**cls.row_values(*args, **kwargs))

    @staticmethod
    def row_values(
        request_id: str,
        endpoint: str,
        input: Any,
        *,
        label: str | None = None,
        confidence: float | None = None,
        source: str | None = None,
        citations: list[Any] | None = None,
        output: Any = None,
        latency_ms: float | None = None,
    ) -> dict[str, Any]:
        """The column values of one request, input, output and citations redacted."""
        return dict(
            request_id=request_id,
            created_at=_now(),
            endpoint=endpoint,
            input_redacted=_as_text(redact_obj(input)),
            label=label,
            confidence=None if confidence is None else float(confidence),
            source=source,
            citations=redact_obj(list(citations or [])),
            output_redacted=_as_text(redact_obj(output)),
            latency_ms=None if latency_ms is None else round(float(latency_ms), 3),
        )

    def record_requests(self, records: list[dict[str, Any]]) -> list[tuple[str, Exception]]:
        """Store many requests (keyword dicts of `record_request`) in one transaction.

        If the batch fails, each record is retried alone so one bad record (a duplicate
        id) cannot lose the others; returns the (request_id, error) pairs that failed."""
        return self.write_rows([self.row_values(**r) for r in records])

    def write_rows(self, rows: list[dict[str, Any]]) -> list[tuple[str, Exception]]:
        """Insert rows made by `row_values` (already redacted) in one transaction; on failure
        each row is retried alone. Returns the (request_id, error) pairs that failed."""
        try:
            # one executemany INSERT (no ORM unit-of-work bookkeeping per row)
            self._write(lambda s: s.execute(insert(RequestRecord), rows))
            return []
        except AuditError:
            failed = []
            for row in rows:
                try:
                    self._write(lambda s, row=row: s.add(RequestRecord(**row)))
                except AuditError as exc:
                    failed.append((str(row.get("request_id")), exc))
            return failed

    def record_feedback(self, request_id: str, rating: int, comment: str | None = None) -> int:
        """Attach feedback to a stored request; UnknownRequestError when there is none."""
        holder: dict[str, int] = {}

        def work(session: Any) -> None:
            if session.get(RequestRecord, request_id) is None:
                raise UnknownRequestError(f"unknown request_id {request_id!r}")
            fb = FeedbackRecord(
                request_id=request_id,
                rating=int(rating),
                comment=None if comment is None else redact(comment),
                created_at=_now(),
            )
            session.add(fb)
            session.flush()
            holder["id"] = fb.id

        self._write(work)
        return holder["id"]

    def _write(self, work: Any) -> None:
        lock = self._lock
        if lock is not None:
            lock.acquire()
        try:
            with self._sessions.begin() as session:
                work(session)
        except UnknownRequestError:
            raise
        except SQLAlchemyError as exc:
            raise AuditError(f"audit write failed: {type(exc).__name__}") from exc
        finally:
            if lock is not None:
                lock.release()

    # -- reading ---------------------------------------------------------------------
    def get(self, request_id: str) -> AuditEntry | None:
        with self._sessions() as session:
            rec = session.get(RequestRecord, request_id)
            if rec is None:
                return None
            return AuditEntry(
                request_id=rec.request_id,
                created_at=rec.created_at,
                endpoint=rec.endpoint,
                input_redacted=rec.input_redacted,
                label=rec.label,
                confidence=rec.confidence,
                source=rec.source,
                citations=list(rec.citations or []),
                output_redacted=rec.output_redacted,
                latency_ms=rec.latency_ms,
                feedback=[
                    {"rating": f.rating, "comment": f.comment, "created_at": f.created_at} for f in rec.feedback
                ],
            )

    def exists(self, request_id: str) -> bool:
        with self._sessions() as session:
            return session.get(RequestRecord, request_id) is not None

    def count(self) -> int:
        with self._sessions() as session:
            return int(session.scalar(select(func.count()).select_from(RequestRecord)) or 0)

    def status(self) -> dict[str, Any]:
        """Backend, masked URL and whether the database answers (for /health)."""
        out: dict[str, Any] = {"backend": self.backend, "url": safe_url(self.url)}
        try:  # a ping, not a count: /health must stay cheap on a large audit table
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            out["ok"] = True
        except SQLAlchemyError as exc:
            out["ok"] = False
            out["error"] = type(exc).__name__
        return out

    def close(self) -> None:
        self.engine.dispose()


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
