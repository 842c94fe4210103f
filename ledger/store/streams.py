"""Reads across every stream of an event or snapshot table that the recorder API lacks.

The library's recorders read one stream, or the notification log, at a time. A pass over
the whole store (the audit) needs to know some things about every stream before it
reaches them, and one SQL query per backend answers that; a store without SQL (memory)
answers ``None`` and the caller asks the recorder stream by stream.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import AggregateRecorder
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from psycopg.sql import SQL, Identifier

LATEST = (
    "SELECT originator_id, MAX(originator_version) AS version FROM {table} GROUP BY originator_id"
)


def latest_versions(recorder: AggregateRecorder) -> dict[UUID, int] | None:
    """Stream id -> its highest version, in one query; None on a store without SQL."""
    if isinstance(recorder, SQLiteAggregateRecorder):
        return _sqlite_latest(recorder)
    if isinstance(recorder, PostgresAggregateRecorder):
        return _postgres_latest(recorder)
    return None


def _sqlite_latest(recorder: SQLiteAggregateRecorder) -> dict[UUID, int]:
    statement = LATEST.format(table=recorder.events_table_name)
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement)
        rows = cursor.fetchall()
    return {UUID(str(row[0])): int(row[1]) for row in rows}


def _postgres_latest(recorder: PostgresAggregateRecorder) -> dict[UUID, int]:
    query = SQL(LATEST).format(
        table=SQL(".").join(
            [Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name)]
        )
    )
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(query)
        rows = cursor.fetchall()  # dict rows, keyed by column name
    return {UUID(str(row["originator_id"])): int(row["version"]) for row in rows}
