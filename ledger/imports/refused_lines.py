"""What earlier imports of the same file refused, so a refused line stays refused.

A line is judged against the state the file's earlier lines left. Run the file again and a
line refused the first time (a use beyond the balance) may fit the state the rest of the
file left (a grant later that day): applying it then would make the second run change
something. So the file's record (``ImportedFile``, keyed by source and SHA-256) keeps the
numbers of the lines the rules refused, written in the same transaction as their chunk.
"""

from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from ledger.application import Ledger
from ledger.domain.account import Account
from ledger.domain.batch import FILE_PARTS, ImportedFile, file_id_for
from ledger.domain.command import Result
from ledger.domain.errors import LedgerError
from ledger.imports.lines import FileContext, ParsedLine, problem_of, run_line
from ledger.imports.rows import LINE, Problem


class RefusedLines:
    """The refusals of earlier runs of this file, from every part of its record.

    A run writes to its own part (``part``: the worker's number, 0 for a single process),
    and reads them all: an earlier run may have split the file over more workers.
    """

    def __init__(self, ledger: Ledger, source: str, sha256: str, part: int = 0) -> None:
        self.ledger = ledger
        self.key = (source, sha256)
        self.part = part
        self.record: ImportedFile | None = None
        self.refused: dict[int, str] = {}
        self.reload()

    def load(self, part: int) -> ImportedFile | None:
        try:
            found: ImportedFile = self.ledger.repository.get(file_id_for(*self.key, part))
        except AggregateNotFoundError:
            return None
        return found

    def refused_by(self, line: int) -> str | None:
        """The batch that refused this line before, if one did."""
        return self.refused.get(line)

    def note(self, batch: str, lines: list[int]) -> list[Any]:
        """Events that remember ``lines`` as refused, for the chunk's own write."""
        if not lines:
            return []
        if self.record is None:
            self.record = ImportedFile.seen(*self.key, self.part)
        self.record.refuse(batch, lines)
        for line in lines:
            self.refused.setdefault(line, batch)
        return list(self.record.collect_events())

    def reload(self) -> None:
        """Read the records (again, after a failed write: another run may have added)."""
        self.refused = {}
        for part in range(FILE_PARTS):
            found = self.load(part)
            if found is not None:
                for line, batch in found.refused.items():
                    self.refused.setdefault(line, batch)
            if part == self.part:
                self.record = found


def still_refused(
    ledger: Ledger,
    context: FileContext,
    accounts: dict[UUID, Account],
    line: ParsedLine,
    batch: str,
) -> Result | Problem:
    """A line refused before: why it would be refused now, on a copy of the account."""
    account = accounts.get(line.account_id)
    scratch = {} if account is None else {line.account_id: copy.deepcopy(account)}
    try:
        result = run_line(ledger, context, scratch, line)
    except LedgerError as error:
        return problem_of(error)
    if result is Result.EXISTS:  # the same entry came in since, by another file
        return result
    return Problem(
        LINE,
        f"refused when this file was imported before (batch {batch}) and still refused, so "
        "that importing a file again changes nothing; send the line again in a new file",
    )
