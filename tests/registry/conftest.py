"""A fresh registry on every backend (memory, SQLite, PostgreSQL) per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ledger.registry import Registry
from tests.registry.support import registry_on


@pytest.fixture
def registry(any_database_url: str) -> Iterator[Registry]:
    app = registry_on(any_database_url)
    try:
        yield app
    finally:
        app.close()
