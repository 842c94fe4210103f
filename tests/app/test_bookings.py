"""Bookings through the Ledger, on every backend: reserve, confirm, cancel, lapse; what the
balance, explain and the audit make of them; and refusals that leave nothing behind."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.application import Ledger
from ledger.audit.verify import verify
from ledger.domain.command import Result
from ledger.domain.errors import (
    InsufficientBalanceError,
    OutOfOrderError,
    ReservationClosedError,
    ReservationNotFoundError,
)
from tests.builders import INSZ, VOUCHERS, open_employee
from tests.stores import event_count

ON = date(2026, 9, 1)
PROVIDER = "0403170701"


@pytest.fixture
def with_vouchers(ledger: Ledger) -> Ledger:
    open_employee(ledger, on=ON)
    ledger.grant_right(INSZ, VOUCHERS, "250", ON, "flemish-government", "TV-1")
    return ledger


def reserve(ledger: Ledger, amount: str, ref: str, on: date = date(2026, 10, 1)) -> Result:
    return ledger.reserve(
        INSZ, VOUCHERS, amount, on, f"OPL-{ref}", ref, provider=PROVIDER, enrolment="ENR-1"
    ).result


def test_a_booking_held_then_confirmed_in_part_shows_in_the_balance_and_explain(
    with_vouchers: Ledger,
) -> None:
    ledger = with_vouchers
    assert reserve(ledger, "200", "B-1") is Result.APPLIED
    [held] = ledger.balance(INSZ, reason="test").rights
    assert (held.usable, held.reserved) == (5000, 20000)

    ledger.confirm(INSZ, "B-1", date(2026, 10, 15), "150")

    explanation = ledger.explain(INSZ, VOUCHERS, reason="test")
    assert explanation.balanced
    assert explanation.totals["used"] == 15000 and explanation.totals["reserved"] == 0
    assert "redeemed EUR 75 own + EUR 75 public" in explanation.steps[-1].text
    assert "refund EUR 25 own + EUR 25 public" in explanation.steps[-1].text


def test_a_repeated_reservation_is_recognised_and_a_changed_one_is_a_conflict(
    with_vouchers: Ledger,
) -> None:
    reserve(with_vouchers, "100", "B-1")
    assert reserve(with_vouchers, "100", "B-1") is Result.EXISTS
    with pytest.raises(Exception, match="B-1"):
        reserve(with_vouchers, "90", "B-1")


def test_a_reservation_beyond_the_balance_is_refused_and_writes_nothing(
    with_vouchers: Ledger, any_database_url: str
) -> None:
    reserve(with_vouchers, "200", "B-1")
    before = event_count(any_database_url) if any_database_url != "memory" else None
    with pytest.raises(InsufficientBalanceError, match="usable balance of 50"):
        reserve(with_vouchers, "100", "B-2")
    if before is not None:
        assert event_count(any_database_url) == before


def test_confirm_and_cancel_refuse_an_unknown_a_closed_or_a_late_reservation(
    with_vouchers: Ledger,
) -> None:
    ledger = with_vouchers
    with pytest.raises(ReservationNotFoundError, match="B-9"):
        ledger.confirm(INSZ, "B-9", date(2026, 10, 2))
    reserve(ledger, "100", "B-1")
    ledger.cancel(INSZ, "B-1", date(2026, 10, 5), "course cancelled")
    with pytest.raises(ReservationClosedError, match="cancelled"):
        ledger.confirm(INSZ, "B-1", date(2026, 10, 6))
    reserve(ledger, "100", "B-2", on=date(2026, 10, 10))
    with pytest.raises(OutOfOrderError):
        ledger.confirm(INSZ, "B-2", date(2026, 10, 9))


def test_the_expiry_run_lapses_holds_past_their_date_and_the_audit_stays_clean(
    with_vouchers: Ledger,
) -> None:
    ledger = with_vouchers
    ledger.reserve(
        INSZ, VOUCHERS, "100", date(2026, 10, 1), "OPL-1", "B-1", date(2026, 10, 31),
        provider=PROVIDER,
    )  # fmt: skip
    assert ledger.expire_all(date(2026, 10, 31)).holds_lapsed == 0
    assert ledger.expire_all(date(2026, 11, 1)).holds_lapsed == 1
    [right] = ledger.balance(INSZ, as_of=date(2026, 11, 1), reason="test").rights
    assert (right.usable, right.reserved) == (25000, 0)
    report = verify(ledger)
    assert report.findings == []


def test_a_balance_read_after_a_hold_ended_shows_its_units_usable_before_any_lapse_is_recorded(
    with_vouchers: Ledger,
) -> None:
    ledger = with_vouchers
    ledger.reserve(
        INSZ, VOUCHERS, "100", date(2026, 10, 1), "OPL-1", "B-1", date(2026, 10, 31),
        provider=PROVIDER, enrolment="ENR-7",
    )  # fmt: skip
    [during] = ledger.balance(INSZ, as_of=date(2026, 10, 31), reason="test").rights
    assert (during.usable, during.reserved) == (15000, 10000)
    assert [(h.reference, h.enrolment) for h in during.reservations] == [("B-1", "ENR-7")]

    [after] = ledger.balance(INSZ, as_of=date(2026, 11, 1), reason="test").rights

    assert (after.usable, after.reserved, after.reservations) == (25000, 0, ())
