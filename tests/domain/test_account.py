"""The Account aggregate: opening and grants, and every refusal of a grant.

Uses and expiry are in ``test_account_uses.py``, status changes in ``test_account_status.py``,
reversals in ``test_account_reversal.py``. Every refusal is checked with ``refused``: the
error type, no event triggered, state unchanged.
"""

from __future__ import annotations

from datetime import date

import pytest

from ledger.domain.account import Account
from ledger.domain.catalogue import Education, ExpiryKind, ExpiryRule, Status
from ledger.domain.chain import GENESIS
from ledger.domain.command import Result
from ledger.domain.errors import (
    AmountNotPositiveError,
    CapExceededError,
    ExpiryBeyondRuleError,
    InvalidInputError,
    NoRuleInForceError,
    NotUsableInStatusError,
    OutOfOrderError,
    ReferenceConflictError,
    SourceNotAllowedError,
    UnknownRightError,
)
from ledger.domain.lots import LotState
from tests.domain.support import (
    ACTOR,
    CAREER,
    CATALOGUE,
    EMPLOYER,
    FLANDERS,
    INSZ,
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
)

SEP_2 = date(2024, 9, 2)


# --- opening ---------------------------------------------------------------------------------
def test_opening_records_the_citizen_status_date_and_education_as_the_first_link() -> None:
    account = Account.open(new_account().id, INSZ, Status.JOBSEEKER, SEP_2, Education.MEDIUM, by())

    (opened,) = account.collect_events()
    assert isinstance(opened, Account.AccountOpened)
    assert (opened.insz, opened.status, opened.education) == (INSZ, "jobseeker", "medium")
    assert (opened.on, opened.actor, opened.prev_hash) == (SEP_2, ACTOR, GENESIS)
    assert account.opening_matches(Status.JOBSEEKER, SEP_2, Education.MEDIUM)
    assert not account.opening_matches(Status.EMPLOYEE, SEP_2, Education.MEDIUM)


# --- grants ----------------------------------------------------------------------------------
def test_a_grant_creates_a_usable_lot_with_the_expiry_and_version_of_its_rule() -> None:
    account = new_account()

    result = grant(account, VOV, 100, SEP_2, "g1")

    (granted,) = account.collect_events()
    assert result is Result.APPLIED
    assert isinstance(granted, Account.RightGranted)
    assert (granted.right, granted.amount, granted.lot) == (VOV, 100, f"{EMPLOYER}/g1")
    assert granted.expires_on == date(2025, 9, 1)
    assert granted.rule_version == "vov-hours@2024-09-01"
    lot = account.lots[f"{EMPLOYER}/g1"]
    assert (lot.remaining, lot.state, lot.valid_from) == (100, LotState.USABLE, SEP_2)
    assert account.totals[VOV].as_dict() == {
        "granted": 100, "used": 0, "expired": 0, "forfeited": 0, "usable": 100, "suspended": 0,
        "reserved": 0,
    }  # fmt: skip


def test_a_grant_may_ask_for_an_earlier_expiry_than_its_rule() -> None:
    account = new_account()

    grant(account, VOV, 10, SEP_2, "g1", expires_on=date(2025, 1, 1))

    assert account.lots[f"{EMPLOYER}/g1"].expires_on == date(2025, 1, 1)


def test_the_same_grant_again_is_an_exact_repeat_and_triggers_nothing() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "g1")
    account.collect_events()

    result = grant(account, VOV, 10, SEP_2, "g1")

    assert result is Result.EXISTS
    assert account.collect_events() == []
    assert usable(account, VOV) == 10


def test_a_reference_used_again_with_other_content_is_a_conflict() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "g1")

    info = refused(account, ReferenceConflictError, lambda: grant(account, VOV, 11, SEP_2, "g1"))

    assert "'g1'" in str(info.value)


def test_two_references_that_spell_the_same_lot_id_are_a_conflict() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "x/y")

    refused(
        account,
        ReferenceConflictError,
        lambda: grant(account, VOV, 5, SEP_2, "y", source=f"{EMPLOYER}/x"),
    )


@pytest.mark.parametrize("amount", [0, -3, True])
def test_a_grant_of_no_whole_positive_amount_is_refused(amount: int) -> None:
    account = new_account()

    info = refused(account, AmountNotPositiveError, lambda: grant(account, VOV, amount, SEP_2, "g"))

    assert repr(amount) in str(info.value)


def test_a_grant_from_a_source_the_rule_does_not_allow_is_refused() -> None:
    account = new_account()

    info = refused(account, SourceNotAllowedError, lambda: grant(account, CAREER, 1, SEP_2, "c"))

    assert EMPLOYER in str(info.value) and "flemish-government" in str(info.value)


def test_a_grant_dated_before_the_first_rule_version_is_refused() -> None:
    account = new_account(on=date(2019, 1, 1))

    refused(account, NoRuleInForceError, lambda: grant(account, VOV, 1, date(2019, 8, 31), "g"))


def test_a_grant_of_a_right_missing_from_the_catalogue_is_refused() -> None:
    account = new_account()

    info = refused(account, UnknownRightError, lambda: grant(account, "nap-hours", 1, SEP_2, "g"))

    assert "nap-hours" in str(info.value)


def test_a_grant_asking_a_later_expiry_than_its_rule_allows_is_refused() -> None:
    account = new_account()

    refused(
        account,
        ExpiryBeyondRuleError,
        lambda: grant(account, VOV, 1, SEP_2, "g", expires_on=date(2025, 9, 2)),
    )


def test_a_grant_whose_expiry_is_not_after_its_date_is_refused() -> None:
    account = new_account()

    refused(
        account, ExpiryBeyondRuleError, lambda: grant(account, VOV, 1, SEP_2, "g", expires_on=SEP_2)
    )


def test_a_grant_on_or_after_its_rules_fixed_end_date_is_refused() -> None:
    catalogue = small_catalogue(expiry=ExpiryRule(ExpiryKind.FIXED_DATE, on=date(2024, 6, 1)))
    account = new_account()

    refused(
        account,
        ExpiryBeyondRuleError,
        lambda: grant(account, TEST_RIGHT, 1, date(2024, 6, 1), "g", catalogue=catalogue),
    )


def test_a_grant_beyond_the_cap_of_its_period_is_refused() -> None:
    account = new_account()
    grant(account, VOV, 12450, date(2024, 9, 2), "h1")  # minor units: 124.5 hours

    info = refused(
        account, CapExceededError, lambda: grant(account, VOV, 51, date(2025, 8, 31), "h2")
    )

    assert "0.51 hours of 'vov-hours'" in str(info.value)
    assert "grants on the own-choice track at most 125" in str(info.value)
    assert "): 124.5 already" in str(info.value)


def test_a_grant_dated_before_the_latest_fact_is_refused() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "g1")

    refused(account, OutOfOrderError, lambda: grant(account, VOV, 10, date(2024, 9, 1), "g2"))


def test_a_grant_dated_before_the_opening_is_refused() -> None:
    account = new_account(on=SEP_2)

    refused(account, OutOfOrderError, lambda: grant(account, VOV, 10, date(2024, 9, 1), "g"))


def test_a_grant_without_a_source_or_a_reference_is_refused() -> None:
    account = new_account()

    refused(
        account,
        InvalidInputError,
        lambda: account.grant(CATALOGUE, VOV, 1, SEP_2, None, by(None, "g")),
    )
    refused(
        account,
        InvalidInputError,
        lambda: account.grant(CATALOGUE, VOV, 1, SEP_2, None, by(EMPLOYER, " ")),
    )


def test_a_grant_in_a_status_that_suspends_the_right_creates_a_suspended_lot() -> None:
    account = new_account(Status.JOBSEEKER)

    grant(account, VOUCHERS, 3000, SEP_2, "g1", source=FLANDERS)

    granted, suspended_ = account.collect_events()
    assert names([granted, suspended_]) == ["RightGranted", "RightSuspended"]
    assert isinstance(suspended_, Account.RightSuspended)
    assert (suspended_.lot, suspended_.amount) == (granted.lot, 3000)
    assert suspended_.status == "jobseeker"
    assert "unemployment benefit" in suspended_.legal_basis
    assert account.totals[VOUCHERS].suspended == 3000 and usable(account, VOUCHERS) == 0


def test_a_grant_in_a_status_that_forfeits_the_right_is_refused() -> None:
    account = new_account(Status.RETIRED)

    info = refused(
        account,
        NotUsableInStatusError,
        lambda: grant(account, VOV, 30, SEP_2, "g", source=FLANDERS),
    )

    assert "retired" in str(info.value) and "forfeited" in str(info.value)


def test_grants_of_one_source_are_kept_apart_from_grants_of_another() -> None:
    account = new_account()
    grant(account, VOV, 10, SEP_2, "g1")
    grant(account, VOV, 10, SEP_2, "g1", source=FLANDERS)

    assert usable(account, VOV) == 20
    assert set(account.lots) == {f"{EMPLOYER}/g1", f"{FLANDERS}/g1"}
