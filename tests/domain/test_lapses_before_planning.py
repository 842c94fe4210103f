"""A command records the lapse of every hold past its date before its own event, and so
plans on what those lapses give back: a use or a booking draws the earliest expiry first
among the lots as the lapses leave them, and counts the released units for the balance,
the caps and single funding. A refused command lapses nothing (the next one will).

The first test is the smallest history the random histories found breaking invariant 2:
the use drew from a later-expiring lot, while the lapse recorded just before it (by the
same command) had given the earlier lot its units back.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from ledger.domain.account import Account
from ledger.domain.catalogue import CapCounts, Status
from ledger.domain.command import Result
from ledger.domain.errors import InsufficientBalanceError
from ledger.domain.lots import LotState
from ledger.domain.state import MovementKey
from tests.domain.audit import check_account
from tests.domain.support import (
    CATALOGUE,
    EMPLOYER,
    FED_DAYS,
    FLANDERS,
    INSZ,
    VOUCHERS,
    VOV,
    by,
    employment_at,
    names,
    refused,
)

OPENED = date(2021, 6, 1)
EARLY = f"{FLANDERS}/early"  # expires first
LATE = f"{FLANDERS}/late"


class Recognised:
    """The registry's answer for every training here: recognised."""

    provider = "p"
    classification = "labour-market"

    def refusal(self, right: str, on: date) -> str | None:
        return None


class Ledger:
    """One employee's account and every event it recorded, audited after each command."""

    def __init__(self, opened: date = OPENED) -> None:
        self.opened, self.next_day = opened, opened + timedelta(days=1)
        account_id = uuid5(NAMESPACE_URL, "/tests/lapses")
        employment = employment_at(EMPLOYER, opened)
        self.account = Account.open(
            account_id, INSZ, Status.EMPLOYEE, opened, None, by(), employment
        )
        self.events: list[Any] = self.account.collect_events()

    def record(self, command: Any) -> list[Any]:
        assert command() is Result.APPLIED
        new = self.account.collect_events()
        self.events += new
        check_account(self.account, self.events, CATALOGUE)
        return new

    def grant(self, right: str, amount: int, ref: str, expires_on: date | None) -> None:
        provenance = by(FLANDERS if right == VOUCHERS else EMPLOYER, ref)
        on = self.opened
        self.record(
            lambda: self.account.grant(CATALOGUE, right, amount, on, expires_on, provenance)
        )

    def reserve(
        self, amount: int, ref: str, on: date, hold_until: date | None = None, **kw: Any
    ) -> Result:
        right, training = kw.get("right", VOUCHERS), kw.get("training", "t1")
        return self.account.reserve(
            CATALOGUE, right, amount, on, training, hold_until, by(None, ref), Recognised(),
            provider="p",
        )  # fmt: skip

    def use(self, amount: int, ref: str, right: str = VOUCHERS, training: str = "t2") -> Result:
        return self.account.use(
            CATALOGUE, right, amount, self.next_day, training, "p", by(None, ref),
            offer=Recognised(),
        )  # fmt: skip

    def hold_for_a_day(self, amount: int, right: str = VOUCHERS) -> list[Any]:
        """A booking held only on the opening day: the next day's command lapses it."""
        on = self.opened
        return self.record(
            lambda: self.reserve(amount, "r1", on, hold_until=on, right=right, training="t1")
        )


def test_a_use_draws_the_earliest_expiring_lot_that_a_hold_it_lapses_gives_back() -> None:
    ledger = Ledger()
    ledger.grant(VOUCHERS, 440, "early", date(2022, 1, 22))
    ledger.grant(VOUCHERS, 57, "late", date(2022, 8, 1))
    [held] = ledger.hold_for_a_day(441)  # all of the early lot, one of the late
    assert held.draws == [[EARLY, 440], [LATE, 1]]

    lapsed, used = ledger.record(lambda: ledger.use(1, "u1"))

    assert names([lapsed, used]) == ["ReservationLapsed", "RightUsed"]
    assert lapsed.released == [[EARLY, 440, LotState.USABLE], [LATE, 1, LotState.USABLE]]
    assert used.draws == [[EARLY, 1]]  # not the late lot: the early one had its units back


def test_a_booking_draws_the_earliest_expiring_lot_that_a_hold_it_lapses_gives_back() -> None:
    ledger = Ledger()
    ledger.grant(VOUCHERS, 10, "early", date(2022, 1, 22))
    ledger.grant(VOUCHERS, 10, "late", date(2022, 8, 1))
    ledger.hold_for_a_day(10)

    lapsed, held = ledger.record(lambda: ledger.reserve(5, "r2", ledger.next_day, training="t2"))

    assert names([lapsed, held]) == ["ReservationLapsed", "UnitsReserved"]
    assert held.draws == [[EARLY, 5]]


def test_the_units_a_lapse_gives_back_count_toward_the_balance_of_the_command() -> None:
    ledger = Ledger()
    ledger.grant(VOUCHERS, 10, "early", date(2022, 1, 22))
    ledger.hold_for_a_day(10)

    _, used = ledger.record(lambda: ledger.use(10, "u1"))

    assert used.draws == [[EARLY, 10]]


def test_a_use_refused_even_with_what_a_lapse_gives_back_lapses_nothing() -> None:
    ledger = Ledger()
    ledger.grant(VOUCHERS, 10, "early", date(2022, 1, 22))
    ledger.hold_for_a_day(6)

    refused(ledger.account, InsufficientBalanceError, lambda: ledger.use(11, "u1"))

    assert ledger.account.reservations["r1"].is_open  # the next command lapses it


def test_a_hold_it_lapses_no_longer_counts_toward_the_caps_nor_funds_the_training() -> None:
    ledger = Ledger(opened=date(2024, 1, 8))
    ledger.grant(VOV, 12500, "vov", None)  # a school year's cap of training leave
    ledger.grant(FED_DAYS, 200, "fed", None)
    ledger.hold_for_a_day(12500, right=VOV)  # for training t1
    uses = MovementKey(VOV, CapCounts.USES)
    assert ledger.account.movements.in_window(uses, ledger.opened, ledger.next_day) == 12500

    # Federal days may not fund a training VOV hours fund; the lapsed hold no longer does.
    ledger.record(lambda: ledger.use(100, "u1", right=FED_DAYS, training="t1"))
    # And the hours it held are free again, within the cap.
    ledger.record(lambda: ledger.use(12500, "u2", right=VOV, training="t2"))
