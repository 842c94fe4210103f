"""Refusals as problem documents (RFC 9457), one stable ``type`` per error class.

The ``detail`` is the message the command line prints after ``error:``, so a caller reads
the same rule whichever way it came in. The ``type`` is a path of this API
(``/api/v1/problems/insufficient-balance``) that answers with what the problem means, so
a client can branch on it and a person can look it up. Nothing of a stack trace reaches a
response: an unexpected error is logged with the request id and answered as
``internal-error`` with that id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from eventsourcing.persistence import PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ledger.domain import errors as domain
from ledger.domain.errors import LedgerError
from ledger.domain.late import LateFactConflictError
from ledger.domain.registry import NotRegisteredError, RegistryConflictError
from ledger.domain.reviews import ReviewNotOpenError
from ledger.registry.inputs import FieldError
from ledger.saving import StaleAccountError
from ledger.security.roles import AccessDeniedError, ReasonRequiredError

PROBLEM_JSON = "application/problem+json"
PROBLEMS_PATH = "/api/v1/problems/"
log = logging.getLogger("llr.api")


class ApiProblem(Exception):
    """A refusal of the HTTP edge itself (no credential, too large, too many tries)."""

    def __init__(
        self, status: int, slug: str, detail: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status, self.slug, self.detail = status, slug, detail
        self.headers = dict(headers or {})


# The HTTP status of each refusal. A class not named here takes its nearest named base
# class's status; any other LedgerError is 422 (the request is understood but a rule
# refuses it). 409: the request conflicts with what the account already holds.
STATUS: Mapping[type[Exception], int] = MappingProxyType({
    LedgerError: 422,
    domain.InvalidInputError: 422,
    domain.InvalidIdentifierError: 422,
    AccessDeniedError: 403,
    ReasonRequiredError: 400,
    domain.AccountNotFoundError: 404,
    domain.EntryNotFoundError: 404,
    domain.ReservationNotFoundError: 404,
    NotRegisteredError: 404,
    domain.AccountAlreadyOpenError: 409,
    domain.InsufficientBalanceError: 409,
    domain.CapExceededError: 409,
    domain.ReferenceConflictError: 409,
    domain.AlreadyReversedError: 409,
    domain.ReversalPendingError: 409,
    domain.RequestNotPendingError: 409,
    domain.ReservationClosedError: 409,
    domain.StatusUnchangedError: 409,
    domain.OutOfOrderError: 409,
    domain.DoubleFundingError: 409,
    LateFactConflictError: 409,
    RegistryConflictError: 409,
    ReviewNotOpenError: 409,
    domain.FourEyesError: 403,
    StaleAccountError: 412,
})  # fmt: skip


# Where a class's own name says too little outside its module.
SLUGS: Mapping[type[Exception], str] = MappingProxyType({FieldError: "invalid-registry-field"})


def slug_of(error_class: type[Exception]) -> str:
    """``InsufficientBalanceError`` -> ``insufficient-balance``."""
    if error_class in SLUGS:
        return SLUGS[error_class]
    name = error_class.__name__.removesuffix("Error")
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def status_of(error: Exception) -> int:
    return status_of_class(type(error))


def problem(
    status: int,
    slug: str,
    detail: str,
    request: Request | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEMS_PATH + slug,
        "title": title_of(slug),
        "status": status,
        "detail": detail,
    }
    request_id = getattr(request.state, "request_id", None) if request is not None else None
    if request_id:
        # The occurrence, named by its request id (the log line's), not by its path: a
        # path may hold an INSZ, and problems get pasted into tickets.
        body["instance"] = f"urn:llr:request:{request_id}"
        body["request_id"] = request_id
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def title_of(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


def install(app: FastAPI) -> None:
    """Answer every refusal and failure as a problem document."""

    @app.exception_handler(LedgerError)
    async def ledger_refusal(request: Request, error: LedgerError) -> JSONResponse:
        return problem(status_of(error), slug_of(type(error)), str(error), request)

    @app.exception_handler(ApiProblem)
    async def edge_refusal(request: Request, error: ApiProblem) -> JSONResponse:
        return problem(error.status, error.slug, error.detail, request, error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        if any(item.get("type") == "json_invalid" for item in error.errors()):
            return problem(400, "malformed-request", "the request body is not valid JSON", request)
        return problem(422, "invalid-input", validation_message(error), request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        slug = {400: "malformed-request", 404: "not-found", 405: "method-not-allowed"}.get(
            error.status_code, "http-error"
        )
        detail = str(error.detail)
        if error.status_code == 400 and "parsing the body" in detail:
            detail = "the request body could not be read as JSON (malformed or nested too deep)"
        return problem(error.status_code, slug, detail, request, error.headers)

    @app.exception_handler(PersistenceError)
    async def store_failure(request: Request, error: PersistenceError) -> JSONResponse:
        # The route's template, not the path: a path holds the citizen's INSZ.
        route = getattr(request.scope.get("route"), "path", "unmatched")
        log.error("store error on %s (request %s): %s", route,
                  getattr(request.state, "request_id", None), type(error).__name__)  # fmt: skip
        return problem(503, "store-unavailable", "the store cannot be used now", request)

    @app.exception_handler(Exception)
    async def failure(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error", extra={"request_id": request.state.request_id})
        return problem(
            500, "internal-error", "the service failed; the request id names it in the log",
            request,
        )  # fmt: skip


def validation_message(error: RequestValidationError) -> str:
    """Name each field and the rule it breaks, as the command line names an option."""
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "request"
        message = str(item.get("msg", "is not valid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


# The refusals of the HTTP edge itself, beside the ledger's error classes.
EDGE_PROBLEMS: Mapping[str, tuple[int, str]] = MappingProxyType({
    "unauthenticated": (401, "The request carries no bearer credential."),
    "invalid-credential": (401, "The bearer credential is unknown, expired or revoked."),
    "too-many-failed-authentications": (429, "This address failed to authenticate too often."),
    "request-too-large": (413, "The request body is larger than the service accepts."),
    "unsupported-media-type": (415, "The import file's format cannot be told: name it."),
    "insufficient-storage": (507, "The service has no room to keep the uploaded file."),
    "job-interrupted": (500, "The service stopped while the job ran; start it again."),
    "malformed-request": (400, "The request body is not valid JSON."),
    "invalid-input": (422, "A parameter or field is missing or breaks its rule."),
    "not-found": (404, "No such resource."),
    "method-not-allowed": (405, "The resource does not answer this method."),
    "store-unavailable": (503, "The store cannot be used now."),
    "identity-provider-unavailable": (
        503, "The identity provider's keys cannot be read now, so no JWT can be checked."
    ),
    "internal-error": (500, "The service failed; the request id names it in the log."),
})  # fmt: skip


def catalogue_of_problems() -> dict[str, dict[str, object]]:
    """Every problem type: its status and what it means (the error class's docstring)."""
    known: dict[str, dict[str, object]] = {
        slug: {"status": status, "title": title_of(slug), "description": text}
        for slug, (status, text) in EDGE_PROBLEMS.items()
    }
    for error_class in ledger_error_classes():
        slug = slug_of(error_class)
        known.setdefault(slug, {
            "status": STATUS.get(error_class, status_of_class(error_class)),
            "title": title_of(slug),
            "description": " ".join((error_class.__doc__ or "").split()),
        })  # fmt: skip
    return dict(sorted(known.items()))


def status_of_class(error_class: type[Exception]) -> int:
    return next((STATUS[c] for c in error_class.__mro__ if c in STATUS), 422)


def ledger_error_classes() -> list[type[LedgerError]]:
    found: list[type[LedgerError]] = []
    pending: list[type[LedgerError]] = [LedgerError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
