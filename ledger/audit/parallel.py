"""Sharing a whole-ledger verify out over several processes, by account.

Python runs one thread of checks at a time, and a verify is CPU-bound (decoding, hashing,
replaying). So a large store is split by account id (``id % shares``): each process
streams the whole log, skips the other shares' records before decoding them, and audits
its own accounts end to end (chains and replays never cross accounts). The parent merges
the findings, totals and digest heads. A small store, an in-memory store (not shareable
between processes) or a custom catalogue (not picklable) stays in one process. The
processes are the performance kit's workers (``ledger/perf/workers.py``): each sends its
share back as one typed message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ledger.application import Ledger
from ledger.audit.walk import Progress, Share, audit_log
from ledger.catalogue import default_catalogue
from ledger.domain.errors import LedgerError
from ledger.perf.workers import Channel, Failed, Gone, Stopped, Workers
from ledger.store.backend import can_share, worker_env

PARALLEL_FROM = 200_000  # events; below this, starting processes costs more than it saves
MAX_WORKERS = 4


@dataclass(frozen=True)
class Job:
    env: dict[str, str]
    id_key: bytes
    position: int
    covered_up_to: int
    share: int
    shares: int


def audit_shares(
    ledger: Ledger,
    position: int,
    covered_up_to: int,
    workers: int | None,
    progress: Progress | None = None,
) -> list[Share]:
    """Each share's pass; ``progress`` hears only a one-process pass (the workers' passes
    would need a channel of their own for it, and finish together anyway)."""
    shares = workers if workers is not None else default_workers(ledger, position)
    if shares <= 1 or not shareable(ledger):
        return [audit_log(ledger, position, covered_up_to, progress=progress)]
    env = worker_env(ledger.store_env)
    jobs = [Job(env, ledger.id_key, position, covered_up_to, n, shares) for n in range(shares)]
    processes = Workers(audit_share, jobs, "llr-audit")
    try:
        return collected(processes)
    finally:
        processes.close()


@dataclass(frozen=True)
class Audited:
    """A worker's whole result: its share of the findings, totals and stream heads."""

    share: Share


def audit_share(channel: Channel, job: Job) -> None:
    """In a worker process: one pass over the log for one share of the accounts."""
    ledger = Ledger(job.env, id_key=job.id_key, actor="audit")
    try:
        channel.send(
            Audited(audit_log(ledger, job.position, job.covered_up_to, job.share, job.shares))
        )
    finally:
        ledger.close()


def collected(workers: Workers[Job]) -> list[Share]:
    """Every worker's share, in share order; a worker that fails or dies stops the audit."""
    shares: dict[int, Share] = {}
    stopped = 0
    while stopped < len(workers):
        part, message = workers.receive()
        if isinstance(message, Audited):
            shares[part] = message.share
        elif isinstance(message, Failed):
            raise LedgerError(f"audit worker {part} failed: {message.detail}")
        elif isinstance(message, Gone):
            raise LedgerError(f"audit worker {part} ended without its result (killed?)")
        elif isinstance(message, Stopped):
            stopped += 1
    return [shares[part] for part in range(len(workers))]


def default_workers(ledger: Ledger, position: int) -> int:
    if position < PARALLEL_FROM:
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def shareable(ledger: Ledger) -> bool:
    """Other processes can open the same store and rules."""
    return can_share(ledger.store_env) and ledger.catalogue is default_catalogue()
