"""What every account command takes (``Provenance``) and gives back (``Result``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Result(StrEnum):
    """What a command did: TigerBeetle's lesson, an exact repeat is ``exists``, not an error."""

    APPLIED = "applied"
    EXISTS = "exists"


@dataclass(frozen=True)
class Provenance:
    """Who wrote an entry and where it came from."""

    actor: str
    source: str | None = None
    reference: str | None = None
    batch: str | None = None
    line: int | None = None
