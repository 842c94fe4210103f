"""Reading the stored records themselves, below the repository.

The repository would hide a tampered record behind a snapshot, or stop at the first one
that does not decode; the audit reads what is stored, record by record, and decodes each
one on its own so a bad record becomes a finding instead of a crash.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

from ledger.application import Ledger
from ledger.store.streams import latest_versions

PAGE_SIZE = 5000  # notifications per query: large pages, few round trips


class Undecodable(Exception):
    """A stored record whose state cannot be turned back into an event (JSON, cipher, topic)."""


def decode(mapper: Mapper[UUID], record: StoredEvent) -> Any:
    try:
        return mapper.to_domain_event(record)
    except Exception as error:  # whatever the bytes hold, the audit goes on
        raise Undecodable(decode_failure(error)) from None


def decode_failure(error: Exception) -> str:
    """One short line on why a record did not decode."""
    cause = error.__cause__ or error  # the mapper wraps the JSON or cipher error
    reason = str(cause).splitlines()[0] if str(cause) else ""
    return f"{type(cause).__name__}: {reason}"[:200]


def log_position(ledger: Ledger) -> int:
    """The store's position now: the highest notification id (0 when empty)."""
    return ledger.recorder.max_notification_id() or 0


def notifications(ledger: Ledger, stop: int, start: int = 0) -> Iterator[Any]:
    """Every record with start < notification id <= stop, in log order, page by page."""
    while start < stop:
        page = ledger.recorder.select_notifications(
            start, PAGE_SIZE, stop=stop, inclusive_of_start=False
        )
        if not page:
            return
        yield from page
        start = page[-1].id


def stream_records(ledger: Ledger, account_id: UUID) -> list[StoredEvent]:
    """One account's records in version order."""
    return list(ledger.recorder.select_events(account_id))


class SnapshotIndex:
    """Where each account's latest snapshot is, and the snapshot itself on demand.

    Where the store has SQL, one query lists the latest snapshot version of every account
    up front (a streaming pass must know it before it reaches that version); a store in
    memory is asked account by account.
    """

    def __init__(self, ledger: Ledger, bulk: bool) -> None:
        self._store = ledger.snapshots
        self._latest: dict[UUID, int] | None = None
        if bulk and self._store is not None:
            self._latest = latest_versions(self._store.recorder)

    def accounts(self) -> set[UUID]:
        return set(self._latest or ())

    def latest_version(self, account_id: UUID) -> int | None:
        if self._store is None:
            return None
        if self._latest is not None:
            return self._latest.get(account_id)
        found = self._store.recorder.select_events(account_id, desc=True, limit=1)
        return found[0].originator_version if found else None

    def fetch(self, account_id: UUID, version: int) -> Any:
        """The decoded snapshot at ``version``; ``Undecodable`` if it cannot be read."""
        assert self._store is not None
        found = self._store.recorder.select_events(account_id, gt=version - 1, lte=version)
        if not found:
            raise Undecodable(f"the snapshot at version {version} has gone")
        return decode(self._store.mapper, found[0])
