"""Structured JSON logs: one JSON object per line on stderr.

Named logs.py (not logging.py) so it never shadows the standard library module.
Log records carry metadata only (request id, endpoint, status, latency, label): the
service never passes request text to a logger, and `extra` string values are run
through the PII redactor as a second line of defence.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from creditai.service.redact import redact

LOGGER_NAME = "creditai.service"
# metadata the service itself generates (ids, route templates): logged as is, not redacted
SAFE_KEYS = frozenset({"request_id", "client_request_id", "endpoint", "method", "component", "status", "latency_ms"})
_STD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line: ts, level, logger, msg and every `extra` field."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in _STD_ATTRS and not key.startswith("_"):
                out[key] = redact(value) if isinstance(value, str) and key not in SAFE_KEYS else value
        if record.exc_info and record.exc_info[0] is not None:
            out["error"] = record.exc_info[0].__name__
            out["traceback"] = redact(self.formatException(record.exc_info))
        return json.dumps(out, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    """Send the creditai loggers (and uvicorn's) to stderr as JSON lines. Idempotent."""
    handler = next(
        (h for h in logging.getLogger("creditai").handlers if getattr(h, "_creditai_json", False)), None
    )
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._creditai_json = True  # type: ignore[attr-defined]
        logging.getLogger("creditai").addHandler(handler)
    logging.getLogger("creditai").setLevel(level)


def uvicorn_log_config(level: str = "INFO") -> dict[str, Any]:
    """uvicorn's log config with our JSON formatter; its access log is off (the
    service's middleware writes one structured line per request instead)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "creditai.service.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def get_logger() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)
