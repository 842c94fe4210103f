"""How chunks of a file get run: in this process (``InProcessRunner``) or over worker
processes (``parallel.ParallelRunner``); the importer sees either as a ``Runner``.

A chunk is validated line by line (``validation.py``), then its accounts are loaded in
bulk, its lines run in file order as Ledger commands, and every event it made is written
in one transaction, by a background writer while the next chunk is worked out
(``pipeline.py``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Protocol

from ledger.application import Ledger
from ledger.imports.chunk_state import ChunkReport, CommittedChunk, PendingChunk
from ledger.imports.executor import ChunkExecutor
from ledger.imports.lines import FileContext
from ledger.imports.pipeline import WritePipeline
from ledger.imports.readers import Record
from ledger.imports.refused_lines import RefusedLines
from ledger.imports.settings import ImportSettings
from ledger.imports.validation import Validator


class Runner(Protocol):
    settings: ImportSettings

    def submit(self, records: Sequence[Record]) -> list[ChunkReport]:
        """Start on a chunk; the reports of the chunks whose write committed meanwhile."""
        ...

    def finish(self) -> list[ChunkReport]:
        """The reports of the chunks still being written, once they are."""
        ...

    def close(self) -> None: ...


class InProcessRunner:
    """Validates and runs chunks in this process, in file order."""

    def __init__(
        self,
        ledger: Ledger,
        context: FileContext,
        settings: ImportSettings,
        dry_run: bool,
        refused_lines: RefusedLines,
    ) -> None:
        self.settings = settings
        self.validator = Validator(ledger)
        executor = ChunkExecutor(ledger, context, settings, dry_run, refused_lines)
        self.pipeline = WritePipeline(executor, ledger)
        self.pending: dict[int, PendingChunk] = {}
        self.keys = itertools.count()

    def submit(self, records: Sequence[Record]) -> list[ChunkReport]:
        parsed, rejects = self.validator.validate(records)
        key = next(self.keys)
        self.pending[key] = PendingChunk(records, parsed, rejects)
        return self.collect(self.pipeline.submit(key, parsed))

    def finish(self) -> list[ChunkReport]:
        return self.collect(self.pipeline.finish())

    def collect(self, committed: list[CommittedChunk]) -> list[ChunkReport]:
        reports = []
        for done in committed:
            pending = self.pending.pop(done.key)
            pending.add(done)
            reports.append(pending.report())
        return reports

    def close(self) -> None:
        self.pipeline.close()
        self.validator.close()
