"""One background thread that writes a chunk while the next one is worked out.

A chunk's Python work (parsing, the domain commands, mapping events to records) and its
write (the database insert and the commit's flush to disk) take turns when done in one
thread. The write spends its time in the database driver, which lets go of the GIL, so a
second thread can write chunk N while the main thread works on chunk N+1. Only one write
is ever in flight: chunks still commit one after another, in file order.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from eventsourcing.persistence import RecordConflictError, StoredEvent

from ledger.application import Ledger


class ChunkWriter:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llr-import-writer")

    def start(
        self, events: Sequence[StoredEvent], snapshots: Sequence[StoredEvent]
    ) -> Future[None]:
        """Write the records in the background; the future fails as the write failed."""
        return self.pool.submit(self.write, events, snapshots)

    def write(self, events: Sequence[StoredEvent], snapshots: Sequence[StoredEvent]) -> None:
        if events:
            self.ledger.recorder.insert_events(list(events))
        if snapshots and self.ledger.snapshots is not None:
            # Snapshots only save reading time: one that cannot be written is left out,
            # and the chunk, whose events are in the store already, stands.
            with contextlib.suppress(RecordConflictError):
                self.ledger.snapshots.recorder.insert_events(list(snapshots))

    def close(self) -> None:
        self.pool.shutdown(wait=True)
