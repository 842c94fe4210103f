"""An import over several processes: this one reads and validates, workers apply and write.

Most of an import's CPU goes to the domain commands, the hash chain and turning events into
records, and that work is per citizen: a citizen's lines must run in file order on one
account, but two citizens never meet. So the lines of every chunk are split by account id
over N worker processes (``ledger.perf.workers``), each with its own account cache,
background writer and part of the file's record of refused lines. This process reads the
file, validates every line and claims its reference (a check that spans citizens), sends
each worker its share, and reports a chunk once every worker has committed its share. Each
share is one transaction; a share that meets a concurrent write is redone from the store
by its worker, as a single-process import redoes a chunk.

A worker whose pipe closes (this process died) stops; what it committed stands, and running
the import again skips it as already applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ledger.application import Ledger
from ledger.domain.catalogue import Catalogue
from ledger.domain.errors import LedgerError
from ledger.imports.chunk_state import ChunkReport, CommittedChunk, PendingChunk
from ledger.imports.executor import ChunkExecutor
from ledger.imports.lines import FileContext, ParsedLine
from ledger.imports.pipeline import WritePipeline
from ledger.imports.readers import Record
from ledger.imports.refused_lines import RefusedLines
from ledger.imports.settings import ImportSettings
from ledger.imports.validation import Validator
from ledger.perf.gc import collect_young, gc_paused
from ledger.perf.workers import Channel, Failed, Gone, Stopped, WorkerGoneError, Workers
from ledger.store.backend import worker_env

# Chunks sent ahead of the oldest one not yet committed by every worker: enough to keep the
# workers busy while this process validates, few enough to keep memory flat.
AHEAD = 2


@dataclass(frozen=True)
class WorkerPlan:
    """All a worker needs to open the store and apply its share (sent to it pickled)."""

    env: dict[str, str]
    id_key: bytes
    catalogue: Catalogue
    context: FileContext
    settings: ImportSettings
    dry_run: bool
    sha256: str
    part: int


@dataclass(frozen=True)
class ChunkShare:
    """To a worker: its lines of one chunk, in file order."""

    key: int
    lines: list[ParsedLine]


@dataclass(frozen=True)
class Finish:
    """To a worker: no more lines; write what is pending, then stop."""


@dataclass(frozen=True)
class ShareCommitted:
    """From a worker: its share of a chunk is written."""

    chunk: CommittedChunk


@dataclass
class SentChunk:
    """A chunk sent to the workers, and how many of their shares are still to commit."""

    pending: PendingChunk
    shares_left: int


class ParallelRunner:
    def __init__(
        self,
        ledger: Ledger,
        context: FileContext,
        settings: ImportSettings,
        dry_run: bool,
        sha256: str,
    ) -> None:
        self.settings = settings
        self.validator = Validator(ledger)
        self.sent: dict[int, SentChunk] = {}  # in file order, oldest first
        self.next_key = 0
        # Each worker sees only its share of the citizens: the account cache is shared out.
        share = replace(
            settings, cached_accounts=max(1, settings.cached_accounts // settings.workers)
        )
        env, key, catalogue = worker_env(ledger.store_env), ledger.id_key, ledger.catalogue
        plans = [
            WorkerPlan(env, key, catalogue, context, share, dry_run, sha256, part)
            for part in range(settings.workers)
        ]
        self.workers = Workers(work, plans, "llr-import")

    def submit(self, records: Sequence[Record]) -> list[ChunkReport]:
        parsed, rejects = self.validator.validate(records)
        shares: list[list[ParsedLine]] = [[] for _ in range(len(self.workers))]
        for line in parsed:
            shares[line.account_id.int % len(shares)].append(line)
        key, self.next_key = self.next_key, self.next_key + 1
        self.sent[key] = SentChunk(PendingChunk(records, parsed, rejects), len(shares))
        for part, lines in enumerate(shares):
            self.send(part, ChunkShare(key, lines))
        return self.advance(until_at_most=AHEAD)

    def finish(self) -> list[ChunkReport]:
        """The chunks still waiting, once every worker has written its last share."""
        for part in range(len(self.workers)):
            self.send(part, Finish())
        done: list[ChunkReport] = []
        stopped: set[int] = set()
        while len(stopped) < len(self.workers):
            part, message = self.workers.receive()
            if isinstance(message, Stopped):
                stopped.add(part)
            else:
                done += self.take(part, message)
        if self.sent:  # every worker is done: nothing more can come for these
            raise LedgerError(f"import workers finished with chunks {list(self.sent)} unreported")
        return done

    def advance(self, until_at_most: int) -> list[ChunkReport]:
        """Take in what the workers committed until few enough chunks are left waiting."""
        done: list[ChunkReport] = []
        while len(self.sent) > until_at_most:
            done += self.take(*self.workers.receive())
        return done

    def take(self, part: int, message: Any) -> list[ChunkReport]:
        """Count a share a worker committed; the chunks that completes, oldest first."""
        if isinstance(message, Gone):
            raise _worker_gone(part)
        if isinstance(message, Failed):
            raise LedgerError(f"import worker {part} failed: {message.detail}")
        if not isinstance(message, ShareCommitted):
            raise LedgerError(f"import worker {part} said {message!r} out of turn")
        chunk = self.sent[message.chunk.key]
        chunk.pending.add(message.chunk)
        chunk.shares_left -= 1
        return self.completed()

    def completed(self) -> list[ChunkReport]:
        """The oldest chunks whose every share has committed, in file order."""
        done = []
        while self.sent:
            key = next(iter(self.sent))
            if self.sent[key].shares_left:
                break
            done.append(self.sent.pop(key).pending.report())
        return done

    def send(self, part: int, message: ChunkShare | Finish) -> None:
        try:
            self.workers.send(part, message)
        except WorkerGoneError:
            raise _worker_gone(part) from None

    def close(self) -> None:
        # A worker still waiting for lines (the import stopped early) is ended: what it
        # committed stands; the rest is redone by the next run.
        self.workers.close()
        self.validator.close()


def _worker_gone(part: int) -> LedgerError:
    return LedgerError(
        f"import worker {part} stopped without a word; the chunks written so far stand: "
        "run the same import again to finish the rest"
    )


def work(channel: Channel, plan: WorkerPlan) -> None:
    """A worker's life: apply and write each share sent, report each as it commits."""
    ledger = Ledger(
        plan.env, id_key=plan.id_key, actor=plan.context.actor, catalogue=plan.catalogue
    )
    try:
        refused_lines = RefusedLines(ledger, plan.context.source, plan.sha256, plan.part)
        executor = ChunkExecutor(ledger, plan.context, plan.settings, plan.dry_run, refused_lines)
        pipeline = WritePipeline(executor, ledger)
        with gc_paused():
            try:
                serve(channel, pipeline)
            finally:
                pipeline.close()  # lets go of the cache before the collector runs again
    finally:
        ledger.close()


def serve(channel: Channel, pipeline: WritePipeline) -> None:
    while True:
        message = channel.receive()
        if isinstance(message, ChunkShare):
            committed = pipeline.submit(message.key, message.lines)
        else:
            committed = pipeline.finish()
        for done in committed:
            channel.send(ShareCommitted(done))
        collect_young()
        if isinstance(message, Finish):
            return
