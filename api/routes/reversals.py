"""Corrections under four eyes: one person requests the reversal of an entry, another
approves it (``llr reverse``, ``llr approve``).

The request answers with its ``request_id`` (the account version it was recorded at, as
``llr reverse --json`` gives it); approving it with the credential of the person who
asked is refused with the ``four-eyes`` problem.
"""

from __future__ import annotations

from fastapi import Request
from pydantic import StrictInt, StrictStr

from api.deps import ActingLedger, action_of, citizen
from api.responses import LedgerJSON
from api.routes.common import Body, Day, field_named_router, written
from cli.parsing import parse_event_id
from ledger.security.roles import Action

router = field_named_router("/api/v1/citizens", "reversals")


class ReversalBody(Body):
    event_id: StrictInt | StrictStr  # the event_id of the history
    reason: str
    on: Day | None = None  # default: today, or the account's latest date if later


class ApprovalBody(Body):
    on: Day | None = None  # default: the date the request asked for


@router.post(
    "/{insz}/reversals",
    status_code=201,
    summary="Request the reversal of a grant, use or forfeit (another person approves)",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def request_reversal(
    request: Request, ledger: ActingLedger, insz: str, body: ReversalBody
) -> LedgerJSON:
    citizen(request, ledger, insz)
    entry = parse_event_id(str(body.event_id), "event_id")
    outcome = ledger.request_reversal(insz, entry, body.reason, body.on)
    return written(outcome, request_id=outcome.account_version)


@router.post(
    "/{insz}/reversals/{request_id}/approve",
    status_code=201,
    summary="Approve another person's reversal request: the entry is reversed now",
    openapi_extra=action_of(Action.APPROVE_CORRECTION),
)
def approve_reversal(
    request: Request, ledger: ActingLedger, insz: str, request_id: str,
    body: ApprovalBody | None = None,
) -> LedgerJSON:  # fmt: skip
    citizen(request, ledger, insz)
    asked = parse_event_id(request_id, "request_id")
    return written(ledger.approve_reversal(insz, asked, body.on if body else None))
