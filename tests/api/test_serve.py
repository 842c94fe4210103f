"""``llr serve`` as the process operators run: it answers, refuses, logs and stops cleanly.

Its workers accept only real credentials (API tokens, an identity provider's): here a token
issued with ``llr token issue``, as the README's tour does; the routes themselves are tested
in-process and, over HTTP, on uvicorn with the test credentials (``test_concurrency.py``).
"""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.api.processes import (
    Server,
    free_port,
    group_ends,
    llr_serve,
    server_env,
    serving,
    uvicorn_on_test_app,
)
from tests.api.service import READING
from tests.builders import INSZ, INSZ_SHOWN
from tests.llr import ADMIN, Llr

BALANCE = f"/api/v1/citizens/{INSZ}/balance"


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_llr_serve_answers_operators_refuses_a_caller_without_credential_and_stops_on_a_signal(
    ready: Llr, database_url: str, tmp_path: Path, how: signal.Signals
) -> None:
    port = free_port()
    with serving(llr_serve(port), server_env(database_url), tmp_path / "serve.log", port) as srv:
        assert_operations_answer(srv)
        refused = httpx.get(srv.url + BALANCE, headers={"X-Request-Id": "ticket-42.a"})
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert refused.json()["type"] == "/api/v1/problems/unauthenticated"
        assert refused.headers["x-request-id"] == "ticket-42.a"  # the caller's id, kept
        assert refused.json()["request_id"] == "ticket-42.a"

        assert srv.stop(how) == 0
        assert group_ends(srv)  # no worker left behind
    lines = request_lines(srv)
    [line] = [line for line in lines if line["request_id"] == "ticket-42.a"]
    assert (line["route"], line["status"], line["actor"]) == ("/api/v1/citizens/{insz}/balance",
                                                              401, None)  # fmt: skip
    assert_no_insz(srv.log_text())


def assert_operations_answer(srv: Server) -> None:
    health = httpx.get(srv.url + "/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert health.headers["x-request-id"]
    ready = httpx.get(srv.url + "/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
    metrics = httpx.get(srv.url + "/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'llr_http_requests_total{method="GET",route="/healthz",status="200"}' in metrics.text


def request_lines(srv: Server) -> list[dict[str, object]]:
    """The request log's lines: the JSON lines of the server's output."""
    return [json.loads(line) for line in srv.log_text().splitlines() if line.startswith("{")]


def assert_no_insz(text: str) -> None:
    assert INSZ not in text
    assert INSZ_SHOWN not in text


def test_llr_serve_refuses_a_store_that_was_never_initialised_before_starting_workers(
    llr: Llr,
) -> None:
    message = llr.refused("serve", "--port", str(free_port()), **ADMIN)
    assert "llr init" in message


@pytest.mark.parametrize(
    ("jwks", "says"),
    [("http://idp.example/keys", "https"), ("/no/such/keys.json", "cannot be read now")],
)
def test_llr_serve_refuses_an_identity_provider_whose_keys_it_cannot_use_before_starting(
    ready: Llr, jwks: str, says: str
) -> None:
    oidc = {"LLR_OIDC_ISSUER": "https://idp.example", "LLR_OIDC_AUDIENCE": "llr",
            "LLR_OIDC_JWKS": jwks}  # fmt: skip
    message = ready.refused("serve", "--port", str(free_port()), **ADMIN, **oidc)
    assert "LLR_OIDC_JWKS" in message and says in message


def test_llr_serve_is_an_admin_command_that_a_backoffice_role_may_not_run(ready: Llr) -> None:
    message = ready.refused("serve", "--port", str(free_port()))
    assert "may not start the HTTP service" in message


def test_the_metrics_of_all_workers_add_up_and_a_restart_starts_them_from_zero(
    ready: Llr, database_url: str, tmp_path: Path
) -> None:
    """Two workers of ``llr serve`` share a metrics folder: whichever answers /metrics
    counts every worker's requests; a second run in the same folder counts only its own."""
    folder = tmp_path / "metrics"
    env = server_env(database_url, PROMETHEUS_MULTIPROC_DIR=str(folder))
    for run in ("first", "second"):
        port = free_port()
        with serving(llr_serve(port, "--workers", "2"), env, tmp_path / f"{run}.log", port) as srv:
            # A connection each: the workers take turns to accept them.
            assert {httpx.get(srv.url + "/healthz").status_code for _ in range(40)} == {200}
            text = httpx.get(srv.url + "/metrics").text
            assert srv.stop() == 0
        assert healthz_count(text) == 40 + waits_for_health(srv)
        # Else one worker's own count would pass for the sum.
        assert len({line["worker"] for line in request_lines(srv)}) == 2


def healthz_count(metrics_text: str) -> float:
    found = re.search(
        r'^llr_http_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)$',
        metrics_text, flags=re.M,
    )  # fmt: skip
    assert found, metrics_text
    return float(found.group(1))


def waits_for_health(srv: Server) -> int:
    """The /healthz requests the start-up wait made (answered ones: logged with 200)."""
    return sum(1 for line in request_lines(srv)
               if line["route"] == "/healthz" and line["status"] == 200) - 40  # fmt: skip


def test_a_request_to_a_worker_of_the_test_app_is_logged_by_account_never_by_insz(
    with_account: Llr, database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    command = uvicorn_on_test_app(port, workers=1)
    with serving(command, server_env(database_url), tmp_path / "app.log", port) as srv:
        read = httpx.get(srv.url + BALANCE, headers=READING, params={"as_of": "2025-06-30"})
        assert read.status_code == 200, read.text
        assert read.json()["rights"]["vov-hours"]["usable"] == 125
        missing = httpx.get(srv.url + f"/api/v1/citizens/{INSZ[:-2]}00/balance", headers=READING)
        assert missing.status_code == 422, missing.text
        srv.stop()  # the whole log written (plain uvicorn dies of the signal it re-raises)
    [line] = [line for line in request_lines(srv) if line["request_id"] ==
              read.headers["x-request-id"]]  # fmt: skip
    assert (line["actor"], line["role"], line["status"]) == ("test:backoffice", "backoffice", 200)
    assert line["account_id"]
    assert_no_insz(srv.log_text())


def test_llr_serve_takes_an_issued_token_logs_its_actor_and_refuses_it_once_revoked(
    with_account: Llr, database_url: str, tmp_path: Path
) -> None:
    issued = with_account.ok(
        "token", "issue", "--actor", "staff:anna", "--role", "backoffice", **ADMIN
    )
    token = issued.stdout.strip()
    headers = {"Authorization": f"Bearer {token}", "X-Reason": "citizen called"}
    port = free_port()
    with serving(llr_serve(port), server_env(database_url), tmp_path / "serve.log", port) as srv:
        answer = httpx.get(srv.url + BALANCE, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["insz"] == INSZ_SHOWN
        [token_id] = [row["id"] for row in with_account.json("token", "list", **ADMIN)]
        with_account.ok("token", "revoke", token_id, **ADMIN)
        assert refused_within(srv.url + BALANCE, headers, seconds=15)
        srv.stop(signal.SIGTERM)
    log = with_account.json("access-log", INSZ)["entries"]
    # The first read, and those the revoked token still made while a worker had it cached.
    assert {(e["actor"], e["role"], e["reason"]) for e in log} == {
        ("staff:anna", "backoffice", "citizen called")
    }


def refused_within(url: str, headers: dict[str, str], seconds: float) -> bool:
    """The revocation reaches every worker within its token cache's lifetime (5 s)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if httpx.get(url, headers=headers).status_code == 401:
            return True
        time.sleep(0.5)
    return False
