"""Which store a ledger runs on, whether other processes can open it, and how they do.

Every question of the form "SQLite, PostgreSQL or memory?" is answered here, from the
eventsourcing environment the store was opened with (``Ledger.store_env``), so that the
audit, the import and the projection rebuild agree on when work can go to other processes.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Backend(StrEnum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"
    MEMORY = "popo"

    @property
    def is_server(self) -> bool:
        """A database server, which may be down or lack the database (not a file or memory)."""
        return self is Backend.POSTGRES


_MODULES = {
    "eventsourcing.sqlite": Backend.SQLITE,
    "eventsourcing.postgres": Backend.POSTGRES,
    "eventsourcing.popo": Backend.MEMORY,
}
_MEMORY_SQLITE = (":memory:", "file::memory:")


def backend_of(env: Mapping[str, str]) -> Backend:
    """The backend an eventsourcing environment selects (memory when it names none)."""
    module = str(env.get("PERSISTENCE_MODULE") or "eventsourcing.popo")
    try:
        return _MODULES[module]
    except KeyError:
        raise ValueError(f"PERSISTENCE_MODULE {module!r}: not a store llr knows") from None


def can_share(env: Mapping[str, str]) -> bool:
    """Whether another process can open the same store: a server, or a SQLite file."""
    backend = backend_of(env)
    if backend is Backend.POSTGRES:
        return True
    if backend is Backend.MEMORY:
        return False
    name = str(env.get("SQLITE_DBNAME") or "")
    return bool(name) and not name.startswith(_MEMORY_SQLITE) and "mode=memory" not in name


def has_read_models(env: Mapping[str, str]) -> bool:
    """Read models live in the database: a store in memory has none."""
    return backend_of(env) is not Backend.MEMORY


def worker_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment a worker process opens the store with.

    The tables exist already (the parent opened the store): making them again from several
    processes at once can fail, so workers never try.
    """
    return {**env, "CREATE_TABLE": "n", "LEDGER_CREATE_TABLE": "n"}
