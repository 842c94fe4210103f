"""The hashes an auditor recomputes: an event's chain hash and the digest's Merkle root.

``event_digest`` gives exactly ``ledger.domain.chain.event_hash`` (a test holds them equal
for every event type) at about half the cost: one C encoder, made once, turns dates and
ids into text as it writes, instead of a converted copy of the event being encoded by an
encoder made per call. It is the verifier's own implementation of the algorithm written
down in docs/audit.md; it runs once for every event a verify reads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any
from uuid import UUID

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


# The exact types a decoded event holds, looked up by type: cheaper than isinstance checks
# in a callback the encoder makes about three times per event.
_TEXT_OF: dict[type, Callable[[Any], str]] = {
    datetime: datetime.isoformat,
    date: date.isoformat,
    UUID: lambda value: value.hex,
}


def _as_text(value: Any) -> str:
    text_of = _TEXT_OF.get(type(value))
    if text_of is not None:
        return text_of(value)
    if isinstance(value, (datetime, date)):  # a subclass: as chain.py writes it
        return value.isoformat()
    if isinstance(value, UUID):
        return value.hex
    raise TypeError(f"an event field of type {type(value).__name__} has no canonical form")


def _encoder() -> Callable[[Any], str]:
    """Sorted keys, no whitespace, non-ASCII kept: the canonical JSON of chain.py."""
    if c_make_encoder is None:  # pragma: no cover (CPython always has the C encoder)
        return json.JSONEncoder(
            ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_as_text
        ).encode
    # markers, default, encoder, indent, key and item separators, sort_keys, skipkeys,
    # allow_nan: what JSONEncoder.iterencode passes, without its per-call set-up. No
    # circular-reference markers: decoded JSON cannot refer to itself.
    chunks = c_make_encoder(None, _as_text, encode_basestring, None, ":", ",", True, False, True)
    return lambda body: "".join(chunks(body, 0))


_CANONICAL = _encoder()


def event_digest(event: Any) -> str:
    """SHA-256 (hex) over the event's class name and fields as sorted, compact, UTF-8 JSON."""
    body = {"event": type(event).__qualname__}
    body.update(event.__dict__)
    return hashlib.sha256(_CANONICAL(body).encode("utf-8")).hexdigest()


def leaf_hash(account_id: UUID, version: int, head_hash: str) -> bytes:
    """A stream's leaf: sha256(0x00 || "<account id hex>:<version>:<head hash>")."""
    text = f"{account_id.hex}:{version}:{head_hash}"
    return hashlib.sha256(LEAF_PREFIX + text.encode("ascii")).digest()


def merkle_root(heads: Iterable[tuple[UUID, int, str]]) -> str:
    """Root (hex) over (account id, version, head hash), leaves sorted by account id hex.

    A node is sha256(0x01 || left || right) over the children's raw 32 bytes; a level with
    an odd count promotes its last node unchanged; no leaves at all give sha256(b"").
    """
    level = [leaf_hash(*head) for head in sorted(heads, key=lambda head: head[0].hex)]
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        paired = [
            hashlib.sha256(NODE_PREFIX + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()
