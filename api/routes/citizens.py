"""A citizen's account: open it, read it (balance, history, explain), write to it.

Reads need the ``X-Reason`` header where the role must give one (backoffice) and are
written to the access log before anything is returned, as ``llr balance`` does. Every
read answers with the account's version as its ``ETag``; a write with ``If-Match`` is
refused (412) unless the account is still at that version. A write repeated with the same
reference changes nothing and answers 200 with the original outcome instead of 201.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ActingLedger, Reason, action_of, citizen, etag
from api.responses import LedgerJSON, document
from cli.output import outcome_json
from cli.parsing import parse_known_at
from cli.render import balance_json
from ledger.application import Ledger
from ledger.domain.command import Result
from ledger.domain.identifiers import Insz
from ledger.domain.values import public_value
from ledger.results import CommandOutcome
from ledger.security.roles import Action

router = APIRouter(prefix="/api/v1/citizens", tags=["citizens"], default_response_class=LedgerJSON)

AsOf = Annotated[date | None, Query(description="Read business time up to this day.")]
KnownAt = Annotated[
    str | None,
    Query(description="Read only what had been recorded by this moment (ISO 8601)."),
]
# An amount in the right's own unit: 125, 2.5, "93.75" (never minor units).
Amount = Annotated[Decimal | int | str, Field(description="In the right's unit: 125, 2.5")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=400)


class GrantBody(Body):
    right: str
    amount: Amount
    on: date
    source: str
    reference: str
    expires_on: date | None = None
    track: str | None = None
    review: bool = False


def shown(ledger: Ledger, insz: Insz) -> str:
    """The INSZ as the caller's role may see it: formatted, or masked."""
    role = ledger.role
    return insz.formatted if role is None or role.may(Action.SEE_INSZ) else insz.masked


def unit_text(amount: Decimal | int | str) -> str:
    """The amount as the command line takes it: text in the right's unit."""
    return format(amount, "f") if isinstance(amount, Decimal) else str(amount)


def written(outcome: CommandOutcome) -> LedgerJSON:
    """201 for a new write, 200 for a repeat; the new version as the ETag."""
    status = 201 if outcome.result is Result.APPLIED else 200
    return document(outcome_json(outcome), status, {"ETag": etag(outcome.account_version)})


@router.get(
    "/{insz}/balance",
    summary="Usable and suspended balance per right type",
    openapi_extra=action_of(Action.READ_ACCOUNT),
)
def balance(
    request: Request, ledger: ActingLedger, insz: str, reason: Reason,
    as_of: AsOf = None, known_at: KnownAt = None, value: bool = False,
) -> LedgerJSON:  # fmt: skip
    parsed = citizen(request, ledger, insz)
    report = ledger.balance(insz, as_of, parse_known_at(known_at), reason)
    worth = public_value(report.rights, ledger.catalogue) if value else None
    version = ledger.get_account(ledger.account_id_for(parsed)).version
    return document(
        balance_json(report, shown(ledger, parsed), worth), 200, {"ETag": etag(version)}
    )


@router.post(
    "/{insz}/grants",
    status_code=201,
    summary="Grant a lot of a right",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def grant(request: Request, ledger: ActingLedger, insz: str, body: GrantBody) -> LedgerJSON:
    citizen(request, ledger, insz)
    outcome = ledger.grant_right(
        insz, body.right, unit_text(body.amount), body.on, body.source, body.reference,
        body.expires_on, review=body.review, track=body.track,
    )  # fmt: skip
    return written(outcome)
