"""``expire_all``: the run that records, on every account, the lots that reached expiry."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import application
from ledger.application import Ledger
from ledger.results import ExpirySummary
from tests.builders import (
    START,
    VOV_END,
    event_names,
    grant_vov,
    insz_number,
    open_employee,
    usable,
)

EARLY_END = date(2025, 3, 1)
CITIZENS = [insz_number(n) for n in range(1, 6)]


def arrange_five_accounts(ledger: Ledger) -> None:
    """Citizen 1: two lots, one ending early; 2 and 3: one lot each; 4: none; 5: no expiry."""
    for insz in CITIZENS:
        open_employee(ledger, insz)
    grant_vov(ledger, 10, "A", insz=CITIZENS[0])
    grant_vov(ledger, 20, "B", insz=CITIZENS[0], expires_on=EARLY_END)
    grant_vov(ledger, 30, "A", insz=CITIZENS[1])
    grant_vov(ledger, 40, "A", insz=CITIZENS[2], expires_on=EARLY_END)
    ledger.grant_right(CITIZENS[4], "federal-training-days", 2, START, "federal-government", "F")


def test_every_account_is_listed_once_in_the_order_it_was_opened(ledger: Ledger) -> None:
    arrange_five_accounts(ledger)

    ids = list(ledger.all_account_ids())

    assert ids == [ledger.account_id_for(insz) for insz in CITIZENS]


def test_expire_all_records_every_due_lot_on_every_account_and_counts_them(
    ledger: Ledger,
) -> None:
    arrange_five_accounts(ledger)

    summary = ledger.expire_all(VOV_END)

    assert summary == ExpirySummary(VOV_END, 5, 3, 4)
    assert [usable(ledger, "vov-hours", insz) for insz in CITIZENS[:3]] == [(0, 0)] * 3
    assert usable(ledger, "federal-training-days", CITIZENS[4]) == (2, 0)
    first = ledger.explain(CITIZENS[0], "vov-hours")
    assert first.totals["expired"] == 30 and first.balanced
    assert [e.on for e in ledger.history(CITIZENS[0]).entries if e.event == "RightExpired"] == [
        EARLY_END,
        VOV_END,
    ]


def test_expire_all_only_takes_lots_due_by_its_date_and_a_second_run_finds_nothing(
    ledger: Ledger,
) -> None:
    arrange_five_accounts(ledger)

    first = ledger.expire_all(date(2025, 6, 1))
    second = ledger.expire_all(date(2025, 6, 1))

    assert (first.accounts_changed, first.lots_expired) == (2, 2)
    assert (second.accounts_checked, second.accounts_changed, second.lots_expired) == (5, 0, 0)
    assert usable(ledger, "vov-hours", CITIZENS[0]) == (10, 0)
    assert event_names(ledger.history(CITIZENS[1]))[-1] == "RightGranted"


def test_expire_all_gives_the_same_result_when_it_works_in_several_batches(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    arrange_five_accounts(ledger)
    monkeypatch.setattr(application, "EXPIRY_BATCH", 2)

    summary = ledger.expire_all(VOV_END)

    assert summary == ExpirySummary(VOV_END, 5, 3, 4)
    assert [usable(ledger, "vov-hours", insz) for insz in CITIZENS[:3]] == [(0, 0)] * 3


def test_expire_all_on_an_empty_store_checks_nothing(ledger: Ledger) -> None:
    assert ledger.expire_all(VOV_END) == ExpirySummary(VOV_END, 0, 0, 0)
