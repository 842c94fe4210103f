"""One background thread that writes a chunk while the next one is worked out.

A chunk's Python work (parsing, the domain commands, mapping events to records) and its
write (the database insert and the commit's flush to disk) take turns when done in one
thread. The write spends its time in the database driver, which lets go of the GIL, so a
second thread can write chunk N while the main thread works on chunk N+1. Only one write
is ever in flight: chunks still commit one after another, in file order.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from eventsourcing.persistence import StoredEvent

from ledger.application import Ledger

SNAPSHOTS_PER_WRITE = 1000


class ChunkWriter:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llr-import-writer")
        self.snapshots: list[StoredEvent] = []  # of chunks already written, not yet stored

    def start(
        self, events: Sequence[StoredEvent], snapshots: Sequence[StoredEvent]
    ) -> Future[None]:
        """Write the records in the background; the future fails as the write failed."""
        return self.pool.submit(self.write, events, snapshots)

    def write(self, events: Sequence[StoredEvent], snapshots: Sequence[StoredEvent]) -> None:
        self.ledger.write(events)
        # Snapshots go in batches of their own: every commit waits for the disk, and a
        # snapshot only saves reading time, so one lost in a crash costs nothing else.
        self.snapshots += snapshots
        if len(self.snapshots) >= SNAPSHOTS_PER_WRITE:
            self.write_snapshots()

    def write_snapshots(self) -> None:
        pending, self.snapshots = self.snapshots, []
        self.ledger.write((), pending)

    def close(self) -> None:
        """Write the snapshots still pending, after the last chunk, and stop."""
        self.pool.submit(self.write_snapshots).result()
        self.pool.shutdown(wait=True)
