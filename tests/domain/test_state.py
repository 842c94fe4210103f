"""The Account's typed state: its values, their storage as JSON, and the upcast of a
snapshot of the older, string-keyed shape."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Mapper, UUIDAsHex

from ledger.domain.account import Account, SnapshotTooOld
from ledger.domain.catalogue import CapCounts, Status
from ledger.domain.errors import ReferenceConflictError
from ledger.domain.idempotency import References
from ledger.domain.state import (
    TOTAL_KEYS,
    Entries,
    Entry,
    EntryKind,
    MovementKey,
    Movements,
    ReversalRequest,
    RightTotals,
)
from ledger.store.transcodings import ledger_transcodings
from tests.domain.support import (
    ACTOR,
    CATALOGUE,
    EMPLOYER,
    FED_DAYS,
    VOV,
    change,
    grant,
    new_account,
    use,
)

SEP_2 = date(2024, 9, 2)


def test_right_totals_add_by_the_name_of_a_lot_state_and_list_in_the_order_of_total_keys() -> None:
    totals = RightTotals(granted=10, usable=10)

    totals.add("usable", -4)
    totals.add("suspended", 4)

    assert totals.as_dict() == dict(zip(TOTAL_KEYS, [10, 0, 0, 0, 6, 4, 0], strict=True))
    assert RightTotals.from_row(totals.as_row()) == totals


def test_movements_are_kept_per_right_and_count_and_read_empty_when_none() -> None:
    movements = Movements()

    movements.add(VOV, CapCounts.GRANTS, SEP_2, 5)
    movements.add(VOV, CapCounts.GRANTS, SEP_2, -5)

    assert movements.get(MovementKey(VOV, CapCounts.GRANTS)) == [[SEP_2, 5], [SEP_2, -5]]
    assert movements.get(MovementKey(VOV, CapCounts.USES)) == []
    assert Movements.from_rows(movements.as_rows()) == movements


def test_a_reference_sent_again_is_a_repeat_with_the_same_content_else_a_conflict() -> None:
    references = References()
    references.remember(EMPLOYER, "G-1", "grant|x")

    assert references.is_exact_repeat(EMPLOYER, "G-1", "grant|x")
    assert not references.is_exact_repeat(EMPLOYER, "G-2", "grant|x")
    assert not references.is_exact_repeat(EMPLOYER, None, "grant|x")
    with pytest.raises(ReferenceConflictError):
        references.is_exact_repeat(EMPLOYER, "G-1", "grant|y")


def test_the_old_string_keys_split_where_a_source_or_a_count_cannot_hold_a_bar() -> None:
    references = References.from_v1({"employer:1|a|b": "p", "|U-1": "q"})
    movements = Movements.from_v1({"odd|right|grants": [[SEP_2, 1]]})

    assert references == References({("employer:1", "a|b"): "p", ("", "U-1"): "q"})
    assert movements == Movements({MovementKey("odd|right", CapCounts.GRANTS): [[SEP_2, 1]]})


def transcoder() -> JSONTranscoder:
    json = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), *ledger_transcodings()):
        json.register(transcoding)
    return json


@pytest.mark.parametrize(
    "value",
    [
        RightTotals(1, 2, 3, 4, 5, 6),
        Entries(
            {
                "3": Entry(EntryKind.USE, on=SEP_2, draws=[["lot", 3]], reversed=True),
                "4": Entry(EntryKind.FORFEIT, lot="lot", amount=4),
                "5": Entry(EntryKind.GRANT, lot="lot"),
            }
        ),
        Movements({MovementKey(VOV, CapCounts.USES): [[SEP_2, 2]]}),
        References({(EMPLOYER, "G-1"): "grant|x"}),
        ReversalRequest(3, "wrong", ACTOR, SEP_2, approved=True),
    ],
    ids=type,
)
def test_every_typed_value_comes_back_from_json_unchanged(value: Any) -> None:
    json = transcoder()

    assert json.decode(json.encode({"value": value})) == {"value": value}


def an_account_with_every_kind_of_state() -> Account:
    account = new_account()
    grant(account, VOV, 20, SEP_2, "g1")
    use(account, VOV, 5, date(2024, 10, 1), "u1")
    change(account, Status.JOBSEEKER, date(2025, 1, 6))
    account.request_reversal(CATALOGUE, 3, "entered twice", date(2025, 1, 7), "staff:1")
    account.collect_events()
    return account


def v1_state(account: Account) -> dict[str, Any]:
    """The state as version 1 stored it: string keys, dicts, no requests until one is made."""
    state = {k: v for k, v in vars(account).items() if k not in ("_id", "_version")}
    state.pop("_pending_events", None)
    state["totals"] = {right: t.as_dict() for right, t in account.totals.items()}
    state["movements"] = {
        f"{key.right}|{key.counts.value}": moves for key, moves in account.movements.by_key.items()
    }
    state["entries"] = {
        version: {
            **{k: v for k, v in vars_of(entry).items() if v is not None and v is not False},
            "kind": entry.kind.value,
        }
        for version, entry in account.entries.items()
    }
    state["references"] = {
        f"{source}|{reference}": fingerprint
        for (source, reference), fingerprint in account.references.fingerprints.items()
    }
    state["reversal_requests"] = {
        request_id: vars_of(request) for request_id, request in account.reversal_requests.items()
    }
    return state


def vars_of(value: Any) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__slots__}


def test_a_version_1_snapshot_is_upcast_to_the_typed_state() -> None:
    # Version 1 knew no tracks: its accounts held rights without them.
    account = new_account()
    grant(account, FED_DAYS, 200, SEP_2, "g1")
    use(account, FED_DAYS, 50, date(2024, 10, 1), "u1")
    account.request_reversal(CATALOGUE, 3, "entered twice", date(2025, 1, 7), "staff:1")
    account.collect_events()
    state = v1_state(account)
    Account.upcast_v1_v2(state)

    assert state == {
        k: v for k, v in vars(account).items() if k not in ("_id", "_version", "_pending_events")
    }


def test_a_version_1_snapshot_without_requests_gets_none() -> None:
    account = new_account()
    state = v1_state(account)
    del state["reversal_requests"]

    Account.upcast_v1_v2(state)

    assert state["reversal_requests"] == {}


def test_a_version_2_snapshot_is_too_old_to_restore_an_account_with_a_career() -> None:
    # One status, without since when nor which employer: the loaders replay the events.
    state = {"status": "employee", "last_on": date(2024, 5, 1)}

    with pytest.raises(SnapshotTooOld):
        Account.upcast_v2_v3(state)


def test_a_snapshot_records_the_class_version_and_restores_the_same_account() -> None:
    account = an_account_with_every_kind_of_state()
    mapper = Mapper(transcoder())

    snapshot = Snapshot.take(account)
    restored = mapper.to_domain_event(mapper.to_stored_event(snapshot)).mutate(None)

    assert snapshot.state["class_version"] == Account.class_version == 6
    assert isinstance(restored, Account)
    assert vars(restored) == vars(account)
