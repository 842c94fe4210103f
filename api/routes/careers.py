"""A citizen's career: employments (start, end, suspend), situations beside employment
(start, end) and eligibility facts (``llr employment``, ``llr situation``, ``llr fact``).

An employment is named by its employer's enterprise number, as on the command line
(``--employer``); a situation by its name (``jobseeker``...).
"""

from __future__ import annotations

from fastapi import Request
from pydantic import Field, StrictBool, StrictInt, StrictStr

from api.deps import ActingLedger, action_of, citizen
from api.responses import LedgerJSON
from api.routes.citizens import EmploymentFields
from api.routes.common import (
    Day,
    Recorded,
    Reviewable,
    field_named_router,
    written,
)
from ledger.parsing import employment_of
from ledger.security.roles import Action

router = field_named_router("/api/v1/citizens", "careers")


class EmploymentBody(EmploymentFields):
    employer: str
    on: Day
    review: StrictBool = False


class EndBody(Reviewable):
    on: Day  # the first day without the employment
    reason: str


class SuspendBody(Reviewable):
    start: Day = Field(alias="from")  # the first suspended day
    until: Day  # the first day of work again
    reason: str


class SituationBody(Reviewable):
    situation: str
    on: Day


class SituationEndBody(Reviewable):
    on: Day


class FactBody(Recorded):
    kind: str
    value: StrictStr | StrictInt | None = None  # a level, or years: "high", 8
    on: Day
    until: Day | None = None  # a POP only: the first day it no longer counts


@router.post(
    "/{insz}/employments",
    status_code=201,
    summary="An employment begins",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def start_employment(
    request: Request, ledger: ActingLedger, insz: str, body: EmploymentBody
) -> LedgerJSON:
    citizen(request, ledger, insz)
    employment = employment_of(
        body.employer, body.on, body.fte, body.joint_committee, body.region, body.unit
    )
    outcome = ledger.start_employment(insz, employment, body.source, body.reference, body.review)
    return written(outcome)


@router.post(
    "/{insz}/employments/{employer}/end",
    status_code=201,
    summary="An employment ends; its lots follow the catalogue's rule for the reason",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def end_employment(
    request: Request, ledger: ActingLedger, insz: str, employer: str, body: EndBody
) -> LedgerJSON:
    citizen(request, ledger, insz)
    outcome = ledger.end_employment(
        insz, employer, body.on, body.reason, body.source, body.reference, body.review
    )
    return written(outcome)


@router.post(
    "/{insz}/employments/{employer}/suspend",
    status_code=201,
    summary="A contract suspended for a while; it stays an employment",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def suspend_employment(
    request: Request, ledger: ActingLedger, insz: str, employer: str, body: SuspendBody
) -> LedgerJSON:
    citizen(request, ledger, insz)
    outcome = ledger.suspend_employment(
        insz, employer, body.start, body.until, body.reason, body.source, body.reference,
        body.review,
    )  # fmt: skip
    return written(outcome)


@router.post(
    "/{insz}/situations",
    status_code=201,
    summary="A situation beside employment begins (jobseeker, self-employed...)",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def start_situation(
    request: Request, ledger: ActingLedger, insz: str, body: SituationBody
) -> LedgerJSON:
    citizen(request, ledger, insz)
    outcome = ledger.change_situation(
        insz, body.situation, body.on, True, body.source, body.reference, body.review
    )
    return written(outcome)


@router.post(
    "/{insz}/situations/{situation}/end",
    status_code=201,
    summary="A situation ends; the open lots follow the statuses",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def end_situation(
    request: Request, ledger: ActingLedger, insz: str, situation: str, body: SituationEndBody
) -> LedgerJSON:
    citizen(request, ledger, insz)
    outcome = ledger.change_situation(
        insz, situation, body.on, False, body.source, body.reference, body.review
    )
    return written(outcome)


@router.post(
    "/{insz}/facts",
    status_code=201,
    summary="An eligibility fact: education level, a POP, years of work experience",
    openapi_extra=action_of(Action.WRITE_ACCOUNT),
)
def record_fact(request: Request, ledger: ActingLedger, insz: str, body: FactBody) -> LedgerJSON:
    citizen(request, ledger, insz)
    outcome = ledger.record_fact(
        insz,
        body.kind,
        None if body.value is None else str(body.value),
        body.on,
        body.until,
        body.source,
        body.reference,
    )
    return written(outcome)
