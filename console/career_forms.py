"""Career changes from the citizen page: an employment starts, ends or is suspended; a
situation beside employment starts or ends (``llr employment``, ``llr situation``; the
API's ``/employments`` and ``/situations``). Each form takes the fields its API route
takes, and writes through the same Ledger command.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from console.citizen_page import FormState
from console.pages import SecuredRoute
from console.writes import Given, Shape, perform
from ledger.application import Ledger
from ledger.domain import errors
from ledger.parsing import employment_of
from ledger.results import CommandOutcome

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
Field = Annotated[str, Form()]
# After a career change the rights are where its effects show (lots carried, suspended,
# forfeited).
DONE = "/citizen#rights-title"

# The identifiers' own messages name what they parse, not the field.
OPENINGS = {"enterprise number": "employer", "joint committee": "joint_committee",
            "establishment unit": "unit"}  # fmt: skip
EMPLOYMENT = Shape(days=("on",), refusals={errors.CareerFactError: "employer",
                                           errors.NoEmploymentError: "employer"},
                   openings=OPENINGS)  # fmt: skip
SUSPENSION = Shape(days=("from", "until"), refusals={errors.CareerFactError: "employer",
                                                     errors.OutOfOrderError: "from"},
                   openings=OPENINGS)  # fmt: skip
SITUATION = Shape(days=("on",), refusals={errors.CareerFactError: "situation"})


@router.post("/citizen/employment/start")
def start_employment(
    request: Request, employer: Field = "", on: Field = "", fte: Field = "",
    joint_committee: Field = "", region: Field = "", unit: Field = "", source: Field = "",
    reference: Field = "", review: Field = "", csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"employer": employer, "on": on, "fte": fte, "joint_committee": joint_committee,
              "region": region, "unit": unit, "source": source, "reference": reference,
              "review": review}  # fmt: skip

    def command(ledger: Ledger, insz: str, given: Given) -> CommandOutcome:
        employment = employment_of(
            given.text("employer"), given.day("on"), given.optional("fte"),
            given.optional("joint_committee"), given.optional("region"), given.optional("unit"),
        )  # fmt: skip
        return ledger.start_employment(
            insz, employment, given.optional("source"), given.optional("reference"),
            given.flag("review"),
        )  # fmt: skip

    form = FormState("employment-start", values)
    return perform(request, csrf, form, command, EMPLOYMENT, DONE)


@router.post("/citizen/employment/end")
def end_employment(
    request: Request, employer: Field = "", on: Field = "", reason: Field = "",
    source: Field = "", reference: Field = "", review: Field = "", csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"employer": employer, "on": on, "reason": reason, "source": source,
              "reference": reference, "review": review}  # fmt: skip

    def command(ledger: Ledger, insz: str, given: Given) -> CommandOutcome:
        return ledger.end_employment(
            insz, given.text("employer"), given.day("on"), given.text("reason"),
            given.optional("source"), given.optional("reference"), given.flag("review"),
        )  # fmt: skip

    form = FormState("employment-end", values)
    return perform(request, csrf, form, command, EMPLOYMENT, DONE)


@router.post("/citizen/employment/suspend")
def suspend_employment(
    request: Request, employer: Field = "", start: Annotated[str, Form(alias="from")] = "",
    until: Field = "", reason: Field = "", source: Field = "", reference: Field = "",
    review: Field = "", csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"employer": employer, "from": start, "until": until, "reason": reason,
              "source": source, "reference": reference, "review": review}  # fmt: skip

    def command(ledger: Ledger, insz: str, given: Given) -> CommandOutcome:
        return ledger.suspend_employment(
            insz, given.text("employer"), given.day("from"), given.day("until"),
            given.text("reason"), given.optional("source"), given.optional("reference"),
            given.flag("review"),
        )  # fmt: skip

    form = FormState("employment-suspend", values)
    return perform(request, csrf, form, command, SUSPENSION, DONE)


@router.post("/citizen/situation/start")
def start_situation(
    request: Request, situation: Field = "", on: Field = "", source: Field = "",
    reference: Field = "", review: Field = "", csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"situation": situation, "on": on, "source": source, "reference": reference,
              "review": review}  # fmt: skip
    return situation_change(request, csrf, True, values)


@router.post("/citizen/situation/end")
def end_situation(
    request: Request, situation: Field = "", on: Field = "", source: Field = "",
    reference: Field = "", review: Field = "", csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"situation": situation, "on": on, "source": source, "reference": reference,
              "review": review}  # fmt: skip
    return situation_change(request, csrf, False, values)


def situation_change(request: Request, csrf: str, starts: bool, values: dict[str, str]) -> Response:

    def command(ledger: Ledger, insz: str, given: Given) -> CommandOutcome:
        return ledger.change_situation(
            insz, given.text("situation"), given.day("on"), starts, given.optional("source"),
            given.optional("reference"), given.flag("review"),
        )  # fmt: skip

    form = FormState("situation-start" if starts else "situation-end", values)
    return perform(request, csrf, form, command, SITUATION, DONE)
