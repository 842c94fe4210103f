"""A migrated store per test (SQLite file and PostgreSQL).

The histories to project (``script_history``, ``crowd``) are in ``tests.builders``; ``Store``,
``dump`` and ``positions`` in ``tests.stores``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ledger.projections.migrate import upgrade
from tests.stores import Store, make_ledger, settings_of


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    ledger = make_ledger(database_url)
    settings = settings_of(database_url)
    upgrade(settings)
    try:
        yield Store(settings, ledger)
    finally:
        ledger.close()
