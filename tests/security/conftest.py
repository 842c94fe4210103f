"""Fixtures for the security tests: the CLI as each role, stores with a cipher key, raw bytes.

The ``llr``, ``ready`` and ``with_account`` fixtures of the CLI tests are shared here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ledger.application import Ledger
from ledger.config import load_settings
from tests.cli.conftest import llr, ready, with_account  # noqa: F401  (shared fixtures)
from tests.conftest import TEST_ID_KEY, reset_postgres

# A fixed key, for tests only: llr keygen makes real ones.
CIPHER_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="
OTHER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL store (for what only PostgreSQL has: roles, grants, triggers)."""
    url: str = request.getfixturevalue("postgres_database")
    reset_postgres(url)
    yield url


def ledger_on(database: str, **environ: str) -> Ledger:
    """A Ledger as trusted code builds it (no role), with the test id key."""
    settings = load_settings(database, {"LLR_ID_KEY": TEST_ID_KEY, **environ})
    return Ledger(settings.store_env(), id_key=settings.id_key, actor="test:code")


def event_count(database: str, **environ: str) -> int:
    """Events in the store: what a refused command must leave unchanged."""
    ledger = ledger_on(database, **environ)
    try:
        return ledger.recorder.max_notification_id() or 0
    finally:
        ledger.close()


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
