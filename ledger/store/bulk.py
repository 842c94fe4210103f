"""Load many accounts at once: one query for their latest snapshots, one for the events after.

The library reads one aggregate per query (two with snapshots); a chunk of an import or an
expiry run touches thousands. The two queries below also tell which ids are new: those with
neither a snapshot nor an event, so new citizens are never looked up one by one. The SQL is
per backend and reads the library's own tables (``stored_events``/``stored_snapshots`` on
SQLite, ``<app>_events``/``<app>_snapshots`` on PostgreSQL); rows decode with the
application's mapper, so a cipher or compressor configured on the store applies here too.
The in-memory store is read through the recorders' own ``select_events``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    Mapper,
    StoredEvent,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder

from ledger.domain.account import Account, SnapshotTooOld
from ledger.domain.effective import fold
from ledger.store.repository import has_late

_IDS_PER_QUERY = 1000  # two parameters per id on SQLite stays far below its limit

Rows = list[tuple[Any, int, str, bytes]]


def load_accounts(
    recorder: ApplicationRecorder,
    mapper: Mapper[UUID],
    snapshots: AggregateRecorder | None,
    ids: Collection[UUID],
) -> dict[UUID, Account]:
    """The stored accounts among ``ids``, by id; ids not in the store are left out.

    ``snapshots`` is the snapshot recorder (None when the store keeps no snapshots).
    """
    listed = list(ids)
    found: dict[UUID, Account] = {}
    for start in range(0, len(listed), _IDS_PER_QUERY):
        part = listed[start : start + _IDS_PER_QUERY]
        if isinstance(recorder, SQLiteApplicationRecorder):
            rows = _sqlite_rows(recorder, snapshots, part)
        elif _is_postgres(recorder):
            rows = _postgres_rows(recorder, snapshots, part)
        else:  # the in-memory store: nothing to gain from SQL
            rows = _recorder_rows(recorder, snapshots, part)
        accounts, stale = _rebuild(mapper, *rows)
        found.update(accounts)
        if stale and snapshots is not None:  # replayed from their first event instead
            found.update(load_accounts(recorder, mapper, None, stale))
    return found


def _is_postgres(recorder: ApplicationRecorder) -> bool:
    # Imported only when asked: a SQLite store never loads the PostgreSQL driver.
    from eventsourcing.postgres import PostgresApplicationRecorder

    return isinstance(recorder, PostgresApplicationRecorder)


def _recorder_rows(
    recorder: ApplicationRecorder, snapshots: AggregateRecorder | None, ids: Sequence[UUID]
) -> tuple[Rows, Rows]:
    snapshot_rows: Rows = []
    event_rows: Rows = []
    for aggregate_id in ids:
        latest = snapshots.select_events(aggregate_id, desc=True, limit=1) if snapshots else []
        snapshot_rows += [_row(s) for s in latest]
        after = latest[0].originator_version if latest else None
        event_rows += [_row(e) for e in recorder.select_events(aggregate_id, gt=after)]
    return snapshot_rows, event_rows


def _row(stored: StoredEvent) -> tuple[Any, int, str, bytes]:
    return (stored.originator_id, stored.originator_version, stored.topic, stored.state)


def _table_of(snapshots: AggregateRecorder | None) -> str | None:
    if snapshots is None:
        return None
    return cast(str, getattr(snapshots, "events_table_name", None))


def _sqlite_rows(
    recorder: SQLiteApplicationRecorder,
    snapshot_recorder: AggregateRecorder | None,
    ids: Sequence[UUID],
) -> tuple[Rows, Rows]:
    datastore = recorder.datastore
    hex_ids = [i.hex for i in ids]
    marks = ",".join("?" * len(hex_ids))
    snapshot_table = _table_of(snapshot_recorder)
    with datastore.transaction(commit=False) as cursor:
        snapshots: Rows = []
        if snapshot_table:
            # SQLite takes the bare columns from the row that holds the MAX().
            cursor.execute(
                "SELECT originator_id, MAX(originator_version), topic, state "
                f"FROM {snapshot_table} WHERE originator_id IN ({marks}) "
                "GROUP BY originator_id",
                hex_ids,
            )
            snapshots = [tuple(row) for row in cursor.fetchall()]
        after = {row[0]: row[1] for row in snapshots}
        wanted = [p for h in hex_ids for p in (h, after.get(h, 0))]
        cursor.execute(
            f"WITH wanted(id, after) AS (VALUES {','.join(['(?,?)'] * len(hex_ids))}) "
            "SELECT e.originator_id, e.originator_version, e.topic, e.state "
            f"FROM wanted JOIN {recorder.events_table_name} e "
            "ON e.originator_id = wanted.id AND e.originator_version > wanted.after "
            "ORDER BY e.originator_id, e.originator_version",
            wanted,
        )
        events: Rows = [tuple(row) for row in cursor.fetchall()]
    return _with_uuids(snapshots), _with_uuids(events)


def _with_uuids(rows: Rows) -> Rows:
    return [(UUID(hex=row[0]), row[1], row[2], row[3]) for row in rows]


def _postgres_rows(
    any_recorder: ApplicationRecorder,
    snapshot_recorder: AggregateRecorder | None,
    ids: Sequence[UUID],
) -> tuple[Rows, Rows]:
    from eventsourcing.postgres import PostgresApplicationRecorder
    from psycopg.sql import SQL, Identifier

    recorder = cast(PostgresApplicationRecorder, any_recorder)
    datastore = recorder.datastore
    schema = Identifier(datastore.schema)
    snapshot_table = _table_of(snapshot_recorder)
    with datastore.transaction(commit=False) as cursor:
        # Row estimates for a table that grows fast are often far off, and past a cost
        # threshold the server compiles each query to machine code first (JIT): 100 ms and
        # more for a look-up of a few thousand rows. Not for these.
        cursor.execute("SET LOCAL jit = off")
        snapshots: Rows = []
        if snapshot_table:
            cursor.execute(
                SQL(
                    "SELECT DISTINCT ON (originator_id) originator_id, originator_version, "
                    "topic, state FROM {}.{} WHERE originator_id = ANY(%s) "
                    "ORDER BY originator_id, originator_version DESC"
                ).format(schema, Identifier(snapshot_table)),
                (list(ids),),
            )
            snapshots = [_pg_row(row) for row in cursor.fetchall()]
        after = {row[0]: row[1] for row in snapshots}
        # LATERAL: one index range scan per account. A plain join let the planner, which
        # guesses 100 rows for unnest(), pick a (parallel) scan of the whole table for every
        # chunk, and an import got slower with every million events stored.
        cursor.execute(
            SQL(
                "SELECT e.originator_id, e.originator_version, e.topic, e.state "
                "FROM unnest(%s::uuid[], %s::bigint[]) AS wanted(id, after) "
                "CROSS JOIN LATERAL (SELECT * FROM {}.{} x WHERE x.originator_id = wanted.id "
                "AND x.originator_version > wanted.after ORDER BY x.originator_version) e"
            ).format(schema, Identifier(recorder.events_table_name)),
            (list(ids), [after.get(i, 0) for i in ids]),
        )
        events = [_pg_row(row) for row in cursor.fetchall()]
    return snapshots, events


def _pg_row(row: Any) -> tuple[Any, int, str, bytes]:
    return (row["originator_id"], row["originator_version"], row["topic"], bytes(row["state"]))


def _rebuild(
    mapper: Mapper[UUID], snapshots: Rows, events: Rows
) -> tuple[dict[UUID, Account], set[UUID]]:
    """The accounts the rows give, and the ids to read again from their first event: a
    snapshot too old to restore, or an event dated before what the account already holds
    (a late fact after the snapshot; see ``ledger/store/repository.py``)."""
    decode = mapper.to_domain_event
    accounts: dict[UUID, Any] = {}
    stale: set[UUID] = set()
    for originator_id, version, topic, state in snapshots:
        snapshot: Any = decode(StoredEvent(originator_id, version, topic, state))
        try:
            accounts[originator_id] = snapshot.mutate(None)
        except SnapshotTooOld:
            stale.add(originator_id)
    by_account: dict[UUID, list[Any]] = {}
    for originator_id, version, topic, state in events:
        if originator_id not in stale:
            event = decode(StoredEvent(originator_id, version, topic, state))
            by_account.setdefault(originator_id, []).append(event)
    for originator_id, stream in by_account.items():
        account = accounts.get(originator_id)
        if account is None:
            accounts[originator_id] = fold(stream)  # the whole stream: effective order
        elif has_late(stream, account.last_on):
            stale.add(originator_id)
            del accounts[originator_id]
        else:
            for event in stream:
                account = event.mutate(account)
    return accounts, stale
