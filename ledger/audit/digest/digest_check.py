"""Invariant 7 against a digest taken earlier: everything it covers is still there, unchanged.

The verify pass notes, for each stream, its last record at or before the digest's position
(``StreamAudit.covered``); the root over those must be the digest's root. When the heads file
written with the digest is at hand, and its own root is the digest's (so it can be trusted),
a mismatch is narrowed down to the citizens and events that changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple
from uuid import UUID

from ledger.audit.digest.digest import Digest, Head
from ledger.audit.digest.hashing import merkle_root
from ledger.audit.findings import LEDGER_WIDE, Finding, Invariant

TAMPER = Invariant.HISTORY_UNALTERED


class Covered(NamedTuple):
    """A stream as the verify pass left it: its citizen, and its head at the digest's
    position (version, hash, event name), None when it has no record at or before it."""

    citizen: str
    head: tuple[int, str, str] | None


@dataclass
class Coverage:
    """What the store holds at or before the digest's position, as the verify pass saw it."""

    digest: Digest
    position_now: int
    events: int
    streams: dict[UUID, Covered]

    def findings(self, heads: list[Head] | None, seal_problem: str | None) -> list[Finding]:
        """The store-wide comparisons; with a trusted heads file, the streams that changed."""
        digest, current = self.digest, self.heads()
        root = merkle_root(current)
        comparisons = [
            ("the store now ends before the digest's position: recorded events are gone",
             digest.position, self.position_now, self.position_now >= digest.position),
            ("the number of streams at the digest's position differs",
             digest.streams, len(current), len(current) == digest.streams),
            ("the number of events at the digest's position differs",
             digest.events, self.events, self.events == digest.events),
            ("the Merkle root over the stream heads at the digest's position differs: history "
             "the digest covers was changed", digest.merkle_root, root, root == digest.merkle_root),
        ]  # fmt: skip
        found = [_store(seal_problem, "an intact digest", "altered")] if seal_problem else []
        found += [_store(text, expected, now) for text, expected, now, held in comparisons
                  if not held]  # fmt: skip
        if root != digest.merkle_root and heads is not None:
            found += self.changed_streams(heads) + self.uncovered_streams(heads)
        return found

    def heads(self) -> list[Head]:
        return [
            (account_id, stream.head[0], stream.head[1])
            for account_id, stream in self.streams.items()
            if stream.head is not None
        ]

    def changed_streams(self, heads: Iterable[Head]) -> list[Finding]:
        """One finding per stream whose head at the digest's position is not the recorded one."""
        found: list[Finding] = []
        for account_id, version, head in sorted(heads, key=lambda h: h[0].hex):
            stream = self.streams.get(account_id)
            now = stream.head if stream is not None else None
            if stream is None or now is None:
                found.append(
                    Finding(
                        TAMPER,
                        account_id.hex,
                        "the stream the digest covered is gone",
                        f"event {version}",
                        "nothing",
                        account_id.hex,
                    )
                )
            elif now[:2] != (version, head):
                found.append(Finding(
                    TAMPER, stream.citizen, "the stream was rewritten after the digest: its "
                    "head at the digest's position is not the one recorded",
                    f"event {version} hashing to {head}", f"event {now[0]} hashing to {now[1]}",
                    account_id.hex, version, now[2] if now[0] == version else "",
                ))  # fmt: skip
        return found

    def uncovered_streams(self, heads: Iterable[Head]) -> list[Finding]:
        """Streams with records before the digest's position that the digest did not know."""
        known = {account_id for account_id, _, _ in heads}
        return [
            Finding(TAMPER, stream.citizen, "a stream the digest did not cover appears before "
                    "its position", "no stream", "a stream", account_id.hex)
            for account_id, stream in sorted(self.streams.items(), key=lambda s: s[0].hex)
            if account_id not in known and stream.head is not None
        ]  # fmt: skip


def _store(message: str, expected: object, found: object) -> Finding:
    return Finding(TAMPER, LEDGER_WIDE, message, str(expected), str(found))
