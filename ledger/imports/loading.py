"""Load many accounts at once: one query for their latest snapshots, one for the events after.

The library reads one aggregate per query (two with snapshots); a chunk of an import touches
thousands. The two queries below also tell which ids are new: those with neither a snapshot
nor an event, so new citizens are never looked up one by one. The SQL is per backend and
reads the library's own tables (``stored_events``/``stored_snapshots`` on SQLite,
``<app>_events``/``<app>_snapshots`` on PostgreSQL); rows decode with the application's
mapper, so a cipher or compressor configured on the store applies here too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

from ledger.application import Ledger
from ledger.domain.account import Account

_IDS_PER_QUERY = 1000  # two parameters per id on SQLite stays far below its limit

Rows = list[tuple[Any, int, str, bytes]]


def load_accounts(ledger: Ledger, ids: Collection[UUID]) -> dict[UUID, Account]:
    """The stored accounts among ``ids``, by id; ids not in the store are left out."""
    recorder = ledger.recorder
    listed = list(ids)
    found: dict[UUID, Account] = {}
    for start in range(0, len(listed), _IDS_PER_QUERY):
        part = listed[start : start + _IDS_PER_QUERY]
        if isinstance(recorder, SQLiteApplicationRecorder):
            snapshots, events = _sqlite_rows(ledger, part)
        elif isinstance(recorder, PostgresApplicationRecorder):
            snapshots, events = _postgres_rows(ledger, part)
        else:  # the in-memory store: nothing to gain from SQL
            found.update(_one_by_one(ledger, part))
            continue
        found.update(_rebuild(ledger, snapshots, events))
    return found


def _one_by_one(ledger: Ledger, ids: Iterable[UUID]) -> Iterable[tuple[UUID, Account]]:
    for aggregate_id in ids:
        account = ledger.find_account(aggregate_id)
        if account is not None:
            yield aggregate_id, account


def _snapshot_table(ledger: Ledger) -> str | None:
    if ledger.snapshots is None:
        return None
    return cast(str, getattr(ledger.snapshots.recorder, "events_table_name", None))


def _sqlite_rows(ledger: Ledger, ids: Sequence[UUID]) -> tuple[Rows, Rows]:
    recorder = cast(SQLiteApplicationRecorder, ledger.recorder)
    datastore = recorder.datastore
    hex_ids = [i.hex for i in ids]
    marks = ",".join("?" * len(hex_ids))
    snapshot_table = _snapshot_table(ledger)
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


def _postgres_rows(ledger: Ledger, ids: Sequence[UUID]) -> tuple[Rows, Rows]:
    recorder = cast(PostgresApplicationRecorder, ledger.recorder)
    datastore = recorder.datastore
    schema = Identifier(datastore.schema)
    snapshot_table = _snapshot_table(ledger)
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


def _rebuild(ledger: Ledger, snapshots: Rows, events: Rows) -> dict[UUID, Account]:
    decode = ledger.mapper.to_domain_event
    accounts: dict[UUID, Any] = {}
    for rows in (snapshots, events):  # snapshots first: events continue from them
        for originator_id, version, topic, state in rows:
            event: Any = decode(StoredEvent(originator_id, version, topic, state))
            accounts[originator_id] = event.mutate(accounts.get(originator_id))
    return accounts
