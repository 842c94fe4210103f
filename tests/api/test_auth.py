"""Authentication with the real authenticators: API tokens against a store, the failure
limit, and a role that only the credential sets. OpenID Connect: ``test_oidc.py``."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.ratelimit import FailureLimiter
from ledger.security.tokens import TokenBook, parse_token
from ledger.store.token_tables import token_tables_for
from tests.api.service import settings_for
from tests.builders import EMPLOYER, FEDERAL, INSZ, START
from tests.llr import ADMIN, Llr
from tests.stores import ledger_on

BALANCE = f"/api/v1/citizens/{INSZ}/balance"
GRANTS = f"/api/v1/citizens/{INSZ}/grants"
REASON = {"X-Reason": "test: citizen called"}
GRANT = {"right": "federal-training-days", "amount": 2, "on": START.isoformat(),
         "source": FEDERAL, "reference": "S-1"}  # fmt: skip


@pytest.fixture
def service(ready: Llr, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The API with its real authenticators, on an initialised store."""
    settings = settings_for(database_url, tmp_path, failed_auth_per_minute=1000)
    with TestClient(create_app(settings, authenticators=None),
                    raise_server_exceptions=False) as client:  # fmt: skip
        yield client


def issued(llr: Llr, actor: str, role: str, *more: str) -> str:
    result = llr.ok("token", "issue", "--actor", actor, "--role", role, *more, **ADMIN)
    return result.stdout.strip()


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def refused_as_invalid(response: Any) -> str:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == 'Bearer realm="llr", error="invalid_token"'
    problem = response.json()
    assert problem["type"] == "/api/v1/problems/invalid-credential"
    return str(problem["detail"])


def test_an_issued_token_lets_its_actor_read_in_its_role_and_the_access_log_names_them(
    with_account: Llr, service: TestClient
) -> None:
    token = issued(with_account, "staff:anna", "backoffice")

    response = service.get(BALANCE, headers=bearer(token, **REASON))

    assert response.status_code == 200, response.text
    log = with_account.json("access-log", INSZ)["entries"]
    assert [(e["actor"], e["role"], e["reason"]) for e in log] == [
        ("staff:anna", "backoffice", "test: citizen called")
    ]


def test_a_revoked_token_is_refused_within_the_cache_time(
    with_account: Llr, service: TestClient
) -> None:
    token = issued(with_account, "staff:anna", "backoffice")
    presented = parse_token(token)
    assert presented is not None
    assert service.get(BALANCE, headers=bearer(token, **REASON)).status_code == 200
    with_account.ok("token", "revoke", presented.token_id, "--reason", "left", **ADMIN)
    authenticator = service.app.state.service.authenticators[0]  # type: ignore[attr-defined]
    authenticator.cache.monotonic = lambda: float("inf")  # the cache time has passed

    detail = refused_as_invalid(service.get(BALANCE, headers=bearer(token, **REASON)))

    assert detail.startswith(f"API token {presented.token_id} was revoked on ")


def test_an_expired_token_is_refused_saying_when_it_expired(
    ready: Llr, database_url: str, service: TestClient
) -> None:
    ledger = ledger_on(database_url)
    try:
        long_ago = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
        book = TokenBook(token_tables_for(ledger.recorder), (), clock=lambda: long_ago)
        token = book.issue("staff:anna", "backoffice", "12h", "test:root").text
    finally:
        ledger.close()

    detail = refused_as_invalid(service.get(BALANCE, headers=bearer(token, **REASON)))

    assert "expired on 2024-01-01 20:00:00 UTC" in detail


@pytest.mark.parametrize(
    ("credential", "detail"),
    [
        (f"llr_{'0' * 16}_{'A' * 43}", "not one this service issued"),
        (f"llr_{'0' * 16}_short", "the API token is garbled"),
        ("llr_", "the API token is garbled"),
        ("some-other-credential", "not one this service knows"),
        ("a.b.c", "not one this service knows"),
    ],
)
def test_an_unknown_or_garbled_credential_is_refused_with_401(
    service: TestClient, credential: str, detail: str
) -> None:
    assert detail in refused_as_invalid(service.get(BALANCE, headers=bearer(credential)))


def test_a_token_with_a_wrong_secret_is_refused_like_an_unknown_one(
    ready: Llr, service: TestClient
) -> None:
    token = issued(ready, "staff:anna", "backoffice", "--expires", "1h")
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    detail = refused_as_invalid(service.get(BALANCE, headers=bearer(forged, **REASON)))

    assert "not one this service issued" in detail and "expired" not in detail


def test_an_importer_token_acts_as_an_importer_of_its_source_only(
    with_account: Llr, service: TestClient
) -> None:
    token = issued(with_account, "sender:acme", f"importer:{EMPLOYER}")
    authenticator = service.app.state.service.authenticators[0]  # type: ignore[attr-defined]

    principal = authenticator(token)
    read = service.get(BALANCE, headers=bearer(token, **REASON))

    assert (principal.actor, str(principal.role)) == ("sender:acme", f"importer:{EMPLOYER}")
    assert principal.credential.startswith("token:")
    assert read.status_code == 403
    assert f"role importer:{EMPLOYER} may not read" in read.json()["detail"]


def test_the_role_comes_from_the_credential_never_from_a_header(
    with_account: Llr, service: TestClient
) -> None:
    token = issued(with_account, "staff:eve", "auditor")
    claims = {"X-Role": "backoffice", "LLR_ROLE": "backoffice", "X-LLR-Role": "admin",
              "X-Actor": "staff:boss", "X-Forwarded-User": "staff:boss"}  # fmt: skip

    write = service.post(GRANTS, json=GRANT, headers=bearer(token, **claims))
    in_body = service.post(GRANTS, json={**GRANT, "role": "backoffice"}, headers=bearer(token))
    read = service.get(BALANCE, headers=bearer(token, **claims, **REASON))

    assert write.status_code == 403, write.text
    assert "role auditor may not write to accounts" in write.json()["detail"]
    # Refused for the role of the credential, before the body is even read for fields.
    assert in_body.status_code == 403
    assert "role auditor may not write to accounts" in in_body.json()["detail"]
    assert read.status_code == 200
    log = with_account.json("access-log", INSZ)["entries"]
    assert [(e["actor"], e["role"]) for e in log] == [("staff:eve", "auditor")]


# ------------------------------------------------------------------ the failure limit
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_too_many_failures_from_one_address_give_429_even_for_a_good_token_until_the_window_ends(
    with_account: Llr, database_url: str, tmp_path: Path
) -> None:
    token = issued(with_account, "staff:anna", "backoffice")
    clock = Clock()
    app = create_app(settings_for(database_url, tmp_path, failed_auth_per_minute=3), None)
    app.state.failure_limiter = FailureLimiter(3, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        bad = [client.get(BALANCE, headers=bearer(f"llr_{'0' * 16}_{'A' * 43}"))
               for _ in range(3)]  # fmt: skip
        blocked = client.get(BALANCE, headers=bearer(token, **REASON))
        clock.now += 61
        after = client.get(BALANCE, headers=bearer(token, **REASON))

    assert [r.status_code for r in bad] == [401, 401, 401]
    assert blocked.status_code == 429
    assert blocked.json()["type"] == "/api/v1/problems/too-many-failed-authentications"
    assert 1 <= int(blocked.headers["retry-after"]) <= 61
    assert after.status_code == 200, after.text


def test_a_good_credential_does_not_count_as_a_failure(
    with_account: Llr, database_url: str, tmp_path: Path
) -> None:
    token = issued(with_account, "staff:anna", "backoffice", "--expires", "12h")
    app = create_app(settings_for(database_url, tmp_path, failed_auth_per_minute=2), None)
    with TestClient(app, raise_server_exceptions=False) as client:
        answers = [client.get(BALANCE, headers=bearer(token, **REASON)) for _ in range(5)]

    assert [r.status_code for r in answers] == [200] * 5


def test_the_request_log_names_the_token_by_its_id_and_never_holds_the_token(
    with_account: Llr, service: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = issued(with_account, "staff:anna", "backoffice")
    presented = parse_token(token)
    assert presented is not None

    with caplog.at_level(logging.INFO, logger="llr.api.requests"):
        service.get(BALANCE, headers=bearer(token, **REASON))

    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "llr.api.requests"]
    assert [(x["actor"], x["credential"]) for x in lines] == [
        ("staff:anna", f"token:{presented.token_id}")
    ]
    assert presented.secret not in caplog.text and INSZ not in caplog.text
