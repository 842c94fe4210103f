"""Accounts kept between chunks, so a citizen whose lines span neighbouring chunks is read once.

The cache is bounded (least recently used go first), so memory stays flat however many
citizens a file names. A cached account can be stale when another process wrote to it
since; the save then fails on the version conflict and the chunk is redone from the store.

A dry run writes nothing, so the only record of what its earlier lines did is the state in
memory; an account evicted during a dry run is parked (pickled) in a temporary SQLite file
instead of being dropped, and taken back from there when the file names it again.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections import OrderedDict
from collections.abc import Collection, Iterable
from uuid import UUID

from ledger.application import Ledger
from ledger.domain.account import Account


class ParkedAccounts:
    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)  # private, deleted on close
        self.db.execute("CREATE TABLE parked (id BLOB PRIMARY KEY, state BLOB)")

    def put(self, accounts: Iterable[Account]) -> None:
        rows = [(a.id.bytes, pickle.dumps(a, pickle.HIGHEST_PROTOCOL)) for a in accounts]
        self.db.executemany("INSERT OR REPLACE INTO parked VALUES (?, ?)", rows)

    def take(self, ids: Collection[UUID]) -> dict[UUID, Account]:
        found: dict[UUID, Account] = {}
        for aggregate_id in ids:
            row = self.db.execute(
                "SELECT state FROM parked WHERE id = ?", (aggregate_id.bytes,)
            ).fetchone()
            if row is not None:
                found[aggregate_id] = pickle.loads(row[0])  # our own bytes, never a file's
        return found

    def close(self) -> None:
        self.db.close()


class AccountCache:
    def __init__(self, ledger: Ledger, capacity: int, dry_run: bool) -> None:
        self.ledger = ledger
        self.capacity = capacity
        self.items: OrderedDict[UUID, Account] = OrderedDict()
        self.parked = ParkedAccounts() if dry_run else None

    def fetch(self, ids: Collection[UUID]) -> dict[UUID, Account]:
        """The accounts among ``ids`` that exist (in the cache, parked, or in the store)."""
        found = {i: self.items[i] for i in ids if i in self.items}
        missing = [i for i in ids if i not in found]
        if self.parked is not None and missing:
            found.update(self.parked.take(missing))
            missing = [i for i in missing if i not in found]
        if missing:
            found.update(self.ledger.load_accounts(missing))
        return found

    def keep(self, accounts: dict[UUID, Account]) -> None:
        for aggregate_id, account in accounts.items():
            self.items[aggregate_id] = account
            self.items.move_to_end(aggregate_id)
        evicted: list[Account] = []
        while len(self.items) > self.capacity:
            evicted.append(self.items.popitem(last=False)[1])
        if self.parked is not None and evicted:
            self.parked.put(evicted)

    def forget(self, ids: Iterable[UUID]) -> None:
        for aggregate_id in ids:
            self.items.pop(aggregate_id, None)

    def clear(self) -> None:
        """Forget every account; a dry run parks them instead: they are its only record."""
        if self.parked is not None:
            self.parked.put(self.items.values())
        self.items.clear()

    def close(self) -> None:
        self.items.clear()
        if self.parked is not None:
            self.parked.close()
