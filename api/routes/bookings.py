"""Rights moving on an account: grants, uses, and reservations with their confirmation or
cancellation (``llr grant``, ``use``, ``reserve``, ``confirm``, ``cancel``).

Amounts are in the right's own unit, a JSON number or a string (``125``, ``2.5``,
``"93.75"``), never minor units. A write repeated with the same reference changes nothing
and answers 200 with result "exists", as llr prints "exists: already applied".
"""

from __future__ import annotations

from fastapi import Request

from api.deps import ActingLedger, action_of, citizen
from api.responses import LedgerJSON
from api.routes.common import (
    Amount,
    Body,
    Day,
    Reviewable,
    field_named_router,
    written,
)
from ledger.security.roles import Action

router = field_named_router("/api/v1/citizens", "bookings")


class GrantBody(Reviewable):
    right: str
    amount: Amount
    on: Day
    source: str
    reference: str
    expires_on: Day | None = None
    track: str | None = None


class UseBody(Reviewable):
    right: str
    amount: Amount
    on: Day
    training: str
    reference: str
    provider: str | None = None
    employer: str | None = None
    track: str | None = None


class ReserveBody(Reviewable):
    right: str
    amount: Amount
    on: Day
    training: str
    reference: str
    hold_until: Day | None = None
    track: str | None = None
    enrolment: str | None = None
    employer: str | None = None
    provider: str | None = None


class ConfirmBody(Body):
    on: Day
    amount: Amount | None = None  # use only this much of what is held; the rest is released


class CancelBody(Body):
    on: Day
    reason: str


@router.post(
    "/{insz}/grants",
    status_code=201,
    summary="Grant a lot of a right",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def grant(request: Request, ledger: ActingLedger, insz: str, body: GrantBody) -> LedgerJSON:
    citizen(request, ledger, insz)
    outcome = ledger.grant_right(
        insz, body.right, body.amount, body.on, body.source, body.reference,
        body.expires_on, review=body.review, track=body.track,
    )  # fmt: skip
    return written(outcome)


@router.post(
    "/{insz}/uses",
    status_code=201,
    summary="Record a use, drawn from the lots that expire first",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def use(request: Request, ledger: ActingLedger, insz: str, body: UseBody) -> LedgerJSON:
    citizen(request, ledger, insz)
    outcome = ledger.use_right(
        insz, body.right, body.amount, body.on, body.training, body.provider, body.reference,
        body.source, body.employer, body.review, body.track,
    )  # fmt: skip
    return written(outcome)


@router.post(
    "/{insz}/reservations",
    status_code=201,
    summary="Hold units of a right for a training until it is confirmed or cancelled",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def reserve(request: Request, ledger: ActingLedger, insz: str, body: ReserveBody) -> LedgerJSON:
    citizen(request, ledger, insz)
    outcome = ledger.reserve(
        insz, body.right, body.amount, body.on, body.training, body.reference,
        body.hold_until, body.track, body.enrolment, body.employer, body.review, body.provider,
    )  # fmt: skip
    return written(outcome)


@router.post(
    "/{insz}/reservations/{reference}/confirm",
    status_code=201,
    summary="The provider redeems a reservation: its units (or amount of them) are used",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def confirm(
    request: Request, ledger: ActingLedger, insz: str, reference: str, body: ConfirmBody
) -> LedgerJSON:
    citizen(request, ledger, insz)
    return written(ledger.confirm(insz, reference, body.on, body.amount))


@router.post(
    "/{insz}/reservations/{reference}/cancel",
    status_code=201,
    summary="Release a reservation's units and refund its purchase",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def cancel(
    request: Request, ledger: ActingLedger, insz: str, reference: str, body: CancelBody
) -> LedgerJSON:
    citizen(request, ledger, insz)
    return written(ledger.cancel(insz, reference, body.on, body.reason))
