"""The test citizens, sources, rights and dates, and the small helpers that write for them.

One home for what several test areas share: import from here, never from a ``conftest.py``
(those hold fixtures only). Every helper that writes goes through the ``Ledger``'s public
commands (or, for ``citizen``, through the aggregate's own commands), so a test that uses one
still tests the code. Stores, settings and ledgers for a database URL are in
``tests.stores``; the ``llr`` command bound to a test's environment is in ``tests.llr``.
"""

from __future__ import annotations

from datetime import date, datetime

from ledger.application import Ledger
from ledger.domain.account import Account
from ledger.domain.career import Employment
from ledger.domain.catalogue import Education, Status
from ledger.domain.command import Provenance
from ledger.domain.errors import AccountNotFoundError
from ledger.domain.facts import FactKind
from ledger.domain.identifiers import parse_insz
from ledger.parsing import employment_of
from ledger.results import CommandOutcome, HistoryReport

# ------------------------------------------------------------------------------- citizens
INSZ = "93051822361"  # born 1993-05-18
INSZ_SHOWN = "93.05.18-223.61"  # how the CLI writes it
OTHER_INSZ = "85073003328"  # born 1985-07-30
LOW = INSZ  # the projections' citizen with education low
HIGH = OTHER_INSZ  # the projections' citizen with education high


def insz_born(yymmdd: str, serial: int = 1) -> str:
    """A valid INSZ of someone born on that day before 2000."""
    first_nine = f"{yymmdd}{serial:03d}"
    return first_nine + f"{97 - int(first_nine) % 97:02d}"


def insz_number(serial: int) -> str:
    """A valid INSZ of someone born on 1 January 1980 (serials 1 to 997)."""
    return insz_born("800101", serial)


def insz_of_crowd(n: int) -> str:
    """A valid INSZ for citizen number ``n`` of a crowd (born 1960-1999)."""
    first9 = f"{60 + n % 40:02d}{1 + n % 12:02d}{1 + n % 28:02d}{100 + n % 800:03d}"
    return parse_insz(f"{first9}{97 - int(first9) % 97:02d}").value


# -------------------------------------------------------------------------------- sources
EMPLOYER = "employer:0566988259"
OTHER_EMPLOYER = "employer:0403170701"
FUND = "sector-fund:cevora"
FLANDERS = "flemish-government"
FEDERAL = "federal-government"

# --------------------------------------------------------------------------------- rights
VOV = "vov-hours"
FED_DAYS = "federal-training-days"
VOUCHERS = "training-vouchers"
CAREER = "career-vouchers"
SECTOR = "sector-training-hours"

# ---------------------------------------------------------------------------------- dates
START = date(2024, 9, 1)  # first day of school year 2024-25
VOV_END = date(2025, 9, 1)  # first day a VOV lot granted in 2024-25 is no longer usable


# ----------------------------------------------------------------- commands on a Ledger
def open_employee(ledger: Ledger, insz: str = INSZ, on: date = START) -> CommandOutcome:
    """An employee of EMPLOYER, in joint committee 200 (which Cevora serves)."""
    return ledger.open_account(insz, "employee", on, employment=employed_by(EMPLOYER, on))


def employed_by(
    source: str, on: date = START, fte: str | None = None, joint_committee: str = "200"
) -> Employment:
    return employment_of(source.removeprefix("employer:"), on, fte, joint_committee)


def grant_vov(
    ledger: Ledger,
    hours: int,
    reference: str,
    on: date = START,
    insz: str = INSZ,
    expires_on: date | None = None,
) -> CommandOutcome:
    return ledger.grant_right(insz, VOV, hours, on, EMPLOYER, reference, expires_on)


def use_vov(
    ledger: Ledger, hours: int, reference: str, on: date, insz: str = INSZ
) -> CommandOutcome:
    return ledger.use_right(insz, VOV, hours, on, "TRAINING-1", "PROVIDER-1", reference)


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


# ------------------------------------------------------------------- histories to replay
def imported(actor: str, source: str, reference: str, batch: str, line: int) -> Provenance:
    return Provenance(actor, source, reference, batch, line)


def script_history(ledger: Ledger) -> dict[str, int]:
    """Two citizens, every kind of event; returns the versions tests refer to.

    LOW (education low): grants of three rights, a use, a move to jobseeker (the training
    leave and vouchers are suspended, the federal days forfeited), back to employee (both
    carried), a use and its reversal, the expiry of the training leave, and the reversal
    of the forfeit. HIGH (education high): a POP made on the opening day (without one, a
    high-qualified citizen gets no training vouchers from 2019-09-01+c2), then a grant and
    a use that came in an import batch.
    """
    ledger.open_account(LOW, "employee", date(2024, 9, 1), "low")
    ledger.grant_right(LOW, VOV, 100, date(2024, 9, 2), EMPLOYER, "G1")
    ledger.grant_right(LOW, VOUCHERS, 25000, date(2024, 9, 2), FLANDERS, "V1")
    ledger.grant_right(LOW, FED_DAYS, 2, date(2024, 9, 2), EMPLOYER, "F1")
    ledger.use_right(LOW, VOV, 30, date(2024, 10, 1), "T1", "P1", "U1")
    moved = ledger.change_status(LOW, "jobseeker", date(2024, 11, 1))
    ledger.change_status(LOW, "employee", date(2025, 1, 6))
    used = ledger.use_right(LOW, VOV, 20, date(2025, 2, 1), "T2", "P1", "U2")
    ledger.reverse_entry(LOW, used.account_version, "entered twice", date(2025, 2, 2))
    ledger.expire_all(date(2025, 9, 1))
    forfeit = moved.account_version - len(moved.events) + 1 + moved.events.index("RightForfeited")
    ledger.reverse_entry(LOW, forfeit, "kept by the employer's plan", date(2025, 9, 2))

    ledger.open_account(HIGH, "employee", date(2024, 9, 1), "high")
    ledger.record_fact(HIGH, "pop", None, date(2024, 9, 1))
    ledger.on_account(HIGH, lambda a: a.grant(
        ledger.catalogue, VOV, 100, date(2024, 9, 2), None,
        imported("import:B-2024", EMPLOYER, "G1", "B-2024", 7),
    ))  # fmt: skip
    ledger.on_account(HIGH, lambda a: a.use(
        ledger.catalogue, VOV, 100, date(2024, 12, 1), "T9", "P9",
        imported("import:B-2024", EMPLOYER, "U1", "B-2024", 8),
    ))  # fmt: skip
    return {"use_reversed": used.account_version, "forfeit": forfeit}


def crowd(ledger: Ledger, citizens: int, start: int = 0) -> None:
    """Citizens with a few grants and uses each, saved in one go (about 8 events each)."""
    accounts = [citizen(ledger, insz_of_crowd(n)) for n in range(start, start + citizens)]
    ledger.save(*accounts)


def citizen(ledger: Ledger, insz: str) -> Account:
    """One crowd citizen: two school years of VOV hours and vouchers, then self-employed.

    A high-qualified citizen gets training vouchers only with a POP made in the 6 years
    before the grant (training-vouchers@2020-09-01): theirs is made on the opening day."""
    cat, staff = ledger.catalogue, Provenance("test:staff")
    education = [Education.LOW, Education.MEDIUM, Education.HIGH][int(insz[5]) % 3]
    account = Account.open(
        ledger.account_id_for(insz), insz, Status.EMPLOYEE, date(2024, 9, 1), education, staff,
    )  # fmt: skip
    if education is Education.HIGH:
        account.record_fact(FactKind.POP, None, date(2024, 9, 1), None, staff)
    for year in (2024, 2025):
        day = date(year, 9, 2)
        account.grant(cat, VOV, 60, day, None, imported("t", EMPLOYER, f"G{year}", f"b{year}", 3))
        account.grant(cat, VOUCHERS, 12500, day, None, Provenance("t", FLANDERS, f"V{year}"))
        account.use(cat, VOV, 20, date(year, 10, 1), "T", "P", Provenance("t", None, f"U{year}"))
    account.change_status(cat, Status.SELF_EMPLOYED, date(2025, 11, 1), staff)
    return account
