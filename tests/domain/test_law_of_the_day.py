"""The law of the day of a change: a lot's outcome at a career change comes from the rule
version in force that day, unless that version lets lots granted before it keep theirs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import MappingProxyType

import pytest

from ledger.domain.account import Account
from ledger.domain.catalogue import Catalogue, Outcome, RightType, Status, TransitionPolicy
from tests.domain.support import (
    SUSPEND_BASIS,
    TEST_RIGHT,
    change,
    grant,
    new_account,
    small_catalogue,
)

REFORM = date(2021, 1, 1)


def reformed(keep_earlier: bool) -> Catalogue:
    """``test-hours`` suspended for a jobseeker until the reform, forfeited after it."""
    [before] = small_catalogue().right(TEST_RIGHT).versions
    transitions = dict(before.transitions)
    transitions[Status.JOBSEEKER] = TransitionPolicy(Outcome.FORFEIT, "reform: lost")
    after = replace(
        before,
        effective_from=REFORM,
        transitions=MappingProxyType(transitions),
        earlier_lots_keep_their_version=keep_earlier,
    )
    right = RightType(TEST_RIGHT, "Test hours", before.unit, (before, after))
    return Catalogue(rights={TEST_RIGHT: right})


@pytest.mark.parametrize(
    ("keep_earlier", "outcome"), [(False, "RightForfeited"), (True, "RightSuspended")]
)
def test_an_earlier_lot_meets_the_change_under_the_version_in_force_that_day(
    keep_earlier: bool, outcome: str
) -> None:
    catalogue = reformed(keep_earlier)
    account = new_account(on=date(2020, 1, 1))
    grant(account, TEST_RIGHT, 10, date(2020, 6, 1), "old", catalogue=catalogue)
    account.collect_events()

    change(account, Status.JOBSEEKER, date(2021, 3, 1), catalogue=catalogue)

    moved = [e for e in account.collect_events() if e.__dict__.get("lot")]
    assert [type(e).__name__ for e in moved] == [outcome]
    cited = moved[0].legal_basis
    assert cited == ("reform: lost" if not keep_earlier else SUSPEND_BASIS)
    if isinstance(moved[0], Account.RightForfeited):
        assert moved[0].rule_version == f"{TEST_RIGHT}@{REFORM}"


def test_a_change_before_the_reform_follows_the_version_of_its_day() -> None:
    catalogue = reformed(False)
    account = new_account(on=date(2020, 1, 1))
    grant(account, TEST_RIGHT, 10, date(2020, 6, 1), "old", catalogue=catalogue)
    account.collect_events()

    change(account, Status.JOBSEEKER, date(2020, 9, 1), catalogue=catalogue)

    assert [type(e).__name__ for e in account.collect_events()][1:] == ["RightSuspended"]
