"""Where the registry of providers and trainings is stored, beside the citizens' accounts.

The registry is an eventsourcing application of its own (``ledger/registry/``) on the same
database, in its own events table: the audit, the projections and ``all_account_ids``
take every stream of the ledger's table to be a citizen's account. PostgreSQL names the
table after the application (``registry_events``); the library's SQLite factory always
says ``stored_events``, so the registry's recorder is built here with its own name.

Two read-model tables hold the current state per key (``registry_providers``,
``registry_trainings``): a row is the key, what is looked up by, and the state as JSON,
upserted after each registry write and rebuilt from the events on demand. On the
in-memory store they are dicts.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, StoredEvent

REGISTRY_EVENTS = "registry_events"
PROVIDERS_TABLE = "registry_providers"
TRAININGS_TABLE = "registry_trainings"
VIEW_TABLES = (PROVIDERS_TABLE, TRAININGS_TABLE)
_IDS_PER_QUERY = 900  # below SQLite's limit of bound parameters

ProviderRow = tuple[str, str, str]  # kbo, name, state (JSON)
TrainingRow = tuple[str, str, str, str]  # code, provider, title, state (JSON)

_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {PROVIDERS_TABLE} ("
    "kbo TEXT PRIMARY KEY, name TEXT NOT NULL, state TEXT NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {TRAININGS_TABLE} ("
    "code TEXT PRIMARY KEY, provider TEXT NOT NULL, title TEXT NOT NULL, state TEXT NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {TRAININGS_TABLE}_by_provider ON {TRAININGS_TABLE} (provider)",
)
_UPSERT_PROVIDER = (
    f"INSERT INTO {PROVIDERS_TABLE} (kbo, name, state) VALUES (?, ?, ?) "
    "ON CONFLICT (kbo) DO UPDATE SET name = excluded.name, state = excluded.state"
)
_UPSERT_TRAINING = (
    f"INSERT INTO {TRAININGS_TABLE} (code, provider, title, state) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (code) DO UPDATE SET provider = excluded.provider, title = excluded.title, "
    "state = excluded.state"
)


def registry_recorder(factory: InfrastructureFactory[Any]) -> ApplicationRecorder:
    """The registry's recorder: its own table on SQLite, as the library gives it elsewhere."""
    sqlite = sys.modules.get("eventsourcing.sqlite")
    if sqlite is not None and isinstance(factory, sqlite.SQLiteFactory):
        recorder = sqlite.SQLiteApplicationRecorder(
            factory.datastore, events_table_name=REGISTRY_EVENTS
        )
        if factory.env_create_table():
            recorder.create_table()
        made: ApplicationRecorder = recorder
        return made
    return factory.application_recorder()


def creates_tables(factory: InfrastructureFactory[Any]) -> bool:
    """Whether this store makes missing tables when opened (``CREATE_TABLE``)."""
    decide = getattr(factory, "env_create_table", None)
    return bool(decide()) if decide is not None else True


class RegistryViews(ABC):
    """The registry's read models of one store."""

    @abstractmethod
    def create(self) -> None:
        """Make the tables if they are missing."""

    @abstractmethod
    def upsert(self, providers: Sequence[ProviderRow], trainings: Sequence[TrainingRow]) -> None:
        """Set the rows of these keys, in one transaction."""

    @abstractmethod
    def replace_all(
        self, providers: Sequence[ProviderRow], trainings: Sequence[TrainingRow]
    ) -> None:
        """Make the tables hold exactly these rows (a rebuild), in one transaction."""

    @abstractmethod
    def trainings_of(self, kbo: str) -> list[tuple[str, str]]:
        """The code and state of every training of this provider, by code."""

    @abstractmethod
    def counts(self) -> tuple[int, int]:
        """Rows of providers and of trainings."""


class MemoryViews(RegistryViews):
    def __init__(self) -> None:
        self.providers: dict[str, ProviderRow] = {}
        self.trainings: dict[str, TrainingRow] = {}

    def create(self) -> None:
        pass

    def upsert(self, providers: Sequence[ProviderRow], trainings: Sequence[TrainingRow]) -> None:
        self.providers.update((row[0], row) for row in providers)
        self.trainings.update((row[0], row) for row in trainings)

    def replace_all(
        self, providers: Sequence[ProviderRow], trainings: Sequence[TrainingRow]
    ) -> None:
        self.providers, self.trainings = {}, {}
        self.upsert(providers, trainings)

    def trainings_of(self, kbo: str) -> list[tuple[str, str]]:
        return sorted((row[0], row[3]) for row in self.trainings.values() if row[1] == kbo)

    def counts(self) -> tuple[int, int]:
        return len(self.providers), len(self.trainings)


class SqlViews(RegistryViews):
    """SQLite and PostgreSQL: the same portable SQL, with the driver's placeholder."""

    mark = "?"

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore

    def sql(self, statement: str) -> str:
        return statement.replace("?", self.mark)

    def create(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for statement in _CREATE:
                cursor.execute(statement)

    def upsert(self, providers: Sequence[ProviderRow], trainings: Sequence[TrainingRow]) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            self._write(cursor, providers, trainings)

    def replace_all(
        self, providers: Sequence[ProviderRow], trainings: Sequence[TrainingRow]
    ) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for table in VIEW_TABLES:
                cursor.execute(f"DELETE FROM {table}")
            self._write(cursor, providers, trainings)

    def _write(
        self, cursor: Any, providers: Sequence[ProviderRow], trainings: Sequence[TrainingRow]
    ) -> None:
        if providers:
            cursor.executemany(self.sql(_UPSERT_PROVIDER), list(providers))
        if trainings:
            cursor.executemany(self.sql(_UPSERT_TRAINING), list(trainings))

    def trainings_of(self, kbo: str) -> list[tuple[str, str]]:
        statement = f"SELECT code, state FROM {TRAININGS_TABLE} WHERE provider = ? ORDER BY code"
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql(statement), (kbo,))
            return [(str(code), str(state)) for code, state in map(values, cursor.fetchall())]

    def counts(self) -> tuple[int, int]:
        found = []
        with self.datastore.transaction(commit=False) as cursor:
            for table in VIEW_TABLES:
                cursor.execute(f"SELECT count(*) AS n FROM {table}")
                found.append(int(values(cursor.fetchone())[0]))
        return found[0], found[1]


class PostgresViews(SqlViews):
    mark = "%s"


def views_for(recorder: ApplicationRecorder) -> RegistryViews:
    """The read models beside this recorder (dicts for the in-memory store)."""
    datastore = getattr(recorder, "datastore", None)
    if is_a(datastore, "eventsourcing.sqlite", "SQLiteDatastore"):
        return SqlViews(datastore)
    if is_a(datastore, "eventsourcing.postgres", "PostgresDatastore"):
        return PostgresViews(datastore)
    return MemoryViews()


def has_registry_table(recorder: ApplicationRecorder) -> bool:
    """Whether the registry's events table exists: a store made before the registry, and
    not initialised since, has none (its registry is empty until ``llr init``)."""
    datastore: Any = getattr(recorder, "datastore", None)
    table = getattr(recorder, "events_table_name", REGISTRY_EVENTS)
    if is_a(datastore, "eventsourcing.sqlite", "SQLiteDatastore"):
        statement = f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
    elif is_a(datastore, "eventsourcing.postgres", "PostgresDatastore"):
        statement = f"SELECT to_regclass('{table}') IS NOT NULL"
    else:
        return True
    with datastore.transaction(commit=False) as cursor:
        cursor.execute(statement)
        return bool(values(cursor.fetchone())[0])


def select_streams(recorder: ApplicationRecorder, ids: Iterable[UUID]) -> list[StoredEvent]:
    """The stored events of many small streams, a few queries in all, in stream order."""
    listed = list(dict.fromkeys(ids))
    found: list[StoredEvent] = []
    for start in range(0, len(listed), _IDS_PER_QUERY):
        found += _select_part(recorder, listed[start : start + _IDS_PER_QUERY])
    return found


def _select_part(recorder: ApplicationRecorder, ids: list[UUID]) -> list[StoredEvent]:
    datastore: Any = getattr(recorder, "datastore", None)
    table = getattr(recorder, "events_table_name", REGISTRY_EVENTS)
    columns = "originator_id, originator_version, topic, state"
    if is_a(datastore, "eventsourcing.sqlite", "SQLiteDatastore"):
        marks = ",".join("?" * len(ids))
        statement = f"SELECT {columns} FROM {table} WHERE originator_id IN ({marks}) "
        params: Any = [i.hex for i in ids]
    elif is_a(datastore, "eventsourcing.postgres", "PostgresDatastore"):
        statement = f"SELECT {columns} FROM {table} WHERE originator_id = ANY(%s) "
        params = (ids,)
    else:  # in memory: nothing to gain from a query
        return [e for i in ids for e in recorder.select_events(i)]
    with datastore.transaction(commit=False) as cursor:
        cursor.execute(statement + "ORDER BY originator_id, originator_version", params)
        rows = [values(row) for row in cursor.fetchall()]
    return [StoredEvent(as_uuid(i), v, t, bytes(s)) for i, v, t, s in rows]


def as_uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(hex=str(value))


def values(row: Any) -> tuple[Any, ...]:
    """Rows come as sqlite3.Row or psycopg dicts; the values in column order."""
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)


def is_a(value: Any, module: str, name: str) -> bool:
    """``isinstance`` against a class of a module loaded only if its store is used."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(value, getattr(loaded, name))
