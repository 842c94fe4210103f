"""Writes from the citizen page: grant and use, each a form that goes through the Ledger
acting as the signed-in person (its role check, its rules, its refusals).

The amount is read in the reader's notation (``2,5`` in Belgium) with Babel and handed to
the Ledger as plain decimal text; dates come from date pickers (ISO). A refusal comes back
on the same page, the Ledger's own message next to the field it is about; a write sends the
reader to the page read anew, which shows the new state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated

from babel.numbers import NumberFormatError, parse_decimal
from fastapi import APIRouter, Form, Request, Response

from console.citizen_page import FormState, Reading
from console.citizens import show_citizen
from console.i18n import Speech
from console.pages import SecuredRoute, redirect
from console.refusals import refusal_text
from console.signing import service_of
from console.web import checked_form, principal
from console.words import N_
from ledger.application import Ledger
from ledger.domain import errors
from ledger.results import CommandOutcome

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
BAD_AMOUNT = N_("Give an amount such as 2,5.")
BAD_DAY = N_("Give the date as a calendar date.")

Field = Annotated[str, Form()]
# The Ledger acting as the caller, the citizen in view (from the session, never from the
# form), the amount as decimal text.
Command = Callable[[Ledger, str, str], CommandOutcome]

# Which field a refusal is about, by its kind; any other refusal stands above the form.
FIELD_OF_REFUSAL: Mapping[type[errors.LedgerError], str] = {
    errors.InsufficientBalanceError: "amount", errors.CapExceededError: "amount",
    errors.AmountNotPositiveError: "amount", errors.UnknownRightError: "right",
    errors.NotEligibleError: "right", errors.NotUsableInStatusError: "right",
    errors.NoRuleInForceError: "on", errors.OutOfOrderError: "on",
    errors.ExpiryBeyondRuleError: "expires_on", errors.SourceNotAllowedError: "source",
    errors.ReferenceConflictError: "reference", errors.NotInRegistryError: "training",
}  # fmt: skip


@router.post("/citizen/grant")
def grant(
    request: Request, right: Field = "", amount: Field = "", on: Field = "",
    source: Field = "", reference: Field = "", expires_on: Field = "", csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"right": right, "amount": amount, "on": on, "source": source,
              "reference": reference, "expires_on": expires_on}  # fmt: skip

    def command(ledger: Ledger, insz: str, units: str) -> CommandOutcome:
        return ledger.grant_right(
            insz, right, units, date.fromisoformat(on), source.strip(),
            reference.strip(), date.fromisoformat(expires_on) if expires_on else None,
        )  # fmt: skip

    return act(request, csrf, FormState("grant", values), command)


@router.post("/citizen/use")
def use(
    request: Request, right: Field = "", amount: Field = "", on: Field = "",
    training: Field = "", provider: Field = "", reference: Field = "", csrf: Field = "",
) -> Response:  # fmt: skip
    values = {"right": right, "amount": amount, "on": on, "training": training,
              "provider": provider, "reference": reference}  # fmt: skip

    def command(ledger: Ledger, insz: str, units: str) -> CommandOutcome:
        return ledger.use_right(
            insz, right, units, date.fromisoformat(on), training.strip(),
            provider.strip(), reference.strip(),
        )  # fmt: skip

    return act(request, csrf, FormState("use", values), command)


def act(request: Request, csrf: str, form: FormState, command: Command) -> Response:
    """Check the form, run the command, and show the outcome: the page read anew, or the
    form again with its refusals."""
    current = checked_form(request, csrf)
    caller = principal(service_of(request), current.session)
    if caller is None:
        return redirect("/sign-in")
    insz = current.session.insz
    if insz is None:
        return redirect("/")
    speech = current.speech
    units, typed_wrong = checked_values(form.values, speech)
    if typed_wrong:
        return show_citizen(request, current, caller, Reading(), refused(form, typed_wrong), 422)
    try:
        command(service_of(request).acting(caller), insz, units)
    except errors.LedgerError as error:  # a rule, or a role that may not write
        message = refusal_text(error, speech)
        where = FIELD_OF_REFUSAL.get(type(error), "form")
        return show_citizen(request, current, caller, Reading(), refused(form, {where: message}),
                            409)  # fmt: skip
    # The fragment: to the rights and their new state (else the form's would be kept).
    return redirect("/citizen#rights-title")


def checked_values(values: Mapping[str, str], speech: Speech) -> tuple[str, dict[str, str]]:
    """The amount as decimal text, and a message for each value the pickers or the
    reader's notation cannot give (before the Ledger, which checks the rest)."""
    found: dict[str, str] = {}
    units = ""
    try:
        units = format(Decimal(parse_decimal(values["amount"].strip(), speech.locale)), "f")
    except (NumberFormatError, ArithmeticError):
        found["amount"] = speech.gettext(BAD_AMOUNT)
    for name in ("on", "expires_on"):
        text = values.get(name, "")
        if text or name == "on":
            try:
                date.fromisoformat(text)
            except ValueError:
                found[name] = speech.gettext(BAD_DAY)
    return units, found


def refused(form: FormState, messages: dict[str, str]) -> FormState:
    return FormState(form.name, dict(form.values), messages)
