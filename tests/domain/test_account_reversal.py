"""Corrections: reversing a grant, a use or a forfeit, and what cannot be reversed."""

from __future__ import annotations

from datetime import date

from ledger.domain.account import Account
from ledger.domain.catalogue import Status
from ledger.domain.command import Result
from ledger.domain.errors import (
    AlreadyReversedError,
    EntryNotFoundError,
    InvalidInputError,
    NotReversibleError,
    OutOfOrderError,
)
from ledger.domain.lots import LotState
from tests.domain.support import (
    ACTOR,
    CATALOGUE,
    EMPLOYER,
    FED_DAYS,
    TEST_RIGHT,
    VOV,
    balanced,
    change,
    grant,
    new_account,
    refused,
    small_catalogue,
    suspended,
    usable,
    use,
    uses_cap,
)

SEP_2 = date(2024, 9, 2)
LATER = date(2024, 12, 2)


def reverse(account: Account, version: int, on: date = LATER, reason: str = "sent twice") -> Result:
    return account.reverse(CATALOGUE, version, reason, on, ACTOR)


def last_version(account: Account) -> int:
    return account.collect_events()[-1].originator_version


def test_reversing_a_grant_takes_its_whole_lot_back() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    granted = last_version(account)

    reverse(account, granted)

    (reversed_,) = account.collect_events()
    assert isinstance(reversed_, Account.EntryReversed)
    assert (reversed_.entry, reversed_.entry_event, reversed_.amount) == (
        granted,
        "RightGranted",
        5,
    )
    assert reversed_.restores == [[f"{EMPLOYER}/fed", -5, "reversed"]]
    assert reversed_.reason == "sent twice"
    assert account.lots[f"{EMPLOYER}/fed"].state == LotState.REVERSED
    assert account.totals[FED_DAYS].granted == 0 and usable(account, FED_DAYS) == 0
    assert balanced(account.totals[FED_DAYS])


def test_a_reversed_grant_no_longer_counts_toward_the_cap() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    reverse(account, last_version(account))

    result = grant(account, FED_DAYS, 5, LATER, "fed-corrected")

    assert result is Result.APPLIED


def test_the_grant_of_a_reversed_grant_sent_again_stays_reversed() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    reverse(account, last_version(account))
    account.collect_events()

    result = grant(account, FED_DAYS, 5, SEP_2, "fed")

    assert result is Result.EXISTS
    assert account.collect_events() == [] and usable(account, FED_DAYS) == 0


def test_reversing_a_use_gives_the_units_back_to_the_lots_it_drew_from() -> None:
    account = new_account()
    grant(account, VOV, 5, SEP_2, "a", expires_on=date(2025, 3, 1))
    grant(account, VOV, 5, SEP_2, "b")
    use(account, VOV, 7, date(2024, 10, 1), "u1")
    used = last_version(account)

    reverse(account, used)

    (reversed_,) = account.collect_events()
    assert reversed_.entry_event == "RightUsed" and reversed_.amount == 7
    assert reversed_.restores == [[f"{EMPLOYER}/a", 5, "usable"], [f"{EMPLOYER}/b", 2, "usable"]]
    assert [lot.remaining for lot in account.lots.values()] == [5, 5]
    assert account.totals[VOV].used == 0 and usable(account, VOV) == 10


def test_a_reversed_use_no_longer_counts_toward_the_cap_on_uses() -> None:
    catalogue = small_catalogue(caps=(uses_cap(10),))
    account = new_account()
    grant(account, TEST_RIGHT, 30, SEP_2, "g", catalogue=catalogue)
    use(account, TEST_RIGHT, 10, date(2024, 10, 1), "u1", catalogue=catalogue)
    account.reverse(catalogue, last_version(account), "no show", LATER, ACTOR)

    result = use(account, TEST_RIGHT, 10, LATER, "u2", catalogue=catalogue)

    assert result is Result.APPLIED


def test_units_of_a_reversed_use_come_back_suspended_while_the_right_is_suspended() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "vov")
    use(account, VOV, 10, date(2024, 10, 1), "u1")  # the lot is used up: no outcome below
    used = last_version(account)
    change(account, Status.JOBSEEKER, date(2024, 11, 4))

    reverse(account, used)

    assert (usable(account, VOV), suspended(account, VOV)) == (0, 10)
    assert account.lots[f"{EMPLOYER}/vov"].state == LotState.SUSPENDED
    assert balanced(account.totals[VOV])


def test_units_of_a_reversed_use_come_back_suspended_in_a_status_that_forfeits_them() -> None:
    account = new_account()
    grant(account, FED_DAYS, 3, SEP_2, "fed")
    use(account, FED_DAYS, 3, date(2024, 10, 1), "u1")
    used = last_version(account)
    change(account, Status.JOBSEEKER, date(2024, 11, 4))

    reverse(account, used)

    assert (usable(account, FED_DAYS), suspended(account, FED_DAYS)) == (0, 3)


def test_reversing_a_forfeit_after_the_return_to_work_makes_the_lot_usable() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    change(account, Status.JOBSEEKER, date(2024, 11, 4))
    forfeit = last_version(account)
    change(account, Status.EMPLOYEE, date(2024, 11, 18))
    account.collect_events()

    reverse(account, forfeit, reason="the transition was a temporary layoff")

    (reversed_,) = account.collect_events()
    assert reversed_.entry_event == "RightForfeited"
    assert reversed_.restores == [[f"{EMPLOYER}/fed", 5, "usable"]]
    assert account.totals[FED_DAYS].forfeited == 0 and usable(account, FED_DAYS) == 5
    assert balanced(account.totals[FED_DAYS])


def test_reversing_a_forfeit_while_still_out_of_work_keeps_the_lot_suspended() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    change(account, Status.JOBSEEKER, date(2024, 11, 4))

    reverse(account, last_version(account))

    assert (usable(account, FED_DAYS), suspended(account, FED_DAYS)) == (0, 5)


def test_a_grant_that_was_drawn_from_cannot_be_reversed_before_its_uses() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "vov")
    granted = last_version(account)
    use(account, VOV, 1, date(2024, 10, 1), "u1")

    info = refused(account, NotReversibleError, lambda: reverse(account, granted))

    assert "reverse its uses first" in str(info.value)


def test_a_grant_whose_lot_expired_cannot_be_reversed() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "vov")
    granted = last_version(account)

    refused(account, NotReversibleError, lambda: reverse(account, granted, on=date(2025, 9, 1)))


def test_a_use_whose_lot_has_expired_cannot_be_reversed() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "vov")
    use(account, VOV, 4, date(2024, 10, 1), "u1")
    used = last_version(account)
    account.expire(date(2025, 9, 1), ACTOR)

    refused(account, NotReversibleError, lambda: reverse(account, used, on=date(2025, 9, 2)))


def test_a_use_whose_lot_was_forfeited_cannot_be_reversed() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    use(account, FED_DAYS, 2, date(2024, 10, 1), "u1")
    used = last_version(account)
    change(account, Status.JOBSEEKER, date(2024, 11, 4))

    refused(account, NotReversibleError, lambda: reverse(account, used))


def test_a_forfeit_of_a_lot_that_has_reached_its_expiry_cannot_be_reversed() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed", expires_on=date(2024, 12, 1))
    change(account, Status.JOBSEEKER, date(2024, 11, 4))
    forfeit = last_version(account)

    refused(account, NotReversibleError, lambda: reverse(account, forfeit))


def test_events_other_than_grants_uses_and_forfeits_cannot_be_reversed() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    reverse(account, last_version(account))
    reversal = last_version(account)
    change(account, Status.JOBSEEKER, date(2024, 12, 9))
    status_change = last_version(account)

    for version in (1, reversal, status_change):
        info = refused(account, NotReversibleError, lambda v=version: reverse(account, v, LATER))
        assert f"event {version} is not a grant, use or forfeit" in str(info.value)


def test_an_entry_cannot_be_reversed_twice() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    granted = last_version(account)
    reverse(account, granted)

    refused(account, AlreadyReversedError, lambda: reverse(account, granted))


def test_reversing_an_event_the_account_does_not_have_is_refused() -> None:
    account = new_account()

    info = refused(account, EntryNotFoundError, lambda: reverse(account, 99))

    assert "event 99" in str(info.value)


def test_a_reversal_needs_a_reason() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    granted = last_version(account)

    refused(account, InvalidInputError, lambda: reverse(account, granted, reason="  "))


def test_a_reversal_dated_before_the_latest_fact_is_refused() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    granted = last_version(account)

    refused(account, OutOfOrderError, lambda: reverse(account, granted, on=date(2024, 9, 1)))
