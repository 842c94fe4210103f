"""Bookings on the Account: reserve, confirm (in full or in part), cancel, lapse, with the
money a voucher booking stands for, and the registry's word on the training."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from ledger.domain.account import Account
from ledger.domain.bookings import ReservationState
from ledger.domain.catalogue import CapCounts
from ledger.domain.command import Result
from ledger.domain.errors import (
    DoubleFundingError,
    InsufficientBalanceError,
    InvalidInputError,
    NotInRegistryError,
    OutOfOrderError,
    ReservationClosedError,
    ReservationNotFoundError,
)
from ledger.domain.facts import FactKind
from ledger.domain.lots import LotState
from ledger.domain.state import MovementKey
from tests.domain.support import (
    CATALOGUE,
    FLANDERS,
    VOUCHERS,
    VOV,
    balanced,
    by,
    grant,
    names,
    new_account,
    refused,
    use,
)

START = date(2027, 1, 4)
REGISTRY_FROM = date(2027, 1, 1)  # the catalogue's registered_from of the test's rights
PROVIDER = "0403170701"


@dataclass(frozen=True)
class Offer:
    """A registry answer for the tests: recognised unless ``refused_with`` is set."""

    provider: str = PROVIDER
    classification: str = "labour-market"
    refused_with: str | None = None

    def refusal(self, right: str, on: date) -> str | None:
        return self.refused_with


def with_vouchers(amount: int = 50000, expires_on: date | None = None) -> Account:
    account = new_account(on=date(2026, 9, 1))
    grant(account, VOUCHERS, amount, date(2026, 9, 2), "TV-1", FLANDERS, expires_on)
    account.collect_events()
    return account


def reserve(
    account: Account,
    amount: int,
    ref: str,
    on: date = START,
    hold_until: date | None = None,
    offer: Offer | None = Offer(),
    training: str = "OPL-1",
    right: str = VOUCHERS,
) -> Result:
    return account.reserve(
        CATALOGUE, right, amount, on, training, hold_until, by(None, ref), offer,
        enrolment="ENR-1", provider=None if on >= REGISTRY_FROM else PROVIDER,
    )  # fmt: skip


def test_a_reservation_holds_units_out_of_the_usable_balance_and_records_both_shares() -> None:
    account = with_vouchers()
    assert reserve(account, 25000, "B-1") is Result.APPLIED
    totals = account.totals_for(VOUCHERS)
    assert (totals.usable, totals.reserved, totals.used) == (25000, 25000, 0)
    assert balanced(totals)
    held = account.reservations["B-1"]
    # EUR 250 of vouchers: the worker pays half, Flanders half (the catalogue's shares).
    assert (held.own_share, held.public_share) == (12500, 12500)
    assert held.provider == PROVIDER and held.enrolment == "ENR-1"
    assert held.hold_until == date(2027, 3, 4)  # 60 days, the catalogue's default hold
    assert account.lots["flemish-government/TV-1"].held == 25000


def test_a_full_confirm_uses_the_held_units_and_redeems_the_whole_purchase() -> None:
    account = with_vouchers()
    reserve(account, 25000, "B-1")
    account.collect_events()
    assert account.confirm(CATALOGUE, "B-1", date(2027, 2, 1), None, by()) is Result.APPLIED
    totals = account.totals_for(VOUCHERS)
    assert (totals.usable, totals.reserved, totals.used) == (25000, 0, 25000)
    [event] = account.collect_events()
    assert (event.redeemed_own, event.redeemed_public) == (12500, 12500)
    assert (event.refund_own, event.refund_public, event.released) == (0, 0, [])
    assert account.reservations["B-1"].state == ReservationState.CONFIRMED


def test_a_partial_confirm_releases_the_rest_and_refunds_its_shares() -> None:
    account = with_vouchers()
    reserve(account, 25000, "B-1")
    account.collect_events()
    account.confirm(CATALOGUE, "B-1", date(2027, 2, 1), 20000, by())
    totals = account.totals_for(VOUCHERS)
    assert (totals.usable, totals.reserved, totals.used) == (30000, 0, 20000)
    [event] = account.collect_events()
    assert (event.redeemed_own, event.redeemed_public) == (10000, 10000)
    assert (event.refund_own, event.refund_public) == (2500, 2500)
    assert event.released == [["flemish-government/TV-1", 5000, LotState.USABLE.value]]
    assert balanced(totals)


def test_a_confirm_repeated_with_the_same_date_and_amount_changes_nothing() -> None:
    account = with_vouchers()
    reserve(account, 25000, "B-1")
    account.confirm(CATALOGUE, "B-1", date(2027, 2, 1), None, by())
    account.collect_events()
    assert account.confirm(CATALOGUE, "B-1", date(2027, 2, 1), None, by()) is Result.EXISTS
    refused(
        account, ReservationClosedError,
        lambda: account.confirm(CATALOGUE, "B-1", date(2027, 2, 2), None, by()),
    )  # fmt: skip


def test_a_cancel_gives_every_unit_back_and_refunds_the_purchase() -> None:
    account = with_vouchers()
    reserve(account, 25000, "B-1")
    account.collect_events()
    assert account.cancel("B-1", date(2027, 1, 10), "training cancelled", by()) is Result.APPLIED
    totals = account.totals_for(VOUCHERS)
    assert (totals.usable, totals.reserved, totals.used) == (50000, 0, 0)
    [event] = account.collect_events()
    assert (event.refund_own, event.refund_public) == (12500, 12500)
    assert account.cancel("B-1", date(2027, 1, 10), "again", by()) is Result.EXISTS


def test_a_hold_past_its_date_lapses_at_the_next_expiry_run() -> None:
    account = with_vouchers()
    reserve(account, 25000, "B-1", hold_until=date(2027, 1, 31))
    assert account.expire(date(2027, 1, 31), "system") == 0  # still held that day
    assert account.expire(date(2027, 2, 1), "system") == 1
    assert names(account.collect_events()) == ["UnitsReserved", "ReservationLapsed"]
    assert account.reservations["B-1"].state == ReservationState.LAPSED
    assert account.totals_for(VOUCHERS).usable == 50000


def test_a_confirm_after_the_hold_ended_is_refused() -> None:
    account = with_vouchers()
    reserve(account, 25000, "B-1", hold_until=date(2027, 1, 31))
    info = refused(
        account, ReservationClosedError,
        lambda: account.confirm(CATALOGUE, "B-1", date(2027, 2, 1), None, by()),
    )  # fmt: skip
    assert "hold ended on 2027-01-31" in str(info.value)


def test_units_held_in_a_lot_that_expires_follow_the_lot_once_released() -> None:
    account = with_vouchers(expires_on=date(2027, 2, 1))
    reserve(account, 25000, "B-1", hold_until=date(2027, 3, 1))
    account.expire(date(2027, 2, 1), "system")  # the lot expires; the hold stands
    totals = account.totals_for(VOUCHERS)
    assert (totals.expired, totals.reserved) == (25000, 25000)
    account.cancel("B-1", date(2027, 2, 10), "changed my mind", by())
    assert (totals.expired, totals.reserved, totals.usable) == (50000, 0, 0)
    assert balanced(totals)


def test_units_held_in_a_lot_that_expires_may_still_be_confirmed_within_the_hold() -> None:
    account = with_vouchers(expires_on=date(2027, 2, 1))
    reserve(account, 25000, "B-1", hold_until=date(2027, 3, 1))
    account.confirm(CATALOGUE, "B-1", date(2027, 2, 10), None, by())
    totals = account.totals_for(VOUCHERS)
    assert (totals.used, totals.expired, totals.reserved) == (25000, 25000, 0)


def test_a_reservation_counts_against_the_balance_so_nothing_is_booked_twice() -> None:
    account = with_vouchers(amount=30000)
    reserve(account, 25000, "B-1")
    refused(
        account, InsufficientBalanceError, lambda: reserve(account, 10000, "B-2", training="OPL-2")
    )
    refused(
        account, InsufficientBalanceError,
        lambda: account.use(
            CATALOGUE, VOUCHERS, 10000, START, "OPL-3", None, by(None, "U-1"), offer=Offer()
        ),
    )  # fmt: skip


def test_a_reservation_counts_as_a_use_for_the_caps_until_it_is_released() -> None:
    account = with_vouchers()
    uses = MovementKey(VOUCHERS, CapCounts.USES)
    reserve(account, 25000, "B-1")
    assert account.movements.in_window(uses, date(2026, 9, 1), date(2027, 9, 1)) == 25000
    account.cancel("B-1", date(2027, 1, 5), "cancelled", by())
    assert account.movements.in_window(uses, date(2026, 9, 1), date(2027, 9, 1)) == 0


def test_the_registry_refusal_is_the_message_and_nothing_is_held() -> None:
    account = with_vouchers()
    offer = Offer(refused_with="training OPL-1 at provider 0403170701: delisted on 2027-01-01")
    info = refused(account, NotInRegistryError, lambda: reserve(account, 100, "B-1", offer=offer))
    assert "delisted on 2027-01-01" in str(info.value)


def test_a_training_missing_from_the_registry_is_refused_from_the_day_the_registry_counts() -> None:
    account = with_vouchers()
    info = refused(account, NotInRegistryError, lambda: reserve(account, 100, "B-1", offer=None))
    assert "not in the registry" in str(info.value) and "2027-01-01" in str(info.value)
    # Before the registry was kept, a use names its training and provider as free text.
    assert use(account, VOUCHERS, 100, date(2026, 12, 1), "U-0") is Result.APPLIED


def test_a_career_training_needs_a_recent_pop() -> None:
    account = with_vouchers()
    career = Offer(classification="career")
    info = refused(account, NotInRegistryError, lambda: reserve(account, 100, "B-1", offer=career))
    assert "POP" in str(info.value)
    account.record_fact(FactKind.POP, None, date(2026, 10, 1), None, by())
    assert reserve(account, 100, "B-1", offer=career) is Result.APPLIED


def test_one_training_is_not_funded_twice_by_rights_that_exclude_each_other() -> None:
    account = new_account(on=date(2026, 9, 1))
    grant(account, VOV, 2000, date(2026, 9, 2), "VOV-1")
    grant(account, "federal-training-days", 200, date(2026, 9, 2), "FED-1")
    reserve(account, 1000, "B-1", right=VOV, training="OPL-9")
    with pytest.raises(DoubleFundingError):
        account.use(CATALOGUE, "federal-training-days", 100, START, "OPL-9", "x", by(None, "U-1"))


def test_confirm_and_cancel_name_an_unknown_or_closed_reservation_and_a_bad_amount() -> None:
    account = with_vouchers()
    refused(account, ReservationNotFoundError, lambda: account.cancel("B-9", START, "x", by()))
    reserve(account, 25000, "B-1")
    refused(
        account, InvalidInputError,
        lambda: account.confirm(CATALOGUE, "B-1", START, 30000, by()),
    )  # fmt: skip
    refused(account, InvalidInputError, lambda: account.cancel("B-1", START, " ", by()))
    refused(
        account, OutOfOrderError,
        lambda: account.confirm(CATALOGUE, "B-1", date(2027, 1, 1), None, by()),
    )  # fmt: skip
    account.cancel("B-1", START, "gone", by())
    refused(
        account, ReservationClosedError,
        lambda: account.confirm(CATALOGUE, "B-1", START, None, by()),
    )  # fmt: skip


def test_a_career_voucher_booking_records_the_own_contribution_only() -> None:
    account = new_account(on=date(2026, 9, 1))
    account.record_fact(FactKind.WORK_EXPERIENCE, "8", date(2026, 9, 1), None, by())
    grant(account, "career-vouchers", 1, date(2026, 12, 1), "LC-1", FLANDERS)
    # Career vouchers end on 1 Jan 2027 at the latest (the catalogue): booked before.
    reserve(account, 1, "B-1", on=date(2026, 12, 10), right="career-vouchers")
    held = account.reservations["B-1"]
    assert (held.own_share, held.public_share) == (4000, None)
