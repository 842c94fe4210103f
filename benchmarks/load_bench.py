"""How long one account with a long history takes to load, with and without snapshots.

    python benchmarks/load_bench.py --events 1000 10000 --backend sqlite postgres

For each size it writes one account of about that many events (daily uses, small grants,
status changes back and forth), then times, as medians over repeated runs:
- ``get``: ``repository.get`` (latest snapshot + the events after it): what commands pay;
- ``replay``: decoding and applying every event of the stream (no snapshot);
- ``raw read``: only fetching the stream's stored records (no decoding): the store's
  own ceiling for reading that stream, measured in the same run.
The ratio ``raw read / get`` says how many times faster the snapshot makes a load than
merely reading the whole stream could ever be.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger.application import Ledger
from ledger.config import load_settings
from ledger.domain.account import Account
from ledger.domain.catalogue import Status
from ledger.domain.command import Provenance
from ledger.domain.views import rebuild

INSZ = "93051822361"
EMPLOYER = "employer:0566988259"
SERVER = os.environ.get("LLR_BENCH_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432")


def build_history(ledger: Ledger, events_wanted: int) -> Account:
    """One account with a long, rule-abiding history, saved in chunks like real traffic."""
    cat = ledger.catalogue
    account = Account.open(
        ledger.account_id_for(INSZ),
        INSZ,
        Status.EMPLOYEE,
        date(2019, 9, 1),
        None,
        Provenance("bench"),
    )
    day, n = date(2019, 9, 1), 0
    while account.version < events_wanted:
        if day.month == 9 and day.day == 1:
            account.grant(
                cat,
                "vov-hours",
                250 if day.year >= 2021 else 125,
                day,
                None,
                Provenance("bench", EMPLOYER, f"vov-{day.year}"),
            )
        if account.status == Status.EMPLOYEE.value:
            account.grant(
                cat,
                "training-vouchers",
                100,
                day,
                None,
                Provenance("bench", "flemish-government", f"tv-{n}"),
            )
            if account.totals_for("vov-hours").usable and n % 2 == 0:
                account.use(
                    cat,
                    "vov-hours",
                    1,
                    day,
                    f"training-{n}",
                    "provider-1",
                    Provenance("bench", None, f"use-{n}"),
                )
        if n % 5 == 4:
            other = Status.JOBSEEKER if account.status == Status.EMPLOYEE.value else Status.EMPLOYEE
            account.change_status(cat, other, day, Provenance("bench"))
        if n % 50 == 0:
            save(ledger, account)
        day += timedelta(days=1)
        n += 1
    save(ledger, account)
    return account


def save(ledger: Ledger, account: Account) -> None:
    ledger.save_events(account)


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def fresh_database(backend: str, workdir: Path) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        path = workdir / f"load-{uuid.uuid4().hex[:8]}.sqlite3"
        return str(path), lambda: [p.unlink() for p in workdir.glob(path.name + "*")]
    name = f"llr_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{SERVER}/{name}", drop


def bench(backend: str, events_wanted: int, workdir: Path) -> None:
    database, drop = fresh_database(backend, workdir)
    try:
        settings = load_settings(database, {"LLR_ID_KEY": "bench"})
        ledger = Ledger(settings.store_env(), id_key=settings.id_key, actor="bench")
        account = build_history(ledger, events_wanted)
        aid = account.id
        repeat = 30 if events_wanted <= 2000 else 10
        get = median_seconds(lambda: ledger.repository.get(aid), repeat)
        replay = median_seconds(lambda: rebuild(ledger.repository.event_store.get(aid)), 3)
        raw = median_seconds(lambda: ledger.recorder.select_events(aid), repeat)
        loaded = ledger.repository.get(aid)
        assert loaded.totals == account.totals and loaded.version == account.version
        print(
            f"{backend:8} {account.version:6d} events  get {get * 1000:7.2f} ms  "
            f"replay {replay * 1000:8.1f} ms  raw read {raw * 1000:7.2f} ms  "
            f"raw/get {raw / get:5.1f}x  replay/get {replay / get:6.0f}x"
        )
        ledger.close()
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--backend", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    for backend in args.backend:
        for size in args.events:
            bench(backend, size, args.workdir)


if __name__ == "__main__":
    main()
