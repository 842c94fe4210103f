"""One suite, every backend: fixtures that give a fresh store per test.

PostgreSQL: CI sets ``LLR_TEST_DATABASE_URL`` to a fresh database and ``CI=true``; there a
PostgreSQL test fails when the server is missing. Elsewhere the suite makes its own
database on 127.0.0.1:5432 and skips the PostgreSQL cases only if no server answers.

Fixtures only: the values and functions they use live in ``tests.builders`` (citizens,
sources, commands), ``tests.stores`` (stores, settings, ledgers) and ``tests.llr``.
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
from tests.builders import EMPLOYER, INSZ, START
from tests.llr import ADMIN, Llr
from tests.stores import SERVER_URL, TEST_ID_KEY, make_ledger, postgres_required, reset_postgres

# Reads without --as-of mean "today". Tests write histories with fixed dates, so they read
# against a fixed today too; otherwise they would start failing as real time passes.
TEST_TODAY = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr("ledger.application.today", lambda: TEST_TODAY)
    return TEST_TODAY


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


# -------------------------------------------------------- the llr command on a fresh store
@pytest.fixture
def llr(cli_env: dict[str, str]) -> Llr:
    """``llr`` on a fresh store that has not been initialised."""
    return Llr(cli_env)


@pytest.fixture
def ready(llr: Llr) -> Llr:
    """``llr`` on an initialised, empty store."""
    llr.ok("init", **ADMIN)
    return llr


@pytest.fixture
def with_account(ready: Llr) -> Llr:
    """An employee since 2024-09-01 holding 125 VOV hours (event 2, reference VOV-1)."""
    on = START.isoformat()
    ready.ok("open", INSZ, "--status", "employee", "--on", on, "--education", "low")
    ready.ok("grant", INSZ, "vov-hours", "125", "--source", EMPLOYER, "--on", on, "--ref", "VOV-1")
    return ready
