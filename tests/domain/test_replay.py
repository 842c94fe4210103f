"""Invariants 6 and 7 in the domain: replay and snapshots give the live state; the hash chain
of the stream shows any change, removal or reordering of an event."""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Mapper, UUIDAsHex

from ledger.domain.account import Account
from ledger.domain.catalogue import Education, EndReason, Status
from ledger.domain.chain import GENESIS, event_hash
from ledger.domain.facts import FactKind
from ledger.domain.state import EntryKind
from ledger.domain.views import balances, effective_until, known_at, rebuild
from ledger.store.transcodings import ledger_transcodings
from tests.domain.support import (
    ACTOR,
    CATALOGUE,
    CEVORA,
    EMPLOYER,
    FED_DAYS,
    FLANDERS,
    INSZ,
    SECTOR,
    VOUCHERS,
    VOV,
    by,
    change,
    employment_at,
    grant,
    names,
    state_of,
    use,
)

ALL_EVENT_NAMES = {
    "AccountOpened", "StatusChanged", "RightGranted", "RightUsed", "RightTransferred",
    "RightSuspended", "RightForfeited", "RightExpired", "EntryReversed", "EmploymentStarted",
    "EmploymentSuspended", "EmploymentEnded", "SituationStarted", "SituationEnded",
    "FactRecorded",
}  # fmt: skip
NEXT_EMPLOYER = "employer:0202239951"


def a_full_story() -> tuple[Account, list[Account.Event]]:
    """An account whose stream holds every kind of event; returns it and all its events."""
    start = date(2024, 1, 1)
    account = Account.open(
        uuid5(NAMESPACE_URL, "/tests/story"), INSZ, Status.EMPLOYEE, start, Education.HIGH, by(),
        employment_at(EMPLOYER, start),
    )  # fmt: skip
    grant(account, FED_DAYS, 5, date(2024, 1, 15), "fed")
    grant(account, VOV, 40, date(2024, 9, 2), "vov")
    # A high-qualified worker's vouchers need a personal development plan (POP).
    account.record_fact(FactKind.POP, None, date(2023, 6, 1), None, by())
    grant(account, VOUCHERS, 30000, date(2024, 9, 2), "cheque", source=FLANDERS)
    grant(account, SECTOR, 16, date(2024, 9, 2), "sector", source=CEVORA)
    use(account, VOV, 10, date(2024, 10, 1), "u1")
    use(account, FED_DAYS, 2, date(2024, 10, 2), "u2")
    account.suspend_employment(
        EMPLOYER.removeprefix("employer:"), date(2024, 11, 4), date(2024, 11, 29), "sickness", by()
    )
    change(account, Status.JOBSEEKER, date(2025, 1, 6))
    forfeit = next(int(v) for v, e in account.entries.items() if e.kind is EntryKind.FORFEIT)
    account.reverse(CATALOGUE, forfeit, "temporary layoff", date(2025, 2, 3), ACTOR)
    account.start_employment(CATALOGUE, employment_at(NEXT_EMPLOYER, date(2025, 3, 3)), by())
    account.end_situation(CATALOGUE, Status.JOBSEEKER, date(2025, 3, 3), by())
    use(account, VOV, 5, date(2025, 3, 10), "u3")
    account.reverse(CATALOGUE, account.version, "no show", date(2025, 3, 17), ACTOR)
    account.start_situation(CATALOGUE, Status.SELF_EMPLOYED_SIDE, date(2025, 4, 1), by())
    account.expire(date(2025, 9, 1), ACTOR)
    grant(account, VOV, 20, date(2025, 9, 1), "vov-2025", source=NEXT_EMPLOYER)
    account.end_employment(
        CATALOGUE, NEXT_EMPLOYER.removeprefix("employer:"), date(2025, 12, 31),
        EndReason.RESIGNATION, by(),
    )  # fmt: skip
    return account, list(account.collect_events())


def test_the_story_holds_every_kind_of_event() -> None:
    _, events = a_full_story()

    assert set(names(events)) == ALL_EVENT_NAMES


# --- replay and snapshots (invariant 6) ------------------------------------------------------
def test_replaying_the_events_into_a_fresh_account_gives_the_live_state() -> None:
    account, events = a_full_story()

    rebuilt = rebuild(events)

    assert rebuilt is not None
    assert state_of(rebuilt) == state_of(account)


def transcoder() -> JSONTranscoder:
    """The application's transcodings: the library's defaults plus the ledger's own."""
    json = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), *ledger_transcodings()):
        json.register(transcoding)
    return json


def test_a_snapshot_through_the_json_transcoder_gives_the_live_state() -> None:
    account, _ = a_full_story()
    mapper = Mapper(transcoder())

    stored = mapper.to_stored_event(Snapshot.take(account))
    restored = mapper.to_domain_event(stored).mutate(None)

    assert isinstance(restored, Account)
    assert state_of(restored) == state_of(account)


def test_an_account_restored_from_a_snapshot_takes_the_next_command_like_the_live_one() -> None:
    account, _ = a_full_story()
    mapper = Mapper(transcoder())
    restored = mapper.to_domain_event(mapper.to_stored_event(Snapshot.take(account))).mutate(None)
    assert isinstance(restored, Account)
    head = account.head_hash

    for one in (account, restored):
        one.start_employment(CATALOGUE, employment_at(EMPLOYER, date(2026, 1, 5)), by())
        grant(one, VOV, 12, date(2026, 1, 5), "vov-2026")
        use(one, VOV, 3, date(2026, 1, 12), "u4")

    live_events, restored_events = account.collect_events(), restored.collect_events()
    assert live_events[0].prev_hash == restored_events[0].prev_hash == head
    assert restored_events[-1].draws == live_events[-1].draws
    assert restored.totals == account.totals


def test_events_through_the_json_transcoder_keep_their_hashes_and_replay_the_same() -> None:
    account, events = a_full_story()
    mapper = Mapper(transcoder())

    decoded = [mapper.to_domain_event(mapper.to_stored_event(e)) for e in events]

    assert [event_hash(e) for e in decoded] == [event_hash(e) for e in events]
    rebuilt = rebuild(cast(list[Account.Event], decoded))
    assert rebuilt is not None and state_of(rebuilt) == state_of(account)


def test_a_past_state_is_the_replay_of_the_events_up_to_that_day() -> None:
    _, events = a_full_story()

    then = rebuild(effective_until(events, date(2025, 2, 1)))

    assert then is not None and then.status == "jobseeker"
    vov = next(b for b in balances(then, CATALOGUE, date(2025, 2, 1)) if b.right == VOV)
    assert (vov.usable, vov.suspended) == (0, 30)


def recorded_apart(events: list[Account.Event]) -> int:
    """An index whose event was recorded strictly before the next one."""
    return next(i for i in range(3, len(events)) if events[i].timestamp < events[i + 1].timestamp)


def test_what_was_known_at_a_moment_is_the_events_recorded_by_then() -> None:
    _, events = a_full_story()
    last = recorded_apart(events)

    known = list(known_at(events, events[last].timestamp))

    assert known == events[: last + 1]


def test_a_moment_without_a_time_zone_is_read_as_utc() -> None:
    _, events = a_full_story()
    last = recorded_apart(events)
    naive = events[last].timestamp.astimezone(UTC).replace(tzinfo=None)

    known = list(known_at(events, naive))

    assert known == events[: last + 1]


# --- the hash chain (invariant 7) ------------------------------------------------------------
def test_each_event_names_the_hash_of_the_one_before_it() -> None:
    account, events = a_full_story()

    assert events[0].prev_hash == GENESIS
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == event_hash(previous)
    assert account.head_hash == event_hash(events[-1])


def changed(value: Any) -> Any:
    """A different value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, datetime):
        return value + timedelta(microseconds=1)
    if isinstance(value, date):
        return value + timedelta(days=1)
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, UUID):
        return uuid5(value, "x")
    if isinstance(value, list):
        return [*value, "x"]
    assert value is None, f"no change defined for {value!r}"
    return "x"


def tampered(event: Any, field: str) -> Any:
    forged = copy.copy(event)
    object.__setattr__(forged, field, changed(getattr(event, field)))
    return forged


def test_changing_any_field_of_any_event_breaks_the_chain() -> None:
    account, events = a_full_story()
    recorded = [e.prev_hash for e in events[1:]] + [account.head_hash]

    for event, expected in zip(events, recorded, strict=True):
        for field in event.__dict__:
            assert event_hash(tampered(event, field)) != expected, (type(event).__name__, field)


@pytest.mark.parametrize("position", [2, 6, 13])
def test_removing_or_swapping_an_event_breaks_the_chain(position: int) -> None:
    _, events = a_full_story()

    without = events[:position] + events[position + 1 :]
    swapped = [*events[: position - 1], events[position], events[position - 1]]

    assert without[position].prev_hash != event_hash(without[position - 1])
    assert swapped[position - 1].prev_hash != event_hash(swapped[position - 2])
