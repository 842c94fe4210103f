"""SQL scripts run statement by statement on SQLite.

sqlite3 executes one statement at a time, and ``executescript`` would commit the open
transaction first; a migration and its record must commit together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator


def statements(script: str) -> Iterator[str]:
    """The statements of a script, in order; refuses a script that ends inside one."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    leftover = [x for x in pending.splitlines() if x.strip() and not x.strip().startswith("--")]
    if leftover:
        raise ValueError(f"SQL script ends inside a statement: {leftover[0]!r}")
