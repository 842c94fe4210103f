"""Chunks worked out in memory and written in the background, one write in flight.

``submit`` returns what the chunks whose write has committed did (the one before, usually);
``finish`` waits for the last. If a write fails on a conflict, what is in memory ran ahead
of the store: it is all forgotten, and the chunk and the one after it are redone from the
store (``ledger.saving.retrying``). Nothing of a chunk is reported before its write commits,
so a crash or a conflict never counts a line twice; redoing is safe because a line applied
meanwhile (by this file or another) is an exact repeat and comes back as "already applied".
"""

from __future__ import annotations

import random
import time
from concurrent.futures import Future

from eventsourcing.persistence import RecordConflictError

from ledger.application import Ledger
from ledger.domain.errors import LedgerError
from ledger.imports.chunk_state import CommittedChunk, WorkedChunk
from ledger.imports.executor import ChunkExecutor
from ledger.imports.lines import ParsedLine
from ledger.imports.writer import ChunkWriter
from ledger.saving import retrying


class WritePipeline:
    def __init__(self, executor: ChunkExecutor, ledger: Ledger) -> None:
        self.executor = executor
        self.writer = ChunkWriter(ledger)
        self.in_flight: tuple[WorkedChunk, Future[None]] | None = None

    @property
    def dry_run(self) -> bool:
        return self.executor.dry_run

    def submit(self, key: int, parsed: list[ParsedLine]) -> list[CommittedChunk]:
        worked = self.executor.work(key, parsed)
        done: list[CommittedChunk] = []
        if self.in_flight is not None:
            before, write = self.in_flight
            self.in_flight = None
            if committed(write):
                self.executor.written(before.key)
                done.append(before.committed())
            else:  # this chunk ran on the state the failed write would have made
                self.executor.reset()
                done.append(self.redo(before))
                done.append(self.redo(worked))
                return done
        if self.dry_run:
            self.executor.written(worked.key)
            done.append(worked.committed())
        else:
            self.in_flight = (worked, self.writer.start(worked.events, worked.snapshots))
        return done

    def finish(self) -> list[CommittedChunk]:
        if self.in_flight is None:
            return []
        worked, write = self.in_flight
        self.in_flight = None
        if committed(write):
            self.executor.written(worked.key)
            return [worked.committed()]
        self.executor.reset()
        return [self.redo(worked)]

    def redo(self, failed: WorkedChunk) -> CommittedChunk:
        """The chunk again from the store, written before returning, after a conflict."""

        def attempt(number: int) -> CommittedChunk:
            again = self.executor.work(failed.key, failed.parsed)
            again.redone = failed.redone + number
            if not self.dry_run:
                self.writer.start(again.events, again.snapshots).result()  # raises a conflict
            self.executor.written(again.key)
            return again.committed()

        def after_conflict(number: int) -> None:
            self.executor.reset()
            time.sleep(random.uniform(0, 0.02 * number))  # let the other writer go

        return retrying(
            attempt,
            retries=self.executor.settings.retries,
            after_conflict=after_conflict,
            giving_up=lambda retries: gave_up(failed.parsed, retries),
        )

    def close(self) -> None:
        """Stop the writer (after its last write) and let go of the cache."""
        self.writer.close()
        self.executor.close()


def committed(write: Future[None]) -> bool:
    """Whether the write committed; False on a conflict, any other failure raises."""
    try:
        write.result()
    except RecordConflictError:
        return False
    return True


def gave_up(parsed: list[ParsedLine], retries: int) -> LedgerError:
    return LedgerError(
        f"gave up on lines {parsed[0].line}-{parsed[-1].line} after {retries} "
        "concurrent-write conflicts; run the same import again to finish it"
    )
