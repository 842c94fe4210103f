"""An import over several processes: this one reads, validates and writes; workers apply.

Most of an import's CPU goes to the domain commands, the hash chain and turning events into
records, and that work is per citizen: a citizen's lines must run in file order on one
account, but two citizens never meet. So the lines of every chunk are split by account id
over N worker processes, each with its own account cache and its own part of the file's
record of refused lines. This process reads the file, validates every line and claims its
reference (a check that spans citizens), sends each worker its share, and writes what the
workers send back: all shares of a chunk in one transaction, so a chunk still lands whole
or not at all, and the store keeps a single writer per import.

If that write fails on a conflict (another process wrote to one of the chunk's citizens),
every worker forgets what it holds in memory and the chunks not yet written are sent
again, to be redone from the store. A worker whose pipe closes (this process died) stops.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import random
import threading
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from ledger.application import Ledger
from ledger.collector import collect_young, cyclic_gc_paused
from ledger.domain.errors import LedgerError
from ledger.imports.apply import ParsedLine, Target
from ledger.imports.chunks import (
    Applied,
    ChunkOutcome,
    ImportSettings,
    MemoryApplier,
    Waiting,
    gave_up,
    written,
)
from ledger.imports.earlier import EarlierRuns
from ledger.imports.readers import Record
from ledger.imports.validation import Validator
from ledger.imports.writer import ChunkWriter


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
    """A chunk sent to the workers: their shares, and what came back of them so far."""

    waiting: Waiting
    shares: list[list[ParsedLine]]
    back: dict[int, Applied] = field(default_factory=dict)  # by worker

    @property
    def complete(self) -> bool:
        return len(self.back) == len(self.shares)


class ParallelRunner:
    def __init__(
        self, ledger: Ledger, target: Target, settings: ImportSettings, dry_run: bool, sha256: str
    ) -> None:
        self.settings = settings
        self.dry_run = dry_run
        self.validator = Validator(ledger)
        self.writer = ChunkWriter(ledger)
        self.sent: dict[int, Sent] = {}  # in file order, oldest first
        self.writing: tuple[int, Future[None]] | None = None
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

    # ----------------------------------------------------------------- chunks
    def submit(self, records: Sequence[Record]) -> list[ChunkOutcome]:
        parsed, rejects = self.validator.validate(records)
        shares: list[list[ParsedLine]] = [[] for _ in self.workers]
        for line in parsed:
            shares[line.account_id.int % len(shares)].append(line)
        key, self.next_key = self.next_key, self.next_key + 1
        self.sent[key] = Sent(Waiting(records, parsed, rejects), shares)
        self.send_shares(key)
        return self.advance(until_at_most=AHEAD)

    def finish(self) -> list[ChunkOutcome]:
        done = self.advance(until_at_most=0)
        for part in range(len(self.workers)):
            self.send(part, ("finish",))
        self.hear_from_all("finished")
        return done

    def send_shares(self, key: int) -> None:
        for part, share in enumerate(self.sent[key].shares):
            self.send(part, ("chunk", key, share))

    def advance(self, until_at_most: int) -> list[ChunkOutcome]:
        """Take in the workers' shares and write whole chunks, until few enough are left."""
        done: list[ChunkOutcome] = []
        while True:
            done += self.check_write()
            self.start_write()
            if len(self.sent) <= until_at_most:
                return done
            # A write in flight is not something to wait on with the pipes: look again soon.
            self.receive(timeout=0.005 if self.writing else None)

    def start_write(self) -> None:
        """The oldest chunk, once every share is back and nothing else is being written."""
        if self.writing is not None or not self.sent:
            return
        key = next(iter(self.sent))
        chunk = self.sent[key]
        if not chunk.complete:
            return
        events = [e for part in sorted(chunk.back) for e in chunk.back[part].events]
        snapshots = [s for part in sorted(chunk.back) for s in chunk.back[part].snapshots]
        self.writing = (key, self.writer.start(events, snapshots))

    def check_write(self) -> list[ChunkOutcome]:
        if self.writing is None or not self.writing[1].done():
            return []
        key, write = self.writing
        self.writing = None
        if not written(write):
            self.start_over()
            return []
        chunk = self.sent.pop(key)
        for part in range(len(self.workers)):
            self.send(part, ("written", key))
        for applied in chunk.back.values():
            chunk.waiting.add(applied.committed())
        return [chunk.waiting.outcome()]

    def start_over(self) -> None:
        """After a conflict: the workers forget all they hold; unwritten chunks go again."""
        for part in range(len(self.workers)):
            self.send(part, ("reset",))
        self.hear_from_all("reset")  # what the workers sent before that is dropped
        for key, chunk in self.sent.items():
            redone = max((a.redone for a in chunk.back.values()), default=0) + 1
            if redone > self.settings.retries:
                raise gave_up(chunk.waiting.parsed, self.settings.retries)
            chunk.back.clear()
            chunk.waiting.redone = redone
            self.send_shares(key)
        time.sleep(random.uniform(0, 0.02))  # let the other writer go

    # ------------------------------------------------------------------ pipes
    def receive(self, timeout: float | None) -> None:
        """Take in one share sent back (waiting up to ``timeout``), if one comes."""
        try:
            part, message = self.inbox.get(timeout=timeout)
        except queue.Empty:
            return
        applied = self.checked(part, message, "applied")
        applied.events, applied.snapshots = _unpacked(message[2]), _unpacked(message[3])
        chunk = self.sent.get(applied.key)
        if chunk is not None:
            applied.redone = chunk.waiting.redone
            chunk.back[part] = applied

    def hear_from_all(self, word: str) -> None:
        """Wait until every worker has said ``word``; shares sent back before it are dropped."""
        heard: set[int] = set()
        while len(heard) < len(self.workers):
            part, message = self.inbox.get()
            if message[0] == word:
                heard.add(part)
            else:
                self.checked(part, message, "applied")

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
        if self.writing is not None:
            self.writing[1].exception()  # let it end; the import stops either way
        self.writer.close()
        for process, _ in self.workers:
            if process.is_alive():  # still waiting for lines: the import stopped early
                process.terminate()  # it holds nothing the store needs: this process writes
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


Packed = list[tuple[bytes, int, str, bytes]]


def _packed(records: list[StoredEvent]) -> Packed:
    """Records as plain tuples for the pipe: half the pickling work of the objects."""
    return [(_bytes(r.originator_id), r.originator_version, r.topic, r.state) for r in records]


def _bytes(originator_id: UUID | str) -> bytes:
    return originator_id.bytes if isinstance(originator_id, UUID) else UUID(originator_id).bytes


def _unpacked(rows: Packed) -> list[StoredEvent]:
    return [StoredEvent(UUID(bytes=i), version, topic, state) for i, version, topic, state in rows]


def _worker_gone(part: int) -> LedgerError:
    return LedgerError(
        f"import worker {part} stopped without a word; the chunks written so far stand: "
        "run the same import again to finish the rest"
    )


def work(connection: Connection, plan: WorkerPlan) -> None:
    """A worker's life: apply each share sent, send back the records it made."""
    try:
        env = {**plan.env, "CREATE_TABLE": "n"}  # the tables exist: the main process made sure
        ledger = Ledger(
            env, id_key=plan.id_key, actor=plan.target.actor, catalogue=plan.target.catalogue
        )
        try:
            earlier = EarlierRuns(ledger, plan.target.source, plan.sha256, plan.part)
            memory = MemoryApplier(ledger, plan.target, plan.settings, plan.dry_run, earlier)
            with cyclic_gc_paused():
                try:
                    serve(connection, memory)
                finally:
                    memory.close()  # lets go of the cache before the collector runs again
        finally:
            ledger.close()
    except EOFError:
        return  # the main process is gone
    except BaseException as error:  # reported to the main process, which stops the import
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        with contextlib.suppress(OSError):  # the main process may be gone too
            connection.send(("error", detail))


def serve(connection: Connection, memory: MemoryApplier) -> None:
    while True:
        message = connection.recv()
        if message[0] == "chunk":
            applied = memory.apply(message[1], message[2])
            events, snapshots = _packed(applied.events), _packed(applied.snapshots)
            # The accounts stay here, the lines are the main process's own: send the rest.
            applied.accounts, applied.parsed, applied.events, applied.snapshots = {}, [], [], []
            connection.send(("applied", applied, events, snapshots))
            collect_young()
        elif message[0] == "written":
            memory.written(message[1])
        elif message[0] == "reset":
            memory.reset()
            connection.send(("reset",))
        else:
            connection.send(("finished",))
            return


def shares_its_store(ledger: Ledger) -> bool:
    """Whether another process can open this ledger's store (not so an in-memory one)."""
    env = ledger.store_env
    module = env.get("PERSISTENCE_MODULE", "")
    if module.endswith(".postgres"):
        return True
    return (
        module.endswith(".sqlite")
        and env.get("SQLITE_DBNAME", ":memory:")
        not in (
            ":memory:",
            "",
        )
        and "mode=memory" not in env.get("SQLITE_DBNAME", "")
    )
