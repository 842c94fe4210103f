"""The second process of a rebuild or a long catch-up, and when one is started.

On a long log the audit trail (about half of the projection work) is brought up to date by
a process of its own while the first process does the rest: each reads and decodes the
log itself and writes only its own tables (a rebuild's copies, or the live tables) and
positions. That pays only when the second process gets a core of its own
(benchmarks/PROJECTIONS.md).

The process is ``python -m ledger.projections.rebuild_worker``, a fresh interpreter that
imports nothing of its parent (multiprocessing's "spawn" would run the caller's script
again in it, unless guarded by ``if __name__ == "__main__"``). It reads its orders from
stdin as JSON (the store's environment, with the cipher key if any: it decodes the events
too; the projections; the batch size; the tables' suffix), fills a rebuild's copies with
``CatchUp.fill`` or catches the live tables up with ``CatchUp.run``, and writes how many
events each applied to stdout as JSON. An error ends it with a traceback on stderr, whose
last line the parent reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

from ledger.application import Ledger
from ledger.projections.catchup import CatchUp
from ledger.projections.registry import NEXT
from ledger.store.backend import worker_env
from ledger.store.read_models.base import ProjectionError
from ledger.store.read_models.opening import opened

# Done by a process of its own when the work is long and others are done with it.
FILLED_IN_OWN_PROCESS = ("trail",)
# Events to project from which a second process pays: it costs about a second to start.
TWO_PROCESSES_FROM = 200_000


def default_processes(events: int) -> int:
    """Two for ``events`` events or more when two cores are idle, else one: the second
    process decodes the log again, which only pays on a core of its own; on a busy
    machine it was slower than one process (benchmarks/PROJECTIONS.md)."""
    return 2 if events >= TWO_PROCESSES_FROM and idle_cores() >= 1.75 else 1


def in_own_process(names: list[str], events: int, processes: int | None) -> list[str]:
    """Which of ``names`` go to a second process (none unless others stay here)."""
    elsewhere = [name for name in names if name in FILLED_IN_OWN_PROCESS and len(names) > 1]
    if elsewhere and (processes or default_processes(events)) < 2:
        return []
    return elsewhere


def idle_cores(seconds: float = 0.25) -> float:
    """How many cores were idle over a short look (Linux's /proc/stat: idle and waiting
    for I/O; elsewhere the load average, which also counts this process's own work)."""

    def ticks() -> list[int]:
        with open("/proc/stat", encoding="ascii") as stat:
            return [int(count) for count in stat.readline().split()[1:]]

    try:
        first = ticks()
        time.sleep(seconds)
        second = ticks()
    except OSError:
        return (os.cpu_count() or 1) - os.getloadavg()[0]
    total = sum(second) - sum(first)
    idle = second[3] + second[4] - first[3] - first[4]
    return (os.cpu_count() or 1) * idle / total if total > 0 else 0.0


class SecondProcessFill:
    """A second process bringing the tables of ``names`` (none: nothing to do) up to date
    while the ``with`` block does the others: a rebuild's copies (``suffix`` NEXT) or the
    live tables (""); ``counts`` gives what it applied. Leaving the block by an error
    stops it: its open batch rolls back."""

    def __init__(self, ledger: Ledger, names: list[str], batch: int, suffix: str = NEXT) -> None:
        self.names = names
        self.process: subprocess.Popen[str] | None = None
        self.output, self.said = "{}", ""
        if names:
            order = {
                "env": worker_env(ledger.store_env), "id_key": ledger.id_key.hex(),
                "names": names, "batch": batch, "suffix": suffix,
            }  # fmt: skip
            path = os.pathsep.join(p for p in sys.path if p)  # where this process found llr
            # A file, not a pipe: a pipe nobody reads could fill up and stop the process.
            # Closed in __exit__, like the process's pipes.
            self.errors = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__], text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors,
                env={**os.environ, "PYTHONPATH": path},
            )  # fmt: skip
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(order))
            self.process.stdin.close()

    def __enter__(self) -> SecondProcessFill:
        return self

    def __exit__(self, error: type[BaseException] | None, *rest: object) -> None:
        if self.process is None:
            return
        if error is not None:
            self.process.terminate()
        assert self.process.stdout is not None
        self.output = self.process.stdout.read()
        self.process.wait()
        self.process.stdout.close()
        self.errors.seek(0)
        self.said = self.errors.read().strip()
        self.errors.close()

    def counts(self) -> dict[str, int]:
        if self.process is None:
            return {}
        if self.process.returncode != 0:
            said = self.said.splitlines()[-1] if self.said else f"exit {self.process.returncode}"
            raise ProjectionError(f"the rebuild of {', '.join(self.names)} failed: {said}")
        return {str(name): int(count) for name, count in json.loads(self.output).items()}


def main() -> None:
    order = json.load(sys.stdin)
    ledger = Ledger(order["env"], id_key=bytes.fromhex(order["id_key"]), actor="llr:rebuild")
    try:
        with opened(ledger.env) as store:
            catch_up = CatchUp(ledger, store, order["names"], order["suffix"], int(order["batch"]))
            counts = catch_up.fill() if order["suffix"] == NEXT else catch_up.run()
    finally:
        ledger.close()
    json.dump(counts, sys.stdout)


if __name__ == "__main__":
    main()
