"""``llr import`` as the user runs it: the whole command, read models included.

An employer's quarterly file: every citizen gets a grant of VOV hours and three uses of it
(``--citizens`` x 4 lines). Three figures, each from the ``llr`` of the chosen install
(``--llr``, so an older install can be measured with the same script):

1. ``llr import`` end to end on a fresh store: start-up, validation, the domain commands,
   the writes, and the catch-up of the read models the command does at its end;
2. on a second fresh store, the same file through the library call (no catch-up), then
   ``llr projections run``: how long the catch-up alone takes, in events per second;
3. ``llr projections rebuild all`` on that store: the rebuild rate the catch-up is held to
   (the target: a catch-up at least as fast per event as a rebuild).

    python -m benchmarks.import_command --backend sqlite --citizens 50000
    python -m benchmarks.import_command --backend postgres --llr /path/to/venv/bin/llr
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.citizens import make_insz
from benchmarks.import_bench import fresh_store

SOURCE = "employer:0566988259"
HEADER = "kind;insz;on;right;amount;expires_on;training;provider;status;reference"
# Run by the install's own interpreter: the import without the command's catch-up.
LIBRARY_IMPORT = """
import sys
from pathlib import Path
from ledger.application import Ledger
from ledger.config import load_settings
from ledger.imports import import_file
settings = load_settings(sys.argv[1])
ledger = Ledger(settings.store_env(create_tables=False), id_key=settings.id_key,
                actor=settings.actor)
summary = import_file(ledger, Path(sys.argv[2]), sys.argv[3], rejects=Path(sys.argv[4]))
ledger.close()
print(summary.events_written)
"""


def employer_file(citizens: int, seed: int) -> Path:
    """A grant of 125 VOV hours and three uses of 10 per citizen, made once per size."""
    path = Path(tempfile.gettempdir()) / f"llr-employer-{citizens}-{seed}.csv"
    if path.exists():
        return path
    rng, taken = random.Random(seed), set[str]()
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(citizens):
            insz = make_insz(rng, taken)
            out.write(f"grant;{insz};2024-09-02;vov-hours;125;;;;;G-{n}\n")
            for use, day in enumerate(("2024-10-07", "2024-11-04", "2025-01-13")):
                out.write(f"use;{insz};{day};vov-hours;10;;OPL-{use};0403170701;;U-{n}-{use}\n")
    partial.rename(path)
    return path


def run(command: list[str], database: str, role: str) -> float:
    """Seconds one command took as a whole process; fails loudly on a non-zero exit."""
    env = {
        **os.environ,
        "LLR_DATABASE": database,
        "LLR_ID_KEY": "bench",
        "LLR_ACTOR": "bench",
        "LLR_ROLE": role,
    }
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: some lines were refused, which is no failure here
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return seconds


def events_in(database: str, backend: str) -> int:
    if backend == "sqlite":
        with sqlite3.connect(database) as db:
            return int(db.execute("SELECT count(*) FROM stored_events").fetchone()[0])
    with psycopg.connect(database) as db:
        row = db.execute("SELECT count(*) FROM ledger_events").fetchone()
        return int(row[0]) if row else 0


def measure(llr: str, backend: str, path: Path) -> dict[str, Any]:
    python = str(Path(llr).with_name("python"))
    rejects = str(Path(tempfile.gettempdir()) / "llr-import-command.rejects.csv")
    result: dict[str, Any] = {"backend": backend, "file": str(path), "llr": llr}
    with fresh_store(backend, "a") as database:
        run([llr, "init"], database, "admin")
        result["import_command_s"] = round(
            run([llr, "import", str(path), "--source", SOURCE, "--rejects", rejects],
                database, f"importer:{SOURCE}"), 1,
        )  # fmt: skip
        result["events"] = events_in(database, backend)
    with fresh_store(backend, "b") as database:
        run([llr, "init"], database, "admin")
        command = [python, "-c", LIBRARY_IMPORT, database, str(path), SOURCE, rejects]
        result["import_library_s"] = round(run(command, database, "admin"), 1)
        result["catch_up_s"] = round(run([llr, "projections", "run"], database, "admin"), 1)
        result["rebuild_s"] = round(
            run([llr, "projections", "rebuild", "all"], database, "admin"), 1
        )
    events = result["events"]
    result["import_command_events_per_s"] = round(events / result["import_command_s"])
    result["catch_up_events_per_s"] = round(events / result["catch_up_s"])
    result["rebuild_events_per_s"] = round(events / result["rebuild_s"])
    result["catch_up_vs_rebuild"] = round(result["rebuild_s"] / result["catch_up_s"], 2)
    result["catch_up_share_of_command"] = round(
        result["catch_up_s"] / result["import_command_s"], 2
    )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--citizens", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--llr", default=str(Path(sys.executable).with_name("llr")))
    args = parser.parse_args(argv)
    path = employer_file(args.citizens, args.seed)
    print(json.dumps(measure(args.llr, args.backend, path), indent=2))


if __name__ == "__main__":
    main()
