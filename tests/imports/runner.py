"""Run one import in a process of its own, as the kill-and-resume and concurrency tests need.

    python -m tests.imports.runner DATABASE FILE SOURCE [--chunk N] [--kill-after N] [--workers N]

Prints the summary as JSON. With ``--kill-after N`` the process sends itself SIGKILL once N
chunks have committed: a crash at a known point, with no chance to clean up.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from pathlib import Path

from ledger.application import Ledger
from ledger.config import load_settings
from ledger.imports import ImportSettings, ImportSummary, import_file
from tests.stores import TEST_ID_KEY


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("file", type=Path)
    parser.add_argument("source")
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--kill-after", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    settings = load_settings(args.database, {"LLR_ID_KEY": TEST_ID_KEY, "LLR_ACTOR": "runner"})
    # The test made the tables; processes creating them at once can fail on PostgreSQL.
    ledger = Ledger(
        settings.store_env(create_tables=False), id_key=settings.id_key, actor=settings.actor
    )
    committed = 0

    def after_chunk(_: ImportSummary) -> None:
        nonlocal committed
        committed += 1
        if committed == args.kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    summary = import_file(
        ledger,
        args.file,
        args.source,
        rejects=None,
        after_chunk=after_chunk,
        settings=ImportSettings(chunk_lines=args.chunk, workers=args.workers),
    )
    print(json.dumps(summary.as_json()))


if __name__ == "__main__":
    main()
