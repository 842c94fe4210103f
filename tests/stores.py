"""Stores for the tests: the PostgreSQL server, settings and ledgers for a database URL,
and ways to read what a store holds.

The fixtures that hand these out per test are in ``tests/conftest.py``; import the plain
values and functions from here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from ledger.application import Ledger
from ledger.config import Settings, load_settings
from ledger.projections.registry import PROJECTIONS
from ledger.store.read_models.opening import opened

TEST_ID_KEY = "test-id-key-not-secret"
# A fixed key, for tests only: llr keygen makes real ones.
CIPHER_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="
OTHER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
SERVER_URL = os.environ.get("LLR_TEST_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432")


def postgres_required() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes") or bool(
        os.environ.get("LLR_REQUIRE_POSTGRES")
    )


def reset_postgres(url: str) -> None:
    """Drop every table the ledger made, so each test starts from an empty store."""
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DROP SCHEMA IF EXISTS public CASCADE")
        c.execute("CREATE SCHEMA public")


# ------------------------------------------------------------------ settings and ledgers
def settings_of(database: str) -> Settings:
    """The settings of a test store: the test id key, acting as ``test:staff``."""
    return load_settings(database, {"LLR_ID_KEY": TEST_ID_KEY, "LLR_ACTOR": "test:staff"})


def make_ledger(database: str) -> Ledger:
    settings = settings_of(database)
    return Ledger(settings.store_env(), id_key=settings.id_key, actor=settings.actor)


def ledger_on(database: str, **environ: str) -> Ledger:
    """A Ledger as trusted code builds it (no role), with the test id key."""
    settings = load_settings(database, {"LLR_ID_KEY": TEST_ID_KEY, **environ})
    return Ledger(settings.store_env(), id_key=settings.id_key, actor="test:code")


@dataclass
class Store:
    """One test's migrated store: its settings and a Ledger on it."""

    settings: Settings
    ledger: Ledger


# ----------------------------------------------------------------- what a store holds
def event_count(database: str, **environ: str) -> int:
    """Events in the store: what a refused command must leave unchanged."""
    ledger = ledger_on(database, **environ)
    try:
        return ledger.recorder.max_notification_id() or 0
    finally:
        ledger.close()


def dump(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every projection table, as text, sorted: to compare two runs."""
    tables = [table for projection in PROJECTIONS.values() for table in projection.tables]
    with opened(settings.store_env(create_tables=False)) as store:
        return {
            table: sorted(tuple(map(str, row)) for row in store.query(f"SELECT * FROM {table}"))
            for table in tables
        }


def positions(settings: Settings) -> dict[str, int]:
    with opened(settings.store_env(create_tables=False)) as store:
        return store.read_positions()


def raw_bytes(database: str) -> bytes:
    """Everything the database holds, as bytes on disk (SQLite) or every table's rows
    copied out in binary (PostgreSQL: bytea columns come out as their raw bytes)."""
    if database.startswith("postgresql://"):
        return postgres_rows(database)
    path = Path(database)
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def postgres_rows(url: str) -> bytes:
    chunks: list[bytes] = []
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        for (table,) in tables:
            statement = sql.SQL("COPY {} TO STDOUT (FORMAT binary)").format(sql.Identifier(table))
            with connection.cursor().copy(statement) as copy:
                chunks.extend(bytes(block) for block in copy)
    return b"".join(chunks)
