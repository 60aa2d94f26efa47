"""Service settings: one typed object, read from the environment at app creation.

A plain pydantic model (no extra dependency): `ServiceSettings.from_env()` reads the
CREDITAI_* variables below; tests build one directly with the values they need.

| field                 | env var                         | default                               |
| --------------------- | ------------------------------- | ------------------------------------- |
| host                  | CREDITAI_HOST                   | 127.0.0.1                             |
| port                  | CREDITAI_PORT                   | 8000                                  |
| workers               | CREDITAI_WORKERS                | 1                                     |
| max_text_chars        | CREDITAI_MAX_TEXT_CHARS         | 20000                                 |
| max_batch             | CREDITAI_MAX_BATCH              | 64                                    |
| max_k                 | CREDITAI_MAX_K                  | 50                                    |
| max_concurrency       | CREDITAI_MAX_CONCURRENCY        | the CPU count, at least 2             |
| api_keys              | CREDITAI_API_KEYS (comma-sep.)  | none: the API is open (warning logged)|
| database_url          | CREDITAI_DATABASE_URL           | sqlite:///var/creditai_audit.sqlite   |
| confidence_threshold  | CREDITAI_CONFIDENCE_THRESHOLD   | 0.7                                   |
| classifier_backend    | CREDITAI_CLASSIFIER_BACKEND     | auto (trainer's choice), torch, onnx  |
| classifier_dir        | CLASSIFIER_OUTPUT               | paths.classifier_dir()                |
| embeddings_dir        | EMBEDDINGS_OUTPUT               | paths.embeddings_dir()                |
| index_dir             | CREDITAI_INDEX_DIR              | paths.index_dir()                     |
| preload               | CREDITAI_PRELOAD                | true (load models at start-up)        |
| log_level             | CREDITAI_LOG_LEVEL              | INFO                                  |

Not a field (read where torch is configured): CREDITAI_NUM_THREADS, torch intra-op threads;
`creditai serve` defaults it to 1 (one core per request, concurrency across requests).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from creditai import paths
from creditai.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///var/creditai_audit.sqlite"

# field name -> environment variable
ENV_VARS: dict[str, str] = {
    "host": "CREDITAI_HOST",
    "port": "CREDITAI_PORT",
    "workers": "CREDITAI_WORKERS",
    "max_text_chars": "CREDITAI_MAX_TEXT_CHARS",
    "max_batch": "CREDITAI_MAX_BATCH",
    "max_k": "CREDITAI_MAX_K",
    "max_concurrency": "CREDITAI_MAX_CONCURRENCY",
    "api_keys": "CREDITAI_API_KEYS",
    "database_url": "CREDITAI_DATABASE_URL",
    "confidence_threshold": "CREDITAI_CONFIDENCE_THRESHOLD",
    "classifier_backend": "CREDITAI_CLASSIFIER_BACKEND",
    "preload": "CREDITAI_PRELOAD",
    "log_level": "CREDITAI_LOG_LEVEL",
}


class ServiceSettings(BaseModel):
    """Everything the HTTP service can be configured with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field("127.0.0.1", description="Interface to bind; loopback unless you mean to expose it.")
    port: int = Field(8000, ge=0, le=65535, description="TCP port.")
    workers: int = Field(1, ge=1, le=64, description="uvicorn worker processes.")
    max_text_chars: int = Field(20_000, ge=1, description="Longest accepted text (characters).")
    max_batch: int = Field(64, ge=1, description="Most texts per /classify/batch or /embed request.")
    max_k: int = Field(50, ge=1, description="Most passages one /retrieve request may ask for.")
    max_concurrency: int = Field(default_factory=lambda: max(2, os.cpu_count() or 1), ge=1, le=256,
                                 description="Model calls (classify, embed, retrieve, analyze, chat) run at once; "
                                             "more wait their turn, so /health always answers.")
    api_keys: tuple[str, ...] = Field((), description="Accepted API keys; empty means the API is open.")
    database_url: str = Field(DEFAULT_DATABASE_URL, description="SQLAlchemy URL of the audit store.")
    confidence_threshold: float = Field(0.7, ge=0.0, le=1.0, description="Below it the classifier defers to rules.")
    classifier_backend: Literal["auto", "torch", "onnx"] = Field(
        "auto", description="Classifier runtime: auto (the trainer's verified choice), torch, or onnx "
                            "(ONNX Runtime; needs creditai[onnx]).")
    classifier_dir: Path = Field(default_factory=paths.classifier_dir, description="Trained classifier.")
    embeddings_dir: Path = Field(default_factory=paths.embeddings_dir, description="Trained embeddings.")
    index_dir: Path = Field(default_factory=paths.index_dir, description="Knowledge-base index.")
    preload: bool = Field(True, description="Load models at start-up (else on first use).")
    log_level: str = Field("INFO", description="Log level of the creditai loggers.")

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, (list, tuple)):
            return tuple(k.strip() for k in value if isinstance(k, str) and k.strip())
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return value

    @property
    def auth_enabled(self) -> bool:
        return bool(self.api_keys)

    @property
    def max_body_bytes(self) -> int:
        """Request bodies above this are refused (413) before they are parsed."""
        # JSON may escape one character as up to 12 bytes (a surrogate pair "\\ud83d\\ude00").
        return max(1 << 20, 12 * self.max_text_chars * max(self.max_batch, 2) + 65_536)

    @classmethod
    def from_env(cls, **overrides: Any) -> "ServiceSettings":
        """Settings from CREDITAI_* variables (and the model-dir variables of paths.py)."""
        values: dict[str, Any] = {}
        for name, var in ENV_VARS.items():
            raw = os.environ.get(var)
            if raw is not None and raw.strip() != "":
                values[name] = raw.strip()
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{ENV_VARS.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"invalid service settings: {problems}") from None
