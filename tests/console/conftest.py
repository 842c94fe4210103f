"""Fixtures of the console suite: the service's application (API and console) on a fresh,
initialised store per backend, with the API suite's role-named test credentials or with
the real authenticators (API tokens from ``llr token issue``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.processes import free_port, llr_serve, server_env, serving
from tests.api.service import app_for
from tests.builders import FEDERAL, INSZ
from tests.console.browser import chromium_or_skip
from tests.llr import Llr

# https: the session cookie is Secure, and the test client, like a browser, sends a
# Secure cookie back over https only.
BASE_URL = "https://testserver"


@pytest.fixture(autouse=True)
def session_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "console-sessions"
    monkeypatch.setenv("LLR_CONSOLE_SESSION_DIR", str(folder))
    monkeypatch.delenv("LLR_CONSOLE_INSECURE_COOKIES", raising=False)
    return folder


@pytest.fixture
def console(ready: Llr, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The console with the test credentials: the token ``backoffice`` signs in as
    ``test:backoffice``, ``auditor`` as ``test:auditor``, ``admin`` as ``test:admin``."""
    app = app_for(database_url, tmp_path)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        yield client


@pytest.fixture
def real_console(ready: Llr, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The console with the service's real authenticators (API tokens)."""
    app = app_for(database_url, tmp_path, authenticators=None)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        yield client


@pytest.fixture
def browser() -> Iterator[Any]:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable))
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def console_url(with_account: Llr, database_url: str, tmp_path: Path) -> Iterator[str]:
    """``llr serve`` on a free port; cookies without Secure, as this is http on loopback."""
    with_account.ok("grant", INSZ, "federal-training-days", "2.5", "--source", FEDERAL,
                    "--on", "2025-03-01", "--ref", "S-1")  # fmt: skip
    port = free_port()
    env = server_env(database_url, LLR_CONSOLE_INSECURE_COOKIES="1",
                     LLR_CONSOLE_SESSION_DIR=str(tmp_path / "sessions"))  # fmt: skip
    with serving(llr_serve(port), env, tmp_path / "serve.log", port) as server:
        yield server.url
