"""The read models on SQLite: the same file as the events, its own connection.

Writes run in ``BEGIN IMMEDIATE`` transactions: they hold SQLite's single write lock from
the start, so two runners never read the same position and both apply what follows it.
Readers (reports) keep reading the last committed state meanwhile (WAL mode).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from ledger.store.read_models.base import ReadModelsMissingError, Row, Store, sql_name
from ledger.store.sql_scripts import statements

# Bound parameters per statement stay well under SQLITE_MAX_VARIABLE_NUMBER.
IN_CHUNK = 500


class SqliteStore(Store):
    backend = "sqlite"

    def __init__(self, path: str, lock_timeout: int = 30) -> None:
        self.connection = sqlite3.connect(
            path, isolation_level=None, timeout=lock_timeout, check_same_thread=False
        )
        self.connection.execute("PRAGMA journal_mode=WAL")
        # A projection commit lost to a power cut loses its position with it, so the
        # events are projected again: NORMAL is safe here and much cheaper than FULL.
        self.connection.execute("PRAGMA synchronous=NORMAL")
        # Index upkeep of a growing trail reads many pages: a bigger cache keeps them (KiB).
        self.connection.execute("PRAGMA cache_size=-131072")
        # Sorting for CREATE INDEX (a rebuild's swap) may use a helper thread.
        self.connection.execute("PRAGMA threads=2")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.connection.execute("BEGIN IMMEDIATE")
        with self.finished():
            yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        self.connection.execute("BEGIN")
        with self.finished():
            yield

    @contextmanager
    def finished(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.connection.execute(sql, params).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.connection.execute(sql, params)

    def execute_script(self, script: str) -> None:
        for statement in statements(script):
            self.connection.execute(statement)

    def lock_migrations(self) -> None:
        """BEGIN IMMEDIATE already holds the database's only write lock."""

    def select_accounts(
        self, table: str, columns: Sequence[str], account_ids: Iterable[str]
    ) -> list[tuple[Any, ...]]:
        ids, rows = list(account_ids), []
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            sql = (
                f"SELECT {', '.join(map(sql_name, columns))} FROM {sql_name(table)} "
                f"WHERE account_id IN ({', '.join('?' * len(chunk))})"
            )
            rows.extend(self.connection.execute(sql, chunk).fetchall())
        return rows

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        if rows:
            self.connection.executemany(insert_sql(table, tuple(columns)), rows)

    def upsert(
        self,
        table: str,
        columns: Sequence[str],
        keys: Sequence[str],
        rows: Sequence[Row],
        *,
        add: Sequence[str] = (),
        keep: Sequence[str] = (),
    ) -> None:
        if rows:
            sql = upsert_sql(table, tuple(columns), tuple(keys), tuple(add), tuple(keep))
            self.connection.executemany(sql, rows)

    def update_lots(self, table: str, changes: Sequence[Row]) -> int:
        if not changes:
            return 0
        cursor = self.connection.executemany(
            f"UPDATE {sql_name(table)} SET remaining = CASE WHEN ? THEN 0 ELSE remaining END + ?, "
            "state = COALESCE(?, state) WHERE account_id = ? AND lot = ?",
            [
                (emptied, units, state, account, lot)
                for account, lot, emptied, units, state in changes
            ],
        )
        return cursor.rowcount

    def lock_positions(self, names: Sequence[str]) -> dict[str, int]:
        # BEGIN IMMEDIATE already holds the only write lock: reading is enough.
        known = self.read_positions()
        return {name: known.get(name, 0) for name in names}

    def set_positions(self, positions: Mapping[str, int]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self.connection.executemany(
            "INSERT INTO projection_positions (name, position, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position, "
            "updated_at = excluded.updated_at",
            [(name, position, now) for name, position in positions.items()],
        )

    def table_names(self) -> set[str]:
        rows = self.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(name) for (name,) in rows}

    def create_copy(self, table: str, suffix: str) -> None:
        found = self.query(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        )
        if not found:
            raise ReadModelsMissingError(f"table {table} is missing: run `llr db upgrade`")
        copy = sql_name(table + suffix)
        self.execute(f"DROP TABLE IF EXISTS {copy}")
        # The live table's own CREATE statement, renamed: columns and keys stay identical.
        self.execute(re.sub(r'^CREATE TABLE\s+"?\w+"?', f"CREATE TABLE {copy}", found[0][0]))

    def index_copy(self, table: str, suffix: str) -> None:
        """SQLite cannot rename an index, so the swap builds the indexes (see swap_in)."""

    def swap_in(self, table: str, suffix: str) -> None:
        indexes = self.query(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        )
        self.execute(f"DROP TABLE {sql_name(table)}")
        self.execute(f"ALTER TABLE {sql_name(table + suffix)} RENAME TO {table}")
        for (sql,) in indexes:
            self.execute(sql)  # the live index's statement, unchanged: same name, same table

    def close(self) -> None:
        self.connection.close()


@lru_cache(maxsize=64)
def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {sql_name(table)} ({', '.join(map(sql_name, columns))}) VALUES ({marks})"


@lru_cache(maxsize=64)
def upsert_sql(
    table: str,
    columns: tuple[str, ...],
    keys: tuple[str, ...],
    add: tuple[str, ...],
    keep: tuple[str, ...],
) -> str:
    changes = [
        f"{c} = {c} + excluded.{c}" if c in add else f"{c} = excluded.{c}"
        for c in columns
        if c not in keys and c not in keep
    ]
    action = f"DO UPDATE SET {', '.join(changes)}" if changes else "DO NOTHING"
    return f"{insert_sql(table, columns)} ON CONFLICT ({', '.join(keys)}) {action}"
