"""Invariants 6 and 7 at a snapshot: it holds exactly the replayed state, and its head hash
is the hash of the stored event it was taken at.

Only each account's latest snapshot is read (it is the one ``repository.get`` starts from),
when the streaming replay reaches its version.
"""

from __future__ import annotations

import json
from typing import Any

from ledger.audit.findings import Invariant
from ledger.audit.invariants.stream import StreamAudit
from ledger.audit.records import SnapshotIndex, Undecodable
from ledger.domain.account import Account, SnapshotTooOld
from ledger.domain.chain import canonical

NOT_STATE = ("_id", "_version", "_pending_events")  # what Snapshot.take leaves out
SHOWN = 160  # characters of a differing value shown in a finding
# What holds amounts (or fingerprints of them) in a snapshot's state. A snapshot from
# before minor units (class version < 4) holds them in whole hours and days, while the
# replay holds minor units: such a snapshot is compared in the rest of what it holds.
IN_UNITS_OF_THEIR_TIME = ("lots", "totals", "movements", "entries", "references")


def compare_snapshot(stream: StreamAudit, snapshots: SnapshotIndex) -> None:
    version = stream.version
    try:
        snapshot = snapshots.fetch(stream.account_id, version)
        stored, complete = current_shape(dict(snapshot.state))
    except (Undecodable, AttributeError, TypeError, KeyError, ValueError) as error:
        stream.find(
            Invariant.REPLAY_SNAPSHOT_PROJECTIONS,
            f"the snapshot at this event cannot be read ({error})",
        )
        return
    recorded = stored.get("head_hash")
    if stream.head is not None and recorded != stream.head:
        stream.find(
            Invariant.HISTORY_UNALTERED,
            "as stored it no longer hashes to the head_hash the snapshot taken at it recorded",
            expected=recorded,
            found=stream.head,
        )
    if stream.replaying and stream.account is not None:
        compare_state(stream, stored, version, complete)


def current_shape(state: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A snapshot's state as the Account's current class version holds it (what
    ``Snapshot.mutate`` does before it restores an account), and whether it holds all of
    it: a snapshot too old to restore from (``SnapshotTooOld``) is compared in what it
    holds, as the account is replayed from its events instead."""
    version = state.pop("class_version", 1)
    try:
        while version < Account.class_version:
            getattr(Account, f"upcast_v{version}_v{version + 1}")(state)
            version += 1
    except SnapshotTooOld:
        # Every snapshot too old to restore from predates minor units (version 4).
        return {k: v for k, v in state.items() if k not in IN_UNITS_OF_THEIR_TIME}, False
    return state, True


def compare_state(
    stream: StreamAudit, stored: dict[str, Any], version: int, complete: bool = True
) -> None:
    replayed = {k: v for k, v in vars(stream.account).items() if k not in NOT_STATE}
    keys = sorted(set(replayed) | set(stored) if complete else set(stored))
    differing = [k for k in keys if k != "head_hash" and not same(replayed.get(k), stored.get(k))]
    if differing:
        first = differing[0]
        stream.find(
            Invariant.REPLAY_SNAPSHOT_PROJECTIONS,
            f"the snapshot at event {version} differs from the replayed stream in "
            f"{', '.join(differing)} (values of {first} shown)",
            expected=_short(replayed.get(first)),
            found=_short(stored.get(first)),
        )


def same(replayed: Any, stored: Any) -> bool:
    """Equal as values; a tuple read back as a list is the same value."""
    return bool(replayed == stored) or canonical(replayed) == canonical(stored)


def check_snapshot_reached(stream: StreamAudit) -> None:
    """A snapshot beyond the stream's last event means events after it were removed."""
    if stream.snapshot_version is not None and stream.version < stream.snapshot_version:
        stream.find(
            Invariant.HISTORY_UNALTERED,
            f"a snapshot was taken at event {stream.snapshot_version} but the stream now "
            f"ends at event {stream.version}: later events were removed",
            expected=f"events up to {stream.snapshot_version}",
            found=f"events up to {stream.version}",
        )


def _short(value: Any) -> str:
    text = json.dumps(canonical(value), sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."
