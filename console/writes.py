"""One way to write from a form of the console (grant and use, career changes, bookings,
reversal requests).

A write checks the form's CSRF token, finds the signed-in person and the citizen in view
(from the session, never from the form), reads what the browser's pickers and the reader's
notation give (an amount typed ``2,5``, a date from a date picker), and runs one Ledger
command acting as that person. After it the reader is sent to the page read anew, which
shows the new state; a value the form cannot read (422) or a refusal of the Ledger (409)
brings the form back with the values typed and the message next to its field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from fastapi import Request, Response

from api.principal import Principal
from api.routes.common import in_field_terms
from console.citizen_page import FormState, Reading
from console.citizens import show_citizen, signed_form
from console.i18n import Speech
from console.pages import redirect
from console.refusals import refusal_text
from console.signing import service_of
from console.web import Visit
from console.words import N_
from ledger.application import Ledger
from ledger.domain import errors
from ledger.domain.errors import LedgerError
from ledger.results import CommandOutcome

BAD_AMOUNT = N_("Give an amount such as 2,5.")
BAD_DAY = N_("Give the date as a calendar date.")

# Which field a refusal is about, by its kind, when its message does not start with the
# field's name; a form's ``Shape`` adds its own.
FIELD_OF_REFUSAL: Mapping[type[errors.LedgerError], str] = {
    errors.InsufficientBalanceError: "amount", errors.CapExceededError: "amount",
    errors.AmountNotPositiveError: "amount", errors.UnknownRightError: "right",
    errors.NotEligibleError: "right", errors.NotUsableInStatusError: "right",
    errors.NoRuleInForceError: "on", errors.OutOfOrderError: "on",
    errors.ExpiryBeyondRuleError: "expires_on", errors.SourceNotAllowedError: "source",
    errors.ReferenceConflictError: "reference", errors.NotInRegistryError: "training",
}  # fmt: skip


@dataclass(frozen=True)
class Shape:
    """Which of a form's fields are amounts and dates (required or optional), and which
    field a refusal of the Ledger is about, by its kind, where the message does not start
    with the field's name (``employer 0403170701 already employs ...`` does)."""

    amounts: tuple[str, ...] = ()
    optional_amounts: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    optional_days: tuple[str, ...] = ()
    refusals: Mapping[type[LedgerError], str] = field(default_factory=dict)
    # The words a message starts with when they are not the field's name.
    openings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Given:
    """A form's values as the Ledger takes them: text stripped, blanks as None, amounts as
    plain decimal text, dates as dates."""

    values: Mapping[str, str]
    amounts: Mapping[str, str]
    days: Mapping[str, date]

    def text(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def optional(self, name: str) -> str | None:
        return self.text(name) or None

    def flag(self, name: str) -> bool:
        """A checkbox: ticked when the browser sent it."""
        return self.values.get(name) == "yes"

    def day(self, name: str) -> date:
        return self.days[name]

    def optional_day(self, name: str) -> date | None:
        return self.days.get(name)

    def amount(self, name: str) -> str:
        return self.amounts[name]

    def optional_amount(self, name: str) -> str | None:
        return self.amounts.get(name)


# The Ledger acting as the caller, the citizen in view, the form's values.
Command = Callable[[Ledger, str, Given], CommandOutcome]
# The page the form stands on, with the form as sent back (refused fields marked).
Shown = Callable[[Request, Visit, Principal, FormState, int], Response]


def on_citizen_page(
    request: Request, current: Visit, caller: Principal, form: FormState, status: int
) -> Response:
    return show_citizen(request, current, caller, Reading(), form, status)


def perform(
    request: Request, csrf: str, form: FormState, command: Command, shape: Shape,
    done: str, shown: Shown = on_citizen_page,
) -> Response:  # fmt: skip
    """Check the form, run the command, and show the outcome: ``done`` (the page read
    anew, at the place that shows what changed), or the form again with its refusal."""
    signed = signed_form(request, csrf)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    insz = current.session.insz
    if insz is None:
        return redirect("/")
    speech = current.speech
    given, wrong = read_values(form.values, shape, speech)
    if wrong:
        return shown(request, current, caller, marked(form, wrong), 422)
    try:
        command(service_of(request).acting(caller), insz, given)
    except LedgerError as error:  # a rule, or a role that may not write
        message = refusal_text(error, speech)
        where = field_of(error, form, shape)
        return shown(request, current, caller, marked(form, {where: message}), 409)
    return redirect(done)


def read_values(
    values: Mapping[str, str], shape: Shape, speech: Speech
) -> tuple[Given, dict[str, str]]:
    """The values read, and a message for each one the form cannot read (before the Ledger
    is asked, which checks the rest)."""
    wrong: dict[str, str] = {}
    amounts: dict[str, str] = {}
    days: dict[str, date] = {}
    for name in shape.amounts + shape.optional_amounts:
        text = values.get(name, "").strip()
        if text or name in shape.amounts:
            try:
                amounts[name] = format(Decimal(parse_decimal(text, speech.locale)), "f")
            except (NumberFormatError, ArithmeticError):
                wrong[name] = speech.gettext(BAD_AMOUNT)
    for name in shape.days + shape.optional_days:
        text = values.get(name, "").strip()
        if text or name in shape.days:
            try:
                days[name] = date.fromisoformat(text)
            except ValueError:
                wrong[name] = speech.gettext(BAD_DAY)
    return Given(values, amounts, days), wrong


def field_of(error: LedgerError, form: FormState, shape: Shape) -> str:
    """The field a refusal is about: the field its message starts with (``hold_until
    2027-01-01: a hold ends ...``), else by the words it starts with or by its kind, else
    the whole form."""
    message = in_field_terms(str(error))  # the Ledger's English, options named as fields
    first = message.split(" ", 1)[0].rstrip(":")
    if first in form.values:
        return first
    for opening, name in shape.openings.items():
        if message.startswith(opening) and name in form.values:
            return name
    named = shape.refusals.get(type(error)) or FIELD_OF_REFUSAL.get(type(error))
    return str(named) if named in form.values else "form"


def marked(form: FormState, messages: dict[str, str]) -> FormState:
    return FormState(form.name, dict(form.values), messages)
