"""A uvicorn factory for the real-process tests: the service from the environment, as
``llr serve`` builds it, but with the role-named test credentials of ``tests.api.service``.

    python -m uvicorn --factory tests.api.served:app --workers 2

Tests only: the product's ``llr serve`` has no way to take these credentials.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from api.middleware import log_to_stderr
from api.settings import load_service_settings
from tests.api.service import role_credentials


def app() -> FastAPI:
    log_to_stderr()
    return create_app(load_service_settings(), authenticators=[role_credentials])
