"""Career transitions: every open lot gets exactly one outcome from the catalogue's policy."""

from __future__ import annotations

from datetime import date

from ledger.domain.account import Account
from ledger.domain.catalogue import Status
from ledger.domain.command import Result
from ledger.domain.errors import OutOfOrderError, ReferenceConflictError, StatusUnchangedError
from ledger.domain.lots import LotState
from tests.domain.support import (
    CATALOGUE,
    CEVORA,
    EMPLOYER,
    FED_DAYS,
    SECTOR,
    VOV,
    balanced,
    by,
    change,
    grant,
    names,
    new_account,
    refused,
    suspended,
    usable,
    use,
)

JAN_2025 = date(2025, 1, 6)


def employee_with_three_rights() -> Account:
    """VOV 40 h (suspended as jobseeker), 5 federal days (forfeited), 16 sector hours (carried)."""
    account = new_account()
    grant(account, VOV, 40, date(2024, 9, 2), "vov")
    grant(account, FED_DAYS, 5, date(2024, 9, 2), "fed")
    grant(account, SECTOR, 16, date(2024, 9, 2), "sector", source=CEVORA)
    use(account, VOV, 10, date(2024, 10, 1), "u1")
    account.collect_events()
    return account


def test_becoming_a_jobseeker_carries_suspends_or_forfeits_each_open_lot() -> None:
    account = employee_with_three_rights()

    result = change(account, Status.JOBSEEKER, JAN_2025)

    events = account.collect_events()
    assert result is Result.APPLIED
    assert names(events) == [
        "StatusChanged",
        "RightSuspended",
        "RightForfeited",
        "RightTransferred",
    ]
    changed, vov, fed, sector = events
    assert (changed.from_status, changed.to_status, changed.on) == (
        "employee",
        "jobseeker",
        JAN_2025,
    )
    assert (vov.lot, vov.amount, vov.status) == (f"{EMPLOYER}/vov", 30, "jobseeker")
    assert "private-sector employment" in vov.legal_basis
    assert (fed.lot, fed.amount, fed.rule_version) == (
        f"{EMPLOYER}/fed", 5, "federal-training-days@2024-01-01+c1"
    )  # fmt: skip
    assert "law of 3 Oct 2022" in fed.legal_basis
    assert (sector.lot, sector.amount) == (f"{CEVORA}/sector", 16)
    assert (sector.from_status, sector.to_status) == ("employee", "jobseeker")
    assert account.status == "jobseeker"


def test_a_transition_keeps_the_balance_except_for_what_it_forfeits() -> None:
    account = employee_with_three_rights()
    before = {r: usable(account, r) + suspended(account, r) for r in (VOV, FED_DAYS, SECTOR)}

    change(account, Status.JOBSEEKER, JAN_2025)

    forfeited = {r: 0 for r in before}
    for event in account.collect_events():
        if isinstance(event, Account.RightForfeited):
            forfeited[event.right] += event.amount
    for right, held in before.items():
        assert held == usable(account, right) + suspended(account, right) + forfeited[right]
        assert balanced(account.totals[right])
    assert (usable(account, VOV), suspended(account, VOV)) == (0, 30)
    assert account.totals[FED_DAYS].forfeited == 5
    assert usable(account, SECTOR) == 16


def test_returning_to_work_makes_the_suspended_lots_usable_again() -> None:
    account = employee_with_three_rights()
    change(account, Status.JOBSEEKER, JAN_2025)
    account.collect_events()

    change(account, Status.EMPLOYEE, date(2025, 3, 3))

    events = account.collect_events()
    assert names(events) == ["StatusChanged", "RightTransferred", "RightTransferred"]
    vov = events[1]
    assert (vov.lot, vov.amount, vov.from_status, vov.to_status) == (
        f"{EMPLOYER}/vov", 30, "jobseeker", "employee"
    )  # fmt: skip
    assert (usable(account, VOV), suspended(account, VOV)) == (30, 0)
    assert account.lots[f"{EMPLOYER}/fed"].state == LotState.FORFEITED
    assert usable(account, FED_DAYS) == 0


def test_a_move_between_two_statuses_that_suspend_suspends_again() -> None:
    account = employee_with_three_rights()
    change(account, Status.JOBSEEKER, JAN_2025)
    account.collect_events()

    change(account, Status.SELF_EMPLOYED, date(2025, 3, 3))

    events = account.collect_events()
    assert names(events) == ["StatusChanged", "RightSuspended", "RightSuspended"]
    assert [(e.right, e.status) for e in events[1:]] == [
        (VOV, "self-employed"),
        (SECTOR, "self-employed"),
    ]
    assert (suspended(account, VOV), suspended(account, SECTOR)) == (30, 16)


def test_a_lot_that_is_used_up_gets_no_outcome() -> None:
    account = new_account()
    grant(account, VOV, 10, date(2024, 9, 2), "vov")
    use(account, VOV, 10, date(2024, 10, 1), "u1")
    account.collect_events()

    change(account, Status.JOBSEEKER, JAN_2025)

    assert names(account.collect_events()) == ["StatusChanged"]


def test_a_transition_first_expires_the_lots_due_on_its_date() -> None:
    account = new_account()
    grant(account, VOV, 10, date(2024, 9, 2), "vov")
    grant(account, FED_DAYS, 2, date(2024, 9, 2), "fed")
    account.collect_events()

    change(account, Status.JOBSEEKER, date(2025, 9, 1))

    events = account.collect_events()
    assert names(events) == ["RightExpired", "StatusChanged", "RightForfeited"]
    assert events[0].lot == f"{EMPLOYER}/vov" and events[2].lot == f"{EMPLOYER}/fed"
    assert account.totals[VOV].expired == 10 and suspended(account, VOV) == 0


def test_a_transition_to_the_current_status_is_refused() -> None:
    account = employee_with_three_rights()

    info = refused(
        account, StatusUnchangedError, lambda: change(account, Status.EMPLOYEE, JAN_2025)
    )

    assert "already employee" in str(info.value)


def test_a_transition_dated_before_the_latest_fact_is_refused() -> None:
    account = employee_with_three_rights()

    refused(account, OutOfOrderError, lambda: change(account, Status.JOBSEEKER, date(2024, 9, 30)))


def test_the_same_transition_with_its_reference_again_is_an_exact_repeat() -> None:
    account = employee_with_three_rights()
    account.change_status(CATALOGUE, Status.JOBSEEKER, JAN_2025, by(EMPLOYER, "c4-17"))
    account.collect_events()

    result = account.change_status(CATALOGUE, Status.JOBSEEKER, JAN_2025, by(EMPLOYER, "c4-17"))

    assert result is Result.EXISTS
    assert account.collect_events() == []


def test_a_transition_reference_used_again_for_another_status_is_a_conflict() -> None:
    account = employee_with_three_rights()
    account.change_status(CATALOGUE, Status.JOBSEEKER, JAN_2025, by(EMPLOYER, "c4-17"))

    refused(
        account,
        ReferenceConflictError,
        lambda: account.change_status(
            CATALOGUE, Status.INACTIVE, date(2025, 2, 3), by(EMPLOYER, "c4-17")
        ),
    )


def test_a_carried_lot_keeps_its_units_and_its_expiry() -> None:
    account = employee_with_three_rights()
    lot_before = account.lots[f"{CEVORA}/sector"]
    remaining, expires_on = lot_before.remaining, lot_before.expires_on

    change(account, Status.JOBSEEKER, JAN_2025)

    lot = account.lots[f"{CEVORA}/sector"]
    assert (lot.remaining, lot.expires_on, lot.state) == (remaining, expires_on, LotState.USABLE)
