"""From a database location (``--db``, ``LLR_DATABASE``) to the event store's environment.

A location is a SQLite path or ``sqlite:///`` URL, a ``postgresql://`` URL, or ``memory``.
Which backend it names, the eventsourcing environment that opens it, and how it is shown
in messages (never with its password) are answered here and nowhere else.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from ledger.domain.errors import InvalidInputError
from ledger.store.backend import Backend

DEFAULT_DATABASE = "llr.sqlite3"
_MEMORY_NAMES = ("memory", "popo")
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def backend_of_database(database: str) -> Backend:
    """The backend a database location names."""
    if database in _MEMORY_NAMES:
        return Backend.MEMORY
    if database.startswith(_POSTGRES_SCHEMES):
        return Backend.POSTGRES
    return Backend.SQLITE


def sqlite_path(database: str) -> str:
    if database.startswith("sqlite:///"):
        return database[len("sqlite:///") :] or DEFAULT_DATABASE
    if database.startswith("sqlite://"):
        raise InvalidInputError(
            f"database {database!r}: write sqlite:///relative/path or sqlite:////absolute/path"
        )
    return database


def store_env_for(database: str, create_tables: bool = True) -> dict[str, str]:
    """The eventsourcing environment that opens the store at ``database``.

    ``create_tables`` matters on PostgreSQL only: its tables are made by ``llr init``, as
    many processes creating them at once can fail.
    """
    backend = backend_of_database(database)
    if backend is Backend.MEMORY:
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if backend is Backend.SQLITE:
        path = sqlite_path(database)
        if path != ":memory:" and not Path(path).parent.exists():
            raise InvalidInputError(f"database {database!r}: folder {Path(path).parent} not found")
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    return {**postgres_env(database), "CREATE_TABLE": "y" if create_tables else "n"}


def postgres_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise InvalidInputError(f"database URL {url!r}: name the database, e.g. .../llr")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        # Never wait forever behind another writer's table lock; the library retries.
        "POSTGRES_LOCK_TIMEOUT": "5",
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "4",
    }


def describe(database: str) -> str:
    """The database location with any password hidden, for messages."""
    if backend_of_database(database) is not Backend.POSTGRES:
        return database
    parts = urlsplit(database)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"postgresql://{parts.username or ''}@{host}{port}{parts.path}"


def store_file_missing(database: str) -> bool:
    """A SQLite store whose file does not exist: sqlite3 would silently create it empty."""
    if backend_of_database(database) is not Backend.SQLITE:
        return False
    path = sqlite_path(database)
    return path != ":memory:" and not Path(path).exists()
