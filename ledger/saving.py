"""How writes survive other writers, and when an account is worth a snapshot.

Two policies, each written once and used by every write: the Ledger's commands, its
expiry run, and the import's chunks.

- ``retrying``: on a concurrent write (a version conflict), read again and redo; give up
  after a bounded number of tries with a message that says what to do.
- ``snapshot_due`` / ``snapshots_due``: snapshot from memory when a write crossed a
  multiple of the interval. The library's own interval snapshots re-read the aggregate from
  the store; the state in hand after the write is the same and costs nothing to read.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import (
    JSONTranscoder,
    RecordConflictError,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import get_topic, strtobool

from ledger.commands import no_account
from ledger.domain.account import Account
from ledger.domain.errors import LedgerError
from ledger.store.bulk import load_accounts
from ledger.store.repository import AccountRepository
from ledger.store.transcodings import LedgerTranscoder, ledger_transcodings

T = TypeVar("T")
S = TypeVar("S", bound="AccountStore")

SNAPSHOT_INTERVAL = 100
CONFLICT_RETRIES = 20


class StaleAccountError(LedgerError):
    """A write was made against a version of the account that is no longer its latest."""


def gave_up(retries: int) -> LedgerError:
    return LedgerError(f"gave up after {retries} concurrent-write conflicts")


def retrying(
    attempt: Callable[[int], T],
    *,
    retries: int = CONFLICT_RETRIES,
    after_conflict: Callable[[int], None] | None = None,
    giving_up: Callable[[int], LedgerError] = gave_up,
) -> T:
    """``attempt(1)``, ``attempt(2)``, ... until one ends without a write conflict.

    Each attempt reads what it needs afresh (the state it ran on may be stale);
    ``after_conflict`` runs after each failed one (to forget state, to back off).
    """
    for number in range(1, retries + 1):
        try:
            return attempt(number)
        except RecordConflictError:
            if after_conflict is not None:
                after_conflict(number)
    raise giving_up(retries)


def snapshot_due(first_version: int, last_version: int) -> bool:
    """Whether a write of versions ``first_version``..``last_version`` crossed the interval."""
    return last_version // SNAPSHOT_INTERVAL > (first_version - 1) // SNAPSHOT_INTERVAL


class AccountStore(Application[UUID]):
    """The store of accounts: reading them, one or many at once, and saving them.

    The Ledger's commands and an import's chunks save through here, under the two
    policies above.
    """

    def construct_repository(self) -> AccountRepository:
        """The library's repository (ledger/store/repository.py), with the library's
        settings read as the library reads them."""
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return AccountRepository(
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            fastforward_skipping=strtobool(
                self.env.get(self.AGGREGATE_CACHE_FASTFORWARD_SKIPPING, "n")
            ),
            deepcopy_from_cache=strtobool(self.env.get(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")),
        )

    def __init__(self, env: dict[str, str] | None = None) -> None:
        try:
            super().__init__(env)
        except BaseException:
            # A half-built application may hold a connection pool: close it here rather
            # than leave it to a garbage collector's thread.
            factory = self.__dict__.get("factory")
            if factory is not None:
                factory.close()
            raise
        # What this store was opened with, so that a worker process can open it too.
        self.store_env = dict(env or {})

    def construct_transcoder(self) -> Transcoder:
        transcoder = LedgerTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in ledger_transcodings():
            transcoder.register(transcoding)

    # The version a write expects to find (``expecting``); None: whatever is stored.
    expected_version: int | None = None

    def find_account(self, aggregate_id: UUID) -> Account | None:
        try:
            account: Account = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return account

    def get_account(self, aggregate_id: UUID) -> Account:
        account = self.find_account(aggregate_id)
        if account is None:
            raise no_account()
        if self.expected_version is not None and account.version != self.expected_version:
            raise StaleAccountError(
                f"the account is at version {account.version}, not {self.expected_version} "
                "as the request expected: read it again, then decide"
            )
        return account

    def expecting(self: S, version: int) -> S:
        """This store for one write that must find the account at ``version`` (a
        service's If-Match): a shallow copy, sharing the connections."""
        view = copy.copy(self)
        view.expected_version = version
        return view

    def on_account_id(
        self, aggregate_id: UUID, command: Callable[[Account], T]
    ) -> tuple[T, Account, Sequence[Any]]:
        """``command`` on the stored account, saved, retried on a conflict; what it wrote."""

        def attempt(_: int) -> tuple[T, Account, Sequence[Any]]:
            account = self.get_account(aggregate_id)
            result = command(account)
            return result, account, self.save_events(account)

        return retrying(attempt)

    def save_events(self, account: Account, snapshot: bool = False) -> Sequence[Any]:
        """Save the account's new events (one transaction), with a snapshot when due, or
        at once with ``snapshot`` (after a late fact, so that loads need not fold the
        stream again in effective order)."""
        pending = account.collect_events()
        if pending:
            self.save(*pending)
            if snapshot and self.snapshots is not None:
                self.snapshots.put([Snapshot.take(account)])
            else:
                self.put_snapshots({account.id: account}, pending)
        return pending

    def save_many(self, accounts: list[Account], command: Callable[[Account], T]) -> list[T] | None:
        """Save many accounts in one transaction; on a conflict, redo them one by one.

        Returns None when the batch saved as it was, else each account's redone result.
        """
        pending = [e for a in accounts for e in a.collect_events()]
        try:
            self.save(*pending)
        except RecordConflictError:
            return [self.on_account_id(account.id, command)[0] for account in accounts]
        self.put_snapshots({account.id: account for account in accounts}, pending)
        return None

    def put_snapshots(self, accounts: Mapping[UUID, Account], written: Sequence[Any]) -> None:
        due = self.snapshots_due(accounts, written)
        if due and self.snapshots is not None:
            self.snapshots.put(due)

    def all_account_ids(self) -> Iterator[UUID]:
        """Every account, in the order they were opened (from the notification log)."""
        topic = get_topic(Account.AccountOpened)
        start = 0
        while True:
            page = self.recorder.select_notifications(
                start=start, limit=1000, topics=[topic], inclusive_of_start=False
            )
            if not page:
                return
            for notification in page:
                yield UUID(str(notification.originator_id))
            start = page[-1].id

    # ----------------------------------------------------------- a batch
    # What a batch of lines (an import's chunk) needs besides ``Ledger.run_in_batch``: many
    # accounts read at once, the snapshots due, and the records written in one transaction.
    def load_accounts(self, ids: Collection[UUID]) -> dict[UUID, Account]:
        """The stored accounts among ``ids``, by id (two queries per thousand ids)."""
        snapshots = None if self.snapshots is None else self.snapshots.recorder
        return load_accounts(self.recorder, self.mapper, snapshots, ids)

    def snapshots_due(
        self, accounts: Mapping[UUID, Account], written: Sequence[Any]
    ) -> list[Snapshot]:
        """Snapshots, from memory, of the accounts whose ``written`` events crossed the
        interval (none when the store keeps no snapshots)."""
        if self.snapshots is None:
            return []
        first_written: dict[UUID, int] = {}
        for event in written:
            first_written.setdefault(event.originator_id, event.originator_version)
        return [
            Snapshot.take(accounts[i])
            for i, first in first_written.items()
            if snapshot_due(first, accounts[i].version)
        ]

    def to_records(self, objects: Sequence[Any]) -> list[StoredEvent]:
        """Events or snapshots as the records ``write`` takes."""
        to_stored_event = self.mapper.to_stored_event
        return [to_stored_event(o) for o in objects]

    def write(self, events: Sequence[StoredEvent], snapshots: Sequence[StoredEvent] = ()) -> None:
        """The events in one transaction (a version conflict raises and writes none), then
        the snapshots apart: one that cannot be written (another process wrote one first)
        is left out, as a snapshot only saves reading time."""
        if events:
            self.recorder.insert_events(list(events))
        if snapshots and self.snapshots is not None:
            with contextlib.suppress(RecordConflictError):
                self.snapshots.recorder.insert_events(list(snapshots))
