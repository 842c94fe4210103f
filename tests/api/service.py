"""The service under test: an app on a test store, and credentials by role name.

``ROLE_CREDENTIALS`` is a test seam for the suites that test routes, not authentication:
the bearer credential ``backoffice`` proves the actor ``test:backoffice`` in that role.
The authentication suite uses the real authenticators (tokens, OpenID Connect).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from api.app import create_app
from api.principal import AuthenticationFailed, Authenticator, Principal
from api.settings import ServiceSettings
from ledger.config import load_settings
from ledger.security.roles import parse_role
from tests.stores import TEST_ID_KEY

SECTOR_FUNDS: tuple[str, ...] = ()
ROLE_NAMES = ("backoffice", "auditor", "admin", "importer:employer:0566988259")


def role_credentials(credential: str) -> Principal | None:
    """``backoffice``, ``backoffice:anna`` (another person), ``auditor``, ``admin``,
    ``importer:employer:0566988259``."""
    if credential.startswith("importer:"):
        return Principal(f"test:{credential}", parse_role(credential, SECTOR_FUNDS), "test")
    name, _, person = credential.partition(":")
    if name not in {"backoffice", "auditor", "admin"}:
        raise AuthenticationFailed("not a test credential")
    return Principal(f"test:{person or name}", parse_role(name, ()), "test")


def settings_for(database: str, tmp_path: Path, **changes: Any) -> ServiceSettings:
    store = load_settings(database, {"LLR_ID_KEY": TEST_ID_KEY, "LLR_ACTOR": "test:service"})
    values: dict[str, Any] = {"store": store, "upload_dir": tmp_path / "uploads",
                              "follow_projections": False}  # fmt: skip
    values.update(changes)
    return ServiceSettings(**values)


def app_for(
    database: str,
    tmp_path: Path,
    authenticators: Sequence[Authenticator] | None = (role_credentials,),
    **changes: Any,
) -> FastAPI:
    return create_app(settings_for(database, tmp_path, **changes), authenticators)


def as_role(credential: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}", **headers}


BACKOFFICE = as_role("backoffice")
READING = as_role("backoffice", **{"X-Reason": "test: checking the ledger"})
