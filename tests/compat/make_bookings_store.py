"""Write the bookings fixture: a SQLite store written by commit 757b855, main before bookings
(Account class_version 5: no ``reservations``, no ``Lot.held``, no ``RightTotals.reserved``),
with ``answers.json`` holding its balances as that code read them.

One account ("long") has more than 100 events, so the store holds a snapshot of it taken
by that code, at class_version 5: grants of VOV hours, training vouchers and federal training
days from two employers and the Flemish government, eligibility facts (education, work
experience), many uses, the end of one employment (its federal days forfeited), and expiries
(each school year's VOV hours at its end; training vouchers past their 14 months by an expiry
run). A second account
("situation") starts a side activity beside its employment: its training vouchers are
transferred to the new statuses.
The tests in ``test_bookings_store.py`` open a copy with today's code: the snapshot upcasts
to the state a replay gives, the balances are the same, the store audits clean, and the old
account takes a reservation and its confirmation.

Rerun only to write a new fixture, from a checkout of the commit that should write it
(757b855 for this one), with this file copied into its ``tests/compat/``::

    python -m tests.compat.make_bookings_store OUT_DIR
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cli.main import cli
from ledger.application import Ledger
from ledger.parsing import employment_of
from tests.compat.answers import environment, open_ledger

AS_OF = date(2025, 12, 31)
EMPLOYER = "employer:0566988259"
SECOND_EMPLOYER = "employer:0202239951"
FLANDERS = "flemish-government"
PROVIDER = "0403170701"
CITIZENS = {"long": "90021415865", "situation": "01110308747"}
RIGHTS = ("vov-hours", "federal-training-days", "training-vouchers")
USES_PER_YEAR = 30  # three school years of one-hour uses: the long account passes 100 events


def kbo(source: str) -> str:
    return source.removeprefix("employer:")


def balances(ledger: Ledger) -> dict[str, Any]:
    """Per citizen and right: usable and suspended, and each lot's version and remaining."""
    found: dict[str, Any] = {}
    for name, insz in CITIZENS.items():
        report = ledger.balance(insz, as_of=AS_OF, reason="compat")
        found[name] = {
            b.right: {
                "usable": b.usable,
                "suspended": b.suspended,
                "lots": sorted([lot.lot, lot.rule_version, lot.remaining] for lot in b.lots),
            }
            for b in report.rights
        }
    return found


def hourly_uses(ledger: Ledger, insz: str, first: date, year: int) -> None:
    """One hour of VOV a week from ``first``, each its own use (and event)."""
    for n in range(USES_PER_YEAR):
        on = first + timedelta(weeks=n)
        ledger.use_right(insz, "vov-hours", "1", on, f"T-{year}-{n}", PROVIDER, f"U-{year}-{n}")


def long_account(ledger: Ledger) -> None:
    """The account of more than 100 events: the old code snapshots it at event 100."""
    insz = CITIZENS["long"]
    start = date(2021, 1, 4)
    ledger.open_account(
        insz, "employee", start, "low", employment=employment_of(kbo(EMPLOYER), start)
    )
    ledger.record_fact(
        insz, "work-experience", "6", date(2021, 3, 1), source=FLANDERS, reference="F-WE"
    )
    ledger.grant_right(insz, "vov-hours", "100", date(2021, 9, 6), EMPLOYER, "VOV-2021")
    hourly_uses(ledger, insz, date(2021, 10, 4), 2021)
    ledger.record_fact(
        insz, "education", "medium", date(2022, 7, 1), source=FLANDERS, reference="F-ED"
    )
    ledger.grant_right(insz, "vov-hours", "100", date(2022, 9, 5), EMPLOYER, "VOV-2022")
    hourly_uses(ledger, insz, date(2022, 10, 3), 2022)
    second = date(2023, 5, 2)
    ledger.start_employment(
        insz, employment_of(kbo(SECOND_EMPLOYER), second, "0.2"), SECOND_EMPLOYER, "E-2"
    )
    ledger.grant_right(insz, "training-vouchers", "250", date(2023, 9, 4), FLANDERS, "TV-1")
    ledger.grant_right(insz, "vov-hours", "100", date(2023, 9, 4), EMPLOYER, "VOV-2023")
    ledger.use_right(insz, "training-vouchers", "100", date(2023, 10, 2), "T-TV", PROVIDER, "U-TV")
    ledger.grant_right(insz, "federal-training-days", "4", date(2024, 1, 15), EMPLOYER, "F-A")
    ledger.grant_right(
        insz, "federal-training-days", "1", date(2024, 1, 15), SECOND_EMPLOYER, "F-B"
    )
    hourly_uses(ledger, insz, date(2024, 1, 22), 2023)
    ledger.use_right(
        insz, "federal-training-days", "1", date(2024, 9, 2), "T-F", PROVIDER, "U-F",
        employer=kbo(EMPLOYER),
    )  # fmt: skip


def situation_account(ledger: Ledger) -> None:
    insz = CITIZENS["situation"]
    start = date(2023, 9, 1)
    ledger.open_account(
        insz, "employee", start, "medium", employment=employment_of(kbo(EMPLOYER), start)
    )
    ledger.grant_right(insz, "vov-hours", "20", date(2024, 9, 2), EMPLOYER, "VOV-S")


def later(ledger: Ledger) -> None:
    """After the expiry run: one employment ends, one situation starts, new grants."""
    long, situation = CITIZENS["long"], CITIZENS["situation"]
    ledger.end_employment(
        long, kbo(SECOND_EMPLOYER), date(2024, 12, 2), "resignation", SECOND_EMPLOYER, "E-2-END"
    )
    ledger.grant_right(situation, "training-vouchers", "125", date(2025, 1, 6), FLANDERS, "TV-S")
    ledger.change_situation(situation, "self-employed-side", date(2025, 2, 3), True, None, "S-1")
    ledger.grant_right(situation, "vov-hours", "20", date(2025, 9, 8), EMPLOYER, "VOV-S2")
    ledger.grant_right(long, "vov-hours", "40", date(2025, 9, 8), EMPLOYER, "VOV-2025")
    ledger.use_right(long, "vov-hours", "8", date(2025, 10, 6), "T-2025", PROVIDER, "U-2025")


def write(ledger: Ledger) -> None:
    long_account(ledger)
    situation_account(ledger)
    ledger.expire_all(date(2024, 11, 15))
    later(ledger)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    database = out / "llr.sqlite3"
    database.unlink(missing_ok=True)
    env = {**environment(database), "LLR_ROLE": "admin"}
    result = CliRunner().invoke(cli, ["init"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    ledger = open_ledger(database)
    try:
        write(ledger)
        answers = balances(ledger)
    finally:
        ledger.close()
    env = {**environment(database), "LLR_ROLE": "auditor"}
    result = CliRunner().invoke(cli, ["audit", "verify"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(database) as connection:
        connection.execute("VACUUM")
    (out / "answers.json").write_text(json.dumps(answers, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
