"""Two writers on one store: a save that loses the race is retried, and nothing is lost.

Each test makes one instance hand back a stale copy of an account once (as if another
process wrote between its read and its save), so the race happens every time, not by luck;
the last lets eight real processes reserve on one balance at once.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from ledger import saving
from ledger.application import Ledger
from ledger.audit import verify
from ledger.domain.account import Account
from ledger.domain.command import Result
from ledger.domain.errors import AccountAlreadyOpenError
from ledger.results import ExpirySummary
from tests.app.reservers import REFUSED_FOR_BALANCE, RESERVED, reserve_when_all_are_ready
from tests.builders import (
    INSZ,
    START,
    event_names,
    grant_vov,
    insz_number,
    open_employee,
    usable,
)
from tests.stores import make_ledger


@pytest.fixture
def writers(database_url: str) -> Iterator[tuple[Ledger, Ledger]]:
    first, second = make_ledger(database_url), make_ledger(database_url)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def stale_once(monkeypatch: pytest.MonkeyPatch, ledger: Ledger, stale: Account) -> list[UUID]:
    """Make ``ledger.get_account`` return ``stale`` the first time it is asked for it."""
    real: Callable[[UUID], Account] = ledger.get_account
    calls: list[UUID] = []

    def get_account(aggregate_id: UUID) -> Account:
        calls.append(aggregate_id)
        first_ask = aggregate_id == stale.id and calls.count(aggregate_id) == 1
        return stale if first_ask else real(aggregate_id)

    monkeypatch.setattr(ledger, "get_account", get_account)
    return calls


def stale_in_batch_once(monkeypatch: pytest.MonkeyPatch, stale: Account) -> None:
    """Make the first bulk load that includes ``stale``'s account return ``stale`` for it."""
    real = saving.load_accounts
    served: list[bool] = []

    def load_accounts(*store_and_ids: Any) -> dict[UUID, Account]:
        found = real(*store_and_ids)
        if stale.id in found and not served:
            served.append(True)
            found[stale.id] = stale
        return found

    monkeypatch.setattr(saving, "load_accounts", load_accounts)


def test_a_command_whose_save_conflicts_is_retried_and_both_grants_survive(
    writers: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = writers
    open_employee(first)
    stale = first.get_account(first.account_id_for(INSZ))
    grant_vov(second, 10, "FROM-SECOND")
    calls = stale_once(monkeypatch, first, stale)

    outcome = grant_vov(first, 20, "FROM-FIRST")

    assert (outcome.result, outcome.account_version) == (Result.APPLIED, 3)
    assert len(calls) == 2  # the stale read, then a fresh one after the conflict
    [vov] = second.balance(INSZ).rights
    assert sorted(lot.grant_ref for lot in vov.lots) == ["FROM-FIRST", "FROM-SECOND"]
    assert vov.usable == 30


def test_the_same_grant_sent_by_two_writers_at_once_is_applied_once(
    writers: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = writers
    open_employee(first)
    stale = first.get_account(first.account_id_for(INSZ))
    grant_vov(second, 10, "SENT-TWICE")
    stale_once(monkeypatch, first, stale)

    outcome = grant_vov(first, 10, "SENT-TWICE")

    assert (outcome.result, outcome.events) == (Result.EXISTS, ())
    assert event_names(second.history(INSZ)) == ["AccountOpened", "RightGranted"]


def test_an_account_opened_meanwhile_by_another_writer_is_reported_as_existing(
    writers: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = writers
    open_employee(second)
    monkeypatch.setattr(first, "find_account", not_found_once(first.find_account))

    outcome = open_employee(first)

    assert (outcome.result, outcome.account_version) == (Result.EXISTS, 1)
    assert event_names(first.history(INSZ)) == ["AccountOpened"]


def test_an_account_opened_meanwhile_with_other_facts_is_refused(
    writers: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = writers
    second.open_account(INSZ, "jobseeker", START)
    monkeypatch.setattr(first, "find_account", not_found_once(first.find_account))

    with pytest.raises(AccountAlreadyOpenError):
        open_employee(first)

    assert event_names(first.history(INSZ)) == ["AccountOpened"]


def not_found_once(real: Callable[[UUID], Account | None]) -> Callable[[UUID], Account | None]:
    asked: list[UUID] = []

    def find_account(aggregate_id: UUID) -> Account | None:
        asked.append(aggregate_id)
        return None if len(asked) == 1 else real(aggregate_id)

    return find_account


def arrange_two_due_accounts(first: Ledger) -> list[str]:
    citizens = [insz_number(1), insz_number(2)]
    for insz in citizens:
        open_employee(first, insz)
        grant_vov(first, 10, "DUE", insz=insz, expires_on=date(2025, 3, 1))
    return citizens


def test_an_expiry_run_that_loses_a_race_redoes_the_account_and_loses_no_grant(
    writers: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = writers
    citizens = arrange_two_due_accounts(first)
    stale = first.get_account(first.account_id_for(citizens[0]))
    grant_vov(second, 5, "MEANWHILE", date(2024, 12, 1), citizens[0])
    stale_in_batch_once(monkeypatch, stale)

    summary = first.expire_all(date(2025, 6, 1))

    assert summary == ExpirySummary(date(2025, 6, 1), 2, 2, 2)
    assert usable(first, "vov-hours", citizens[0]) == (5, 0)
    assert usable(first, "vov-hours", citizens[1]) == (0, 0)
    assert event_names(first.history(citizens[0]))[-2:] == ["RightGranted", "RightExpired"]


def test_an_expiry_run_does_not_count_lots_another_writer_expired_meanwhile(
    writers: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = writers
    citizens = arrange_two_due_accounts(first)
    stale = first.get_account(first.account_id_for(citizens[0]))
    grant_vov(second, 5, "AFTER-EXPIRY", date(2025, 4, 1), citizens[0])  # expires DUE
    stale_in_batch_once(monkeypatch, stale)

    summary = first.expire_all(date(2025, 6, 1))

    assert summary == ExpirySummary(date(2025, 6, 1), 2, 1, 1)
    assert event_names(first.history(citizens[0])).count("RightExpired") == 1


RACERS = 8
# Hundredths of an hour (an int amount is minor units): three reservations fit, five do not.
GRANTED, EACH = 100, 30
BOOKED = date(2024, 10, 1)


def test_eight_processes_reserving_at_once_never_hold_more_than_was_granted(
    database_url: str,
) -> None:
    ledger = make_ledger(database_url)
    try:
        open_employee(ledger)
        grant_vov(ledger, GRANTED, "G-1")
        outcomes = race_reservations(database_url)

        fit = GRANTED // EACH
        assert (
            sorted(outcomes.values()) == [REFUSED_FOR_BALANCE] * (RACERS - fit) + [RESERVED] * fit
        )
        [vov] = ledger.balance(INSZ, BOOKED).rights
        assert (vov.reserved, vov.reserved + vov.usable) == (fit * EACH, GRANTED)
        landed = [e for e in event_names(ledger.history(INSZ)) if e == "UnitsReserved"]
        assert len(landed) == fit
        report = verify(ledger, workers=1)
        assert report.ok, [finding.line() for finding in report.findings]
    finally:
        ledger.close()


def race_reservations(database_url: str) -> dict[str, str]:
    """Each of ``RACERS`` processes reserves ``EACH`` at once; what each one saw."""
    spawn = multiprocessing.get_context("spawn")
    ready, outcomes = spawn.Barrier(RACERS), spawn.Queue()
    racers = [
        spawn.Process(
            target=reserve_when_all_are_ready,
            args=(database_url, INSZ, EACH, BOOKED, f"B-{n}", ready, outcomes),
        )
        for n in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    try:
        said = dict(outcomes.get(timeout=120) for _ in racers)
    finally:
        for racer in racers:
            racer.join(timeout=30)
    return said
