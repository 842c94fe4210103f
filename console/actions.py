"""Writes from the citizen page: grant and use, each a form that goes through the Ledger
acting as the signed-in person (its role check, its rules, its refusals).

The amount is read in the reader's notation (``2,5`` in Belgium) with Babel and handed to
the Ledger as plain decimal text; dates come from date pickers (ISO). A refusal comes back
on the same page, the Ledger's own message next to the field it is about; a write sends the
reader to the page read anew, which shows the new state (``console.writes``, as for every
form of the console).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from console.citizen_page import FormState
from console.pages import SecuredRoute
from console.writes import Given, Shape, perform
from ledger.application import Ledger
from ledger.results import CommandOutcome

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
Field = Annotated[str, Form()]
GRANT = Shape(amounts=("amount",), days=("on",), optional_days=("expires_on",))
USE = Shape(amounts=("amount",), days=("on",))
# The fragment: to the rights and their new state (else the form's would be kept).
DONE = "/citizen#rights-title"


@router.post("/citizen/grant")
def grant(
    request: Request, right: Field = "", amount: Field = "", on: Field = "",
    source: Field = "", reference: Field = "", expires_on: Field = "", csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"right": right, "amount": amount, "on": on, "source": source,
              "reference": reference, "expires_on": expires_on}  # fmt: skip

    def command(ledger: Ledger, insz: str, given: Given) -> CommandOutcome:
        return ledger.grant_right(
            insz, right, given.amount("amount"), given.day("on"), source.strip(),
            reference.strip(), given.optional_day("expires_on"),
        )  # fmt: skip

    return perform(request, csrf, FormState("grant", values), command, GRANT, DONE)


@router.post("/citizen/use")
def use(
    request: Request, right: Field = "", amount: Field = "", on: Field = "",
    training: Field = "", provider: Field = "", reference: Field = "", csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"right": right, "amount": amount, "on": on, "training": training,
              "provider": provider, "reference": reference}  # fmt: skip

    def command(ledger: Ledger, insz: str, given: Given) -> CommandOutcome:
        return ledger.use_right(
            insz, right, given.amount("amount"), given.day("on"), training.strip(),
            provider.strip(), reference.strip(),
        )  # fmt: skip

    return perform(request, csrf, FormState("use", values), command, USE, DONE)
