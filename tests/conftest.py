"""One suite, every backend: fixtures that give a fresh store per test.

PostgreSQL: CI sets ``LLR_TEST_DATABASE_URL`` to a fresh database and ``CI=true``; there a
PostgreSQL test fails when the server is missing. Elsewhere the suite makes its own
database on 127.0.0.1:5432 and skips the PostgreSQL cases only if no server answers.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest

from ledger.application import Ledger
from ledger.config import load_settings

TEST_ID_KEY = "test-id-key-not-secret"
# Reads without --as-of mean "today". Tests write histories with fixed dates, so they read
# against a fixed today too; otherwise they would start failing as real time passes.
TEST_TODAY = date(2025, 6, 30)
SERVER_URL = os.environ.get("LLR_TEST_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr("ledger.application.today", lambda: TEST_TODAY)
    return TEST_TODAY


def postgres_required() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes") or bool(
        os.environ.get("LLR_REQUIRE_POSTGRES")
    )


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """The URL of a PostgreSQL database that lives as long as the test session."""
    given = os.environ.get("LLR_TEST_DATABASE_URL")
    if given:
        yield given
        return
    name = f"llr_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True, connect_timeout=3) as c:
            c.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        if postgres_required():
            pytest.fail(f"PostgreSQL is required here but not reachable: {error}")
        pytest.skip(f"no PostgreSQL server at {SERVER_URL}: {error}")
    try:
        yield f"{SERVER_URL}/{name}"
    finally:
        with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reset_postgres(url: str) -> None:
    """Drop every table the ledger made, so each test starts from an empty store."""
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DROP SCHEMA IF EXISTS public CASCADE")
        c.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store that separate processes can share (file or server)."""
    if request.param == "sqlite":
        yield str(tmp_path / "llr.sqlite3")
        return
    url = request.getfixturevalue("postgres_database")
    reset_postgres(url)
    yield url


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def any_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Like ``database_url`` but also the in-memory store (one Ledger instance only)."""
    if request.param == "memory":
        yield "memory"
    elif request.param == "sqlite":
        yield str(tmp_path / "llr.sqlite3")
    else:
        url = request.getfixturevalue("postgres_database")
        reset_postgres(url)
        yield url


def make_ledger(database: str) -> Ledger:
    settings = load_settings(database, {"LLR_ID_KEY": TEST_ID_KEY, "LLR_ACTOR": "test:staff"})
    return Ledger(settings.store_env(), id_key=settings.id_key, actor=settings.actor)


@pytest.fixture
def ledger(any_database_url: str) -> Iterator[Ledger]:
    app = make_ledger(any_database_url)
    try:
        yield app
    finally:
        app.close()


@pytest.fixture
def cli_env(database_url: str) -> dict[str, str]:
    """Environment for running the CLI against a fresh store."""
    return {
        "LLR_DATABASE": database_url,
        "LLR_ID_KEY": TEST_ID_KEY,
        "LLR_ACTOR": "test:staff",
    }
