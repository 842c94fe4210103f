"""A citizen's account: open it, and change their status (``llr open``, ``llr status``).

The other routes on a citizen are in ``citizen_reads`` (balance, history, explain,
eligibility, employments, access log), ``bookings`` (grants, uses, reservations),
``careers`` (employments, situations, facts) and ``reversals``. A write answers 201 with
the account's new version as its ``ETag``, or 200 with result ``exists`` when it was
already applied; with ``If-Match`` it is refused (412) unless the account is still at
that version.
"""

from __future__ import annotations

from fastapi import Request

from api.deps import ActingLedger, action_of, citizen
from api.responses import LedgerJSON
from api.routes.common import (
    Day,
    Recorded,
    Reviewable,
    field_named_router,
    written,
)
from ledger.domain.career import Employment
from ledger.domain.catalogue import Status
from ledger.domain.errors import InvalidInputError
from ledger.parsing import employment_of, parse_situation
from ledger.security.roles import Action

router = field_named_router("/api/v1/citizens", "citizens")


class EmploymentFields(Recorded):
    """What an employment is, as ``--fte``, ``--joint-committee``, ``--region``, ``--unit``."""

    fte: str | None = None
    joint_committee: str | None = None
    region: str | None = None
    unit: str | None = None

    def employment_given(self) -> bool:
        return (self.fte, self.joint_committee, self.region, self.unit) != (None,) * 4


class OpenBody(EmploymentFields):
    insz: str
    on: Day
    education: str | None = None
    employer: str | None = None
    situation: str | None = None
    status: str | None = None


class StatusBody(Reviewable):
    status: str
    on: Day


@router.post(
    "",
    status_code=201,
    summary="Open a citizen's account (as an employee of an employer, or in a situation)",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def open_account(request: Request, ledger: ActingLedger, body: OpenBody) -> LedgerJSON:
    citizen(request, ledger, body.insz)
    status, employment = opening(body)
    outcome = ledger.open_account(
        body.insz, status, body.on, body.education, body.source, body.reference, employment
    )
    return written(outcome)


def opening(body: OpenBody) -> tuple[str, Employment | None]:
    """The status and employment an account opens with: ``llr open``'s rule, naming the
    body's fields instead of its options."""
    openings = {"employer": body.employer, "situation": body.situation, "status": body.status}
    given = [name for name, value in openings.items() if value is not None]
    if len(given) != 1:
        raise InvalidInputError(
            "open needs exactly one of employer, situation or status "
            f"(given: {', '.join(given) or 'none'})"
        )
    if body.employment_given() and body.employer is None:
        raise InvalidInputError(
            "fte, joint_committee, region and unit describe an employment: give employer with them"
        )
    if body.employer is not None:
        employment = employment_of(
            body.employer, body.on, body.fte, body.joint_committee, body.region, body.unit
        )
        return Status.EMPLOYEE.value, employment
    if body.situation is not None:
        return parse_situation(body.situation).value, None
    assert body.status is not None
    return body.status, None


@router.post(
    "/{insz}/status",
    status_code=201,
    summary="From a date the citizen is only this status (llr status)",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def change_status(
    request: Request, ledger: ActingLedger, insz: str, body: StatusBody
) -> LedgerJSON:
    citizen(request, ledger, insz)
    outcome = ledger.change_status(
        insz, body.status, body.on, body.source, body.reference, body.review
    )
    return written(outcome)
