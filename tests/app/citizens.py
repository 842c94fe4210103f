"""Citizens, sources and short-hands shared by the application tests.

Every helper that writes goes through the ``Ledger``'s public commands, never around them,
so a test that uses one still tests the application.
"""

from __future__ import annotations

from datetime import date, datetime

from ledger.application import Ledger
from ledger.domain.errors import AccountNotFoundError
from ledger.results import CommandOutcome, HistoryReport

INSZ = "93051822361"
EMPLOYER = "employer:0566988259"
OTHER_EMPLOYER = "employer:0403170701"
FUND = "sector-fund:cevora"
FLANDERS = "flemish-government"
START = date(2024, 9, 1)  # first day of school year 2024-25
VOV_END = date(2025, 9, 1)  # first day a VOV lot granted in 2024-25 is no longer usable


def insz_number(serial: int) -> str:
    """A valid INSZ of someone born on 1 January 1980 (serials 1 to 997)."""
    first_nine = f"800101{serial:03d}"
    return first_nine + f"{97 - int(first_nine) % 97:02d}"


def open_employee(ledger: Ledger, insz: str = INSZ, on: date = START) -> CommandOutcome:
    return ledger.open_account(insz, "employee", on)


def grant_vov(
    ledger: Ledger,
    hours: int,
    reference: str,
    on: date = START,
    insz: str = INSZ,
    expires_on: date | None = None,
) -> CommandOutcome:
    return ledger.grant_right(insz, "vov-hours", hours, on, EMPLOYER, reference, expires_on)


def use_vov(
    ledger: Ledger, hours: int, reference: str, on: date, insz: str = INSZ
) -> CommandOutcome:
    return ledger.use_right(insz, "vov-hours", hours, on, "TRAINING-1", "PROVIDER-1", reference)


def usable(
    ledger: Ledger,
    right: str,
    insz: str = INSZ,
    as_of: date | None = None,
    known_at_time: datetime | None = None,
) -> tuple[int, int]:
    """(usable, suspended) of one right; (0, 0) when the account never had it."""
    report = ledger.balance(insz, as_of, known_at_time)
    for balance in report.rights:
        if balance.right == right:
            return balance.usable, balance.suspended
    return 0, 0


def event_names(report: HistoryReport) -> list[str]:
    return [entry.event for entry in report.entries]


def stored_state(ledger: Ledger, insz: str = INSZ) -> tuple[object, ...]:
    """Everything a refused command must leave alone: the stream and the store's log head."""
    try:
        entries: tuple[object, ...] = ledger.history(insz).entries
    except AccountNotFoundError:
        entries = ()
    return entries, ledger.recorder.max_notification_id()
