"""The read-model database as the projections see it: a few bulk operations, no dialect.

Read models live in the same database as the events, so a projection commits its rows and
its position in one transaction. Each backend (``sqlite.py``, ``postgres.py`` beside this
module; ``opening.py`` picks one) turns these operations into its own SQL: upserts, bulk
loads (``executemany`` / ``COPY``), locking of positions, and the copy-and-swap of tables
that a rebuild needs.

Values cross this boundary as text and integers: ids and dates are ``str`` going in (ISO
dates), and reads give back whatever the driver returns, which callers pass through
``str()`` where a text is meant (PostgreSQL returns ``UUID`` and ``date`` objects).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ledger.domain.errors import LedgerError

Row = Sequence[Any]
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def sql_name(name: str) -> str:
    """A table or column name, checked to be plain: names come from our code only, so
    anything else is refused outright rather than quoted."""
    if not _PLAIN_NAME.fullmatch(name):
        raise ValueError(f"not a plain SQL name: {name!r}")
    return name


class ProjectionError(LedgerError):
    """A projection cannot run or be read as asked."""


class ReadModelsMissingError(ProjectionError):
    """The read-model tables are not there (or not up to date): run ``llr init``."""


class Store(ABC):
    """One connection to the read-model database, used by one thread."""

    backend: str = ""

    # ------------------------------------------------------------ transactions
    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction; on SQLite it holds the database's write lock."""

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[None]:
        """A read transaction: every query inside sees the same committed state."""

    # ----------------------------------------------------------------- reading
    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a portable SELECT written with ``?`` placeholders."""

    @abstractmethod
    def select_accounts(
        self, table: str, columns: Sequence[str], account_ids: Iterable[str]
    ) -> list[tuple[Any, ...]]:
        """The rows of ``table`` that belong to these accounts (first column: account_id)."""

    # ----------------------------------------------------------------- writing
    @abstractmethod
    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        """Add new rows."""

    @abstractmethod
    def upsert(
        self,
        table: str,
        columns: Sequence[str],
        keys: Sequence[str],
        rows: Sequence[Row],
        *,
        add: Sequence[str] = (),
        keep: Sequence[str] = (),
    ) -> None:
        """Insert rows; where the key exists, add the ``add`` columns to the stored values,
        leave the ``keep`` columns as stored, and overwrite the others. Keys are unique
        within ``rows``."""

    @abstractmethod
    def update_lots(self, table: str, changes: Sequence[Row]) -> int:
        """Change lots in place; each change is (account_id, lot, emptied, units, state):
        remaining becomes (0 if emptied else remaining) + units, and state becomes
        ``state`` unless that is None. Returns how many lots were found."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """One portable statement written with ``?`` placeholders."""

    @abstractmethod
    def execute_script(self, script: str) -> None:
        """Inside a transaction: every statement of an SQL file, in order."""

    @abstractmethod
    def lock_migrations(self) -> None:
        """Inside a transaction: wait until no other process is migrating."""

    # --------------------------------------------------------------- positions
    @abstractmethod
    def lock_positions(self, names: Sequence[str]) -> dict[str, int]:
        """Inside a transaction: the positions of these projections, locked against other
        runners until commit (a projection never seen before is at 0)."""

    def read_positions(self) -> dict[str, int]:
        rows = self.query("SELECT name, position FROM projection_positions ORDER BY name")
        return {str(name): int(position) for name, position in rows}

    @abstractmethod
    def set_positions(self, positions: Mapping[str, int]) -> None:
        """Inside a transaction: record where these projections have got to."""

    def forget_positions(self, names: Sequence[str]) -> None:
        for name in names:
            self.execute("DELETE FROM projection_positions WHERE name = ?", (name,))

    # ---------------------------------------------------------- copy and swap
    @abstractmethod
    def table_names(self) -> set[str]:
        """The tables in the database (to check that the migrations ran)."""

    @abstractmethod
    def create_copy(self, table: str, suffix: str) -> None:
        """Make an empty ``table + suffix`` with the live table's columns and unique keys,
        dropping any leftover of an earlier attempt. Other indexes come later."""

    @abstractmethod
    def index_copy(self, table: str, suffix: str) -> None:
        """Before the swap, outside its transaction: index the filled copy, if the backend
        can rename indexes (else the swap indexes it)."""

    def lock_tables(self, tables: Sequence[str]) -> None:  # noqa: B027 (a no-op by default)
        """Inside a transaction, before swapping: hold these tables against readers.

        SQLite needs nothing (the write lock is held; WAL readers keep their snapshot)."""

    @abstractmethod
    def swap_in(self, table: str, suffix: str) -> None:
        """Inside a transaction: replace the live table by its copy, under the live names."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
