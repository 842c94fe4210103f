"""An import over several processes: this one reads and validates, workers apply and write.

Most of an import's CPU goes to the domain commands, the hash chain and turning events into
records, and that work is per citizen: a citizen's lines must run in file order on one
account, but two citizens never meet. So the lines of every chunk are split by account id
over N worker processes, each with its own account cache, background writer and part of
the file's record of refused lines. This process reads the file, validates every line and
claims its reference (a check that spans citizens), sends each worker its share, and
reports a chunk once every worker has committed its share. Each share is one transaction;
a share that meets a concurrent write is redone from the store by its worker, as a
single-process import redoes a chunk.

A worker whose pipe closes (this process died) stops; what it committed stands, and running
the import again skips it as already applied.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType
from typing import Any

from ledger.application import Ledger
from ledger.domain.errors import LedgerError
from ledger.imports.apply import ParsedLine, Target
from ledger.imports.chunks import (
    Applier,
    ChunkOutcome,
    Committed,
    ImportSettings,
    MemoryApplier,
    Waiting,
)
from ledger.imports.earlier import EarlierRuns
from ledger.imports.readers import Record
from ledger.imports.validation import Validator
from ledger.perf.gc import collect_young, gc_paused


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _reduce_read_only_mapping(mapping: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _read_only, (dict(mapping),)


# The catalogue (in every worker's plan) keeps its tables read-only behind MappingProxyType,
# which pickle does not know; for the trip to a worker, as a copy that is read-only again.
ForkingPickler.register(MappingProxyType, _reduce_read_only_mapping)

# Chunks sent ahead of the oldest one not yet committed by every worker: enough to keep the
# workers busy while this process validates, few enough to keep memory flat.
AHEAD = 2


@dataclass(frozen=True)
class WorkerPlan:
    """All a worker needs to open the store and apply its share (sent to it pickled)."""

    env: dict[str, str]
    id_key: bytes
    target: Target
    settings: ImportSettings
    dry_run: bool
    sha256: str
    part: int


@dataclass
class Sent:
    """A chunk sent to the workers, and how many of their shares are still to commit."""

    waiting: Waiting
    shares_left: int


class ParallelRunner:
    def __init__(
        self, ledger: Ledger, target: Target, settings: ImportSettings, dry_run: bool, sha256: str
    ) -> None:
        self.settings = settings
        self.validator = Validator(ledger)
        self.sent: dict[int, Sent] = {}  # in file order, oldest first
        self.next_key = 0
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no shared pools
        self.workers: list[tuple[Any, Connection]] = []
        # Each worker sees only its share of the citizens: the account cache is shared out.
        share = replace(
            settings, cached_accounts=max(1, settings.cached_accounts // settings.workers)
        )
        for part in range(settings.workers):
            ours, theirs = context.Pipe()
            plan = WorkerPlan(ledger.store_env, ledger.id_key, target, share, dry_run, sha256, part)
            process = context.Process(
                target=work, args=(theirs, plan), name=f"llr-import-{part}", daemon=True
            )
            process.start()
            theirs.close()
            self.workers.append((process, ours))
        self.inbox: queue.Queue[tuple[int, tuple[Any, ...]]] = queue.Queue()
        self.listeners = [
            threading.Thread(
                target=self.listen, args=(part,), name=f"llr-import-listener-{part}", daemon=True
            )
            for part in range(settings.workers)
        ]
        for listener in self.listeners:
            listener.start()

    def submit(self, records: Sequence[Record]) -> list[ChunkOutcome]:
        parsed, rejects = self.validator.validate(records)
        shares: list[list[ParsedLine]] = [[] for _ in self.workers]
        for line in parsed:
            shares[line.account_id.int % len(shares)].append(line)
        key, self.next_key = self.next_key, self.next_key + 1
        self.sent[key] = Sent(Waiting(records, parsed, rejects), len(shares))
        for part, share in enumerate(shares):
            self.send(part, ("chunk", key, share))
        return self.advance(until_at_most=AHEAD)

    def finish(self) -> list[ChunkOutcome]:
        """The chunks still waiting, once every worker has written its last share."""
        for part in range(len(self.workers)):
            self.send(part, ("finish",))
        done: list[ChunkOutcome] = []
        finished: set[int] = set()
        while len(finished) < len(self.workers):
            part, message = self.inbox.get()
            if message[0] == "finished":
                finished.add(part)
            else:
                done += self.take(part, message)
        if self.sent:  # every worker is done: nothing more can come for these
            raise LedgerError(f"import workers finished with chunks {list(self.sent)} unreported")
        return done

    def advance(self, until_at_most: int) -> list[ChunkOutcome]:
        """Take in what the workers committed until few enough chunks are left waiting."""
        done: list[ChunkOutcome] = []
        while len(self.sent) > until_at_most:
            done += self.take(*self.inbox.get())
        return done

    def take(self, part: int, message: tuple[Any, ...]) -> list[ChunkOutcome]:
        """Count a share a worker committed; the chunks that completes, oldest first."""
        committed: Committed = self.checked(part, message, "committed")
        chunk = self.sent[committed.key]
        chunk.waiting.add(committed)
        chunk.shares_left -= 1
        return self.completed()

    def completed(self) -> list[ChunkOutcome]:
        """The oldest chunks whose every share has committed, in file order."""
        done = []
        while self.sent:
            key = next(iter(self.sent))
            if self.sent[key].shares_left:
                break
            done.append(self.sent.pop(key).waiting.outcome())
        return done

    # ------------------------------------------------------------------ pipes
    @staticmethod
    def checked(part: int, message: tuple[Any, ...], word: str) -> Any:
        if message[0] == "gone":
            raise _worker_gone(part)
        if message[0] == "error":
            raise LedgerError(f"import worker {part} failed: {message[1]}")
        if message[0] != word:
            raise LedgerError(f"import worker {part} said {message[0]!r} out of turn")
        return message[1]

    def listen(self, part: int) -> None:
        """One thread per worker reads all it says, so that neither side blocks on a full pipe."""
        connection = self.workers[part][1]
        while True:
            try:
                message = connection.recv()
            except Exception:  # the end of the pipe, or a message that cannot be read
                self.inbox.put((part, ("gone",)))
                return
            self.inbox.put((part, message))
            if message[0] in ("finished", "error"):
                return

    def send(self, part: int, message: tuple[Any, ...]) -> None:
        try:
            self.workers[part][1].send(message)
        except OSError:
            raise _worker_gone(part) from None

    def close(self) -> None:
        for process, _ in self.workers:
            if process.is_alive():  # still waiting for lines: the import stopped early
                process.terminate()  # what it committed stands; the rest is redone next run
        for process, _ in self.workers:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        for listener in self.listeners:
            listener.join(timeout=30)  # its worker is gone: it has read the end of the pipe
        for _, connection in self.workers:
            connection.close()
        self.validator.close()


def _worker_gone(part: int) -> LedgerError:
    return LedgerError(
        f"import worker {part} stopped without a word; the chunks written so far stand: "
        "run the same import again to finish the rest"
    )


def work(connection: Connection, plan: WorkerPlan) -> None:
    """A worker's life: apply and write each share sent, report each as it commits."""
    try:
        env = {**plan.env, "CREATE_TABLE": "n"}  # the tables exist: the main process made sure
        ledger = Ledger(
            env, id_key=plan.id_key, actor=plan.target.actor, catalogue=plan.target.catalogue
        )
        try:
            earlier = EarlierRuns(ledger, plan.target.source, plan.sha256, plan.part)
            memory = MemoryApplier(ledger, plan.target, plan.settings, plan.dry_run, earlier)
            applier = Applier(memory, ledger)
            with gc_paused():
                try:
                    serve(connection, applier)
                finally:
                    applier.close()  # lets go of the cache before the collector runs again
        finally:
            ledger.close()
    except EOFError:
        return  # the main process is gone
    except BaseException as error:  # reported to the main process, which stops the import
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        with contextlib.suppress(OSError):  # the main process may be gone too
            connection.send(("error", detail))


def serve(connection: Connection, applier: Applier) -> None:
    while True:
        message = connection.recv()
        if message[0] == "chunk":
            committed = applier.submit(message[1], message[2])
        else:
            committed = applier.finish()
        for done in committed:
            connection.send(("committed", done))
        collect_young()
        if message[0] == "finish":
            connection.send(("finished",))
            return

