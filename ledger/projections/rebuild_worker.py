"""The second process of a rebuild or a long catch-up, and when one is started.

On a long log the audit trail (about half of the projection work) is brought up to date by
a process of its own while the first process does the rest: each reads and decodes the
log itself and writes only its own tables (a rebuild's copies, or the live tables) and
positions. That pays only when the second process gets a core of its own
(benchmarks/PROJECTIONS.md).

The process is one of the performance kit's workers (``ledger/perf/workers.py``): its
order (the store's environment, with the cipher key if any, since it decodes the events
too; the projections; the batch size; the tables' suffix) and its answer (how many events
each projection applied) are typed messages. It fills a rebuild's copies with
``CatchUp.fill`` or catches the live tables up with ``CatchUp.run``; an error ends it and
the parent reports the error's one-line text.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from ledger.application import Ledger
from ledger.perf.workers import Channel, Failed, Gone, Stopped, Workers
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


@dataclass(frozen=True)
class FillOrder:
    env: dict[str, str]
    id_key: bytes
    names: list[str]
    batch: int
    suffix: str


@dataclass(frozen=True)
class Filled:
    counts: dict[str, int]  # events applied, by projection


def fill(channel: Channel, order: FillOrder) -> None:
    """In the second process: bring the order's tables up to date, say how many events."""
    ledger = Ledger(order.env, id_key=order.id_key, actor="llr:rebuild")
    try:
        with opened(ledger.env) as store:
            catch_up = CatchUp(ledger, store, order.names, order.suffix, order.batch)
            counts = catch_up.fill() if order.suffix == NEXT else catch_up.run()
    finally:
        ledger.close()
    channel.send(Filled(counts))


class SecondProcessFill:
    """A second process bringing the tables of ``names`` (none: nothing to do) up to date
    while the ``with`` block does the others: a rebuild's copies (``suffix`` NEXT) or the
    live tables (""); ``counts`` gives what it applied. Leaving the block by an error
    stops it: its open batch rolls back."""

    def __init__(self, ledger: Ledger, names: list[str], batch: int, suffix: str = NEXT) -> None:
        self.names = names
        self.filled: dict[str, int] = {}
        self.failure: str | None = None
        self.worker: Workers[FillOrder] | None = None
        if names:
            order = FillOrder(worker_env(ledger.store_env), ledger.id_key, names, batch, suffix)
            self.worker = Workers(fill, [order], "llr-rebuild")

    def __enter__(self) -> SecondProcessFill:
        return self

    def __exit__(self, error: type[BaseException] | None, *rest: object) -> None:
        if self.worker is None:
            return
        try:
            if error is None:
                self.wait()
        finally:
            self.worker.close()  # ends the process if it is still at work

    def wait(self) -> None:
        assert self.worker is not None
        while True:
            _, message = self.worker.receive()
            if isinstance(message, Filled):
                self.filled = message.counts
            elif isinstance(message, Failed):
                self.failure = message.detail
                return
            elif isinstance(message, Gone):
                self.failure = "the process ended without its result"
                return
            elif isinstance(message, Stopped):
                return

    def counts(self) -> dict[str, int]:
        if self.worker is None:
            return {}
        if self.failure is not None:
            raise ProjectionError(f"the rebuild of {', '.join(self.names)} failed: {self.failure}")
        return self.filled
