"""The Account aggregate: uses (earliest expiry first) and expiry, and every refusal of a use."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.domain.account import Account
from ledger.domain.catalogue import Catalogue, Status
from ledger.domain.command import Result
from ledger.domain.errors import (
    AmountNotPositiveError,
    CapExceededError,
    InsufficientBalanceError,
    InvalidInputError,
    NotUsableInStatusError,
    OutOfOrderError,
    ReferenceConflictError,
    UnknownRightError,
)
from ledger.domain.lots import LotState
from tests.domain.support import (
    ACTOR,
    CATALOGUE,
    EMPLOYER,
    FED_DAYS,
    FLANDERS,
    TEST_RIGHT,
    VOUCHERS,
    VOV,
    by,
    grant,
    names,
    new_account,
    refused,
    small_catalogue,
    usable,
    use,
    uses_cap,
)

SEP_2 = date(2024, 9, 2)


# --- uses ------------------------------------------------------------------------------------
def three_lots() -> tuple[Account, Catalogue]:
    """Lots of 5: 'late' expires 2025-06-01, 'early' 2025-03-01, 'never' has no expiry."""
    catalogue = small_catalogue()
    account = new_account()
    grant(account, TEST_RIGHT, 5, SEP_2, "late", expires_on=date(2025, 6, 1), catalogue=catalogue)
    grant(account, TEST_RIGHT, 5, SEP_2, "early", expires_on=date(2025, 3, 1), catalogue=catalogue)
    grant(account, TEST_RIGHT, 5, SEP_2, "never", catalogue=catalogue)
    account.collect_events()
    return account, catalogue


def test_a_use_draws_earliest_expiry_first_and_records_the_lots_it_drew_from() -> None:
    account, catalogue = three_lots()

    use(account, TEST_RIGHT, 12, date(2024, 10, 1), "u1", catalogue=catalogue)

    (used,) = account.collect_events()
    assert isinstance(used, Account.RightUsed)
    lot = f"{EMPLOYER}/{{}}".format
    assert used.draws == [[lot("early"), 5], [lot("late"), 5], [lot("never"), 2]]
    assert [x.remaining for x in account.lots.values()] == [0, 0, 3]
    assert account.totals[TEST_RIGHT].used == 12 and usable(account, TEST_RIGHT) == 3


def test_lots_with_the_same_expiry_are_drawn_oldest_grant_first() -> None:
    account = new_account()
    grant(account, VOV, 5, date(2024, 9, 3), "second")
    grant(account, VOV, 5, date(2024, 9, 4), "first-by-name-but-newer")

    use(account, VOV, 6, date(2024, 10, 1), "u1")

    used = account.collect_events()[-1]
    assert used.draws == [[f"{EMPLOYER}/second", 5], [f"{EMPLOYER}/first-by-name-but-newer", 1]]


def test_a_use_records_training_provider_and_reference() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "g1")

    use(account, VOV, 4, date(2024, 10, 1), "u1", training="T-42", provider="CVO-7")

    used = account.collect_events()[-1]
    assert (used.training, used.provider, used.reference, used.on) == (
        "T-42", "CVO-7", "u1", date(2024, 10, 1)
    )  # fmt: skip


def test_the_same_use_again_is_an_exact_repeat_and_triggers_nothing() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "g1")
    use(account, VOV, 4, date(2024, 10, 1), "u1")
    account.collect_events()

    result = use(account, VOV, 4, date(2024, 10, 1), "u1")

    assert result is Result.EXISTS
    assert account.collect_events() == []
    assert usable(account, VOV) == 6


def test_a_use_reference_used_again_for_another_training_is_a_conflict() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "g1")
    use(account, VOV, 4, date(2024, 10, 1), "u1")

    refused(
        account,
        ReferenceConflictError,
        lambda: use(account, VOV, 4, date(2024, 10, 1), "u1", training="other"),
    )


def test_a_use_beyond_the_usable_balance_is_refused_and_names_that_balance() -> None:
    account = new_account(Status.JOBSEEKER)
    grant(account, VOUCHERS, 1000, SEP_2, "g1", source=FLANDERS)  # suspended while a jobseeker
    account.change_status(CATALOGUE, Status.EMPLOYEE, date(2024, 9, 3), by())
    grant(account, VOUCHERS, 300, date(2024, 9, 4), "g2", source=FLANDERS)

    info = refused(
        account,
        InsufficientBalanceError,
        lambda: use(account, VOUCHERS, 1400, date(2024, 10, 1), "u"),
    )

    # Minor units inside (cents), euros in the message.
    assert "a use of 14 of 'training-vouchers'" in str(info.value)
    assert "usable balance of 13" in str(info.value)


def test_a_use_in_a_status_where_the_right_is_not_usable_is_refused() -> None:
    account = new_account()
    grant(account, FED_DAYS, 3, SEP_2, "d1")
    account.change_status(CATALOGUE, Status.INACTIVE, date(2024, 9, 3), by())

    info = refused(
        account, NotUsableInStatusError, lambda: use(account, FED_DAYS, 1, date(2024, 10, 1), "u")
    )

    assert "inactive" in str(info.value)


def test_a_use_beyond_the_cap_on_uses_is_refused_even_with_balance_left() -> None:
    catalogue = small_catalogue(caps=(uses_cap(10),))
    account = new_account()
    grant(account, TEST_RIGHT, 50, SEP_2, "g1", catalogue=catalogue)
    use(account, TEST_RIGHT, 8, date(2024, 10, 1), "u1", catalogue=catalogue)

    refused(
        account,
        CapExceededError,
        lambda: use(account, TEST_RIGHT, 3, date(2024, 11, 1), "u2", catalogue=catalogue),
    )


def test_the_cap_on_uses_counts_again_from_zero_in_the_next_period() -> None:
    catalogue = small_catalogue(caps=(uses_cap(10),))
    account = new_account()
    grant(account, TEST_RIGHT, 50, SEP_2, "g1", catalogue=catalogue)
    use(account, TEST_RIGHT, 10, date(2024, 12, 31), "u1", catalogue=catalogue)

    result = use(account, TEST_RIGHT, 10, date(2025, 1, 1), "u2", catalogue=catalogue)

    assert result is Result.APPLIED


@pytest.mark.parametrize("amount", [0, -1])
def test_a_use_of_no_whole_positive_amount_is_refused(amount: int) -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "g1")

    refused(account, AmountNotPositiveError, lambda: use(account, VOV, amount, SEP_2, "u"))


def test_a_use_dated_before_the_latest_fact_is_refused() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "g1")

    refused(account, OutOfOrderError, lambda: use(account, VOV, 1, date(2024, 9, 1), "u"))


def test_a_use_without_a_training_or_a_provider_is_refused() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "g1")

    refused(account, InvalidInputError, lambda: use(account, VOV, 1, SEP_2, "u", training=" "))
    refused(account, InvalidInputError, lambda: use(account, VOV, 1, SEP_2, "u", provider=""))


def test_a_use_of_an_unknown_right_is_refused() -> None:
    account = new_account()

    refused(account, UnknownRightError, lambda: use(account, "nap-hours", 1, SEP_2, "u"))


def test_a_lot_cannot_be_used_on_its_expiry_date() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "g1")

    refused(account, InsufficientBalanceError, lambda: use(account, VOV, 1, date(2025, 9, 1), "u"))


# --- expiry ----------------------------------------------------------------------------------
def test_expire_closes_every_open_lot_due_on_or_before_the_date() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "vov")  # expires 2025-09-01
    grant(account, FED_DAYS, 2, SEP_2, "fed")  # expires 2029-09-02
    use(account, VOV, 4, date(2024, 10, 1), "u1")
    account.collect_events()

    count = account.expire(date(2025, 9, 1), "batch:expiry")

    (expired,) = account.collect_events()
    assert count == 1
    assert isinstance(expired, Account.RightExpired)
    assert (expired.lot, expired.amount, expired.on) == (f"{EMPLOYER}/vov", 6, date(2025, 9, 1))
    assert (expired.actor, expired.rule_version) == ("batch:expiry", "vov-hours@2024-09-01")
    assert account.lots[f"{EMPLOYER}/vov"].state == LotState.EXPIRED
    assert account.totals[VOV].expired == 6 and usable(account, VOV) == 0
    assert usable(account, FED_DAYS) == 2


def test_expire_the_day_before_the_expiry_date_changes_nothing() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "vov")
    account.collect_events()

    count = account.expire(date(2025, 8, 31), ACTOR)

    assert count == 0
    assert account.collect_events() == []


def test_expire_does_not_expire_the_same_lot_twice() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "vov")
    account.expire(date(2025, 9, 1), ACTOR)
    account.collect_events()

    count = account.expire(date(2026, 1, 1), ACTOR)

    assert count == 0
    assert account.collect_events() == []


def test_a_suspended_lot_expires_too() -> None:
    account = new_account(Status.JOBSEEKER)
    grant(account, VOUCHERS, 1000, SEP_2, "cheque", source=FLANDERS)  # suspended
    account.collect_events()

    account.expire(date(2025, 11, 2), ACTOR)  # 14 months after the grant

    assert account.totals[VOUCHERS].expired == 1000
    assert account.totals[VOUCHERS].suspended == 0


def test_a_command_first_expires_what_is_due_on_its_date() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "old")
    account.collect_events()

    grant(account, VOV, 20, date(2025, 9, 1), "new")

    expired, granted = account.collect_events()
    assert names([expired, granted]) == ["RightExpired", "RightGranted"]
    assert expired.lot == f"{EMPLOYER}/old" and expired.on == date(2025, 9, 1)
    assert granted.rule_version == "vov-hours@2025-09-01+c1"
    assert usable(account, VOV) == 20


def test_a_use_expires_what_is_due_before_it_draws() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "vov")
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    account.collect_events()

    use(account, FED_DAYS, 1, date(2025, 9, 1), "u1", training="t", provider="p")

    assert names(account.collect_events()) == ["RightExpired", "RightUsed"]
