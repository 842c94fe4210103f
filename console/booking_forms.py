"""Bookings: reserve from the citizen page; confirm or cancel an open reservation from the
bookings and corrections page, which lists them (``llr reserve``, ``confirm``, ``cancel``;
the API's ``/reservations``). Amounts are typed in the reader's notation (``2,5``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from console.citizen_page import FormState
from console.corrections import PATH, on_entries_page
from console.pages import SecuredRoute
from console.writes import Given, Shape, perform
from ledger.application import Ledger
from ledger.domain import errors
from ledger.results import CommandOutcome

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
Field = Annotated[str, Form()]

RESERVE = Shape(amounts=("amount",), days=("on",), optional_days=("hold_until",),
                refusals={errors.DoubleFundingError: "training"},
                openings={"enterprise number": "employer"})  # fmt: skip
CLOSE = {errors.ReservationNotFoundError: "reservation",
         errors.ReservationClosedError: "reservation"}  # fmt: skip
CONFIRM = Shape(days=("on",), optional_amounts=("amount",), refusals=CLOSE)
CANCEL = Shape(days=("on",), refusals=CLOSE)
# Closing a booking: back to the page that lists the open ones, without it now.
CLOSED = PATH + "#reservations-title"


@router.post("/citizen/reserve")
def reserve(
    request: Request, right: Field = "", amount: Field = "", on: Field = "",
    training: Field = "", provider: Field = "", reference: Field = "", hold_until: Field = "",
    enrolment: Field = "", employer: Field = "", track: Field = "", review: Field = "",
    csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"right": right, "amount": amount, "on": on, "training": training,
              "provider": provider, "reference": reference, "hold_until": hold_until,
              "enrolment": enrolment, "employer": employer, "track": track,
              "review": review}  # fmt: skip

    def command(ledger: Ledger, insz: str, given: Given) -> CommandOutcome:
        return ledger.reserve(
            insz, given.text("right"), given.amount("amount"), given.day("on"),
            given.text("training"), given.text("reference"), given.optional_day("hold_until"),
            given.optional("track"), given.optional("enrolment"), given.optional("employer"),
            given.flag("review"), given.optional("provider"),
        )  # fmt: skip

    form = FormState("reserve", values)
    return perform(request, csrf, form, command, RESERVE, "/citizen#rights-title")


@router.post(PATH + "/confirm")
def confirm(
    request: Request, reservation: Field = "", on: Field = "", amount: Field = "",
    csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"reservation": reservation, "on": on, "amount": amount}

    def command(ledger: Ledger, insz: str, given: Given) -> CommandOutcome:
        return ledger.confirm(insz, given.text("reservation"), given.day("on"),
                              given.optional_amount("amount"))  # fmt: skip

    form = FormState("confirm", values)
    return perform(request, csrf, form, command, CONFIRM, CLOSED, on_entries_page)


@router.post(PATH + "/cancel")
def cancel(
    request: Request, reservation: Field = "", on: Field = "", reason: Field = "",
    csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"reservation": reservation, "on": on, "reason": reason}

    def command(ledger: Ledger, insz: str, given: Given) -> CommandOutcome:
        return ledger.cancel(insz, given.text("reservation"), given.day("on"),
                             given.text("reason"))  # fmt: skip

    form = FormState("cancel", values)
    return perform(request, csrf, form, command, CANCEL, CLOSED, on_entries_page)
