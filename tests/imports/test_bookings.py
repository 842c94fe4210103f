"""Bookings in a file: reserve, confirm and cancel lines land as ``llr reserve/confirm/cancel``
do, are counted per kind, and a second import of the file changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ledger.application import Ledger
from ledger.domain.account import Account
from ledger.domain.errors import InvalidInputError
from ledger.imports.lines import problem_of
from ledger.imports.rows import Problem
from tests.imports.support import (
    EMPLOYER,
    INSZ,
    OTHER_INSZ,
    START,
    grant,
    run_import,
    stored_events,
    use,
    write_csv,
)
from tests.stores import make_ledger

BOOKED = date(2024, 10, 1)
REDEEMED = date(2024, 10, 15)
HELD_UNTIL = date(2024, 12, 31)


def reserve(insz: str, reference: str, amount: int, **extra: str) -> dict[str, str]:
    return {
        "kind": "reserve",
        "insz": insz,
        "on": BOOKED.isoformat(),
        "right": "vov-hours",
        "amount": str(amount),
        "training": "OPL-12345",
        "provider": "0403170701",
        "hold_until": HELD_UNTIL.isoformat(),
        "reference": reference,
        **extra,
    }


def confirm(insz: str, reservation: str, **extra: str) -> dict[str, str]:
    on = REDEEMED.isoformat()
    return {"kind": "confirm", "insz": insz, "on": on, "reference": reservation, **extra}


def cancel(insz: str, reservation: str, reason: str = "training cancelled") -> dict[str, str]:
    on = REDEEMED.isoformat()
    return {"kind": "cancel", "insz": insz, "on": on, "reference": reservation, "reason": reason}


BOOKINGS = [
    grant(INSZ, "G-1", 40),
    reserve(INSZ, "B-1", 10, enrolment="ENR-1"),
    reserve(INSZ, "B-2", 5),
    confirm(INSZ, "B-1", amount="8"),
    cancel(INSZ, "B-2"),
    use(INSZ, "U-1", 2, date(2024, 11, 1)),  # the account moves on past the confirm
]


def hours(ledger: Ledger, insz: str) -> tuple[int, int]:
    """Usable and reserved VOV hours at the end of the hold."""
    [vov] = [r for r in ledger.balance(insz, HELD_UNTIL).rights if r.right == "vov-hours"]
    return vov.usable // 100, vov.reserved // 100


def booking_events(ledger: Ledger) -> list[str]:
    return [
        type(e).__name__
        for e in stored_events(ledger)
        if isinstance(e, Account.Event) and "Reserv" in type(e).__name__
    ]


def test_booking_lines_reserve_confirm_and_cancel_as_the_commands_do(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bookings.csv", BOOKINGS)

    summary, rejects = run_import(ledger, path, EMPLOYER)

    assert rejects == []
    counts = summary.counts()["per_kind"]
    assert {kind: counts[kind]["applied"] for kind in ("reserve", "confirm", "cancel")} == {
        "reserve": 2,
        "confirm": 1,
        "cancel": 1,
    }
    assert hours(ledger, INSZ) == (40 - 8 - 2, 0)  # 8 of B-1 used, 2 released; B-2 released
    assert booking_events(ledger) == [
        "UnitsReserved",
        "UnitsReserved",
        "ReservationConfirmed",
        "ReservationCancelled",
    ]


def test_a_second_import_of_a_bookings_file_applies_nothing_new(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bookings.csv", BOOKINGS)
    run_import(ledger, path, EMPLOYER)
    before = len(stored_events(ledger))

    summary, rejects = run_import(ledger, path, EMPLOYER)

    assert rejects == []
    assert (summary.applied, summary.already_applied) == (0, len(BOOKINGS))
    assert (summary.events_written, len(stored_events(ledger)) - before) == (0, 2)  # the batch's


def test_a_booking_typed_at_llr_and_the_same_booking_in_a_file_are_one_entry(
    ledger: Ledger, tmp_path: Path
) -> None:
    run_import(ledger, write_csv(tmp_path / "grant.csv", [grant(INSZ, "G-1", 40)]), EMPLOYER)
    ledger.reserve(
        INSZ, "vov-hours", "10", BOOKED, "OPL-12345", "B-1", HELD_UNTIL, provider="0403170701"
    )

    summary, rejects = run_import(
        ledger, write_csv(tmp_path / "b.csv", [reserve(INSZ, "B-1", 10)]), EMPLOYER
    )

    assert (summary.already_applied, rejects) == (1, [])


def test_a_dry_run_of_a_bookings_file_checks_each_line_on_the_one_before_and_writes_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bookings.csv", BOOKINGS)

    summary, rejects = run_import(ledger, path, EMPLOYER, dry_run=True)

    assert (summary.applied, rejects) == (len(BOOKINGS), [])
    assert booking_events(ledger) == []


def test_confirming_or_cancelling_a_reservation_the_account_lacks_is_rejected_on_its_reference(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "bookings.csv",
        [grant(INSZ, "G-1", 40), confirm(INSZ, "NOPE"), cancel(INSZ, "NOPE")],
    )

    summary, rejects = run_import(ledger, path, EMPLOYER)

    assert summary.rejected == 2
    assert [(r["line"], r["field"]) for r in rejects] == [("3", "reference"), ("4", "reference")]
    assert "holds no reservation with that reference" in rejects[0]["reason"]


def test_a_cancel_line_without_a_reason_is_rejected_before_any_command_runs(
    ledger: Ledger, tmp_path: Path
) -> None:
    line = cancel(INSZ, "B-1")
    del line["reason"]
    path = write_csv(tmp_path / "bookings.csv", [grant(INSZ, "G-1", 40), line])

    summary, rejects = run_import(ledger, path, EMPLOYER)

    assert [(r["field"], r["reason"].split(":")[0]) for r in rejects] == [("reason", "missing")]
    assert summary.counts()["per_kind"]["cancel"]["rejected"] == 1


def test_two_workers_land_the_bookings_one_process_lands(database_url: str, tmp_path: Path) -> None:
    citizens = (INSZ, OTHER_INSZ)
    lines = [grant(c, f"G-{c}", 40, START) for c in citizens]
    for citizen in citizens:
        lines += [reserve(citizen, f"B-{citizen}", 10), confirm(citizen, f"B-{citizen}")]
    ledger = make_ledger(database_url)
    try:
        summary, rejects = run_import(
            ledger, write_csv(tmp_path / "b.csv", lines), EMPLOYER, workers=2
        )
        assert (summary.applied, rejects) == (len(lines), [])
        assert [hours(ledger, c) for c in citizens] == [(30, 0), (30, 0)]
    finally:
        ledger.close()


def test_a_refusal_naming_an_option_is_shown_naming_the_files_column() -> None:
    typed = [
        "--reason: a cancellation says why",
        "--hold-until 2024-10-31: a hold ends on or after the reservation's date 2024-11-01",
        "--verbose is not a column",
    ]

    shown = [problem_of(InvalidInputError(text)) for text in typed]

    assert shown == [
        Problem("reason", "reason: a cancellation says why"),
        Problem(
            "hold_until",
            "hold_until 2024-10-31: a hold ends on or after the reservation's date 2024-11-01",
        ),
        Problem("(line)", "--verbose is not a column"),
    ]
