"""The two small tables security needs beside the event tables, on each backend.

``llr_settings`` holds what ``llr init`` recorded about the store (is it encrypted, the key
check value). ``access_log`` holds one row per read of a citizen's data: the account id
(a keyed hash, never the INSZ), when, and the record itself (who, role, what, why) as
bytes, encrypted with the store's cipher when it has one. Both go through the event
store's own connection pool, so they live in the same database and need no settings of
their own. The access log refuses UPDATE and DELETE by trigger: it is append-only.
Their DDL is the migration ``migrations/<backend>/0003_security_tables.sql``
(``security_schema.py``).
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from ledger.store.backend import Backend
from ledger.store.database_roles import Hardening, RolePlan
from ledger.store.security_schema import ACCESS_TABLE, SETTINGS_TABLE, security_script
from ledger.store.sql_scripts import statements

AccessRow = tuple[datetime, bytes]


class SecurityTables(ABC):
    """Settings and access log of one store."""

    # Whether the database has roles of its own that ``llr db roles`` can set up.
    supports_database_roles = False

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

    def harden(self, plan: RolePlan, events_table: str, snapshots_table: str) -> Hardening:
        """Carry out ``plan`` on the database (where ``supports_database_roles``)."""
        raise NotImplementedError(f"{type(self).__name__}: the database has no roles")


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
    def create(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for statement in statements(security_script(Backend.SQLITE)):
                cursor.execute(statement)

    def exists(self, table: str) -> bool:
        return bool(
            self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
        )

    def account_param(self, account_id: UUID) -> Any:
        return str(account_id)

    def time_param(self, at: datetime) -> Any:
        return at.astimezone(UTC).isoformat()


class PostgresTables(SqlTables):
    mark = "%s"
    supports_database_roles = True

    def create(self) -> None:
        # Without parameters psycopg sends the script as one simple query: many statements.
        self.run(security_script(Backend.POSTGRES))

    def harden(self, plan: RolePlan, events_table: str, snapshots_table: str) -> Hardening:
        from ledger.store.postgres_roles import harden

        return harden(self.datastore, plan, events_table, snapshots_table)

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
    if is_a(datastore, "eventsourcing.sqlite", "SQLiteDatastore"):
        return SqliteTables(datastore)
    if is_a(datastore, "eventsourcing.postgres", "PostgresDatastore"):
        return PostgresTables(datastore)
    return MemoryTables()


def is_a(value: Any, module: str, name: str) -> bool:
    """``isinstance`` against a class of a module that is loaded only if its store is used:
    a SQLite store never imports the PostgreSQL driver for this question."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(value, getattr(loaded, name))
