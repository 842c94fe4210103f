"""Which citizen each reference of the file belongs to, to refuse one used for two citizens.

The aggregate catches a reference reused on the same account; only the file as a whole can
see one reference given to two citizens. A file of millions of lines would make a dict of
every reference weigh hundreds of megabytes, so the index lives in a private temporary
SQLite file (SQLite deletes it on close) holding 64-bit hashes: at a million references the
chance of any two colliding is about 3 in 100 million.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from ledger.imports.rows import Problem

_QUERY_BATCH = 900  # host parameters per SELECT, well below SQLite's limit


@dataclass(frozen=True)
class Claim:
    line: int
    reference: str
    citizen: UUID


def _key(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


def _citizen_key(citizen: UUID) -> int:
    return int.from_bytes(citizen.bytes[:8], "big", signed=True)


class ReferenceIndex:
    def __init__(self) -> None:
        # "" opens a private on-disk temporary database; its page cache stays small.
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.execute(
            "CREATE TABLE refs (ref INTEGER PRIMARY KEY, citizen INTEGER, line INTEGER)"
        )

    def claim(self, claims: Sequence[Claim]) -> dict[int, Problem]:
        """Record the chunk's references in file order; the lines that reuse one, refused."""
        keys = [_key(c.reference) for c in claims]
        earlier = self._known(set(keys))
        refused: dict[int, Problem] = {}
        new: list[tuple[int, int, int]] = []
        for key, claim in zip(keys, claims, strict=True):
            citizen = _citizen_key(claim.citizen)
            first = earlier.get(key)
            if first is None:
                earlier[key] = (citizen, claim.line)
                new.append((key, citizen, claim.line))
            elif first[0] != citizen:
                refused[claim.line] = Problem(
                    "reference",
                    f"{claim.reference!r} is already used on line {first[1]} of this file "
                    "for another citizen; a reference names one entry of one citizen",
                )
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO refs VALUES (?, ?, ?)", new)
        self.db.execute("COMMIT")
        return refused

    def _known(self, keys: set[int]) -> dict[int, tuple[int, int]]:
        found: dict[int, tuple[int, int]] = {}
        listed = list(keys)
        for start in range(0, len(listed), _QUERY_BATCH):
            part = listed[start : start + _QUERY_BATCH]
            marks = ",".join("?" * len(part))
            rows = self.db.execute(
                f"SELECT ref, citizen, line FROM refs WHERE ref IN ({marks})", part
            )
            found.update((ref, (citizen, line)) for ref, citizen, line in rows)
        return found

    def close(self) -> None:
        self.db.close()
