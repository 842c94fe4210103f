"""How an import is cut up: lines per transaction, accounts kept, and worker processes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ledger.domain.batch import FILE_PARTS
from ledger.saving import CONFLICT_RETRIES

BIG_FILE = 8_000_000  # bytes: about 100,000 lines, where workers start to pay for themselves
DEFAULT_MAX_WORKERS = 2
# Each worker keeps its own part of a file's record of refused lines: no more than parts.
MAX_WORKERS = FILE_PARTS


@dataclass(frozen=True)
class ImportSettings:
    # Lines per transaction: large enough that per-save costs fade, small enough that a
    # conflict redoes little and a chunk's accounts fit in memory many times over.
    chunk_lines: int = 2000
    cached_accounts: int = 10_000
    retries: int = CONFLICT_RETRIES
    # Processes that apply lines (each a share of the citizens); 1 applies in this one.
    workers: int = 1


def default_workers(file: Path) -> int:
    """A big file is worth the start-up of worker processes; a small one is not."""
    try:
        big = file.stat().st_size >= BIG_FILE
    except OSError:
        return 1  # the import itself reports the missing file
    return min(os.cpu_count() or 1, DEFAULT_MAX_WORKERS) if big else 1
