"""The service as a real process on a free loopback port: started, waited for, stopped.

Two ways to start it: ``llr serve`` itself (the product's command, whose workers accept
only real credentials), and uvicorn on ``tests.api.served:app`` (the same application
with the role-named test credentials), for the tests that must act over HTTP.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.stores import TEST_ID_KEY

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60  # a bound on a hang, not a timing assertion


def free_port() -> int:
    """A port nobody listens on now: the kernel's pick for a socket bound to port 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(database: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "LLR_DATABASE": database, "LLR_ID_KEY": TEST_ID_KEY,
           "LLR_ACTOR": "test:service", "LLR_ROLE": "admin",  # llr serve is an admin's
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(extra)
    return env


def llr_serve(port: int, *options: str) -> list[str]:
    return [sys.executable, "-m", "cli", "serve", "--port", str(port), *options]


def uvicorn_on_test_app(port: int, workers: int) -> list[str]:
    """uvicorn as ``llr serve`` runs it (no access log: it would hold paths), on the app
    with test credentials."""
    return [sys.executable, "-m", "uvicorn", "--factory", "tests.api.served:app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--no-access-log"]  # fmt: skip


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, how: signal.Signals = signal.SIGTERM) -> int:
        """Send the signal and wait for the process and its workers to end: its exit code."""
        self.process.send_signal(how)
        return self.process.wait(timeout=STARTUP_SECONDS)


@contextmanager
def serving(command: list[str], env: dict[str, str], log: Path, port: int) -> Iterator[Server]:
    """The server, once it answers /healthz; killed on the way out whatever happened."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: the kill below reaches its workers
        )  # fmt: skip
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        wait_until_healthy(server)
        yield server
    finally:
        with suppress(ProcessLookupError):  # the group is gone: all ended already
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def group_ends(server: Server, within: float = 30) -> bool:
    """Whether every process of the server's group (the server, its workers, the
    resource tracker of multiprocessing, which ends after its parent) is gone in time."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(server.process.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the server ended at start:\n{server.log_text()}")
        try:
            if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not answer in {STARTUP_SECONDS} s:\n"
                         f"{server.log_text()}")  # fmt: skip
