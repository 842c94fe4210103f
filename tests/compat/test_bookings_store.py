"""A store written before bookings (``make_bookings_store.py``, by 757b855) opens with
today's code: its snapshot of Account class_version 5 upcasts to the state a replay of the
events gives (no reservations, nothing held or reserved), it answers and audits as it did,
and the old account takes a reservation and its confirmation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest
from eventsourcing.domain import Snapshot

from ledger.application import Ledger
from ledger.audit.verify import verify
from ledger.domain.account import Account
from ledger.domain.views import rebuild
from tests.compat.answers import copied, opened
from tests.compat.make_bookings_store import CITIZENS, PROVIDER, balances

FIXTURE = Path(__file__).parent / "bookings_store"
LONG = CITIZENS["long"]
LONG_EVENTS = 110
SNAPSHOT_AT = 100


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return copied(FIXTURE / "llr.sqlite3", tmp_path)


@pytest.fixture
def ledger(store: Path) -> Iterator[Ledger]:
    yield from opened(store)


def events_of(ledger: Ledger, stream: UUID, up_to: int | None = None) -> list[Account.Event]:
    events = ledger.repository.event_store.get(stream, lte=up_to)
    return cast(list[Account.Event], list(events))


def replayed(ledger: Ledger, stream: UUID, up_to: int | None = None) -> Account:
    account = rebuild(events_of(ledger, stream, up_to))
    assert account is not None
    return account


def stored_snapshots(ledger: Ledger, stream: UUID) -> list[Snapshot]:
    assert ledger.snapshots is not None
    return cast(list[Snapshot], list(ledger.snapshots.get(stream)))


def assert_nothing_booked(account: Account) -> None:
    assert account.reservations == {}
    assert {lot_id: lot.held for lot_id, lot in account.lots.items() if lot.held} == {}
    assert {right: t.reserved for right, t in account.totals.items() if t.reserved} == {}


def clean(ledger: Ledger) -> bool:
    report = verify(ledger)
    assert report.findings == [], [f.line() for f in report.findings]
    return report.ok


def test_the_store_holds_a_snapshot_of_the_long_account_at_class_version_5(
    ledger: Ledger,
) -> None:
    stream = ledger.account_id_for(LONG)

    snapshots = stored_snapshots(ledger, stream)

    assert [s.originator_version for s in snapshots] == [SNAPSHOT_AT]
    assert snapshots[0].state["class_version"] == 5
    assert Account.class_version == 6
    assert len(events_of(ledger, stream)) == LONG_EVENTS


def test_the_old_snapshot_upcasts_to_the_state_a_replay_of_its_events_gives(
    ledger: Ledger,
) -> None:
    stream = ledger.account_id_for(LONG)
    snapshot = stored_snapshots(ledger, stream)[0]

    upcast = cast(Account, snapshot.mutate(None))

    assert upcast.version == SNAPSHOT_AT
    assert vars(upcast) == vars(replayed(ledger, stream, up_to=SNAPSHOT_AT))
    assert upcast.lots, "the snapshot holds open lots"
    assert_nothing_booked(upcast)


def test_the_long_account_loads_from_the_old_snapshot_into_the_state_of_a_full_replay(
    ledger: Ledger,
) -> None:
    stream = ledger.account_id_for(LONG)

    loaded: Account = ledger.repository.get(stream)

    assert loaded.version == LONG_EVENTS
    assert vars(loaded) == vars(replayed(ledger, stream))
    assert_nothing_booked(loaded)


def test_every_old_account_loads_as_its_replay_with_nothing_booked(ledger: Ledger) -> None:
    for insz in CITIZENS.values():
        stream = ledger.account_id_for(insz)
        loaded: Account = ledger.repository.get(stream)
        assert vars(loaded) == vars(replayed(ledger, stream)), insz
        assert_nothing_booked(loaded)


def test_the_store_gives_the_balances_it_gave_before_bookings(ledger: Ledger) -> None:
    recorded: dict[str, Any] = json.loads((FIXTURE / "answers.json").read_text())

    assert balances(ledger) == recorded


def test_the_old_store_audits_with_no_findings(ledger: Ledger) -> None:
    assert clean(ledger)


def test_the_old_account_takes_a_reservation_and_its_confirmation_and_still_audits_clean(
    ledger: Ledger,
) -> None:
    stream = ledger.account_id_for(LONG)
    lot_id = "employer:0566988259/VOV-2025"  # 32 h left of 40, until 1 Sep 2026
    on = date(2026, 3, 2)  # before the registry is kept (2027): the training is free text

    reserved = ledger.reserve(LONG, "vov-hours", "6", on, "T-BOOK", "BOOK-1", provider=PROVIDER)
    held: Account = ledger.repository.get(stream)
    confirmed = ledger.confirm(LONG, "BOOK-1", date(2026, 3, 16))
    after: Account = ledger.repository.get(stream)

    assert reserved.events == ("UnitsReserved",)
    assert (held.lots[lot_id].held, held.totals["vov-hours"].reserved) == (600, 600)
    assert "BOOK-1" in held.reservations
    assert confirmed.events == ("ReservationConfirmed",)
    assert confirmed.account_version == LONG_EVENTS + 2
    assert (after.lots[lot_id].held, after.totals["vov-hours"].reserved) == (0, 0)
    assert after.lots[lot_id].remaining == 3200 - 600
    assert vars(after) == vars(replayed(ledger, stream))
    assert clean(ledger)
