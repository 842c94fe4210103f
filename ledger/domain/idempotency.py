"""Idempotency by reference: a sender's (source, reference) names one entry for good.

An entry sent again with the same content is recognised (``Result.EXISTS``); the same
reference with other content is a conflict. What an entry's content is, is its fingerprint.
"""

from __future__ import annotations

from datetime import date

from ledger.domain.errors import ReferenceConflictError


def fingerprint_of(*parts: object) -> str:
    return "|".join(["" if p is None else str(p) for p in parts])  # a list joins faster


def opening_fingerprint(
    status: str, on: date, education: str | None, employer: str | None = None
) -> str:
    # An opening with an employer names it; one without keeps the fingerprint streams
    # written before employments have.
    if employer is None:
        return fingerprint_of("open", status, on, education)
    return fingerprint_of("open", status, on, education, employer)


def status_fingerprint(status: str, on: date) -> str:
    return fingerprint_of("status", status, on)


def career_fingerprint(kind: str, facts: list[object]) -> str:
    return fingerprint_of(kind, *facts)


# A track is part of an entry's content; entries without one keep the fingerprints they
# had before rights had tracks.
def grant_fingerprint(
    right: str, amount: int, on: date, expires_on: date | None, track: str | None = None
) -> str:
    if track is None:
        return fingerprint_of("grant", right, amount, on, expires_on)
    return fingerprint_of("grant", right, amount, on, expires_on, track)


def use_fingerprint(
    right: str, amount: int, on: date, training: str, provider: str, track: str | None = None
) -> str:
    if track is None:
        return fingerprint_of("use", right, amount, on, training, provider)
    return fingerprint_of("use", right, amount, on, training, provider, track)


class References:
    """The fingerprint of the entry each (source, reference) pair carried on one account.

    An entry without a source is kept under the source ``""``.
    """

    __slots__ = ("fingerprints",)

    def __init__(self, fingerprints: dict[tuple[str, str], str] | None = None) -> None:
        self.fingerprints: dict[tuple[str, str], str] = {} if fingerprints is None else fingerprints

    def copy(self) -> References:
        return References(dict(self.fingerprints))

    def remember(self, source: str | None, reference: str | None, fingerprint: str) -> None:
        if reference:
            self.fingerprints[(source or "", reference)] = fingerprint

    def known(self, source: str | None, reference: str | None) -> str | None:
        """The fingerprint of what this pair carried, or None when it is new."""
        return self.fingerprints.get((source or "", reference or ""))

    def is_exact_repeat(self, source: str | None, reference: str | None, fingerprint: str) -> bool:
        """True when this exact entry was applied before; raises a conflict when the
        reference was used before for other content."""
        if not reference:
            return False
        known = self.fingerprints.get((source or "", reference))
        if known is None:
            return False
        if known != fingerprint:
            raise ReferenceConflictError.because(
                "reference {reference!r} from {source} was already used on this account "
                "for [{known}]; this entry is [{fingerprint}]",
                reference=reference, source=source or "no source", known=known,
                fingerprint=fingerprint,
            )  # fmt: skip
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, References) and self.fingerprints == other.fingerprints

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"References({self.fingerprints!r})"

    def as_rows(self) -> list[list[str]]:
        return [
            [source, reference, fingerprint]
            for (source, reference), fingerprint in self.fingerprints.items()
        ]

    @classmethod
    def from_rows(cls, rows: list[list[str]]) -> References:
        return cls({(source, reference): fingerprint for source, reference, fingerprint in rows})

    @classmethod
    def from_v1(cls, references: dict[str, str]) -> References:
        """From ``{"source|reference": fingerprint}``: a source never holds a ``|``."""
        found: dict[tuple[str, str], str] = {}
        for key, fingerprint in references.items():
            source, reference = key.split("|", 1)
            found[(source, reference)] = fingerprint
        return cls(found)


def reserve_fingerprint(
    right: str, amount: int, on: date, training: str, hold_until: date, track: str | None
) -> str:
    return fingerprint_of("reserve", right, amount, on, training, hold_until, track or "")
