"""The operations endpoints and the request frame, in-process: readiness by store and lag,
the metrics' series, the request log line, failures answered as problems."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import metrics
from api.settings import load_service_settings
from ledger.domain.errors import InvalidInputError
from tests.api.processes import ROOT, free_port
from tests.api.service import BACKOFFICE, READING, app_for
from tests.builders import FEDERAL, INSZ, INSZ_SHOWN, START
from tests.llr import Llr
from tests.stores import TEST_ID_KEY, make_ledger

GRANT = {"right": "federal-training-days", "amount": 1, "on": START.isoformat(),
         "source": FEDERAL, "reference": "OPS-1"}  # fmt: skip


def test_readiness_reports_the_lag_of_every_read_model_on_a_store_that_keeps_up(
    client: TestClient,
) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["store"], body["ready_lag"]) == ("ready", "ok", 10_000)
    assert body["projection_lag"]["balances"] == 0


def test_readiness_is_503_naming_the_read_models_further_behind_than_the_setting_allows(
    with_account: Llr, database_url: str, tmp_path: Path
) -> None:
    ledger = make_ledger(database_url)  # writes without bringing the read models along
    try:
        for n in range(3):
            ledger.grant_right(INSZ, "federal-training-days", 1, START, FEDERAL, f"BEHIND-{n}")
    finally:
        ledger.close()
    app = app_for(database_url, tmp_path, ready_lag=2)
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503, response.text
    body = response.json()
    assert (body["status"], body["projection_lag"]["balances"]) == ("lagging", 3)
    assert "balances" in body["behind"]


def test_readiness_is_503_when_the_store_does_not_answer_and_liveness_stays_200(
    ready: Llr, database_url: str, tmp_path: Path
) -> None:
    gone = unreachable(database_url, tmp_path)
    with TestClient(app_for(gone, tmp_path), raise_server_exceptions=False) as client:
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
        assert response.status_code == 503, response.text
        assert response.json()["status"] == "unavailable"
        assert client.get("/metrics").status_code == 200  # metrics answer all the same


def unreachable(database_url: str, tmp_path: Path) -> str:
    """A store of the same backend that cannot be used: a server nobody listens on, or a
    SQLite file that is not a database."""
    if database_url.startswith("postgresql://"):
        return f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    garbage = tmp_path / "not-a-ledger.sqlite3"
    garbage.write_bytes(b"this is not a SQLite database" * 200)
    return str(garbage)


def test_the_ready_lag_setting_comes_from_the_environment_and_must_be_a_count() -> None:
    environ = {"LLR_ID_KEY": TEST_ID_KEY, "LLR_API_READY_LAG": "250"}
    assert load_service_settings("memory", environ).ready_lag == 250
    with pytest.raises(InvalidInputError, match="LLR_API_READY_LAG"):
        load_service_settings("memory", {**environ, "LLR_API_READY_LAG": "lots"})


def test_the_metrics_count_requests_by_route_template_and_show_lag_and_import_progress(
    with_account: Llr, client: TestClient
) -> None:
    assert client.get(f"/api/v1/citizens/{INSZ}/balance", headers=READING).status_code == 200
    assert client.get("/no/such/path").status_code == 404
    text = client.get("/metrics").text
    route = "/api/v1/citizens/{insz}/balance"
    assert f'llr_http_requests_total{{method="GET",route="{route}",status="200"}}' in text
    assert 'llr_http_requests_total{method="GET",route="unmatched",status="404"}' in text
    assert (
        f'llr_http_request_duration_seconds_bucket{{le="0.1",method="GET",route="{route}"}}' in text
    )
    assert 'llr_projection_lag_events{projection="balances"} 0.0' in text
    assert "# TYPE llr_import_lines_done gauge" in text
    assert INSZ not in text
    assert not [
        line for line in text.splitlines() if line.startswith("llr_") and "_created" in line
    ]


@pytest.fixture
def request_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO):
        yield caplog


def logged_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "llr.api.requests"]


def service_log(caplog: pytest.LogCaptureFixture) -> str:
    """What the service logged, tracebacks included (not the test client's own lines)."""
    return "\n".join(caplog.handler.format(r) for r in caplog.records if r.name.startswith("llr"))


def test_each_request_is_one_log_line_with_its_id_route_outcome_and_caller_never_the_insz(
    with_account: Llr, client: TestClient, request_log: pytest.LogCaptureFixture
) -> None:
    read = client.get(f"/api/v1/citizens/{INSZ}/balance", headers=READING)
    wrote = client.post(f"/api/v1/citizens/{INSZ}/grants", json=GRANT, headers=BACKOFFICE)
    unknown = client.get("/api/v1/citizens/85073003328/balance", headers=READING)
    assert (read.status_code, wrote.status_code, unknown.status_code) == (200, 201, 404)

    lines = logged_lines(request_log)
    assert [line["status"] for line in lines] == [200, 201, 404]
    first = lines[0]
    assert first["request_id"] == read.headers["x-request-id"]
    assert first["route"] == "/api/v1/citizens/{insz}/balance"
    assert (first["actor"], first["role"], first["method"]) == ("test:backoffice",
                                                                "backoffice", "GET")  # fmt: skip
    assert isinstance(first["ms"], float)
    assert first["account_id"] == lines[1]["account_id"] != lines[2]["account_id"]
    logged = service_log(request_log)
    assert INSZ not in logged and INSZ_SHOWN not in logged and "85073003328" not in logged


def test_an_unexpected_failure_is_a_500_problem_carrying_its_request_id_logged_once(
    ready: Llr, database_url: str, tmp_path: Path, request_log: pytest.LogCaptureFixture
) -> None:
    def broken(credential: str) -> None:
        raise RuntimeError("a bug in an authenticator")

    app = app_for(database_url, tmp_path, authenticators=[broken])
    with TestClient(app, raise_server_exceptions=True) as client:  # nothing may escape
        response = client.get(f"/api/v1/citizens/{INSZ}/balance", headers=BACKOFFICE)
    assert response.status_code == 500
    problem = response.json()
    assert problem["type"] == "/api/v1/problems/internal-error"
    assert response.headers["x-request-id"] == problem["request_id"]
    [line] = logged_lines(request_log)
    assert (line["status"], line["request_id"]) == (500, problem["request_id"])
    failures = [r for r in request_log.records if r.levelno == logging.ERROR]
    assert len(failures) == 1 and failures[0].exc_info is not None
    assert "a bug in an authenticator" in service_log(request_log)  # the traceback is there
    assert INSZ not in service_log(request_log)


def test_a_starting_worker_forgets_the_gauges_of_dead_workers_and_keeps_their_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    dead = worker_that_counted(folder)
    names = sorted(f.name for f in folder.iterdir())
    assert f"gauge_livemostrecent_{dead}.db" in names
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))

    assert metrics.forget_dead_workers() == [dead]

    left = sorted(f.name for f in folder.iterdir())
    assert f"gauge_livemostrecent_{dead}.db" not in left
    assert f"counter_{dead}.db" in left


def worker_that_counted(folder: Path) -> int:
    """A process that counts a request and reads a lag into the metrics folder, then
    ends; its pid."""
    script = ("import os; from api import metrics; metrics.observe('GET', '/healthz', 200, 0.01);"
              " metrics.PROJECTION_LAG.labels('balances').set(7); print(os.getpid())")  # fmt: skip
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, check=True, cwd=ROOT)  # fmt: skip
    return int(done.stdout.strip())
