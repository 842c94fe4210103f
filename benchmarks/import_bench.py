"""How fast ``llr import`` runs, next to two ceilings measured in the same run.

Generates (or reuses) a seeded file, imports it into a fresh store, then measures on the same
machine: the library's raw ``recorder.insert_events`` for as many events of the same size, in
batches of 10,000, and the database's bulk load (COPY on PostgreSQL, one ``executemany``
transaction on SQLite) into a scratch table of the same shape. Prints rates and ratios.

    python -m benchmarks.import_bench --lines 100000 --citizens 20000 --backend sqlite
    python -m benchmarks.import_bench --backend postgres   # 1,000,000 lines, 200,000 citizens
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.ceilings import bulk_load_rate, recorder_rate
from ledger.application import Ledger
from ledger.config import load_settings
from ledger.imports import ImportSettings, default_workers, import_file

SERVER = os.environ.get("LLR_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
SOURCE = "employer:0566988259"


def generated_file(args: argparse.Namespace) -> Path:
    """The seeded file, generated once per parameter set and reused afterwards."""
    name = f"llr-bench-{args.lines}-{args.citizens}-{args.seed}-{args.interleave}.csv"
    path = Path(tempfile.gettempdir()) / name
    if not path.exists():
        started, partial = time.perf_counter(), path.with_suffix(".partial.csv")
        options = {
            "--lines": args.lines,
            "--citizens": args.citizens,
            "--seed": args.seed,
            "--interleave": args.interleave,
            "--source": SOURCE,
        }
        command = [sys.executable, "-m", "benchmarks.generate", str(partial)]
        command += [str(part) for pair in options.items() for part in pair]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        Path(f"{partial}.expected.json").rename(f"{path}.expected.json")
        partial.rename(path)  # only a whole file is ever reused
        print(f"generated {path} in {time.perf_counter() - started:.0f} s")
    return path


@contextmanager
def fresh_store(backend: str, label: str = "") -> Iterator[str]:
    """A new, empty store; ``label`` tells apart two a run holds at once."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield str(Path(folder) / "bench.sqlite3")
        return
    name = f"llr_bench_{label}{os.getpid()}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def open_ledger(database: str) -> Ledger:
    settings = load_settings(database, {"LLR_ID_KEY": "bench", "LLR_ACTOR": "bench"})
    return Ledger(
        settings.store_env(create_tables=True), id_key=settings.id_key, actor=settings.actor
    )


def timed_import(ledger: Ledger, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    workers = 1 if args.profile else args.workers or default_workers(path)
    settings = ImportSettings(chunk_lines=args.chunk, cached_accounts=args.cache, workers=workers)
    rejects = Path(tempfile.gettempdir()) / f"{path.stem}.rejects.csv"
    profile = cProfile.Profile() if args.profile else None
    started, cpu = time.perf_counter(), time.process_time() + children_cpu()
    if profile:
        profile.enable()
    summary = import_file(ledger, path, SOURCE, rejects=rejects, settings=settings)
    if profile:
        profile.disable()
        print_profile(profile)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() + children_cpu() - cpu  # the workers' CPU too
    worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "workers": workers,
        "lines": summary.lines_read,
        "applied": summary.applied,
        "rejected": summary.rejected,
        "events": summary.events_written,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "lines_per_s": round(summary.lines_read / seconds),
        "events_per_s": round(summary.events_written / seconds),
        "events_per_cpu_s": round(summary.events_written / cpu_seconds),
        # Peak RSS of this process and of the largest worker; all processes together at most
        # main + workers x that. (A file generated in this run makes the generator a child
        # too: run again with the file in place for the workers' own figure.)
        "peak_rss_mb": round(main_rss),
        "worker_peak_rss_mb": round(worker_rss) if workers > 1 else 0,
        "all_processes_rss_mb": round(main_rss + (workers * worker_rss if workers > 1 else 0)),
    }


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# Phases of an import, each the inclusive time of one function (file, name), in call order.
# cProfile sees this thread only: with --profile the import runs in one process, and the
# inserts, made by the background writer thread, are not in the figures.
PHASES = (
    ("read lines, validate rows, check references", "imports/validation.py", "validate"),
    ("load accounts (bulk queries, replay)", "imports/cache.py", "fetch"),
    ("domain commands (all of them)", "imports/executor.py", "run_all"),
    ("  of which: hash chain", "domain/chain.py", "event_hash"),
    ("mapper (events to records, JSON)", "eventsourcing/persistence.py", "to_stored_event"),
    ("snapshots taken", "ledger/saving.py", "snapshots_due"),
)


def print_profile(profile: cProfile.Profile) -> None:
    """Where an import spends its CPU: inclusive time per phase, as a share of the whole."""
    stats: Any = pstats.Stats(profile)
    whole = max(
        ct for (_, _, name), (_, _, _, ct, _) in stats.stats.items() if name == "import_file"
    )
    for label, where, function in PHASES:
        seconds = sum(
            ct
            for (filename, _, name), (_, _, _, ct, _) in stats.stats.items()
            if name == function and filename.endswith(where)
        )
        print(f"  {label:46} {seconds:7.1f} s  {100 * seconds / whole:4.0f}%")
    print(f"  {'whole import (profiled)':46} {whole:7.1f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--interleave", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=ImportSettings.chunk_lines)
    parser.add_argument("--cache", type=int, default=ImportSettings.cached_accounts)
    parser.add_argument("--profile", action="store_true", help="print CPU time by area")
    parser.add_argument(
        "--workers", type=int, default=0, help="worker processes (default: as llr import)"
    )
    args = parser.parse_args(argv)
    path = generated_file(args)
    with fresh_store(args.backend) as database:
        ledger = open_ledger(database)
        result = timed_import(ledger, path, args)
        ledger.close()
        print(json.dumps(result), flush=True)  # kept even if a ceiling fails
        result |= ceilings(database, args.backend, result["events"], args.citizens)
    result |= {"backend": args.backend, "file": str(path), **ratios(result)}
    print(json.dumps(result, indent=2))


def ceilings(database: str, backend: str, events: int, streams: int) -> dict[str, Any]:
    size = average_state_size(database, backend)
    measure: Callable[..., tuple[float, float]]
    rates = {}
    for key, measure in (("recorder", recorder_rate), ("bulk", bulk_load_rate)):
        wall, cpu = measure(database, backend, events, streams, size)
        rates[f"{key}_per_s"], rates[f"{key}_per_cpu_s"] = round(wall), round(cpu)
    return {"state_bytes": size, **rates}


def ratios(result: dict[str, Any]) -> dict[str, float]:
    """The import's events per second over each ceiling's, by wall time and by CPU time."""
    found = {}
    for ceiling in ("recorder", "bulk"):
        for per in ("per_s", "per_cpu_s"):
            found[f"import_vs_{ceiling}_{per}"] = round(
                result[f"events_{per}"] / result[f"{ceiling}_{per}"], 3
            )
    return found


def average_state_size(database: str, backend: str) -> int:
    if backend == "sqlite":
        with sqlite3.connect(database) as db:
            return int(db.execute("SELECT avg(length(state)) FROM stored_events").fetchone()[0])
    with psycopg.connect(database) as db:
        row = db.execute("SELECT avg(length(state)) FROM ledger_events").fetchone()
        return int(row[0]) if row else 0


if __name__ == "__main__":
    main()
