"""Calls on the citizen routes for the API suites, and what the store holds behind them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.api.service import as_role
from tests.builders import EMPLOYER, INSZ, START
from tests.stores import event_count, ledger_on

CITIZEN = f"/api/v1/citizens/{INSZ}"
A_REASON = "test: checking the ledger"
ON = START.isoformat()
OPEN = {"insz": INSZ, "on": ON, "employer": "0566988259", "education": "low"}
GRANT = {"right": "vov-hours", "amount": 125, "on": ON, "source": EMPLOYER, "reference": "VOV-1"}
USE = {"right": "vov-hours", "amount": 20, "on": "2024-10-07", "training": "T",
       "provider": "P", "reference": "USE-1"}  # fmt: skip
PROVIDER = "0403170701"
RESERVE = {"right": "vov-hours", "amount": 10, "on": "2024-10-10", "training": "OPL-1",
           "provider": PROVIDER, "reference": "B-1"}  # fmt: skip


def post(
    client: TestClient, path: str, body: Any = None, credential: str = "backoffice", **headers: str
) -> Response:
    """POST to a path under /api/v1 (the citizen's when it starts with '/')."""
    url = path if path.startswith("/api/") else f"/api/v1{path}"
    return client.post(url, json=body, headers=as_role(credential, **headers))


def get(
    client: TestClient, path: str, credential: str = "backoffice", reason: str | None = A_REASON
) -> Response:
    headers = {} if reason is None else {"X-Reason": reason}
    return client.get(f"/api/v1{path}", headers=as_role(credential, **headers))


def applied(response: Response, status: int = 201) -> dict[str, Any]:
    """The body of a write that must have been answered ``status``; its ETag is checked."""
    assert response.status_code == status, response.text
    outcome: dict[str, Any] = response.json()
    assert response.headers["etag"] == f'"{outcome["account_version"]}"'
    return outcome


def opened(client: TestClient) -> None:
    """An employee of 0566988259 since 2024-09-01 holding 125 VOV hours (event 2)."""
    applied(post(client, "/citizens", OPEN))
    applied(post(client, f"/citizens/{INSZ}/grants", GRANT))


def store_state(database_url: str, insz: str = INSZ) -> tuple[int | None, int]:
    """What a refused request must leave alone, read with a trusted Ledger: the account's
    version (None without an account) and the number of events in the store."""
    ledger = ledger_on(database_url)
    try:
        account = ledger.find_account(ledger.account_id_for(insz))
        return (None if account is None else account.version), event_count(database_url)
    finally:
        ledger.close()


def problem_type(response: Response) -> str:
    assert response.headers["content-type"] == "application/problem+json", response.text
    slug: str = response.json()["type"].removeprefix("/api/v1/problems/")
    return slug
