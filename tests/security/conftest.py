"""Fixtures for the security tests: a fresh PostgreSQL store for what only PostgreSQL has.

The CLI as each role comes from the ``llr``, ``ready`` and ``with_account`` fixtures of
``tests/conftest.py``; cipher keys, ledgers and raw bytes from ``tests.stores``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stores import reset_postgres


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL store (for what only PostgreSQL has: roles, grants, triggers)."""
    url: str = request.getfixturevalue("postgres_database")
    reset_postgres(url)
    yield url
