"""A populated store per test, on SQLite and PostgreSQL, and SQL access to its records."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ledger.application import Ledger
from tests.audit.support import StoredRecords, build_population
from tests.stores import make_ledger


@pytest.fixture
def populated(database_url: str) -> Iterator[Ledger]:
    """Three citizens whose histories the rules allowed (see support.build_population)."""
    ledger = make_ledger(database_url)
    build_population(ledger)
    try:
        yield ledger
    finally:
        ledger.close()


@pytest.fixture
def records(database_url: str, populated: Ledger) -> StoredRecords:
    return StoredRecords(database_url, populated)
