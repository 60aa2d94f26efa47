"""The HTTP service: FastAPI app factory, settings, auth, audit store, PII redaction, logs.

    from creditai.service import create_app, ServiceSettings
    app = create_app(ServiceSettings(database_url="sqlite:///tmp/audit.sqlite"))
"""

from __future__ import annotations

from typing import Any

from creditai.service.settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]


def create_app(settings: ServiceSettings | None = None) -> Any:
    """Build the FastAPI app (imported lazily: `import creditai.service` stays light)."""
    from creditai.service.app import create_app as _create

    return _create(settings)
