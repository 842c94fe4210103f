"""Corrections are new events: reversals through the application, and what history shows."""

from __future__ import annotations

from datetime import date, timedelta

from ledger.application import Ledger
from ledger.domain.command import Result
from tests.builders import (
    EMPLOYER,
    INSZ,
    START,
    event_names,
    grant_vov,
    open_employee,
    usable,
    use_vov,
)


def test_reversing_a_use_gives_its_units_back_and_records_why(ledger: Ledger) -> None:
    open_employee(ledger)
    grant_vov(ledger, 100, "G1")
    use_vov(ledger, 40, "U1", date(2024, 10, 1))

    reversed_ = ledger.reverse_entry(INSZ, 3, "wrong citizen", on=date(2024, 10, 2))

    assert (reversed_.result, reversed_.events) == (Result.APPLIED, ("EntryReversed",))
    assert usable(ledger, "vov-hours") == (100, 0)
    last = ledger.history(INSZ).entries[-1]
    assert (last.event, last.on, last.amount) == ("EntryReversed", date(2024, 10, 2), 40)
    assert last.details["entry"] == 3 and last.details["reason"] == "wrong citizen"
    explanation = ledger.explain(INSZ, "vov-hours")
    assert explanation.totals["used"] == 0 and explanation.balanced


def test_a_grant_can_be_reversed_once_its_uses_are(ledger: Ledger) -> None:
    open_employee(ledger)
    grant_vov(ledger, 100, "G1")
    use_vov(ledger, 40, "U1", date(2024, 10, 1))
    ledger.reverse_entry(INSZ, 3, "training cancelled", on=date(2024, 10, 2))

    ledger.reverse_entry(INSZ, 2, "granted by mistake", on=date(2024, 10, 2))

    assert usable(ledger, "vov-hours") == (0, 0)
    assert ledger.explain(INSZ, "vov-hours").totals["granted"] == 0
    assert event_names(ledger.history(INSZ))[-2:] == ["EntryReversed", "EntryReversed"]


def test_a_reversal_without_a_date_takes_effect_today(ledger: Ledger, fixed_today: date) -> None:
    month_ago = fixed_today - timedelta(days=30)
    open_employee(ledger, on=month_ago)
    ledger.grant_right(INSZ, "federal-training-days", 2, month_ago, EMPLOYER, "FED")

    ledger.reverse_entry(INSZ, 2, "sent twice")

    assert ledger.history(INSZ).entries[-1].on == fixed_today


def test_history_lists_every_event_with_who_wrote_it_and_the_balance_after_it(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    grant_vov(ledger, 100, "G1")
    use_vov(ledger, 40, "U1", date(2024, 10, 1))
    ledger.change_status(INSZ, "jobseeker", date(2024, 11, 1))

    entries = ledger.history(INSZ).entries

    assert [(e.event_id, e.event, e.on) for e in entries] == [
        (1, "AccountOpened", START),
        (2, "RightGranted", START),
        (3, "RightUsed", date(2024, 10, 1)),
        (4, "StatusChanged", date(2024, 11, 1)),
        (5, "RightSuspended", date(2024, 11, 1)),
    ]
    assert {e.actor for e in entries} == {"test:staff"}
    assert [e.reference for e in entries[1:3]] == ["G1", "U1"]
    assert [e.balance_after.get("vov-hours") for e in entries] == [
        None,
        {"usable": 100, "suspended": 0, "reserved": 0},
        {"usable": 60, "suspended": 0, "reserved": 0},
        {"usable": 60, "suspended": 0, "reserved": 0},
        {"usable": 0, "suspended": 60, "reserved": 0},
    ]
    assert all(e.recorded_at.tzinfo is not None for e in entries)


def test_explain_follows_one_right_step_by_step_and_adds_up(ledger: Ledger) -> None:
    open_employee(ledger)
    grant_vov(ledger, 100, "G1")
    ledger.grant_right(INSZ, "federal-training-days", 3, START, EMPLOYER, "FED")
    use_vov(ledger, 40, "U1", date(2024, 10, 1))

    explanation = ledger.explain(INSZ, "vov-hours")

    assert [(s.event_id, s.event) for s in explanation.steps] == [
        (2, "RightGranted"),
        (4, "RightUsed"),
    ]
    assert (
        "granted 1 hours by employer:0566988259 (ref G1)"
    )  # 100 hundredths in explanation.steps[0].text
    assert explanation.totals == {
        "granted": 100,
        "used": 40,
        "expired": 0,
        "forfeited": 0,
        "usable": 60,
        "suspended": 0,
        "reserved": 0,
    }
    assert explanation.balanced
