"""How long ``llr --help`` and ``llr balance`` take as whole processes, beside a ceiling.

    python benchmarks/startup.py --runs 21
    python benchmarks/startup.py --llr /path/to/other/venv/bin/llr

The ceiling is a bare interpreter importing what any ``llr`` command needs at the least:
``python -c "import click, pydantic, eventsourcing.application"``, run by the interpreter of
the measured install. The commands are that install's ``llr`` entry point (``--llr``; by
default this interpreter's, else ``python -m cli``): ``llr --help``, and ``llr balance INSZ
--reason x`` on a small SQLite store (one account with a grant) prepared in a temporary
folder. The processes take turns, so that a busy machine slows all of them alike.

Two figures per process, each the median of ``--runs`` runs: wall time (what a user waits)
and CPU time (user + system, steadier on a shared machine). The ratio to the ceiling is
what to compare between runs; the target is at most 2.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

INSZ = "93051822361"
EMPLOYER = "employer:0566988259"
ID_KEY = "5f" * 32  # any fixed key: without one every command warns on stderr
TARGET = 2.0


def llr_command(given: str | None) -> list[str]:
    """The entry point a user runs: the one given, else this interpreter's environment's."""
    if given:
        return [given]
    installed = Path(sys.executable).with_name("llr")
    if installed.exists():
        return [str(installed)]
    found = shutil.which("llr")
    return [found] if found else [sys.executable, "-m", "cli"]


def interpreter_of(llr: list[str]) -> str:
    """The Python beside an installed ``llr``, so the ceiling has the same packages."""
    beside = Path(llr[0]).with_name("python")
    return str(beside) if len(llr) == 1 and beside.exists() else sys.executable


class Taken(NamedTuple):
    wall: float
    cpu: float


def run(command: Sequence[str], env: Mapping[str, str]) -> Taken:
    """Wall and CPU time of one whole process; a failing command stops the benchmark."""
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    taken = Taken(time.perf_counter() - started, children_cpu() - cpu)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return taken


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def prepared_store(folder: Path, llr: list[str]) -> dict[str, str]:
    """A SQLite store with one account and one grant; the environment that opens it."""
    env = {**os.environ, "LLR_DATABASE": str(folder / "llr.sqlite3"), "LLR_ID_KEY": ID_KEY}
    # As a user runs it: Python keeps the compiled bytecode of what it imports (a wheel
    # install writes it at install time). With PYTHONDONTWRITEBYTECODE set, as on some
    # build machines, every run would compile llr's modules again and measure that instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for role, args in (
        ("admin", ["init"]),
        ("backoffice", ["open", INSZ, "--status", "employee", "--on", "2024-09-01"]),
        ("backoffice", ["grant", INSZ, "vov-hours", "125", "--source", EMPLOYER,
                        "--on", "2024-09-01", "--ref", "VOV-2024-001"]),
    ):  # fmt: skip
        run([*llr, *args], {**env, "LLR_ROLE": role})
    return {**env, "LLR_ROLE": "backoffice"}


def measure(
    commands: Mapping[str, list[str]], env: Mapping[str, str], runs: int
) -> dict[str, Taken]:
    """The median times of each command, the commands taking turns run by run."""
    for command in commands.values():  # warm the file cache and the bytecode
        run(command, env)
    times: dict[str, list[Taken]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(run(command, env))
    return {
        name: Taken(
            statistics.median(t.wall for t in taken), statistics.median(t.cpu for t in taken)
        )
        for name, taken in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each process")
    parser.add_argument("--llr", help="the llr to measure (default: this environment's)")
    args = parser.parse_args()
    llr = llr_command(args.llr)
    with tempfile.TemporaryDirectory(prefix="llr-startup-") as folder:
        env = prepared_store(Path(folder), llr)
        medians = measure(
            {
                "ceiling": [
                    interpreter_of(llr),
                    "-c",
                    "import click, pydantic, eventsourcing.application",
                ],
                "llr --help": [*llr, "--help"],
                "llr balance (SQLite)": [*llr, "balance", INSZ, "--reason", "x"],
            },
            env,
            args.runs,
        )
    ceiling = medians["ceiling"]
    print(f"{' '.join(llr)}; medians of {args.runs} runs each, taking turns (target: {TARGET:g}x)")
    print(f"  {'':<22} {'wall':>8} {'ratio':>6}  {'CPU':>8} {'ratio':>6}")
    for name, taken in medians.items():
        wall, cpu = taken.wall / ceiling.wall, taken.cpu / ceiling.cpu
        print(
            f"  {name:<22} {taken.wall * 1000:5.0f} ms {wall:5.2f}x  "
            f"{taken.cpu * 1000:5.0f} ms {cpu:5.2f}x"
        )


if __name__ == "__main__":
    main()
