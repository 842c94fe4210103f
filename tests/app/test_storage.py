"""What the store holds: snapshots that match a replay, and pseudonymous stream ids."""

from __future__ import annotations

from datetime import date
from typing import cast
from uuid import UUID

import pytest
from eventsourcing.cipher import AESCipher
from eventsourcing.domain import Snapshot

from ledger.application import Ledger
from ledger.config import load_settings
from ledger.domain.account import Account
from ledger.domain.errors import AccountNotFoundError
from ledger.domain.identifiers import account_id, parse_insz
from ledger.domain.views import rebuild
from tests.builders import INSZ, grant_vov, open_employee
from tests.stores import TEST_ID_KEY, make_ledger

LOTS = 50
EVENTS = 1 + LOTS + 4 * (1 + LOTS)  # opening, grants, 4 x (status change + one per lot)


def arrange_a_long_account(ledger: Ledger) -> None:
    """255 events: 50 one-hour lots, then four career transitions moving all of them."""
    open_employee(ledger)
    for n in range(LOTS):
        grant_vov(ledger, 1, f"G{n}")
    for month, status in enumerate(["jobseeker", "employee", "jobseeker", "employee"]):
        ledger.change_status(INSZ, status, date(2025, 1 + month, 1))


def stored_events(ledger: Ledger, stream: UUID, up_to: int | None = None) -> list[Account.Event]:
    return cast(list[Account.Event], list(ledger.repository.event_store.get(stream, lte=up_to)))


def test_an_account_with_hundreds_of_events_loads_the_same_as_a_full_replay(
    ledger: Ledger,
) -> None:
    arrange_a_long_account(ledger)
    stream = ledger.account_id_for(INSZ)

    loaded: Account = ledger.repository.get(stream)
    replayed = rebuild(stored_events(ledger, stream))

    assert replayed is not None
    assert loaded.version == replayed.version == EVENTS
    assert loaded.__dict__ == replayed.__dict__
    assert loaded.totals["vov-hours"].usable == LOTS


def test_snapshots_are_written_as_the_stream_grows_and_hold_the_replayed_state(
    ledger: Ledger,
) -> None:
    arrange_a_long_account(ledger)
    stream = ledger.account_id_for(INSZ)
    assert ledger.snapshots is not None

    snapshots = cast(list[Snapshot], list(ledger.snapshots.get(stream)))

    versions = [s.originator_version for s in snapshots]
    assert len(versions) >= 2 and 200 < versions[-1] <= EVENTS
    newest = snapshots[-1]
    as_replayed = rebuild(stored_events(ledger, stream, newest.originator_version))
    assert as_replayed is not None
    assert newest.mutate(None).__dict__ == as_replayed.__dict__


def test_the_stream_id_is_a_keyed_hash_in_which_the_insz_does_not_appear(
    ledger: Ledger,
) -> None:
    open_employee(ledger)

    [stream] = list(ledger.all_account_ids())

    assert stream == account_id(parse_insz(INSZ), TEST_ID_KEY.encode())
    assert INSZ not in stream.hex and INSZ not in str(stream)


def test_a_ledger_with_another_id_key_finds_no_account_for_the_citizen(
    database_url: str,
) -> None:
    ours = make_ledger(database_url)
    settings = load_settings(database_url, {"LLR_ID_KEY": "another-key", "LLR_ACTOR": "x"})
    theirs = Ledger(settings.store_env(), id_key=settings.id_key, actor=settings.actor)
    try:
        open_employee(ours)

        assert theirs.account_id_for(INSZ) != ours.account_id_for(INSZ)
        assert list(theirs.all_account_ids()) == [ours.account_id_for(INSZ)]
        with pytest.raises(AccountNotFoundError):
            theirs.balance(INSZ)
    finally:
        ours.close()
        theirs.close()


def stored_states(ledger: Ledger) -> list[bytes]:
    return [e.state for e in ledger.recorder.select_events(ledger.account_id_for(INSZ))]


def test_with_a_cipher_key_the_stored_events_do_not_show_the_insz(any_database_url: str) -> None:
    environ = {"LLR_ID_KEY": TEST_ID_KEY, "LLR_CIPHER_KEY": AESCipher.create_key(32)}
    settings = load_settings(any_database_url, environ)
    ciphered = Ledger(settings.store_env(), id_key=settings.id_key, actor=settings.actor)
    try:
        open_employee(ciphered)
        grant_vov(ciphered, 10, "G1")

        assert stored_states(ciphered) and not any(
            INSZ.encode() in state for state in stored_states(ciphered)
        )
        assert [b.usable for b in ciphered.balance(INSZ).rights] == [10]
    finally:
        ciphered.close()
