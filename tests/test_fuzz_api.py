"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis).

Every operation gets generated valid and invalid requests; none may produce a 5xx, and
successful responses must match the documented schema. Bounded: a few dozen examples per
operation, small limits on the app (the rule fallback classifies), so it runs in well under
a minute on 2 CPU cores.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from creditai.service import ServiceSettings, create_app

_TMP = Path(__import__("tempfile").mkdtemp(prefix="creditai-fuzz-"))
app = create_app(
    ServiceSettings(
        database_url=f"sqlite:///{_TMP}/audit.sqlite",
        classifier_dir=_TMP / "no-classifier",
        embeddings_dir=_TMP / "no-embeddings",
        index_dir=_TMP / "no-index",
        max_text_chars=300,
        max_batch=3,
        max_k=10,
        preload=False,  # components load on first use (schemathesis may not run the lifespan)
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    app.state.runtime.close()
    import shutil

    shutil.rmtree(_TMP, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@pytest.mark.slow
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    assert response.status_code < 500, response.text
