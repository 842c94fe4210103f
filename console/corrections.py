"""The citizen's bookings and corrections: a page of its own beside the citizen page, for
the forms that need the citizen's history to pick from (confirm or cancel an open
reservation, ask for the reversal of an entry) and the requests that wait for a second
person.

A page of its own because it reads the history, which the access log records: the citizen
page's read stays balance and explain, and the history is read only when someone comes to
correct or close a booking.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api.principal import Principal
from cli.parsing import parse_event_id
from console.citizen_page import FormState
from console.citizens import signed_in
from console.entries import read_entries
from console.pages import SecuredRoute, page, redirect
from console.refusals import refusal_text
from console.signing import service_of
from console.web import Visit
from console.writes import Given, Shape, perform
from ledger.application import Ledger
from ledger.domain import errors
from ledger.results import CommandOutcome
from ledger.security.roles import Action

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
Field = Annotated[str, Form()]
PATH = "/citizen/entries"
REVERSAL = Shape(
    optional_days=("on",),
    refusals={errors.NotReversibleError: "entry", errors.AlreadyReversedError: "entry",
              errors.ReversalPendingError: "entry", errors.EntryNotFoundError: "entry",
              errors.InvalidInputError: "reason"},
)  # fmt: skip


@router.get(PATH)
def entries(request: Request) -> Response:
    signed = signed_in(request)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    if current.session.insz is None:
        return redirect("/")
    return on_entries_page(request, current, caller, FormState(""), 200)


@router.post(PATH + "/reversal")
def request_reversal(
    request: Request, entry: Field = "", reason: Field = "", on: Field = "", csrf: Field = ""
) -> Response:
    values = {"entry": entry, "reason": reason, "on": on}

    def command(ledger: Ledger, insz: str, given: Given) -> CommandOutcome:
        event_id = parse_event_id(given.text("entry"), "entry")
        return ledger.request_reversal(insz, event_id, given.text("reason"),
                                       given.optional_day("on"))  # fmt: skip

    form = FormState("reversal", values)
    return perform(request, csrf, form, command, REVERSAL, PATH + "#waiting-title",
                   on_entries_page)  # fmt: skip


def on_entries_page(
    request: Request, current: Visit, caller: Principal, form: FormState, status: int
) -> Response:
    """The page read now through the Ledger acting as the caller; with ``form``, a form as
    it was sent, with its refusal next to its field. A role that may not write has no
    forms here: it goes back to the citizen page."""
    session = current.session
    assert session.insz is not None
    if not caller.role.may(Action.WRITE_ACCOUNT):
        return redirect("/citizen")
    ledger = service_of(request).acting(caller)
    try:
        shown = read_entries(ledger, session.insz, session.reason, current.speech)
    except errors.LedgerError as error:  # the account gone, a reason the Ledger refuses
        return page(current.speech, "refused.html", 409, csrf=session.csrf, signed=caller,
                    back="/citizen", message=refusal_text(error, current.speech))  # fmt: skip
    return page(current.speech, "entries.html", status, csrf=session.csrf, signed=caller,
                back="/citizen", entries=shown, form=form)  # fmt: skip
