"""The API tokens of ``llr serve`` as stored: who holds each, in which role, until when.

Two append-only tables (migration ``0006_api_tokens``): ``api_tokens`` (one row per token
issued, with the hash of its secret, never the secret) and ``api_token_revocations`` (one
row per revocation). They go through the event store's own connection pool, as the access
log does (``security_tables.py``), so they need no settings of their own. What a token
means (its format, its lifetime, when it is refused) is ``ledger/security/tokens.py``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ledger.store.security_tables import SqlTables, as_time, tables_for
from ledger.store.token_schema import TOKEN_TABLES

_SELECT = (
    "SELECT t.token_id, t.secret_hash, t.actor, t.role, t.issued_at, t.expires_at, "
    "t.issued_by, r.revoked_at, r.revoked_by, r.reason FROM api_tokens t "
    "LEFT JOIN api_token_revocations r ON r.token_id = t.token_id"
)


@dataclass(frozen=True)
class TokenRecord:
    """One issued token and, once revoked, its revocation. Times are aware (UTC)."""

    token_id: str
    secret_hash: str
    actor: str
    role: str
    issued_at: datetime
    expires_at: datetime | None
    issued_by: str
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None


class TokenTables(ABC):
    @abstractmethod
    def ready(self) -> bool:
        """Whether the tables exist (the store has the migration ``0006_api_tokens``)."""

    @abstractmethod
    def add(self, token: TokenRecord) -> None:
        """Record a newly issued token (its revocation fields are ignored)."""

    @abstractmethod
    def revoke(self, token_id: str, at: datetime, by: str, reason: str | None) -> None:
        """Record a revocation; a token revoked before keeps its first revocation."""

    @abstractmethod
    def find(self, token_id: str) -> TokenRecord | None: ...

    @abstractmethod
    def all(self) -> list[TokenRecord]:
        """Every token ever issued, in the order they were issued."""


class MemoryTokenTables(TokenTables):
    """For the in-memory store and for tests without a database."""

    def __init__(self) -> None:
        self.tokens: dict[str, TokenRecord] = {}

    def ready(self) -> bool:
        return True

    def add(self, token: TokenRecord) -> None:
        if token.token_id in self.tokens:
            raise ValueError(f"token id {token.token_id} is taken")
        self.tokens[token.token_id] = replace(
            token, revoked_at=None, revoked_by=None, revoke_reason=None
        )

    def revoke(self, token_id: str, at: datetime, by: str, reason: str | None) -> None:
        token = self.tokens[token_id]
        if token.revoked_at is None:
            self.tokens[token_id] = replace(token, revoked_at=at, revoked_by=by,
                                            revoke_reason=reason)  # fmt: skip

    def find(self, token_id: str) -> TokenRecord | None:
        return self.tokens.get(token_id)

    def all(self) -> list[TokenRecord]:
        return sorted(self.tokens.values(), key=lambda t: (t.issued_at, t.token_id))


class SqlTokenTables(TokenTables):
    """SQLite and PostgreSQL alike: the dialect is the security tables' (placeholders, how
    a time is stored)."""

    def __init__(self, tables: SqlTables) -> None:
        self.tables = tables

    def ready(self) -> bool:
        return all(self.tables.exists(table) for table in TOKEN_TABLES)

    def add(self, token: TokenRecord) -> None:
        self.tables.run(
            "INSERT INTO api_tokens (token_id, secret_hash, actor, role, issued_at, "
            "expires_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (token.token_id, token.secret_hash, token.actor, token.role,
             self.time(token.issued_at), self.time(token.expires_at), token.issued_by),
        )  # fmt: skip

    def revoke(self, token_id: str, at: datetime, by: str, reason: str | None) -> None:
        self.tables.run(
            "INSERT INTO api_token_revocations (token_id, revoked_at, revoked_by, reason) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (token_id, self.time(at), by, reason),
        )

    def find(self, token_id: str) -> TokenRecord | None:
        rows = self.tables.query(f"{_SELECT} WHERE t.token_id = ?", (token_id,))
        return record_of(rows[0]) if rows else None

    def all(self) -> list[TokenRecord]:
        return [record_of(row) for row in self.tables.query(f"{_SELECT} ORDER BY t.issued_at")]

    def time(self, at: datetime | None) -> Any:
        return None if at is None else self.tables.time_param(at)


def record_of(row: tuple[Any, ...]) -> TokenRecord:
    token_id, secret_hash, actor, role, issued, expires, issued_by, revoked, by, reason = row
    return TokenRecord(
        str(token_id), str(secret_hash), str(actor), str(role), as_time(issued),
        None if expires is None else as_time(expires), str(issued_by),
        None if revoked is None else as_time(revoked), by, reason,
    )  # fmt: skip


def token_tables_for(recorder: Any) -> TokenTables:
    """The token tables beside this event store's recorder (in memory for the in-memory
    store, where they live as long as the caller keeps them)."""
    tables = tables_for(recorder)
    return SqlTokenTables(tables) if isinstance(tables, SqlTables) else MemoryTokenTables()
