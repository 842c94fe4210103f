"""A snapshot must hold the replayed state (6), and pins the hash of the event it was taken
at (7): the last event of a stream, otherwise outside the chain's reach, is covered by it."""

from __future__ import annotations

from ledger.application import Ledger
from ledger.audit import Invariant, verify
from ledger.store.streams import latest_versions
from tests.audit.support import ANNA, BERT, SHOWN, StoredRecords, findings_of, lines
from tests.conftest import make_ledger


def snapshot_bert(ledger: Ledger) -> int:
    """A snapshot of Bert's account at its last event (4, the expiry of his lot)."""
    ledger.take_snapshot(ledger.account_id_for(BERT))
    return 4


def test_a_store_with_snapshots_verifies_clean(populated: Ledger) -> None:
    snapshot_bert(populated)

    assert lines(verify(populated)) == []
    assert lines(verify(populated, BERT)) == []


def test_a_snapshot_that_differs_from_the_replay_is_named(
    populated: Ledger, records: StoredRecords
) -> None:
    version = snapshot_bert(populated)
    bert = populated.account_id_for(BERT)
    state = records.state(bert, version, records.snapshots)
    state["state"]["totals"]["vov-hours"]["expired"] = 0  # the stored aggregate state
    records.set_state(bert, version, state, records.snapshots)

    report = verify(populated)

    assert [(f.citizen, f.version, f.invariant) for f in report.findings] == [
        (SHOWN[BERT], version, Invariant.REPLAY_SNAPSHOT_PROJECTIONS)
    ]
    assert "totals" in report.findings[0].message


def test_a_changed_last_event_is_caught_by_the_snapshot_taken_at_it(
    populated: Ledger, records: StoredRecords
) -> None:
    version = snapshot_bert(populated)
    records.edit(populated.account_id_for(BERT), version, actor="someone-else")

    report = verify(populated, BERT)

    assert [(f.citizen, f.version, f.event) for f in findings_of(report, Invariant(7))] == [
        (SHOWN[BERT], version, "RightExpired")
    ]


def test_events_removed_after_a_snapshot_are_named(
    populated: Ledger, records: StoredRecords
) -> None:
    version = snapshot_bert(populated)
    records.delete(populated.account_id_for(BERT), version)

    report = verify(populated)

    assert [(f.citizen, f.invariant) for f in report.findings] == [
        (SHOWN[BERT], Invariant.HISTORY_UNALTERED)
    ]
    assert "later events were removed" in report.findings[0].message


def test_the_latest_snapshot_of_every_account_is_read_in_one_query(populated: Ledger) -> None:
    snapshot_bert(populated)
    populated.take_snapshot(populated.account_id_for(ANNA))
    assert populated.snapshots is not None
    recorder = populated.snapshots.recorder
    accounts = {r.originator_id for r in populated.recorder.select_notifications(0, 1000)}

    latest = latest_versions(recorder)

    one_by_one = {a: recorder.select_events(a, desc=True, limit=1) for a in accounts}
    assert latest == {a: found[0].originator_version for a, found in one_by_one.items() if found}
    assert latest[populated.account_id_for(BERT)] == 4


def test_a_store_in_memory_has_no_query_for_the_latest_snapshots() -> None:
    ledger = make_ledger("memory")
    assert ledger.snapshots is not None

    assert latest_versions(ledger.snapshots.recorder) is None
