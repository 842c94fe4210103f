"""Run a chunk's lines on the accounts in memory and turn what they did into records.

The accounts come from the cache, from chunks whose write is still in flight, or from the
store (``Ledger.load_accounts``, many at once); each line runs as a Ledger command in its
batch form, and the chunk's events and due snapshots become records for ``Ledger.write``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ledger.application import Ledger
from ledger.domain.account import Account
from ledger.domain.errors import LedgerError
from ledger.imports.cache import AccountCache
from ledger.imports.chunk_state import LineResults, WorkedChunk
from ledger.imports.lines import FileContext, ParsedLine, problem_of, run_line
from ledger.imports.refused_lines import RefusedLines, still_refused
from ledger.imports.rows import Problem
from ledger.imports.settings import ImportSettings


class ChunkExecutor:
    """Works chunks out in memory, in file order.

    Until a chunk's write commits, its accounts are held here ("unwritten"): the store does
    not have that chunk's events yet, and the bounded cache may have let go of them, so a
    later chunk must find them here, never read a state from the store that misses them.
    """

    def __init__(
        self,
        ledger: Ledger,
        context: FileContext,
        settings: ImportSettings,
        dry_run: bool,
        refused_lines: RefusedLines,
    ) -> None:
        self.ledger = ledger
        self.context = context
        self.settings = settings
        self.dry_run = dry_run
        self.refused_lines = refused_lines
        self.cache = AccountCache(ledger, settings.cached_accounts, dry_run)
        self.unwritten: dict[int, dict[UUID, Account]] = {}
        # The events of chunks whose write is in flight (or, in a dry run, never made):
        # a late line folds them with the stored ones.
        self.unstored: dict[int, dict[UUID, list[Any]]] = {}

    def work(self, key: int, parsed: list[ParsedLine]) -> WorkedChunk:
        accounts = self.fetch({p.account_id for p in parsed})
        results = self.run_all(accounts, parsed)
        by_account = {i: account.collect_events() for i, account in accounts.items()}
        events = [e for made in by_account.values() for e in made]
        self.unstored[key] = {i: list(made) for i, made in by_account.items() if made}
        # Taken now, from memory: the next chunk moves the accounts on.
        snapshots = [] if self.dry_run else self.ledger.snapshots_due(accounts, events)
        made = len(events)
        events += self.note_refusals(results)
        self.cache.keep(accounts)
        self.unwritten[key] = accounts
        to_records = self.ledger.to_records
        return WorkedChunk(
            key,
            parsed,
            results,
            made,
            [] if self.dry_run else to_records(events),
            to_records(snapshots),
        )

    def written(self, key: int) -> None:
        """The chunk's write committed: its accounts are as the store has them."""
        self.unwritten.pop(key, None)
        if not self.dry_run:
            self.unstored.pop(key, None)

    def history(self, account_id: UUID) -> list[Any]:
        """The account's events so far: stored, then those of chunks not written yet."""
        stored = list(self.ledger.repository.event_store.get(account_id))
        after = stored[-1].originator_version if stored else 0
        unstored = [
            e for key in sorted(self.unstored) for e in self.unstored[key].get(account_id, ())
        ]
        return stored + [e for e in unstored if e.originator_version > after]

    def reset(self) -> None:
        """After a failed write: forget every account in memory, read the file record again."""
        self.unwritten.clear()
        self.unstored.clear()
        self.cache.clear()
        self.refused_lines.reload()

    def fetch(self, ids: set[UUID]) -> dict[UUID, Account]:
        accounts: dict[UUID, Account] = {}
        for held in self.unwritten.values():  # the same objects as in the cache, if there
            accounts.update((i, held[i]) for i in ids if i in held)
        accounts.update(self.cache.fetch(ids - accounts.keys()))
        return accounts

    def run_all(self, accounts: dict[UUID, Account], parsed: list[ParsedLine]) -> LineResults:
        results: LineResults = {}
        ledger, context = self.ledger, self.context
        for line in parsed:
            refused_in = self.refused_lines.refused_by(line.line)
            if refused_in is not None:
                results[line.line] = still_refused(ledger, context, accounts, line, refused_in)
                continue
            try:
                results[line.line] = run_line(ledger, context, accounts, line, self.history)
            except LedgerError as error:
                results[line.line] = problem_of(error)
        return results

    def note_refusals(self, results: LineResults) -> list[Any]:
        """The file record's events for the lines the rules refused for the first time."""
        if self.dry_run:
            return []
        refused = [
            line
            for line, result in results.items()
            if isinstance(result, Problem) and self.refused_lines.refused_by(line) is None
        ]
        return self.refused_lines.note(self.context.batch, refused)

    def close(self) -> None:
        self.cache.close()
