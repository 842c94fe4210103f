"""The Ledger's reads for the citizen page, on a real store: the timeline and the open
corrections are reads of the citizen's data, so each checks the role, needs backoffice's
reason and is in the access log before anything is returned."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from ledger.application import Ledger
from ledger.domain.errors import AccountNotFoundError
from ledger.security.roles import AccessDeniedError, ReasonRequiredError, Role, RoleName
from tests.builders import INSZ
from tests.llr import Llr
from tests.stores import ledger_on

REASON = "citizen at the desk"


@pytest.fixture
def trusted(with_account: Llr, database_url: str) -> Iterator[Ledger]:
    with_account.ok("use", INSZ, "vov-hours", "20", "--on", "2024-10-01", "--training", "T",
                    "--provider", "P", "--ref", "U-1")  # fmt: skip
    with_account.ok("reverse", INSZ, "3", "--reason", "entered twice", "--on", "2024-10-02")
    ledger = ledger_on(database_url)
    try:
        yield ledger
    finally:
        ledger.close()


def test_each_read_is_logged_with_its_reason_before_it_answers(trusted: Ledger) -> None:
    desk = trusted.acting_as(Role(RoleName.BACKOFFICE), "staff:anna")

    drawn = desk.timeline(INSZ, date(2024, 12, 31), None, REASON).timeline
    waiting = desk.open_corrections(INSZ, None, REASON).corrections

    assert (drawn.end, [line.right for line in drawn.lines]) == (date(2024, 12, 31), ["vov-hours"])
    assert [(r.request_id, r.entry, r.amount) for r in waiting.reversals] == [(4, 3, 2000)]
    log = trusted.access_log(INSZ).records
    assert [(r.actor, r.action, r.reason) for r in log] == [
        ("staff:anna", "timeline", REASON), ("staff:anna", "open corrections", REASON),
    ]  # fmt: skip


def test_a_role_that_may_not_read_or_a_missing_reason_is_refused_and_not_logged(
    trusted: Ledger,
) -> None:
    admin = trusted.acting_as(Role(RoleName.ADMIN), "ops:1")
    desk = trusted.acting_as(Role(RoleName.BACKOFFICE), "staff:anna")

    with pytest.raises(AccessDeniedError):
        admin.timeline(INSZ, reason=REASON)
    with pytest.raises(AccessDeniedError):
        admin.open_corrections(INSZ, reason=REASON)
    with pytest.raises(ReasonRequiredError):
        desk.timeline(INSZ)
    with pytest.raises(ReasonRequiredError):
        desk.open_corrections(INSZ)

    assert trusted.access_log(INSZ).records == ()


def test_without_a_date_the_timeline_ends_on_the_day_a_balance_read_takes(
    trusted: Ledger, fixed_today: date
) -> None:
    drawn = trusted.timeline(INSZ).timeline
    balance = trusted.balance(INSZ)

    (line,) = drawn.lines
    (right,) = balance.rights
    assert drawn.end == fixed_today
    assert (line.points[-1].usable, line.points[-1].suspended) == (right.usable, right.suspended)


def test_a_timeline_before_the_account_opened_says_there_was_no_account(trusted: Ledger) -> None:
    with pytest.raises(AccountNotFoundError, match="no account was open"):
        trusted.timeline(INSZ, date(2024, 8, 31))
