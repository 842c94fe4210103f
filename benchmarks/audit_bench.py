"""How fast ``llr audit verify`` checks a whole ledger, against the store's read ceiling.

    python -m benchmarks.audit_bench --events 1000000 --backend sqlite postgres

Builds a store of about that many events: citizens with rule-abiding histories (grants,
uses, career transitions with suspensions and carries, reversals, expiries; one in 200
with a long history and a snapshot at its head), made with the domain commands in memory
and written with ``recorder.insert_events`` in large batches. Then, in the same run and
alternating, it times:
- the ceiling: reading and decoding every event of the notification log, no checks;
- ``verify``: invariants 1-7 over the whole ledger (one streaming pass, the same pages).
It prints both rates and their ratio (the target is at least 30%). The verify must be
clean, or the figures mean nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger.application import Ledger
from ledger.audit import AuditReport, verify
from ledger.audit.records import log_position, notifications
from ledger.config import load_settings
from ledger.domain.account import Account
from ledger.domain.catalogue import Catalogue, Status
from ledger.domain.command import Provenance

SERVER = os.environ.get("LLR_BENCH_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432")
EMPLOYER = "employer:0566988259"
FLANDERS = "flemish-government"
BATCH = 10_000
LONG_EVERY = 200  # one citizen in this many has a long history and a snapshot


def insz_of(n: int) -> str:
    """The n-th distinct valid INSZ: a birth day from 1960 on, serials 1-997 each."""
    born = date(1960, 1, 1) + timedelta(days=n // 997)
    first_nine = f"{born:%y%m%d}{n % 997 + 1:03d}"
    return first_nine + f"{97 - int(first_nine) % 97:02d}"


def school_year(account: Account, cat: Catalogue, year: int, rng: random.Random, uses: int) -> None:
    """One school year of a citizen's life: grants, uses, perhaps a spell out of work."""
    start, by = date(year, 9, 1), Provenance("bench")
    if account.status != Status.EMPLOYEE.value:
        account.change_status(cat, Status.EMPLOYEE, start, by)
    account.grant(cat, "vov-hours", 250, start, None, Provenance("bench", EMPLOYER, f"v{year}"))
    vouchers = Provenance("bench", FLANDERS, f"tv-{year}")
    account.grant(cat, "training-vouchers", 25000, start + timedelta(days=1), None, vouchers)
    day = trainings(account, cat, year, rng, uses, start + timedelta(days=10))
    if rng.random() < 0.3:  # a spell out of work: VOV and vouchers suspended, then carried
        account.change_status(cat, Status.JOBSEEKER, day, by)
        day += timedelta(days=20)
        account.change_status(cat, Status.EMPLOYEE, day, by)
    if rng.random() < 0.2:  # a voucher use booked twice, and reversed
        use = Provenance("bench", None, f"tvu-{year}")
        account.use(cat, "training-vouchers", 5000, day, "TV", "P2", use)
        account.reverse(cat, account.version, "booked twice", day, "bench")


def trainings(
    account: Account, cat: Catalogue, year: int, rng: random.Random, uses: int, day: date
) -> date:
    """``uses`` uses of VOV hours spread over the school year; the day after the last."""
    for k in range(uses):
        hours = rng.randint(1, 250 // (uses + 1))
        by = Provenance("bench", None, f"u-{year}-{k}")
        account.use(cat, "vov-hours", hours, day, f"T{k}", "P1", by)
        day += timedelta(days=rng.randint(1, 300 // (uses + 1)))
    return day


def citizen(ledger: Ledger, n: int, rng: random.Random) -> tuple[Account, bool]:
    """A citizen from some school year until 2025; one in LONG_EVERY very active."""
    insz = insz_of(n)
    long = n % LONG_EVERY == 0
    first_year = 2021 if long else rng.choice((2021, 2022, 2023, 2024))
    account = Account.open(
        ledger.account_id_for(insz),
        insz,
        Status.EMPLOYEE,
        date(first_year, 8, 1),
        None,
        Provenance("bench"),
    )
    for year in range(first_year, 2025):
        school_year(account, ledger.catalogue, year, rng, 30 if long else rng.randint(1, 3))
    account.expire(date(2025, 9, 1), "bench")
    return account, long


def build(ledgers: list[Ledger], events_wanted: int) -> int:
    """Write citizens to every store until about ``events_wanted`` events; returns the count."""
    rng, written, n = random.Random(5), 0, 0
    batch: list[StoredEvent] = []
    snapshots: list[StoredEvent] = []
    maker = ledgers[0]
    assert maker.snapshots is not None
    while written < events_wanted:
        account, long = citizen(maker, n, rng)
        events = account.collect_events()
        batch.extend(maker.mapper.to_stored_event(e) for e in events)
        if long:  # long histories have a snapshot (here at the head)
            snapshots.append(maker.snapshots.mapper.to_stored_event(Snapshot.take(account)))
        written += len(events)
        n += 1
        if len(batch) >= BATCH:
            flush(ledgers, batch, snapshots)
    flush(ledgers, batch, snapshots)
    return written


def flush(ledgers: list[Ledger], batch: list[StoredEvent], snapshots: list[StoredEvent]) -> None:
    for ledger in ledgers:
        ledger.recorder.insert_events(batch)
        if snapshots and ledger.snapshots is not None:
            ledger.snapshots.recorder.insert_events(snapshots)
    batch.clear()
    snapshots.clear()


def read_ceiling(ledger: Ledger) -> int:
    mapper, count = ledger.mapper, 0
    for record in notifications(ledger, log_position(ledger)):
        mapper.to_domain_event(record)
        count += 1
    return count


@dataclass
class Timing:
    """Best wall-clock and process CPU seconds over the rounds."""

    wall: float = float("inf")
    cpu: float = float("inf")

    def run(self, action: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        self.wall = min(self.wall, time.perf_counter() - wall)
        self.cpu = min(self.cpu, time.process_time() - cpu)
        return result


def clean(report: AuditReport) -> AuditReport:
    assert report.ok, [f.line() for f in report.findings[:5]]
    return report


def measure(name: str, ledger: Ledger, rounds: int, workers: int) -> None:
    """Ceiling, verify in one process and verify in ``workers`` processes, alternating."""
    ceiling, alone, shared = Timing(), Timing(), Timing()
    for _ in range(rounds):
        events = ceiling.run(lambda: read_ceiling(ledger))
        report = alone.run(lambda: clean(verify(ledger, workers=1)))
        if workers > 1:
            shared.run(lambda: clean(verify(ledger, workers=workers)))
    rate = events / ceiling.wall
    print(f"{name}: {events:,} events, {report.streams:,} citizens; best of {rounds} rounds")
    print(f"  ceiling (read + decode)   {rate:9,.0f} ev/s  {ceiling.wall:7.1f} s")
    line = "  verify, {} {:9,.0f} ev/s  {:7.1f} s  ratio {:5.1%}"
    print(line.format("1 process   ", events / alone.wall, alone.wall, ceiling.wall / alone.wall))
    if workers > 1:
        label = f"{workers} processes"
        print(
            line.format(
                f"{label:12}", events / shared.wall, shared.wall, ceiling.wall / shared.wall
            )
        )
    print(
        f"  CPU time of this process: ceiling {ceiling.cpu:.1f} s, verify (1 process) "
        f"{alone.cpu:.1f} s, ratio {ceiling.cpu / alone.cpu:5.1%}; peak memory "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB",
        flush=True,
    )


def fresh_store(backend: str, workdir: Path) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        path = workdir / f"audit-{uuid.uuid4().hex[:8]}.sqlite3"

        def remove() -> None:
            for written in workdir.glob(path.name + "*"):
                written.unlink()

        return str(path), remove
    name = f"llr_audit_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{SERVER}/{name}", drop


def open_ledger(database: str) -> Ledger:
    settings = load_settings(database, {"LLR_ID_KEY": "bench"})
    return Ledger(settings.store_env(), id_key=settings.id_key, actor="bench")


def stores(backends: list[str], workdir: Path) -> Iterator[tuple[str, Ledger, Callable[[], None]]]:
    for backend in backends:
        database, drop = fresh_store(backend, workdir)
        yield backend, open_ledger(database), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    opened = list(stores(args.backend, args.workdir))
    try:
        started = time.perf_counter()
        written = build([ledger for _, ledger, _ in opened], args.events)
        seconds = time.perf_counter() - started
        print(
            f"built {written:,} events on {', '.join(args.backend)} in {seconds:.0f} s", flush=True
        )
        for backend, ledger, _ in opened:
            measure(backend, ledger, args.rounds, args.workers)
    finally:
        for _, ledger, drop in opened:
            ledger.close()
            drop()


if __name__ == "__main__":
    main()
