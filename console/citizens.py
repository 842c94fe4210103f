"""Find a citizen (INSZ and reason) and the citizen's page.

The find form only checks what it was given (an INSZ, a reason where the role needs one)
and keeps both in the session; the page then reads through the Ledger with that reason,
so one look at the page is one set of access log entries, never two.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api.principal import Principal
from console.action_choices import citizen_actions
from console.citizen_page import FormState, Reading, read_citizen
from console.i18n import BRUSSELS
from console.pages import SecuredRoute, page, redirect
from console.signing import service_of
from console.web import Visit, checked_form, principal, visit
from console.words import N_
from ledger.domain.errors import AccountNotFoundError, InvalidIdentifierError, LedgerError
from ledger.domain.identifiers import parse_insz
from ledger.security.roles import Action, needs_reason

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
BAD_INSZ = N_("This is not a valid INSZ: check the 11 digits (e.g. 85.07.30-033.28).")
NO_REASON = N_("Give a reason: it goes into the access log, which the citizen may read.")
NO_ACCOUNT = N_("There is no account for this INSZ (on that date).")
BAD_DAY = N_("Give the date as a calendar date.")
BAD_MOMENT = N_("Give the moment as a date and a time.")
REFUSED = N_("The ledger refused this read:")

Field = Annotated[str, Form()]


@router.get("/")
def find_form(request: Request) -> Response:
    signed = signed_in(request)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    return find_page(current, caller)


@router.post("/find")
def find(request: Request, insz: Field = "", reason: Field = "", csrf: Field = "") -> Response:
    signed = signed_form(request, csrf)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    errors = {}
    try:
        parsed = parse_insz(insz).value
    except InvalidIdentifierError:
        errors["insz"] = BAD_INSZ
    if not reason.strip() and needs_reason(caller.role, Action.READ_ACCOUNT):
        errors["reason"] = NO_REASON
    if errors:
        typed = insz if caller.role.may(Action.SEE_INSZ) else ""
        return find_page(current, caller, errors, typed, reason, 422)
    current.save(replace(current.session, insz=parsed, reason=reason.strip() or None))
    return redirect("/citizen")


@router.get("/citizen")
def citizen(request: Request, as_of: str = "", known_at: str = "") -> Response:
    signed = signed_in(request)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    session = current.session
    if session.insz is None:
        return redirect("/")
    reading = reading_of(as_of, known_at)
    if isinstance(reading, dict):
        return find_page(current, caller, reading, status=422)
    return show_citizen(request, current, caller, reading)


def show_citizen(
    request: Request, current: Visit, caller: Principal, reading: Reading,
    form: FormState | None = None, status: int = 200,
) -> Response:  # fmt: skip
    """The citizen page, read now through the Ledger acting as the caller; with ``form``,
    an action form as it was sent, with its refusals next to their fields."""
    session = current.session
    assert session.insz is not None
    ledger = service_of(request).acting(caller)
    try:
        shown = read_citizen(ledger, session.insz, session.reason, reading, current.speech)
    except AccountNotFoundError:
        return find_page(current, caller, {"insz": NO_ACCOUNT}, status=404)
    except LedgerError as error:  # a role that may not read, a reason the Ledger refuses
        return find_page(current, caller, {"ledger": REFUSED}, detail=str(error), status=403)
    return page(current.speech, "citizen.html", status, csrf=session.csrf, citizen=shown,
                reason=session.reason or "", signed=caller, back="/citizen",
                may_write=caller.role.may(Action.WRITE_ACCOUNT),
                rights=sorted(ledger.catalogue.rights), form=form or FormState(""),
                choices=citizen_actions(ledger))  # fmt: skip


def reading_of(as_of: str, known_at: str) -> Reading | dict[str, str]:
    """The pickers' values, or the message for each one that is not a date or a moment.
    A moment without a zone is Brussels time: the picker shows the reader's clock."""
    errors, day, moment = {}, None, None
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        errors["as_of"] = BAD_DAY
    try:
        moment = datetime.fromisoformat(known_at) if known_at else None
    except ValueError:
        errors["known_at"] = BAD_MOMENT
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=BRUSSELS)
    return errors or Reading(day, moment)


def signed_in(request: Request) -> tuple[Visit, Principal] | Response:
    """The visit and its principal, or the redirect to the sign-in page."""
    current = visit(request)
    caller = principal(service_of(request), current.session)
    if current.session_id is None or caller is None:
        return redirect("/sign-in")
    return current, caller


def signed_form(request: Request, csrf: str) -> tuple[Visit, Principal] | Response:
    """A form's visit (its CSRF token checked: 403 if not its session's) and its principal,
    or the redirect to the sign-in page."""
    current = checked_form(request, csrf)
    caller = principal(service_of(request), current.session)
    if caller is None:
        return redirect("/sign-in")
    return current, caller


def find_page(
    current: Visit, caller: Principal, errors: dict[str, str] | None = None,
    insz: str = "", reason: str = "", status: int = 200, detail: str = "",
) -> Response:  # fmt: skip
    speech = current.speech
    translated = {field: speech.gettext(text) for field, text in (errors or {}).items()}
    return page(speech, "find.html", status, csrf=current.session.csrf, errors=translated,
                insz=insz, reason=reason, detail=detail, signed=caller, back="/",
                needs_reason=needs_reason(caller.role, Action.READ_ACCOUNT))  # fmt: skip
