"""The two clocks: effective dates (``as_of``) and recorded time (``known_at_time``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ledger.application import Ledger
from ledger.domain.errors import AccountNotFoundError, InsufficientBalanceError, LedgerError
from tests.builders import (
    FLANDERS,
    INSZ,
    VOV_END,
    event_names,
    grant_vov,
    open_employee,
    usable,
    use_vov,
)


def arrange_a_year(ledger: Ledger) -> None:
    """100 h granted on 2024-09-01, 40 used on 2024-10-01, jobseeker from 2025-01-10."""
    open_employee(ledger)
    grant_vov(ledger, 100, "G1")
    use_vov(ledger, 40, "U1", date(2024, 10, 1))
    ledger.change_status(INSZ, "jobseeker", date(2025, 1, 10))


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2024, 9, 15), (100, 0)),
        (date(2024, 10, 1), (60, 0)),
        (date(2025, 1, 9), (60, 0)),
        (date(2025, 1, 10), (0, 60)),
    ],
)
def test_balance_as_of_a_past_date_shows_the_account_as_it_stood_that_day(
    ledger: Ledger, as_of: date, expected: tuple[int, int]
) -> None:
    arrange_a_year(ledger)

    assert usable(ledger, "vov-hours", as_of=as_of) == expected


def test_history_and_explain_as_of_a_past_date_stop_at_that_date(ledger: Ledger) -> None:
    arrange_a_year(ledger)

    history = ledger.history(INSZ, as_of=date(2024, 12, 31))
    explanation = ledger.explain(INSZ, "vov-hours", as_of=date(2024, 12, 31))

    assert event_names(history) == ["AccountOpened", "RightGranted", "RightUsed"]
    assert history.as_of == date(2024, 12, 31)
    assert [step.event for step in explanation.steps] == ["RightGranted", "RightUsed"]
    assert explanation.totals["usable"] == 60


def test_a_balance_as_of_a_day_before_the_account_was_opened_is_refused(
    ledger: Ledger,
) -> None:
    arrange_a_year(ledger)

    with pytest.raises(AccountNotFoundError, match="at that time"):
        ledger.balance(INSZ, as_of=date(2024, 8, 31))


def test_a_lot_past_its_expiry_is_not_usable_before_the_expiry_is_recorded(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    grant_vov(ledger, 100, "G1")

    on_the_last_day = usable(ledger, "vov-hours", as_of=VOV_END - timedelta(days=1))
    on_expiry = ledger.balance(INSZ, as_of=VOV_END)

    assert on_the_last_day == (100, 0)
    assert [(b.right, b.usable, b.lots) for b in on_expiry.rights] == [("vov-hours", 0, ())]
    assert "RightExpired" not in event_names(ledger.history(INSZ))
    with pytest.raises(InsufficientBalanceError, match="usable balance of 0"):
        use_vov(ledger, 1, "LATE", VOV_END)


def test_a_balance_today_does_not_count_a_lot_that_expired_before_today(
    ledger: Ledger, fixed_today: date
) -> None:
    today = fixed_today
    open_employee(ledger, on=today - timedelta(days=30))
    ledger.grant_right(
        INSZ,
        "training-vouchers",
        5000,
        today - timedelta(days=20),
        FLANDERS,
        "CHEQUE-1",
        expires_on=today - timedelta(days=5),
    )

    assert usable(ledger, "training-vouchers") == (0, 0)


def test_known_at_time_reads_only_what_had_been_recorded_by_then(ledger: Ledger) -> None:
    open_employee(ledger)
    grant_vov(ledger, 100, "G1")
    noted = datetime.now(UTC)
    use_vov(ledger, 40, "U1", date(2024, 10, 1))

    then = ledger.history(INSZ, known_at_time=noted)

    assert event_names(then) == ["AccountOpened", "RightGranted"]
    assert all(entry.recorded_at <= noted for entry in then.entries)
    assert usable(ledger, "vov-hours", known_at_time=noted) == (100, 0)
    assert ledger.explain(INSZ, "vov-hours", known_at_time=noted).totals["used"] == 0
    assert usable(ledger, "vov-hours") == (60, 0)


def test_known_at_time_and_as_of_combine(ledger: Ledger) -> None:
    arrange_a_year(ledger)
    noted = datetime.now(UTC)
    ledger.change_status(INSZ, "employee", date(2025, 2, 1))

    then = usable(ledger, "vov-hours", as_of=date(2025, 3, 1), known_at_time=noted)
    now = usable(ledger, "vov-hours", as_of=date(2025, 3, 1))

    assert (then, now) == ((0, 60), (60, 0))


def test_known_at_a_time_before_the_account_was_recorded_is_refused(
    ledger: Ledger,
) -> None:
    noted = datetime.now(UTC)
    open_employee(ledger)

    with pytest.raises(AccountNotFoundError):
        ledger.balance(INSZ, known_at_time=noted)


def test_a_known_at_time_without_a_time_zone_is_read_as_utc_or_refused_clearly(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    naive_future = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)

    try:
        report = ledger.history(INSZ, known_at_time=naive_future)
    except LedgerError as refused:
        assert "time zone" in str(refused) or "UTC" in str(refused)
    else:
        assert event_names(report) == ["AccountOpened"]
