"""Who is calling: the bearer credential, checked by each authenticator in turn.

A request without ``Authorization: Bearer ...`` or with one that no authenticator accepts
is refused with 401 and ``WWW-Authenticate``; an address that failed too often recently
is refused with 429 before its credential is even looked at.
"""

from __future__ import annotations

from fastapi import Request

from api.principal import AuthenticationFailed, Principal
from api.problems import ApiProblem

CHALLENGE = 'Bearer realm="llr"'


def authenticate(request: Request) -> Principal:
    """The request's principal, or a 401/429 problem (once per request)."""
    known: Principal | None = getattr(request.state, "principal", None)
    if known is not None:
        return known
    service = request.app.state.service  # api.service.Service
    limiter = request.app.state.failure_limiter
    address = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(address)
    if wait:
        raise ApiProblem(
            429, "too-many-failed-authentications",
            f"too many failed authentications from this address: try again in {wait} s",
            {"Retry-After": str(wait)},
        )  # fmt: skip
    credential = bearer(request.headers.get("authorization"))
    if credential is None:
        raise ApiProblem(
            401, "unauthenticated",
            "this needs a credential: send 'Authorization: Bearer <token>' (an API token "
            "from 'llr token issue', or your identity provider's access token)",
            {"WWW-Authenticate": CHALLENGE},
        )  # fmt: skip
    try:
        for authenticator in service.authenticators:
            principal: Principal | None = authenticator(credential)
            if principal is not None:
                request.state.principal = principal
                return principal
        raise AuthenticationFailed("the bearer credential is not one this service knows")
    except AuthenticationFailed as failure:
        limiter.failed(address)
        raise ApiProblem(
            401, "invalid-credential", str(failure),
            {"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'},
        ) from None  # fmt: skip


def bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, credential = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return None
    return credential.strip()
