"""The two small tables security needs beside the event tables, on each backend.

``llr_settings`` holds what ``llr init`` recorded about the store (is it encrypted, the key
check value). ``access_log`` holds one row per read of a citizen's data: the account id
(a keyed hash, never the INSZ), when, and the record itself (who, role, what, why) as
bytes, encrypted with the store's cipher when it has one. Both go through the event
store's own connection pool, so they live in the same database and need no settings of
their own. The access log refuses UPDATE and DELETE by trigger: it is append-only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.sqlite import SQLiteDatastore

from ledger.security.guard_sql import POSTGRES_GUARD_FUNCTION, postgres_guard_triggers

SETTINGS_TABLE, ACCESS_TABLE = "llr_settings", "access_log"

SQLITE_DDL = (
    "CREATE TABLE IF NOT EXISTS llr_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS access_log (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "account_id TEXT NOT NULL, recorded_at TEXT NOT NULL, record BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS access_log_by_account ON access_log (account_id, id)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS access_log_no_{op.lower()} BEFORE {op} ON access_log "
        "BEGIN SELECT RAISE(ABORT, 'llr: the access log is append-only'); END"
        for op in ("UPDATE", "DELETE")
    ),
)
POSTGRES_DDL = (
    "CREATE TABLE IF NOT EXISTS llr_settings (name text PRIMARY KEY, value text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS access_log (id bigserial PRIMARY KEY, "
    "account_id uuid NOT NULL, recorded_at timestamptz NOT NULL, record bytea NOT NULL)",
    "CREATE INDEX IF NOT EXISTS access_log_by_account ON access_log (account_id, id)",
    POSTGRES_GUARD_FUNCTION,
    *postgres_guard_triggers(ACCESS_TABLE),
)

AccessRow = tuple[datetime, bytes]


class SecurityTables(ABC):
    """Settings and access log of one store."""

    @abstractmethod
    def create(self) -> None:
        """Create the tables if missing (``llr init``)."""

    @abstractmethod
    def settings(self) -> dict[str, str] | None:
        """What ``llr init`` recorded; None when the table does not exist."""

    @abstractmethod
    def add_settings(self, values: Mapping[str, str]) -> None:
        """Record values; a name recorded before keeps its first value."""

    @abstractmethod
    def has_access_log(self) -> bool: ...

    @abstractmethod
    def append_access(self, account_id: UUID, at: datetime, record: bytes) -> None: ...

    @abstractmethod
    def accesses(self, account_id: UUID) -> list[AccessRow]:
        """One account's rows, oldest first."""


class MemoryTables(SecurityTables):
    """For the in-memory store: lives as long as its Ledger."""

    def __init__(self) -> None:
        self.values: dict[str, str] | None = None
        self.rows: list[tuple[UUID, datetime, bytes]] = []

    def create(self) -> None:
        self.values = self.values if self.values is not None else {}

    def settings(self) -> dict[str, str] | None:
        return None if self.values is None else dict(self.values)

    def add_settings(self, values: Mapping[str, str]) -> None:
        self.create()
        assert self.values is not None
        self.values.update({k: v for k, v in values.items() if k not in self.values})

    def has_access_log(self) -> bool:
        return True

    def append_access(self, account_id: UUID, at: datetime, record: bytes) -> None:
        self.rows.append((account_id, at, record))

    def accesses(self, account_id: UUID) -> list[AccessRow]:
        return [(at, record) for who, at, record in self.rows if who == account_id]


class SqlTables(SecurityTables):
    """Shared by SQLite and PostgreSQL; subclasses give the dialect."""

    ddl: tuple[str, ...] = ()
    mark = "?"

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            self._execute(cursor, sql, params)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.datastore.transaction(commit=False) as cursor:
            self._execute(cursor, sql, params)
            return [tuple_of(row) for row in cursor.fetchall()]

    def _execute(self, cursor: Any, sql: str, params: tuple[Any, ...]) -> None:
        # Without parameters the statement goes as written: a PL/pgSQL body has % in it.
        if params:
            cursor.execute(sql.replace("?", self.mark), params)
        else:
            cursor.execute(sql)

    def create(self) -> None:
        for statement in self.ddl:
            self.run(statement)

    @abstractmethod
    def exists(self, table: str) -> bool: ...

    def settings(self) -> dict[str, str] | None:
        if not self.exists(SETTINGS_TABLE):
            return None
        rows = self.query("SELECT name, value FROM llr_settings")
        return {str(name): str(value) for name, value in rows}

    def has_access_log(self) -> bool:
        return self.exists(ACCESS_TABLE)

    def add_settings(self, values: Mapping[str, str]) -> None:
        for name, value in values.items():
            self.run(
                "INSERT INTO llr_settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (name, value),
            )

    def append_access(self, account_id: UUID, at: datetime, record: bytes) -> None:
        self.run(
            "INSERT INTO access_log (account_id, recorded_at, record) VALUES (?, ?, ?)",
            (self.account_param(account_id), self.time_param(at), record),
        )

    def accesses(self, account_id: UUID) -> list[AccessRow]:
        rows = self.query(
            "SELECT recorded_at, record FROM access_log WHERE account_id = ? ORDER BY id",
            (self.account_param(account_id),),
        )
        return [(as_time(at), bytes(record)) for at, record in rows]

    def account_param(self, account_id: UUID) -> Any:
        return account_id

    def time_param(self, at: datetime) -> Any:
        return at


class SqliteTables(SqlTables):
    ddl = SQLITE_DDL

    def exists(self, table: str) -> bool:
        return bool(
            self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
        )

    def account_param(self, account_id: UUID) -> Any:
        return str(account_id)

    def time_param(self, at: datetime) -> Any:
        return at.astimezone(UTC).isoformat()


class PostgresTables(SqlTables):
    ddl = POSTGRES_DDL
    mark = "%s"

    def exists(self, table: str) -> bool:
        return bool(self.query("SELECT to_regclass(?) IS NOT NULL", (table,))[0][0])


def tuple_of(row: Any) -> tuple[Any, ...]:
    """Rows come as sqlite3.Row or psycopg dicts; the values in column order."""
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)


def as_time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def tables_for(recorder: Any) -> SecurityTables:
    """The tables beside this event store's recorder (in memory for the in-memory store)."""
    datastore = getattr(recorder, "datastore", None)
    if isinstance(datastore, SQLiteDatastore):
        return SqliteTables(datastore)
    if datastore is None:
        return MemoryTables()
    from eventsourcing.postgres import PostgresDatastore  # psycopg: not on a SQLite store

    if isinstance(datastore, PostgresDatastore):
        return PostgresTables(datastore)
    return MemoryTables()
