"""API tokens for ``llr serve``: issued by an admin to one actor in one role, for a time.

A token reads ``llr_<id>_<secret>``: the id (16 hex digits) names its row, the secret is 32
random bytes from ``secrets`` (43 characters of base64url). The store keeps the SHA-256 of
the secret, never the secret, which is shown once when the token is issued. A plain, fast
hash is enough here: slow password hashes (bcrypt, argon2) exist to make guessing a
person's low-entropy password expensive, and nobody can try 2**256 secrets; what the hash
buys is that a copy of the table holds no working token. The presented secret is compared
with ``hmac.compare_digest``, and a secret is checked before anything else is said about
its token, so a caller without the secret learns nothing (not even "expired").

Issuing and revoking are rows of append-only tables (``ledger/store/token_tables.py``): a
revoked token stays listed, with who revoked it, when and why.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ledger.domain.errors import InvalidInputError
from ledger.domain.identifiers import shown
from ledger.security.inputs import MAX_REASON, checked_optional, checked_text
from ledger.security.roles import Action, Role, parse_role
from ledger.store.token_schema import TOKEN_MIGRATION
from ledger.store.token_tables import TokenRecord, TokenTables, token_tables_for

if TYPE_CHECKING:
    from ledger.application import Ledger

PREFIX = "llr_"
TOKEN_ID = re.compile(r"[0-9a-f]{16}")
TOKEN = re.compile(r"llr_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
SECRET_BYTES = 32
DEFAULT_LIFETIME = "90d"
LIFETIME = re.compile(r"([0-9]{1,5})([dh])")
MAX_LIFETIME = timedelta(days=3650)  # "never" is the way to say longer
LIFETIME_FORMS = "a number of days or hours (90d, 12h), or never"
MAX_ACTOR = 200
# Actors a token may not be issued to: they name who the service itself is, or callers an
# identity provider proved (api/oidc.py), and a token must not pass for either.
RESERVED_ACTOR_PREFIXES = ("oidc:", "service:")

Clock = Callable[[], datetime]


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PresentedToken:
    """A bearer credential in the token format, split: nothing is checked yet."""

    token_id: str
    secret: str


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def new_token_id() -> str:
    return secrets.token_hex(8)


def token_text(token_id: str, secret: str) -> str:
    return f"{PREFIX}{token_id}_{secret}"


def parse_token(text: str) -> PresentedToken | None:
    """The token's id and secret, or None when ``text`` is not in the token format."""
    match = TOKEN.fullmatch(text)
    return None if match is None else PresentedToken(match.group(1), match.group(2))


def hash_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Constant time, so the time taken tells nothing about how much of it matched."""
    return hmac.compare_digest(hash_of(secret).encode(), stored_hash.encode())


def parse_lifetime(text: str, name: str = "--expires") -> timedelta | None:
    """``90d``, ``12h``, or ``never`` (None): how long a token is valid once issued."""
    cleaned = text.strip().lower()
    if cleaned == "never":
        return None
    match = LIFETIME.fullmatch(cleaned)
    if match is None:
        raise InvalidInputError(f"{name} {shown(text)}: must be {LIFETIME_FORMS}")
    count, unit = int(match.group(1)), match.group(2)
    lifetime = timedelta(days=count) if unit == "d" else timedelta(hours=count)
    if count == 0 or lifetime > MAX_LIFETIME:
        raise InvalidInputError(f"{name} {shown(text)}: must be above 0 and at most 3650 days")
    return lifetime


def checked_actor(actor: str) -> str:
    """The actor a token proves: who events and the access log will name."""
    cleaned = checked_text(actor.strip(), "--actor", MAX_ACTOR)
    if not cleaned:
        raise InvalidInputError("--actor: must name who holds the token, e.g. staff:anna")
    if cleaned.lower().startswith(RESERVED_ACTOR_PREFIXES):
        raise InvalidInputError(
            f"--actor {shown(actor)}: actors starting with "
            f"{' or '.join(RESERVED_ACTOR_PREFIXES)} are reserved for the service and for "
            "callers proved by the identity provider"
        )
    return cleaned


def state_of(token: TokenRecord, now: datetime) -> str:
    """``active``, ``expired`` or ``revoked``."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and now >= token.expires_at:
        return "expired"
    return "active"


def refusal(token: TokenRecord, now: datetime) -> str | None:
    """Why a token whose secret matched proves nobody now; None when it is good."""
    if token.revoked_at is not None:
        return f"API token {token.token_id} was revoked on {moment(token.revoked_at)}"
    if token.expires_at is not None and now >= token.expires_at:
        return (
            f"API token {token.token_id} expired on {moment(token.expires_at)}: "
            "ask an admin for a new one (llr token issue)"
        )
    return None


def moment(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def as_json(token: TokenRecord, now: datetime) -> dict[str, Any]:
    """A token as ``llr token list --json`` shows it: never its secret or its hash."""

    def iso(at: datetime | None) -> str | None:
        return None if at is None else at.astimezone(UTC).isoformat()

    return {
        "id": token.token_id, "actor": token.actor, "role": token.role,
        "issued_at": iso(token.issued_at), "issued_by": token.issued_by,
        "expires_at": iso(token.expires_at), "state": state_of(token, now),
        "revoked_at": iso(token.revoked_at), "revoked_by": token.revoked_by,
        "revoke_reason": token.revoke_reason,
    }  # fmt: skip


@dataclass(frozen=True)
class IssuedToken:
    """What ``issue`` gives back: the record, and the token itself, shown this once."""

    record: TokenRecord
    text: str


class TokenBook:
    """Issue, list and revoke the API tokens of one store."""

    def __init__(
        self, tables: TokenTables, sector_funds: Collection[str], clock: Clock = now_utc
    ) -> None:
        if not tables.ready():
            raise InvalidInputError(
                f"this store has no API token tables yet (migration {TOKEN_MIGRATION}): "
                "run 'llr db upgrade' as admin"
            )
        self.tables, self.sector_funds, self.clock = tables, sector_funds, clock

    def issue(self, actor: str, role: str, lifetime: str, issued_by: str) -> IssuedToken:
        holder = checked_actor(actor)
        parsed: Role = parse_role(role, self.sector_funds, name="--role")
        valid_for = parse_lifetime(lifetime)
        now = self.clock()
        token_id, secret = new_token_id(), new_secret()
        record = TokenRecord(
            token_id, hash_of(secret), holder, str(parsed), now,
            None if valid_for is None else now + valid_for, issued_by,
        )  # fmt: skip
        self.tables.add(record)
        return IssuedToken(record, token_text(token_id, secret))

    def tokens(self) -> list[TokenRecord]:
        return self.tables.all()

    def revoke(self, token_id: str, revoked_by: str, reason: str | None) -> TokenRecord:
        """Revoke a token; refused when it is unknown or revoked already."""
        wanted = token_id.strip().lower()
        if not TOKEN_ID.fullmatch(wanted):
            raise InvalidInputError(
                f"ID {shown(token_id)}: must be a token id of 16 hex digits (llr token list)"
            )
        token = self.tables.find(wanted)
        if token is None:
            raise InvalidInputError(f"ID {wanted}: no API token has this id (llr token list)")
        if token.revoked_at is not None:
            raise InvalidInputError(
                f"ID {wanted}: this token was revoked already, on {moment(token.revoked_at)} "
                f"by {token.revoked_by}"
            )
        self.tables.revoke(wanted, self.clock(), revoked_by,
                           checked_optional(reason, "--reason", MAX_REASON))  # fmt: skip
        revoked = self.tables.find(wanted)
        assert revoked is not None
        return revoked


def token_book(ledger: Ledger) -> TokenBook:
    """The token book of the Ledger's store, for an acting role that may manage tokens."""
    ledger.require(Action.MANAGE_TOKENS)
    return TokenBook(token_tables_for(ledger.recorder), ledger.catalogue.sector_funds)
