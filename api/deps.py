"""What a route asks for: the caller, their view of the Ledger, the reason they read.

Routes are plain functions (``def``): FastAPI runs them in its thread pool, where the
Ledger's blocking calls belong.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import unquote
from uuid import UUID

from fastapi import Depends, Header, Request

from api.auth import authenticate
from api.principal import Principal
from api.problems import ApiProblem
from ledger.application import Ledger
from ledger.domain.identifiers import Insz, parse_insz
from ledger.security.roles import AccessDeniedError, Action, require

Caller = Annotated[Principal, Depends(authenticate)]
ETAG = re.compile(r'^"(\d{1,12})"$')


def acting_ledger(request: Request, caller: Caller) -> Ledger:
    """The Ledger acting as the caller; a write with ``If-Match`` must find that version."""
    ledger: Ledger = request.app.state.service.acting(caller)
    expected = if_match(request.headers.get("if-match"))
    return ledger if expected is None else ledger.expecting(expected)


ActingLedger = Annotated[Ledger, Depends(acting_ledger)]


def permitted(request: Request) -> None:
    """Refuse a caller whose role may not take the route's action, at the edge: before
    its body is even read for fields (the Ledger checks again in every command). A route
    that names no action (operations, problem types) needs no credential here."""
    action = route_action(request)
    if action is None:
        return
    role = authenticate(request).role
    if not role.may(action):
        try:
            require(role, action)
        except AccessDeniedError as error:
            raise AccessDeniedError(
                str(error).replace(" (set LLR_ROLE)", " (the role of the credential)")
            ) from None


def route_action(request: Request) -> Action | None:
    extra = getattr(request.scope.get("route"), "openapi_extra", None) or {}
    name = extra.get("x-llr-action")
    return Action(name) if name else None


def if_match(header: str | None) -> int | None:
    """The account version an ``If-Match`` names (an ETag of this API: ``"12"``)."""
    if header is None or header.strip() == "*":
        return None
    match = ETAG.match(header.strip())
    if match is None:
        raise ApiProblem(
            412, "stale-account",
            f"If-Match {header[:40]!r} is not an ETag this API gave (\"<account version>\")",
        )  # fmt: skip
    return int(match.group(1))


def etag(version: int) -> str:
    return f'"{version}"'


def reason_header(
    x_reason: Annotated[
        str | None,
        Header(description="Why you read this citizen's data (required for backoffice); "
               "UTF-8, percent-encoded where not ASCII. It goes into the access log."),
    ] = None,
) -> str | None:  # fmt: skip
    if x_reason is None:
        return None
    try:  # percent-escapes must spell UTF-8 too: "%FF" is refused, not a 500
        raw = x_reason.encode("latin-1").decode("utf-8")
        return unquote(raw, errors="strict") if "%" in raw else raw
    except UnicodeError:
        raise ApiProblem(400, "invalid-input", "X-Reason: must be UTF-8 text") from None


Reason = Annotated[str | None, Depends(reason_header)]


def citizen(request: Request, ledger: Ledger, insz: str) -> Insz:
    """The INSZ of the path, checked; the request log records the account id instead."""
    parsed = parse_insz(insz)
    account: UUID = ledger.account_id_for(parsed)
    request.state.account_id = str(account)
    return parsed


def action_of(action: Action) -> dict[str, Any]:
    """The llr action a route takes, in its OpenAPI entry (``x-llr-action``): the role
    table of docs/security.md is checked against it route by route."""
    return {"x-llr-action": action.value}
