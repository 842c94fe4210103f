"""Fixtures of the API suite: a test client on a fresh, initialised store per backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.service import app_for
from tests.llr import Llr


@pytest.fixture
def client(ready: Llr, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The API on an initialised, empty store (SQLite and PostgreSQL)."""
    with TestClient(app_for(database_url, tmp_path), raise_server_exceptions=False) as client:
        yield client
