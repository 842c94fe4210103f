"""The frame of every request: problems, request ids, ETags, sizes, idempotency."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from tests.api.service import BACKOFFICE, READING, app_for
from tests.builders import EMPLOYER, FEDERAL, INSZ, START
from tests.llr import Llr

GRANT = {"right": "vov-hours", "amount": 125, "on": START.isoformat(), "source": EMPLOYER,
         "reference": "VOV-1"}  # fmt: skip
SECTOR_GRANT = {"right": "federal-training-days", "amount": 2, "on": START.isoformat(),
                "source": FEDERAL, "reference": "S-1"}  # fmt: skip


def test_a_request_without_a_credential_is_refused_with_401_and_a_challenge(
    client: TestClient,
) -> None:
    response = client.get(f"/api/v1/citizens/{INSZ}/balance")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["type"] == "/api/v1/problems/unauthenticated"
    assert response.headers["x-request-id"]


def test_a_grant_on_no_account_is_a_404_problem_with_the_command_line_message(
    client: TestClient,
) -> None:
    response = client.post(f"/api/v1/citizens/{INSZ}/grants", json=GRANT, headers=BACKOFFICE)
    assert response.status_code == 404, response.text
    problem = response.json()
    assert problem["type"] == "/api/v1/problems/account-not-found"
    assert "no account" in problem["detail"]


def test_a_grant_answers_201_then_200_when_repeated_and_the_balance_carries_the_etag(
    client: TestClient, with_account: Llr
) -> None:
    url = f"/api/v1/citizens/{INSZ}/grants"
    again = {**SECTOR_GRANT, "reference": "S-2", "amount": "7.5"}
    first = client.post(url, json=again, headers=BACKOFFICE)
    assert first.status_code == 201, first.text
    assert first.json()["result"] == "applied"
    repeat = client.post(url, json=again, headers=BACKOFFICE)
    assert (repeat.status_code, repeat.json()["result"]) == (200, "exists")
    balance = client.get(f"/api/v1/citizens/{INSZ}/balance", headers=READING)
    assert balance.status_code == 200, balance.text
    assert balance.headers["etag"] == first.headers["etag"]
    rights = balance.json()["rights"]
    assert rights["federal-training-days"]["usable"] == 7.5


def test_a_write_with_a_stale_if_match_is_refused_with_412_and_writes_nothing(
    client: TestClient, with_account: Llr
) -> None:
    url = f"/api/v1/citizens/{INSZ}/grants"
    balance = client.get(f"/api/v1/citizens/{INSZ}/balance", headers=READING)
    tag = balance.headers["etag"]
    ok = client.post(
        url, json={**SECTOR_GRANT, "reference": "A"}, headers={**BACKOFFICE, "If-Match": tag}
    )
    assert ok.status_code == 201, ok.text
    stale = client.post(
        url, json={**SECTOR_GRANT, "reference": "B"}, headers={**BACKOFFICE, "If-Match": tag}
    )
    assert stale.status_code == 412, stale.text
    assert stale.json()["type"] == "/api/v1/problems/stale-account"


def test_a_body_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    body = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    response = client.post(
        f"/api/v1/citizens/{INSZ}/grants",
        content=body,
        headers={**BACKOFFICE, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["type"] == "/api/v1/problems/request-too-large"


def test_a_backoffice_read_without_a_reason_is_refused_and_names_the_header(
    client: TestClient, with_account: Llr
) -> None:
    response = client.get(f"/api/v1/citizens/{INSZ}/balance", headers=BACKOFFICE)
    assert response.status_code == 400
    assert response.json()["type"] == "/api/v1/problems/reason-required"


def test_a_body_over_the_limit_sent_in_chunks_without_a_length_is_refused_with_413(
    client: TestClient,
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"right": "'
        for _ in range(40):
            yield b"x" * 64 * 1024  # 2.5 MiB in all, over the 1 MiB limit
        yield b'"}'

    response = client.post(
        f"/api/v1/citizens/{INSZ}/grants", content=chunks(),
        headers={**BACKOFFICE, "Content-Type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 413, response.text
    assert response.json()["type"] == "/api/v1/problems/request-too-large"


def test_a_body_that_is_not_json_or_nested_too_deep_is_a_400_malformed_request(
    client: TestClient,
) -> None:
    url = f"/api/v1/citizens/{INSZ}/grants"
    json_headers = {**BACKOFFICE, "Content-Type": "application/json"}
    for body in (b'{"right": ', b"[" * 100_000 + b"]" * 100_000):
        response = client.post(url, content=body, headers=json_headers)
        assert response.status_code == 400, response.text
        assert response.json()["type"] == "/api/v1/problems/malformed-request"


def preflight(client: TestClient, origin: str) -> httpx.Response:
    return client.options(
        f"/api/v1/citizens/{INSZ}/balance",
        headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
    )


def test_cors_is_off_unless_configured(client: TestClient) -> None:
    answer = preflight(client, "https://portal.example")
    assert "access-control-allow-origin" not in answer.headers


def test_cors_allows_the_configured_origins_only(
    ready: Llr, database_url: str, tmp_path: Path
) -> None:
    app = app_for(database_url, tmp_path, cors_origins=("https://portal.example",))
    with TestClient(app) as client:
        allowed = preflight(client, "https://portal.example")
        other = preflight(client, "https://elsewhere.example")
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example"
    assert "access-control-allow-origin" not in other.headers
