"""Rebuild all projections over a large store, beside the ceiling measured in the same run.

    python benchmarks/projection_bench.py --db /tmp/bench.sqlite3 --events 1000000
    python benchmarks/projection_bench.py --db postgresql://postgres@127.0.0.1:5432/llr_bench

An empty store is first filled with synthetic histories: accounts built in memory with the
real domain commands (every event kind appears: grants, uses, transitions with carry,
suspend and forfeit, expiries, reversals), saved with ``recorder.insert_events`` in big
batches. A store that already holds events is used as it is.

The ceiling is reading and decoding the same events from the notification log
(``select_notifications`` + ``mapper.to_domain_event``, pages of the rebuild's batch size)
with no projection work: the best of two runs. The rebuild is ``rebuild()`` of all five
projections with its defaults (batches of ``REBUILD_BATCH``; on a long log the audit trail
is filled by a second process, which reads and decodes the log too), swap included.

Then the catch-up after an import: the events an ``llr import`` of an employer file writes
(``--import-citizens`` new citizens, each opened with a grant and three uses, 1,000
citizens' lines at a time merged by date, as ``benchmarks/generate.py`` orders a file) are
appended to the log, and ``catch_up_all(ledger)`` with its defaults brings the read models
up to date, as ``llr import`` does at its end. Its events/s are printed against the
rebuild's and the ceiling's of the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from resource import RUSAGE_SELF, getrusage
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from ledger.application import Ledger
from ledger.config import load_settings
from ledger.domain.account import Account
from ledger.domain.catalogue import Education, Status
from ledger.domain.command import Provenance
from ledger.domain.errors import LedgerError
from ledger.domain.identifiers import account_id, parse_insz
from ledger.projections.catchup import REBUILD_BATCH
from ledger.projections.migrate import upgrade
from ledger.projections.rebuild import rebuild
from ledger.projections.rebuild_worker import default_processes
from ledger.projections.registry import ACCOUNT_TOPICS
from ledger.projections.runner import catch_up_all
from ledger.store.backend import Backend, backend_of

STATUSES = (
    [Status.EMPLOYEE] * 14
    + [Status.JOBSEEKER] * 3
    + [
        Status.SELF_EMPLOYED,
        Status.SELF_EMPLOYED,
        Status.CIVIL_SERVANT,
        Status.INACTIVE,
    ]
)
EDUCATIONS = [Education.LOW] * 5 + [Education.MEDIUM] * 8 + [Education.HIGH] * 7
SCHOOL_YEARS = (2022, 2023, 2024, 2025)
INSERT_BATCH = 10_000
INTERLEAVED = 2_000
IMPORT_INTERLEAVED = 1_000


def _kbo(rng: random.Random) -> str:
    first8 = f"0{rng.randint(2_000_000, 9_999_999)}"
    return f"employer:{first8}{97 - int(first8) % 97:02d}"


def _insz(rng: random.Random) -> str:
    year, month, day = rng.randint(1958, 2004), rng.randint(1, 12), rng.randint(1, 28)
    first9 = f"{year % 100:02d}{month:02d}{day:02d}{rng.randint(1, 997):03d}"
    base = int(first9) + (2_000_000_000 if year >= 2000 else 0)
    return parse_insz(f"{first9}{97 - base % 97:02d}").value


class History:
    """One citizen's life over a few school years, as domain commands on one account."""

    def __init__(self, ledger: Ledger, rng: random.Random, employers: list[str]) -> None:
        self.ledger, self.rng, self.employers = ledger, rng, employers
        self.catalogue = ledger.catalogue
        self.refs = 0

    def provenance(self, source: str | None, batch: str | None = None) -> Provenance:
        self.refs += 1
        line = self.rng.randint(2, 5000) if batch else None
        return Provenance("bench", source, f"R{self.refs}", batch, line)

    def attempt(self, command: Any, *args: Any) -> None:
        with contextlib.suppress(LedgerError):  # a refused command changes nothing
            command(*args)

    def build(self, insz: str) -> Account:
        rng = self.rng
        opened = date(2022, 9, 1) + timedelta(days=rng.randint(0, 200))
        account = Account.open(
            account_id(parse_insz(insz), self.ledger.id_key),
            insz,
            rng.choice(STATUSES),
            opened,
            rng.choice(EDUCATIONS),
            Provenance("bench"),
        )
        for year in SCHOOL_YEARS:
            self.school_year(account, max(opened, date(year, 9, 1)), year)
        return account

    def school_year(self, account: Account, start: date, year: int) -> None:
        rng, cat = self.rng, self.catalogue
        employer = rng.choice(self.employers)
        batch = f"{employer[9:]}-{year}"
        day = start + timedelta(days=rng.randint(0, 20))
        self.attempt(
            account.grant,
            cat,
            "vov-hours",
            rng.choice((40, 80, 125)),
            day,
            None,
            self.provenance(employer, batch),
        )
        self.attempt(
            account.grant,
            cat,
            "training-vouchers",
            rng.choice((12500, 25000)),
            day,
            None,
            self.provenance("flemish-government", f"vdab-{year}"),
        )
        if rng.random() < 0.5:
            self.attempt(
                account.grant,
                cat,
                "sector-training-hours",
                rng.choice((8, 16)),
                day,
                None,
                self.provenance("sector-fund:cevora", f"cevora-{year}"),
            )
        if rng.random() < 0.4:
            self.attempt(
                account.grant,
                cat,
                "federal-training-days",
                2,
                day,
                None,
                self.provenance(employer, batch),
            )
        for _ in range(rng.randint(0, 6)):
            day += timedelta(days=rng.randint(5, 40))
            self.use(
                account,
                day,
                rng.choice(("vov-hours", "training-vouchers", "sector-training-hours")),
            )
        if rng.random() < 0.15:
            self.attempt(
                account.change_status,
                cat,
                rng.choice(list(Status)[:5]),
                day + timedelta(days=3),
                self.provenance(None),
            )
        if rng.random() < 0.03 and account.entries:
            version = int(max(account.entries, key=int))
            self.attempt(
                account.reverse,
                cat,
                version,
                "entered by mistake",
                day + timedelta(days=4),
                "bench",
            )
        account.expire(date(year + 1, 9, 1), "bench")

    def use(self, account: Account, day: date, right: str) -> None:
        totals = account.totals.get(right)
        usable = totals.usable if totals else 0
        if usable <= 0:
            return
        amount = max(1, int(usable * self.rng.choice((0.1, 0.25, 0.5))))
        self.attempt(
            account.use, self.catalogue, right, amount, day, "T-1", "P-1", self.provenance(None)
        )


def synthetic_events(ledger: Ledger, events: int, seed: int = 7) -> Iterator[list[Any]]:
    """Lists of domain events until at least ``events`` are made: the histories of
    ``INTERLEAVED`` accounts at a time, merged in business-date order, so that a batch of
    the log touches many accounts, as when quarterly files arrive (not one account after
    the other, which would let every lot be written once per rebuild)."""
    rng = random.Random(seed)
    employers = [_kbo(rng) for _ in range(200)]
    history, seen, made, streams = History(ledger, rng, employers), set(), 0, []
    while made < events:
        insz = _insz(rng)
        if insz in seen:
            continue
        seen.add(insz)
        streams.append(history.build(insz).collect_events())
        made += len(streams[-1])
        if len(streams) == INTERLEAVED or made >= events:
            merged = list(heapq.merge(*streams, key=lambda e: e.on))
            streams = []
            for start in range(0, len(merged), INSERT_BATCH):
                yield merged[start : start + INSERT_BATCH]


def imported_events(ledger: Ledger, citizens: int) -> Iterator[list[Any]]:
    """What an import of an employer file writes: per new citizen (employees) an opening,
    a grant and three uses, the lines of ``IMPORT_INTERLEAVED`` citizens at a time merged
    by date. Seeded by the head of the log, so a second run makes other citizens."""
    rng, cat = random.Random(ledger.recorder.max_notification_id()), ledger.catalogue
    employer, seen, streams = _kbo(rng), set(ledger.all_account_ids()), []
    made_citizens = 0
    while made_citizens < citizens:
        insz = _insz(rng)
        new_id = account_id(parse_insz(insz), ledger.id_key)
        if new_id in seen:
            continue
        seen.add(new_id)
        made_citizens += 1
        line = made_citizens * 4
        day = date(2025, 9, 1) + timedelta(days=rng.randint(0, 30))
        account = Account.open(
            new_id, insz, Status.EMPLOYEE, day,
            rng.choice(EDUCATIONS), Provenance("import:bench", employer, None, "bench-import"),
        )  # fmt: skip
        made = Provenance("import:bench", employer, f"L{line}", "bench-import", line)
        account.grant(cat, "vov-hours", 125, day, None, made)
        for use in range(1, 4):
            day += timedelta(days=rng.randint(5, 40))
            account.use(cat, "vov-hours", 10, day, "T-1", "P-1", Provenance(
                "import:bench", employer, f"L{line + use}", "bench-import", line + use
            ))  # fmt: skip
        streams.append(account.collect_events())
        if len(streams) == IMPORT_INTERLEAVED or made_citizens == citizens:
            merged = list(heapq.merge(*streams, key=lambda e: e.on))
            streams = []
            for start in range(0, len(merged), INSERT_BATCH):
                yield merged[start : start + INSERT_BATCH]


def write_synthetic_store(ledger: Ledger, events: int, seed: int = 7) -> int:
    """Fill an empty store with about ``events`` events; returns how many were written."""
    return write_events(ledger, synthetic_events(ledger, events, seed))


# Events per insert on PostgreSQL: psycopg's pipeline can hang for good on a statement of
# 10,000 events (seen here while filling a benchmark store; benchmarks/IMPORT.md).
POSTGRES_INSERT = 2_500


def write_events(ledger: Ledger, chunks: Iterator[list[Any]]) -> int:
    written = 0
    step = POSTGRES_INSERT if backend_of(ledger.store_env) is Backend.POSTGRES else INSERT_BATCH
    for chunk in chunks:
        records = [ledger.mapper.to_stored_event(e) for e in chunk]
        for start in range(0, len(records), step):
            ledger.recorder.insert_events(records[start : start + step])
        written += len(chunk)
    return written


def ceiling(ledger: Ledger, page: int) -> tuple[int, float, float]:
    """Read and decode every event, as the catch-up does, and do nothing with them;
    returns (events, wall seconds, CPU seconds of this process)."""
    started, cpu, start, count = time.perf_counter(), time.process_time(), 0, 0
    while True:
        notes = ledger.recorder.select_notifications(
            start=start, limit=page, topics=ACCOUNT_TOPICS, inclusive_of_start=False
        )
        if not notes:
            return count, time.perf_counter() - started, time.process_time() - cpu
        for note in notes:
            ledger.mapper.to_domain_event(note)
        count, start = count + len(notes), notes[-1].id


def cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for: a rebuild of a
    long log fills the audit trail in a second process (``ledger.projections.rebuild``)."""
    used = os.times()
    return used.user + used.system + used.children_user + used.children_system


def report(
    where: str, backend: str, events: int, batch: int, read: tuple[float, float],
    rebuilt: tuple[float, float],
) -> None:  # fmt: skip
    """Wall figures are what counts; CPU time here (this process and a second rebuild
    process, if any) shows the share of the work done in Python (on PostgreSQL the server
    does the rest, on the same two cores)."""
    print(f"store: {where} ({backend}), {events:,} events, batches of {batch:,}")
    print(f"ceiling (read + decode, no projection): {events / read[0]:,.0f} events/s "
          f"({read[0]:.1f} s; CPU here {read[1]:.1f} s)")  # fmt: skip
    print(f"rebuild of all 5 projections:            {events / rebuilt[0]:,.0f} events/s "
          f"({rebuilt[0]:.1f} s; CPU here {rebuilt[1]:.1f} s)")  # fmt: skip
    print(
        f"ratio: {read[0] / rebuilt[0]:.0%} of the ceiling (target: at least 40%); "
        f"by CPU time here: {read[1] / rebuilt[1]:.0%}"
    )
    # Linux reports KiB: the rebuild's batches are what make this process big. (A second
    # rebuild process is not shown: its peak counts the parent's pages it was forked with.)
    print(f"peak memory of this process: {getrusage(RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


def timed_catch_up(
    ledger: Ledger, citizens: int, batch: int | None, processes: int
) -> tuple[int, float, float]:
    """Append an import's events and catch up as ``llr import`` does, in as many processes
    as the rebuild used: (events, wall s, CPU s of this process)."""
    written = write_events(ledger, imported_events(ledger, citizens))
    started, cpu = time.perf_counter(), time.process_time()
    counts = catch_up_all(ledger, batch_size=batch, processes=processes)
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert all(n == written for n in counts.values()), (counts, written)
    return written, took, took_cpu


def report_catch_up(
    caught: tuple[int, float, float], read: tuple[int, float], rebuilt: tuple[int, float]
) -> None:
    events, took, took_cpu = caught
    rate = events / took
    print(f"catch-up after an import of {events:,} events (llr import's catch_up_all): "
          f"{rate:,.0f} events/s ({took:.1f} s; CPU here {took_cpu:.1f} s)")  # fmt: skip
    print(
        f"catch-up / rebuild per event: {rate / (rebuilt[0] / rebuilt[1]):.2f} "
        f"(target: at least 1); catch-up / ceiling: {rate / (read[0] / read[1]):.0%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLite path or postgresql:// URL")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, help="default: the store's REBUILD_BATCH")
    parser.add_argument("--processes", type=int, choices=(1, 2), help="default: rebuild's")
    parser.add_argument(
        "--import-citizens", type=int, default=50_000,
        help="citizens of the import whose catch-up is timed (5 events each; 0: none)",
    )  # fmt: skip
    parser.add_argument("--catch-up-batch", type=int, help="default: catch_up_all's")
    args = parser.parse_args()
    settings = load_settings(args.db, {"LLR_ID_KEY": "bench", "LLR_ACTOR": "bench"})
    batch = args.batch_size or REBUILD_BATCH[settings.backend]
    ledger = Ledger(settings.store_env(), id_key=settings.id_key, actor="bench")
    upgrade(settings)
    if not ledger.recorder.max_notification_id():
        started = time.perf_counter()
        written = write_synthetic_store(ledger, args.events)
        print(f"wrote {written:,} events in {time.perf_counter() - started:.0f} s")
    events, read_took, read_cpu = min(
        (ceiling(ledger, batch) for _ in range(2)), key=lambda r: r[1]
    )
    processes = args.processes or default_processes(ledger.recorder.max_notification_id() or 0)
    started, cpu = time.perf_counter(), cpu_seconds()
    counts = rebuild(ledger, batch_size=batch, processes=processes)
    took, took_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    assert all(n == events for n in counts.values()), counts
    print(f"rebuild in {processes} process{'es' if processes > 1 else ''}")
    report(settings.describe_database(), settings.backend, events, batch,
           (read_took, read_cpu), (took, took_cpu))  # fmt: skip
    if args.import_citizens:
        caught = timed_catch_up(ledger, args.import_citizens, args.catch_up_batch, processes)
        report_catch_up(caught, (events, read_took), (events, took))
    ledger.close()


if __name__ == "__main__":
    main()
