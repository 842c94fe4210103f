"""Eight uses at once over HTTP on one balance, through a real multi-worker server.

An employee holds 125 VOV hours, and eight uses of 50 hours each arrive at the same
moment. Exactly two fit; the others must be refused as problems (409/422), never as a
5xx, and the balance must hold exactly what is left. ``send_one`` is the one write.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.api.processes import free_port, server_env, serving, uvicorn_on_test_app
from tests.api.service import BACKOFFICE, READING
from tests.builders import EMPLOYER, INSZ, START
from tests.llr import Llr

RACERS = 8
EACH, MAXIMUM = 50, 125  # hours; the employee's grant for 2024-25
FIT = MAXIMUM // EACH
READ_ON = "2025-06-30"  # in the school year of the grant (the server's today is real)
USED_ON = "2024-10-01"


def send_one(client: httpx.Client, n: int) -> httpx.Response:
    """One write of the race: a use of ``EACH`` VOV hours with a reference of its own."""
    body = {"right": "vov-hours", "amount": EACH, "on": USED_ON, "training": f"TR-{n}",
            "provider": "0403170701",
            "reference": f"RACE-{n}"}  # fmt: skip
    return client.post(f"/api/v1/citizens/{INSZ}/uses", json=body, headers=BACKOFFICE)


@pytest.fixture
def employee(ready: Llr) -> Llr:
    """An employee since 2024-09-01 holding 125 VOV hours."""
    on = START.isoformat()
    ready.ok("open", INSZ, "--status", "employee", "--on", on, "--education", "low")
    ready.ok("grant", INSZ, "vov-hours", str(MAXIMUM), "--source", EMPLOYER, "--on", on,
             "--ref", "VOV-1")  # fmt: skip
    return ready


@pytest.mark.parametrize("workers", [1, 2])
def test_eight_uses_at_once_over_http_land_as_far_as_they_fit_and_refuse_the_rest_cleanly(
    employee: Llr, database_url: str, tmp_path: Path, workers: int
) -> None:
    port = free_port()
    env = server_env(database_url, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    (tmp_path / "metrics").mkdir()
    command = uvicorn_on_test_app(port, workers)
    with serving(command, env, tmp_path / "server.log", port) as server:
        answers = race(server.url, send_one)
        with httpx.Client(base_url=server.url) as client:
            balance = client.get(f"/api/v1/citizens/{INSZ}/balance", headers=READING,
                                 params={"as_of": READ_ON})  # fmt: skip
            caught_up = read_models_catch_up(client)
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * FIT + [409] * (RACERS - FIT), server.log_text()
    for refused in (a for a in answers if a.status_code != 201):
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "/api/v1/problems/insufficient-balance"
    assert balance.status_code == 200, balance.text
    assert balance.json()["rights"]["vov-hours"]["usable"] == MAXIMUM - FIT * EACH
    assert balance.headers["etag"] == f'"{2 + FIT}"'  # opening and grant, one event a use
    assert caught_up, "no worker's follower brought the read models up to date"


def race(url: str, write: Callable[[httpx.Client, int], httpx.Response]) -> list[httpx.Response]:
    """``RACERS`` threads, a connection each, released together; every answer."""
    start = threading.Barrier(RACERS)

    def one(n: int) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=60) as client:
            client.get("/healthz")  # connected before the start, so they all write at once
            start.wait(timeout=60)
            return write(client, n)

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


def read_models_catch_up(client: httpx.Client) -> bool:
    """Whether /readyz comes to report no lag: one worker's follower keeps up."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        lags = client.get("/readyz").json()["projection_lag"]
        if not any(lags.values()):
            return True
        time.sleep(0.2)
    return False
