"""One place that turns settings (flags and environment) into the event store's configuration.

Only the database location may come from a flag. Secrets (the key of the INSZ hash, the
cipher key, the key that seals audit digests) come from the environment only, so they never
show in a process list or a shell history.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from ledger.security.roles import DEFAULT_ROLE, Role, RoleName, parse_role
from ledger.store.backend import Backend
from ledger.store.connection import DEFAULT_DATABASE, backend_of_database, describe, store_env_for

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
    def backend(self) -> Backend:
        return backend_of_database(self.database)

    def store_env(self, create_tables: bool = True) -> dict[str, str]:
        """The eventsourcing environment for this store."""
        env = store_env_for(self.database, create_tables)
        if self.cipher_key:
            env["CIPHER_TOPIC"] = "eventsourcing.cipher:AESCipher"
            env["CIPHER_KEY"] = self.cipher_key
        env.update(self.extra_env)
        return env

    def describe_database(self) -> str:
        """The database location with any password hidden, for messages."""
        return describe(self.database)


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


def warnings(settings: Settings) -> list[str]:
    """What the user should know about these settings before anything runs.

    The library only says it; the command line prints it (on stderr).
    """
    found: list[str] = []
    if settings.id_key_is_default:
        found.append(
            "WARNING: LLR_ID_KEY is not set; using the public development key. Stream ids "
            "are then NOT pseudonymous. Set LLR_ID_KEY to a secret before real data goes in."
        )
    if settings.role_is_default:
        found.append(
            f"WARNING: LLR_ROLE is not set; acting as {DEFAULT_ROLE}, which reads and writes "
            "citizens' accounts. Set LLR_ROLE to backoffice, auditor, admin or "
            "importer:<source>."
        )
    return found
