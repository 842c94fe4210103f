"""What the citizen page shows, read through the Ledger acting as the reader.

Each read is the Ledger's own (``balance``, ``explain_report``, ``timeline``,
``open_corrections``, ``access_log``), so each is role-checked and written to the access
log, with the reader's reason, before it returns data: the page is exactly what the API's
reads would show. The access log is read last, so it lists the reads of this very page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from console.corrections_view import CorrectionsView, corrections_view
from console.i18n import Speech
from console.timeline import Drawing, drawing
from ledger.application import Ledger
from ledger.domain import amounts
from ledger.domain.identifiers import parse_insz
from ledger.domain.views import Explanation, LotView, RightBalance
from ledger.security.access_log import AccessRecord
from ledger.security.roles import Action


@dataclass(frozen=True)
class LotRow:
    lot: str
    source: str
    amount: str
    remaining: str
    valid_from: str
    expires_on: str
    state: str


@dataclass(frozen=True)
class RightView:
    right: str
    unit: str
    usable: str
    suspended: str
    reserved: str
    lots: tuple[LotRow, ...]
    identity: str  # granted = used + reserved + ... (balanced or not)
    balanced: bool


@dataclass(frozen=True)
class AccessRow:
    when: str
    actor: str
    role: str
    action: str
    reason: str


@dataclass(frozen=True)
class FormState:
    """An action form as it was sent back to its reader: its name (``grant``, ``use``),
    the values typed, and each refused field's message (``form``: the whole form's)."""

    name: str
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, form: str, name: str) -> str:
        return self.values.get(name, "") if form == self.name else ""

    def error(self, form: str, name: str) -> str:
        return self.errors.get(name, "") if form == self.name else ""


@dataclass(frozen=True)
class Reading:
    """When the page reads: business time up to ``as_of``, as recorded by ``known_at``
    (both None: everything, now)."""

    as_of: date | None = None
    known_at: datetime | None = None  # aware


@dataclass(frozen=True)
class CitizenPage:
    insz: str  # as the reader's role may see it
    reading: Reading
    rights: tuple[RightView, ...]
    access: tuple[AccessRow, ...] | None  # None: the role may not read the access log
    timeline: Drawing | None = None
    corrections: CorrectionsView | None = None


def read_citizen(
    ledger: Ledger, insz: str, reason: str | None, reading: Reading, speech: Speech
) -> CitizenPage:
    as_of, known_at = reading.as_of, reading.known_at
    report = ledger.balance(insz, as_of, known_at, reason)
    rights = tuple(
        right_view(
            balance,
            ledger.explain_report(insz, balance.right, as_of, known_at, reason).explanation,
            speech,
        )
        for balance in report.rights
    )
    shown = ledger.shown(parse_insz(insz))
    drawn = drawing(ledger.timeline(insz, as_of, known_at, reason).timeline, shown, speech)
    waiting = corrections_view(ledger.open_corrections(insz, known_at, reason), speech)
    access = None
    if ledger.role is None or ledger.role.may(Action.READ_ACCESS_LOG):
        records = ledger.access_log(insz).records
        access = tuple(access_row(r, speech) for r in reversed(records))  # newest first
    return CitizenPage(shown, reading, rights, access, drawn, waiting)


def right_view(balance: RightBalance, explanation: Explanation, speech: Speech) -> RightView:
    unit = balance.unit

    def amount(minor: int) -> str:
        return speech.number(amounts.json_number(minor, unit))

    return RightView(
        right=balance.right, unit=speech.gettext(unit),
        usable=amount(balance.usable), suspended=amount(balance.suspended),
        reserved=amount(balance.reserved),
        lots=tuple(lot_row(lot, amount, speech) for lot in balance.lots),
        identity=identity_line(explanation, speech), balanced=explanation.balanced,
    )  # fmt: skip


def lot_row(lot: LotView, amount: Callable[[int], str], speech: Speech) -> LotRow:
    return LotRow(
        lot=lot.lot, source=lot.source, amount=amount(lot.amount),
        remaining=amount(lot.remaining), valid_from=speech.day(lot.valid_from),
        expires_on=speech.day(lot.expires_on) or speech.gettext("never"),
        state=speech.gettext(lot.state),
    )  # fmt: skip


def identity_line(explanation: Explanation, speech: Speech) -> str:
    """Invariant 1 in the reader's words, as ``llr explain`` writes it in English:
    ``granted 125 = used 0 + reserved 0 + ... (balanced)``."""
    unit = explanation.unit
    named = {
        key: f"{speech.gettext(key)} {speech.number(amounts.json_number(n, unit))}"
        for key, n in explanation.totals.items()
    }
    rest = " + ".join(text for key, text in named.items() if key != "granted")
    verdict = speech.gettext("balanced" if explanation.balanced else "does not balance")
    return f"{named['granted']} = {rest} ({verdict})"


def access_row(record: AccessRecord, speech: Speech) -> AccessRow:
    return AccessRow(
        when=speech.moment(record.recorded_at), actor=record.actor, role=record.role,
        action=speech.gettext(record.action), reason=record.reason or "",
    )  # fmt: skip
