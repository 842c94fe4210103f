"""One place that turns settings (flags and environment) into the event store's configuration.

Only the database location may come from a flag. Secrets (the key of the INSZ hash, the
cipher key, the key that seals audit digests) come from the environment only, so they never
show in a process list or a shell history.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ledger.domain.errors import InvalidInputError
from ledger.security.roles import DEFAULT_ROLE, Role, RoleName, parse_role

DEFAULT_DATABASE = "llr.sqlite3"
# A development key, public by nature: stream ids made with it are only pseudonyms against
# people who do not have this source code. Production sets LLR_ID_KEY.
DEVELOPMENT_ID_KEY = b"llr-development-key-do-not-use-in-production"


@dataclass(frozen=True, repr=False)
class Settings:
    database: str
    id_key: bytes
    id_key_is_default: bool
    actor: str
    cipher_key: str | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)
    role: Role = DEFAULT_ROLE
    role_is_default: bool = True
    # The HMAC key of audit digests (LLR_DIGEST_KEY); without one a digest seals itself
    # with a plain SHA-256, which shows accidents but not a forger who recomputes it.
    digest_key: bytes | None = None

    def __repr__(self) -> str:
        # Settings end up in logs and tracebacks: no key, no database password in them.
        return (
            f"Settings(database={self.describe_database()!r}, actor={self.actor!r}, "
            f"role={str(self.role)!r}, id_key={'default' if self.id_key_is_default else 'set'}, "
            f"cipher_key={'set' if self.cipher_key else 'none'}, "
            f"digest_key={'set' if self.digest_key else 'none'})"
        )

    @property
    def backend(self) -> str:
        return backend_of(self.database)

    def store_env(self, create_tables: bool = True) -> dict[str, str]:
        """The eventsourcing environment for this store."""
        env = store_env_for(self.database)
        if self.backend == "postgres":
            # Tables are made by `llr init`: many processes creating them at once can fail.
            env["CREATE_TABLE"] = "y" if create_tables else "n"
        if self.cipher_key:
            env["CIPHER_TOPIC"] = "eventsourcing.cipher:AESCipher"
            env["CIPHER_KEY"] = self.cipher_key
        env.update(self.extra_env)
        return env

    def describe_database(self) -> str:
        """The database location with any password hidden, for messages."""
        if self.backend != "postgres":
            return self.database
        parts = urlsplit(self.database)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        return f"postgresql://{parts.username or ''}@{host}{port}{parts.path}"


def backend_of(database: str) -> str:
    if database in ("memory", "popo"):
        return "popo"
    if database.startswith(("postgresql://", "postgres://")):
        return "postgres"
    return "sqlite"


def sqlite_path(database: str) -> str:
    if database.startswith("sqlite:///"):
        return database[len("sqlite:///") :] or DEFAULT_DATABASE
    if database.startswith("sqlite://"):
        raise InvalidInputError(
            f"database {database!r}: write sqlite:///relative/path or sqlite:////absolute/path"
        )
    return database


def store_env_for(database: str) -> dict[str, str]:
    backend = backend_of(database)
    if backend == "popo":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if backend == "sqlite":
        path = sqlite_path(database)
        if path != ":memory:" and not Path(path).parent.exists():
            raise InvalidInputError(f"database {database!r}: folder {Path(path).parent} not found")
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    return postgres_env(database)


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


def load_settings(
    database: str | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from a ``--db`` value (if given) and the environment."""
    environ = os.environ if environ is None else environ
    database = database or environ.get("LLR_DATABASE") or DEFAULT_DATABASE
    raw_key = environ.get("LLR_ID_KEY")
    raw_role = (environ.get("LLR_ROLE") or "").strip()
    return Settings(
        database=database,
        id_key=raw_key.encode() if raw_key else DEVELOPMENT_ID_KEY,
        id_key_is_default=not raw_key,
        actor=environ.get("LLR_ACTOR") or f"cli:{environ.get('USER', 'unknown')}",
        cipher_key=environ.get("LLR_CIPHER_KEY") or None,
        role=role_from(raw_role) if raw_role else DEFAULT_ROLE,
        role_is_default=not raw_role,
        digest_key=(environ.get("LLR_DIGEST_KEY") or "").encode("utf-8") or None,
    )


def role_from(text: str) -> Role:
    """LLR_ROLE parsed; only an importer's source needs the catalogue (its sector funds)."""
    if not text.lower().startswith(RoleName.IMPORTER):
        return parse_role(text, ())
    from ledger.catalogue import default_catalogue

    return parse_role(text, default_catalogue().sector_funds)


def warn_if_development_key(settings: Settings) -> None:
    if settings.id_key_is_default:
        print(
            "WARNING: LLR_ID_KEY is not set; using the public development key. Stream ids "
            "are then NOT pseudonymous. Set LLR_ID_KEY to a secret before real data goes in.",
            file=sys.stderr,
        )


def warn_if_default_role(settings: Settings) -> None:
    if settings.role_is_default:
        print(
            f"WARNING: LLR_ROLE is not set; acting as {DEFAULT_ROLE}, which reads and writes "
            "citizens' accounts. Set LLR_ROLE to backoffice, auditor, admin or "
            "importer:<source>.",
            file=sys.stderr,
        )
