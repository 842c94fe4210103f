"""The Ledger's commands on one citizen's account, on every backend."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.application import Ledger
from ledger.domain.command import Result
from ledger.domain.errors import AccountAlreadyOpenError
from tests.builders import (
    EMPLOYER,
    FUND,
    INSZ,
    OTHER_EMPLOYER,
    START,
    employed_by,
    event_names,
    grant_vov,
    open_employee,
    usable,
    use_vov,
)


def test_opening_an_account_applies_once_and_the_same_opening_again_exists(
    ledger: Ledger,
) -> None:
    first = ledger.open_account(INSZ, "employee", START, education="low")

    again = ledger.open_account("93.05.18-223.61", "Employee", START, education="LOW")

    assert (first.result, first.account_version, first.events) == (
        Result.APPLIED,
        1,
        ("AccountOpened",),
    )
    assert (again.result, again.account_version, again.events) == (Result.EXISTS, 1, ())
    assert event_names(ledger.history(INSZ)) == ["AccountOpened"]


@pytest.mark.parametrize(
    ("status", "on", "education"),
    [
        ("jobseeker", START, "low"),
        ("employee", date(2024, 9, 2), "low"),
        ("employee", START, "high"),
        ("employee", START, None),
    ],
    ids=["other-status", "other-date", "other-education", "no-education"],
)
def test_opening_again_with_other_facts_is_refused_without_showing_the_full_insz(
    ledger: Ledger, status: str, on: date, education: str | None
) -> None:
    ledger.open_account(INSZ, "employee", START, education="low")

    with pytest.raises(AccountAlreadyOpenError, match="already open") as refused:
        ledger.open_account(INSZ, status, on, education=education)

    assert INSZ not in str(refused.value)
    assert "93.05.18-***.**" in str(refused.value)


def test_a_grant_and_a_use_move_the_balance_and_name_the_events_they_wrote(
    ledger: Ledger,
) -> None:
    open_employee(ledger)

    granted = grant_vov(ledger, 100, "G1")
    used = use_vov(ledger, 40, "U1", date(2024, 10, 1))

    assert (granted.result, granted.account_version, granted.events) == (
        Result.APPLIED,
        2,
        ("RightGranted",),
    )
    assert (used.result, used.account_version, used.events) == (Result.APPLIED, 3, ("RightUsed",))
    [vov] = ledger.balance(INSZ).rights
    assert (vov.unit, vov.usable, vov.suspended) == ("hours", 60, 0)
    assert [(lot.grant_ref, lot.source, lot.remaining) for lot in vov.lots] == [
        ("G1", EMPLOYER, 60)
    ]


def test_a_use_draws_first_from_the_lot_that_expires_first(ledger: Ledger) -> None:
    open_employee(ledger)
    grant_vov(ledger, 50, "LATE")
    grant_vov(ledger, 30, "EARLY", expires_on=date(2025, 3, 1))

    use_vov(ledger, 40, "U1", date(2024, 10, 1))

    last = ledger.history(INSZ).entries[-1]
    assert last.details["draws"] == [[f"{EMPLOYER}/EARLY", 30], [f"{EMPLOYER}/LATE", 10]]
    [vov] = ledger.balance(INSZ).rights
    assert [(lot.grant_ref, lot.remaining) for lot in vov.lots] == [("LATE", 40)]


def test_repeating_a_grant_a_use_or_a_status_change_by_reference_changes_nothing(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    grant_vov(ledger, 100, "G1")
    use_vov(ledger, 40, "U1", date(2024, 10, 1))
    ledger.change_status(INSZ, "jobseeker", date(2024, 11, 1), EMPLOYER, "S1")
    before = ledger.history(INSZ).entries

    repeats = [
        grant_vov(ledger, 100, "G1"),
        use_vov(ledger, 40, "U1", date(2024, 10, 1)),
        ledger.change_status(INSZ, "jobseeker", date(2024, 11, 1), EMPLOYER, "S1"),
    ]

    assert [(r.result, r.events) for r in repeats] == [(Result.EXISTS, ())] * 3
    assert {r.account_version for r in repeats} == {len(before)}
    assert ledger.history(INSZ).entries == before


def test_the_same_reference_from_two_sources_makes_two_lots(ledger: Ledger) -> None:
    open_employee(ledger)
    ledger.start_employment(INSZ, employed_by(OTHER_EMPLOYER))  # a second part-time job

    ledger.grant_right(INSZ, "vov-hours", 10, START, EMPLOYER, "REF-1")
    second = ledger.grant_right(INSZ, "vov-hours", 20, START, OTHER_EMPLOYER, "REF-1")

    assert second.result is Result.APPLIED
    [vov] = ledger.balance(INSZ).rights
    assert sorted((lot.source, lot.remaining) for lot in vov.lots) == [
        (OTHER_EMPLOYER, 20),
        (EMPLOYER, 10),
    ]


def test_a_career_transition_gives_every_open_lot_exactly_one_outcome(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    grant_vov(ledger, 100, "VOV")
    ledger.grant_right(INSZ, "federal-training-days", 3, START, EMPLOYER, "FED")
    ledger.grant_right(INSZ, "sector-training-hours", 10, START, FUND, "SECTOR")

    moved = ledger.change_status(INSZ, "jobseeker", date(2024, 10, 1))

    assert moved.events == ("StatusChanged", "RightSuspended", "RightForfeited", "RightTransferred")
    assert usable(ledger, "vov-hours") == (0, 100)
    assert usable(ledger, "federal-training-days") == (0, 0)
    assert usable(ledger, "sector-training-hours") == (10, 0)
    forfeit = ledger.explain(INSZ, "federal-training-days")
    assert forfeit.totals["forfeited"] == 3 and forfeit.balanced
    assert "legal basis: [A] the federal individual training right" in forfeit.steps[-1].text


def test_returning_to_an_eligible_status_makes_a_suspended_lot_usable_again(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    grant_vov(ledger, 100, "VOV")
    ledger.change_status(INSZ, "jobseeker", date(2024, 10, 1))

    back = ledger.change_status(INSZ, "employee", date(2024, 11, 1))

    assert back.events == ("StatusChanged", "RightTransferred")
    assert usable(ledger, "vov-hours") == (100, 0)


def test_a_half_time_workers_two_and_a_half_federal_training_days_are_granted_and_used(
    ledger: Ledger,
) -> None:
    from ledger.domain.amounts import text

    ledger.open_account(INSZ, "employee", date(2024, 1, 2))
    ledger.grant_right(
        INSZ, "federal-training-days", "2.5", date(2024, 1, 3), "employer:0566988259", "HALF"
    )
    ledger.use_right(INSZ, "federal-training-days", "1.25", date(2024, 2, 1), "T", "P", "U")

    [right] = ledger.balance(INSZ).rights
    assert (right.usable, text(right.usable, right.unit)) == (125, "1.25")
