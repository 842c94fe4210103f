"""Digests: a small, sealed statement of the whole ledger at a position, kept outside it.

A digest names the store position (highest notification id), how many streams and events
lie at or before it, and a Merkle root over every stream's head at that position. Later,
``verify`` recomputes the root from the store restricted to the same position: history
that only grew gives the same root; any covered event changed, removed or reordered does
not. The exact format and algorithm are in docs/audit.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from ledger.application import Ledger
from ledger.audit.digest.hashing import merkle_root
from ledger.audit.records import Undecodable, decode, log_position, notifications
from ledger.domain.chain import event_hash
from ledger.domain.errors import LedgerError
from ledger.security.roles import Action

FORMAT = "llr-audit-digest"
ALGORITHM = "llr-merkle-sha256/1"
KEY_VARIABLE = "LLR_DIGEST_KEY"  # read into Settings.digest_key (ledger/config.py)

Head = tuple[UUID, int, str]  # account id, version, hash of that event


class DigestError(LedgerError):
    """A digest cannot be taken, read or checked as asked."""


@dataclass(frozen=True)
class Digest:
    position: int
    streams: int
    events: int
    merkle_root: str
    created_at: str
    algorithm: str = ALGORITHM
    format: str = FORMAT
    seal_method: str = ""  # "sha256" (a self-hash) or "hmac-sha256" (keyed)
    seal: str = ""

    def body(self) -> dict[str, Any]:
        """Every field but the seal: what the seal is computed over."""
        fields = asdict(self)
        del fields["seal_method"], fields["seal"]
        return fields

    def as_dict(self) -> dict[str, Any]:
        return {**self.body(), "seal": {"method": self.seal_method, "value": self.seal}}


def seal_of(body: Mapping[str, Any], key: bytes | None) -> tuple[str, str]:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if key is None:
        return "sha256", hashlib.sha256(text.encode("utf-8")).hexdigest()
    return "hmac-sha256", hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def take_digest(ledger: Ledger, key: bytes | None = None) -> tuple[Digest, list[Head]]:
    """The digest at the store's current position, and the stream heads behind its root."""
    ledger.require(Action.AUDIT)
    position = log_position(ledger)
    last: dict[UUID, Any] = {}
    events = 0
    for record in notifications(ledger, position):
        last[record.originator_id] = record  # the later record of a stream wins
        events += 1
    heads = [(aid, rec.originator_version, head_of(ledger, rec)) for aid, rec in last.items()]
    body = Digest(
        position,
        len(heads),
        events,
        merkle_root(heads),
        datetime.now(UTC).isoformat(timespec="seconds"),
    )
    method, seal = seal_of(body.body(), key)
    return Digest(**{**body.body(), "seal_method": method, "seal": seal}), heads


def head_of(ledger: Ledger, record: Any) -> str:
    try:
        return event_hash(decode(ledger.mapper, record))
    except (Undecodable, TypeError) as error:
        raise DigestError(
            f"cannot take a digest: event {record.originator_version} of account "
            f"{record.originator_id} does not decode ({error}); run 'llr audit verify'"
        ) from None


def read_digest(text: str, where: str) -> Digest:
    """Parse a digest file's text; ``where`` names the file in messages."""
    try:
        data = json.loads(text)
        seal = data.pop("seal")
        digest = Digest(**data, seal_method=seal["method"], seal=seal["value"])
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise DigestError(
            f"digest {where}: not an llr digest ({type(error).__name__}: {error})"
        ) from None
    if digest.format != FORMAT or digest.algorithm != ALGORITHM:
        raise DigestError(
            f"digest {where}: format {digest.format!r}, algorithm "
            f"{digest.algorithm!r}; this llr reads {FORMAT!r}, {ALGORITHM!r}"
        )
    return digest


def seal_problem(digest: Digest, key: bytes | None, where: str) -> str | None:
    """Why the digest's seal does not hold, or None when it does."""
    if digest.seal_method == "hmac-sha256" and key is None:
        raise DigestError(
            f"digest {where} is sealed with an HMAC: set {KEY_VARIABLE} to the "
            "key it was taken with to check it"
        )
    method, seal = seal_of(digest.body(), key if digest.seal_method != "sha256" else None)
    if method != digest.seal_method or not hmac.compare_digest(seal, digest.seal):
        return (
            f"the digest file {where} does not match its own seal ({digest.seal_method}): "
            "the digest was altered, or the key differs"
        )
    return None


def save_digest(digest: Digest, path: Path, heads: list[Head] | None = None) -> None:
    """Write the digest file and, when ``heads`` are given, the heads file beside it."""
    path.write_text(json.dumps(digest.as_dict(), indent=2) + "\n", encoding="utf-8")
    if heads is not None:
        heads_path(path).write_text(write_heads(heads), encoding="utf-8")


def write_heads(heads: list[Head]) -> str:
    """The optional heads file: one ``account id hex,version,head hash`` line per stream."""
    lines = [f"{a.hex},{v},{h}" for a, v, h in sorted(heads, key=lambda head: head[0].hex)]
    return "account_id,version,head_hash\n" + "".join(line + "\n" for line in lines)


def read_heads(text: str, where: str) -> list[Head]:
    try:
        rows = [line.split(",") for line in text.splitlines()[1:] if line.strip()]
        return [(UUID(a), int(v), h) for a, v, h in rows]
    except ValueError as error:
        raise DigestError(f"heads file {where}: {error}") from None


@dataclass(frozen=True)
class DigestToCheck:
    """A digest read from its file, with what reading it found."""

    digest: Digest
    seal_problem: str | None = None  # the file does not match its own seal
    heads: list[Head] | None = None  # from the heads file, when it matches the root
    note: str = ""  # what became of the heads file


def heads_path(path: Path) -> Path:
    return path.with_name(path.name + ".heads.csv")


def load_digest(path: Path, key: bytes | None) -> DigestToCheck:
    """Read a digest file and, next to it, its heads file if one was written."""
    try:
        digest = read_digest(path.read_text(encoding="utf-8"), str(path))
    except OSError as error:
        raise DigestError(f"digest {path}: cannot be read ({error.strerror})") from None
    problem = seal_problem(digest, key, str(path))
    beside = heads_path(path)
    if not beside.exists():
        return DigestToCheck(digest, problem, None, f"no heads file {beside.name}")
    heads = read_heads(beside.read_text(encoding="utf-8"), str(beside))
    if merkle_root(heads) != digest.merkle_root:
        return DigestToCheck(
            digest,
            problem,
            None,
            f"heads file {beside.name} does not match the digest's root: unused",
        )
    return DigestToCheck(digest, problem, heads, f"heads file {beside.name} used")
