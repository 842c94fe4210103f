"""What HTTP costs: the API's balance reads and writes against the same calls on the Ledger.

    python benchmarks/api_bench.py --citizens 2000 --seconds 10 --max-requests 20000

On a fresh PostgreSQL database (dropped at the end), ``--citizens`` employees each hold a
grant of 40 VOV hours. The service runs as ``llr serve`` runs it (its uvicorn options and
default workers; ``benchmarks/api_served.py``) on loopback, and ``--clients`` threads,
each with a keep-alive connection, drive it:

- reads: ``GET /citizens/{insz}/balance`` with an ``X-Reason`` on random citizens;
- writes: a use of 8 VOV hours on a distinct citizen each (``write_request`` below).

Each phase runs ``--seconds`` or ``--max-requests``, whichever comes first (a write phase
at most one write per citizen), and prints requests/s, p50, p99 and the count of 5xx. The
ceiling, measured in the same run on the same citizens: the same calls on a ``Ledger`` in
this process, in one thread and in a pool of as many threads as clients. The clients
saturate the service (a latency there is mostly queueing: 32 clients / the rate); the
reads run once more paced at half the in-process rate, the load the targets name, and
their latency counts from when each request was due. Targets (issue 14): reads at least
0.5 of the in-process rate, and p99 under 100 ms at that rate; no 5xx.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.api_served import TOKEN
from benchmarks.booking_bench import GRANTED, arrange, insz_of, ledger_on
from benchmarks.load_bench import fresh_database
from ledger.application import Ledger
from ledger.domain.command import Result
from ledger.security.roles import Role, RoleName

ROOT = Path(__file__).resolve().parent.parent
REASON = "benchmark: a citizen asked"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "X-Reason": REASON}
HOURS = "8"  # of the 40 held: a write phase makes at most one use per citizen
TRAINING, PROVIDER = "BENCH-TRAINING", "0403170701"


# ------------------------------------------------------------------ the two operations
def read_url(insz: str) -> str:
    return f"/api/v1/citizens/{insz}/balance"


def write_request(insz: str, n: int) -> tuple[str, dict[str, object]]:
    """The one write over HTTP: a use of ``HOURS`` VOV hours."""
    body = {"right": "vov-hours", "amount": HOURS, "on": GRANTED.isoformat(),
            "training": TRAINING, "provider": PROVIDER, "reference": f"H-{n}"}  # fmt: skip
    return f"/api/v1/citizens/{insz}/uses", body


def read_in_process(ledger: Ledger, insz: str) -> None:
    ledger.balance(insz, reason=REASON)


def write_in_process(ledger: Ledger, insz: str, n: int) -> None:
    used = ledger.use_right(insz, "vov-hours", HOURS, GRANTED, TRAINING, PROVIDER, f"L-{n}")
    assert used.result is Result.APPLIED


# ------------------------------------------------------------------------ measurement
@dataclass
class Tally:
    """Latencies and outcomes of one phase, shared by its threads."""

    seconds: float = 0.0
    cpu: float = 0.0  # this process's CPU seconds: the clients' own cost, over HTTP
    latencies: list[float] = field(default_factory=list)
    server_errors: int = 0
    other_refusals: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, began: float, status: int = 200) -> None:
        elapsed = time.perf_counter() - began
        with self.lock:
            self.latencies.append(elapsed)
            self.server_errors += status >= 500
            self.other_refusals += 400 <= status < 500

    def line(self, label: str) -> str:
        done = sorted(self.latencies)
        p50, p99 = (done[int(len(done) * q)] * 1000 if done else 0.0 for q in (0.5, 0.99))
        return (f"  {label:34} {len(done):6d} in {self.seconds:5.1f} s  {self.rate():7.1f}/s  "
                f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  5xx {self.server_errors}  "
                f"4xx {self.other_refusals}  cpu {self.cpu / self.seconds:4.0%}")  # fmt: skip

    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class Budget:
    """Hands out request numbers until the time or the count runs out; paced at ``rate``
    per second when given (an offered load below saturation, for its latencies)."""

    def __init__(self, seconds: float, max_requests: int, rate: float | None = None) -> None:
        self.started = time.perf_counter()
        self.deadline = self.started + seconds
        self.left, self.next, self.rate = max_requests, 0, rate
        self.lock = threading.Lock()

    def take(self) -> tuple[int, float] | None:
        """The next request's number and the moment it is due (its latency counts from
        then: a paced request that waits for a free client is late, and that shows)."""
        with self.lock:
            if self.left <= 0 or time.perf_counter() >= self.deadline:
                return None
            self.left -= 1
            self.next += 1
            n = self.next - 1
        if self.rate is None:
            return n, time.perf_counter()
        due = self.started + n / self.rate
        time.sleep(max(0.0, due - time.perf_counter()))
        return n, due


def run_phase(threads: int, budget: Budget, work: Callable[[int, float, Tally], None]) -> Tally:
    """``work(n, due, tally)`` for each request the budget hands out, on ``threads``."""
    tally = Tally()

    def loop() -> None:
        while (taken := budget.take()) is not None:
            work(*taken, tally)

    began, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(loop) for _ in range(threads)]:
            future.result()
    tally.seconds = time.perf_counter() - began
    tally.cpu = time.process_time() - cpu
    return tally


class Client:
    """One keep-alive HTTP/1.1 connection (``http.client``): a third of httpx's CPU per
    request, which on two shared cores is CPU left to the service under test."""

    def __init__(self, url: str) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)

    def send(self, method: str, path: str, body: object = None,
             headers: dict[str, str] | None = None) -> int:  # fmt: skip
        data = json.dumps(body).encode() if body is not None else None
        sent = {**(headers or {}), **({"Content-Type": "application/json"} if data else {})}
        self.connection.request(method, path, body=data, headers=sent)
        response = self.connection.getresponse()
        response.read()
        return response.status


def over_http(url: str, clients: int, budget: Budget,
              request: Callable[[Client, int], int]) -> Tally:  # fmt: skip
    local = threading.local()

    def work(n: int, due: float, tally: Tally) -> None:
        if not hasattr(local, "client"):
            local.client = Client(url)
        tally.add(due, request(local.client, n))

    return run_phase(clients, budget, work)


def in_process(ledger: Ledger, threads: int, budget: Budget,
               call: Callable[[Ledger, int], None]) -> Tally:  # fmt: skip
    def work(n: int, due: float, tally: Tally) -> None:
        call(ledger, n)
        tally.add(due)

    return run_phase(threads, budget, work)


# --------------------------------------------------------------------------- the server
def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def service(database: str, workdir: Path) -> Iterator[str]:
    """The API on loopback as llr serve runs it, until the block ends; its base URL."""
    port = free_port()
    metrics = tempfile.mkdtemp(prefix="llr-bench-metrics-")
    env = {**os.environ, "LLR_DATABASE": database, "LLR_ID_KEY": "bench", "PYTHONPATH": str(ROOT),
           "PROMETHEUS_MULTIPROC_DIR": metrics}  # fmt: skip
    log = (workdir / "api-bench-server.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.api_served", "--port",
                                str(port)], env=env, cwd=ROOT, stdout=log, stderr=log,
                               start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()
        shutil.rmtree(metrics, ignore_errors=True)


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit("the service ended at start: see api-bench-server.log")
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("the service did not become ready in 60 s")


# ------------------------------------------------------------------------------ the run
def bench(citizens: int, seconds: float, max_requests: int, clients: int, workdir: Path) -> None:
    database, drop = fresh_database("postgres", workdir)
    try:
        people = [insz_of(n) for n in range(citizens)]
        arrange(database, people, workdir)
        pick = random.Random(14)
        ledger = ledger_on(database, Role(RoleName.BACKOFFICE))
        with service(database, workdir) as url:
            reads = measure_reads(url, ledger, people, pick, clients, seconds, max_requests)
            writes = measure_writes(url, ledger, people, clients, seconds, max_requests)
        ledger.close()
        report(clients, reads, writes)
    finally:
        drop()


def measure_reads(url: str, ledger: Ledger, people: list[str], pick: random.Random,
                  clients: int, seconds: float, limit: int) -> dict[str, Tally]:  # fmt: skip
    def http_read(client: Client, n: int) -> int:
        return client.send("GET", read_url(pick.choice(people)), headers=HEADERS)

    def ledger_read(ledger: Ledger, n: int) -> None:
        read_in_process(ledger, pick.choice(people))

    single = in_process(ledger, 1, Budget(seconds, limit), ledger_read)
    half = single.rate() / 2  # the target's load: half the in-process rate
    return {
        "in-process, 1 thread": single,
        f"in-process, {clients} threads": in_process(
            ledger, clients, Budget(seconds, limit), ledger_read
        ),
        f"HTTP, {clients} clients": over_http(url, clients, Budget(seconds, limit), http_read),
        f"HTTP, paced at {half:.0f}/s": over_http(
            url, clients, Budget(seconds, limit, half), http_read
        ),
    }


def measure_writes(url: str, ledger: Ledger, people: list[str], clients: int, seconds: float,
                   limit: int) -> dict[str, Tally]:  # fmt: skip
    """Each write on a citizen no other write of its phase touches (until they run out)."""
    limit = min(limit, len(people))

    def http_write(client: Client, n: int) -> int:
        path, body = write_request(people[n], n)
        return client.send("POST", path, body, HEADERS)

    def ledger_write(offset: int) -> Callable[[Ledger, int], None]:
        return lambda ledger, n: write_in_process(ledger, people[n], offset + n)

    return {
        "in-process, 1 thread": in_process(ledger, 1, Budget(seconds, limit), ledger_write(0)),
        f"in-process, {clients} threads": in_process(
            ledger, clients, Budget(seconds, limit), ledger_write(limit)
        ),
        f"HTTP, {clients} clients": over_http(url, clients, Budget(seconds, limit), http_write),
    }


def report(clients: int, reads: dict[str, Tally], writes: dict[str, Tally]) -> None:
    for name, phase in (("balance reads", reads), ("writes (uses)", writes)):
        print(f"{name}:")
        for label, tally in phase.items():
            print(tally.line(label))
        http = phase[f"HTTP, {clients} clients"].rate()
        single, pooled = (phase[label].rate() for label in list(phase)[:2])
        print(f"  HTTP / in-process: {http / single:4.2f} (1 thread), "
              f"{http / pooled:4.2f} ({clients} threads)")  # fmt: skip
    ratio = reads[f"HTTP, {clients} clients"].rate() / reads["in-process, 1 thread"].rate()
    paced = reads[list(reads)[-1]]
    p99 = sorted(paced.latencies)[int(len(paced.latencies) * 0.99)] * 1000
    errors = sum(t.server_errors for t in (*reads.values(), *writes.values()))
    print(f"targets: reads {ratio:4.2f} of in-process (>= 0.50: {verdict(ratio >= 0.5)}), "
          f"p99 at half the in-process rate {p99:.1f} ms (< 100: {verdict(p99 < 100)}), "
          f"5xx {errors}")  # fmt: skip


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    bench(args.citizens, args.seconds, args.max_requests, args.clients, args.workdir)


if __name__ == "__main__":
    main()
