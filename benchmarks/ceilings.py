"""The two ceilings an import is measured against, on the same store and machine.

- the raw recorder: ``insert_events`` of ready-made stored events in large batches, i.e. the
  library's own write path with no domain, mapping or parsing work at all;
- the bulk load: COPY (PostgreSQL) or one ``executemany`` transaction (SQLite) into a scratch
  table of the same shape as the events table.

Each gives two rates: per second of wall time, and per second of this process's CPU time
(on a shared machine the second is steadier; on PostgreSQL it leaves out the server's work).
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from ledger.config import load_settings

# Events per insert_events call. On PostgreSQL, psycopg's pure-Python pipeline can hang for
# good on a very large statement (10,000 events of ~450 bytes hung here; psycopg issue 685),
# so it gets batches the size of an import chunk's write.
BATCH = {"sqlite": 10_000, "postgres": 2_500}
TOPIC = "ledger.domain.account:Account.RightGranted"


class Clock:
    """Wall time and this process's CPU time over a block; rates per second of each."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def rates(self, count: int) -> tuple[float, float]:
        return count / self.wall, count / max(self.cpu, 1e-9)


class Ceiling(Application[uuid.UUID]):
    """An empty application: its own tables (``ceiling_events`` on PostgreSQL)."""

    name = "ceiling"


def stored_events(count: int, streams: int, size: int) -> Iterator[StoredEvent]:
    per_stream = max(1, count // max(1, streams))
    state = os.urandom(size // 2).hex().encode()[:size]
    stream, version = uuid.uuid4(), 0
    for _ in range(count):
        version += 1
        if version > per_stream:
            stream, version = uuid.uuid4(), 1
        yield StoredEvent(stream, version, TOPIC, state)


def recorder_rate(
    database: str, backend: str, count: int, streams: int, size: int
) -> tuple[float, float]:
    if backend == "sqlite":
        database = str(Path(database).with_name("ceiling.sqlite3"))
    env = load_settings(database, {}).store_env(create_tables=True)
    app = Ceiling(env)
    events = list(stored_events(count, streams, size))
    with Clock() as clock:
        batch = BATCH[backend]
        for start in range(0, count, batch):
            app.recorder.insert_events(events[start : start + batch])
    app.close()
    return clock.rates(count)


def bulk_load_rate(
    database: str, backend: str, count: int, streams: int, size: int
) -> tuple[float, float]:
    rows = [
        (e.originator_id, e.originator_version, e.topic, e.state)
        for e in stored_events(count, streams, size)
    ]
    if backend == "sqlite":
        return _sqlite_executemany(Path(database).with_name("bulk.sqlite3"), rows)
    return _postgres_copy(database, rows)


def _sqlite_executemany(
    path: Path, rows: list[tuple[uuid.UUID, int, str, bytes]]
) -> tuple[float, float]:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(
        "CREATE TABLE scratch (originator_id TEXT, originator_version INTEGER, "
        "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
    )
    hexed = [(i.hex, v, t, s) for i, v, t, s in rows]
    with Clock() as clock:
        db.execute("BEGIN")
        db.executemany("INSERT INTO scratch VALUES (?, ?, ?, ?)", hexed)
        db.execute("COMMIT")
    db.close()
    return clock.rates(len(rows))


def _postgres_copy(
    database: str, rows: list[tuple[uuid.UUID, int, str, bytes]]
) -> tuple[float, float]:
    with psycopg.connect(database) as db:
        db.execute(
            "CREATE TABLE scratch (originator_id uuid NOT NULL, originator_version "
            "bigint NOT NULL, topic text, state bytea, notification_id bigserial, "
            "PRIMARY KEY (originator_id, originator_version))"
        )
        db.execute("CREATE UNIQUE INDEX scratch_notification ON scratch (notification_id)")
        db.commit()
        copy_rows = "COPY scratch (originator_id, originator_version, topic, state) FROM STDIN"
        with Clock() as clock:
            with db.cursor() as cursor, cursor.copy(copy_rows) as copy:
                for row in rows:
                    copy.write_row(row)
            db.commit()
        return clock.rates(len(rows))
