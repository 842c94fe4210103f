"""The digest's Merkle root over the streams' heads, as docs/audit.md writes it down.

A stream's head is the chain hash of its last event (``ledger.domain.chain.event_hash``,
the one function the domain writes and the audit recomputes); the root commits to every
stream's head at one position of the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from uuid import UUID

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


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
