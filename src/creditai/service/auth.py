"""API-key authentication.

With CREDITAI_API_KEYS set (comma-separated), every endpoint except /health needs one
of the keys, as `Authorization: Bearer <key>` or `X-API-Key: <key>`. Keys are
compared with `hmac.compare_digest` against *every* configured key (no early exit),
so the time taken says nothing about which key or how much of it matched. Without
keys the API is open and a warning is logged at start-up.
"""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

# auto_error=False: we decide (the API may be open); both schemes appear in OpenAPI.
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key from CREDITAI_API_KEYS.")
bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>` with a key from CREDITAI_API_KEYS.")


def key_matches(candidate: str, keys: tuple[str, ...] | list[str]) -> bool:
    """True when `candidate` equals one of `keys`; constant time in the key compared."""
    given = candidate.encode("utf-8", "surrogatepass")
    found = False
    for key in keys:
        # no short-circuit: every key is compared whatever the earlier results were
        found |= hmac.compare_digest(given, key.encode("utf-8", "surrogatepass"))
    return found


async def require_api_key(
    request: Request,
    x_api_key: str | None = Security(api_key_header),
    credentials: HTTPAuthorizationCredentials | None = Security(bearer),
) -> None:
    """FastAPI dependency: 401 unless a configured key is presented (no-op when open)."""
    keys: tuple[str, ...] = request.app.state.settings.api_keys
    if not keys:
        return
    candidates = [c for c in (x_api_key, credentials.credentials if credentials else None) if c]
    ok = False
    for candidate in candidates:
        ok |= key_matches(candidate, keys)
    if not ok:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="missing or invalid API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
