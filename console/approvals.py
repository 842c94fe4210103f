"""The approvals queue (four eyes): every reversal request that waits for a second person,
across citizens, and its approval.

The queue is the Ledger's (``ledger.projections.reversal_queue``): refused to a role that
may not approve corrections, each citizen listed written to their access log. Before it is
read the audit trail is brought up to date, as ``llr review list`` does, so a request made
a moment ago is in it. A request is named in the form by its account and its id, never by
the INSZ; the Ledger refuses the person who asked (``FourEyesError``), and the page shows
its message next to that request's button.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request, Response

from api.principal import Principal
from cli.parsing import parse_event_id
from console.citizens import signed_form, signed_in
from console.entries import EntryWords, WaitingRow
from console.pages import SecuredRoute, page, redirect
from console.refusals import refusal_text
from console.signing import service_of
from console.web import Visit
from console.words import N_
from console.writes import BAD_DAY
from ledger.application import Ledger
from ledger.domain.errors import InvalidInputError, LedgerError
from ledger.projections.reversal_queue import approval_queue, approve_queued
from ledger.security.roles import Action

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
log = logging.getLogger("llr.console")
Field = Annotated[str, Form()]
# The queue's read as the access log names it (``QUEUE_READ``), marked for the catalogue:
# the citizen page shows it in the reader's language.
READ_NAME = N_("approval queue")
NOT_IN_QUEUE = N_("This request is not in the queue: reload the page.")


@dataclass(frozen=True)
class QueueRow:
    key: str  # "<account>-<request>": what the form sends, and where its refusal shows
    account: str
    citizen: str  # the INSZ as the reader's role may see it
    waiting: WaitingRow
    error: str


@router.get("/approvals")
def approvals(request: Request, approved: str = "") -> Response:
    signed = signed_in(request)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    return queue_page(request, current, caller, approved=approved == "1")


@router.post("/approvals/approve")
def approve(
    request: Request, account: Field = "", number: Field = "", on: Field = "",
    csrf: Field = "",
) -> Response:  # fmt: skip
    signed = signed_form(request, csrf)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    key = f"{account}-{number}"
    try:
        account_id, request_id = UUID(account), parse_event_id(number, "request")
    except (ValueError, InvalidInputError):
        message = current.speech.gettext(NOT_IN_QUEUE)
        return queue_page(request, current, caller, {"form": message}, 422)
    try:
        day = date.fromisoformat(on) if on.strip() else None  # default: the date asked for
    except ValueError:
        message = current.speech.gettext(BAD_DAY)
        return queue_page(request, current, caller, {key: message}, 422)
    try:
        approve_queued(service_of(request).acting(caller), account_id, request_id, day)
    except LedgerError as error:  # four eyes, a role that may not approve, an entry gone
        message = refusal_text(error, current.speech)
        return queue_page(request, current, caller, {key: message}, 409)
    return redirect("/approvals?approved=1#queue-title")


def queue_page(
    request: Request, current: Visit, caller: Principal, errors: dict[str, str] | None = None,
    status: int = 200, approved: bool = False,
) -> Response:  # fmt: skip
    errors = errors or {}
    ledger = service_of(request).acting(caller)
    speech = current.speech
    try:
        ledger.require(Action.APPROVE_CORRECTION)  # before the catch-up it would cost
        caught_up(ledger)
        queue = approval_queue(ledger)
    except LedgerError as error:  # a role that may not approve corrections
        return page(speech, "refused.html", 403, csrf=current.session.csrf, signed=caller,
                    back="/approvals", message=refusal_text(error, speech))  # fmt: skip
    words = EntryWords(ledger.catalogue, speech)
    rows = []
    for queued in queue.rows:
        key = f"{queued.account_id}-{queued.waiting.request_id}"
        rows.append(QueueRow(key, str(queued.account_id), ledger.shown(queued.insz),
                             words.waiting(queued.waiting), errors.get(key, "")))  # fmt: skip
    return page(speech, "approvals.html", status, csrf=current.session.csrf, signed=caller,
                back="/approvals", rows=rows, lag=queue.lag, approved=approved,
                error=errors.get("form", ""))  # fmt: skip


def caught_up(ledger: Ledger) -> None:
    """The audit trail brought up to date, so that the queue holds the newest requests; a
    failure leaves it as it is (the page says how far behind it is)."""
    from ledger.projections.runner import catch_up_all  # a projection run: only here

    try:
        catch_up_all(ledger, ["trail"], processes=1)
    except Exception as error:  # the queue is still right about what it lists
        log.warning("audit trail not brought up to date for the approvals queue: %r", error)
