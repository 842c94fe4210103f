"""Idempotency by reference: a sender's (source, reference) names one entry for good.

An entry sent again with the same content is recognised (``Result.EXISTS``); the same
reference with other content is a conflict. What an entry's content is, is its fingerprint.
"""

from __future__ import annotations

from datetime import date

from ledger.domain.errors import ReferenceConflictError


def fingerprint(*parts: object) -> str:
    return "|".join(["" if p is None else str(p) for p in parts])  # a list joins faster


def opening_print(status: str, on: date, education: str | None) -> str:
    return fingerprint("open", status, on, education)


def status_print(status: str, on: date) -> str:
    return fingerprint("status", status, on)


def grant_print(right: str, amount: int, on: date, expires_on: date | None) -> str:
    return fingerprint("grant", right, amount, on, expires_on)


def use_print(right: str, amount: int, on: date, training: str, provider: str) -> str:
    return fingerprint("use", right, amount, on, training, provider)


class References:
    """The fingerprint of the entry each (source, reference) pair carried on one account.

    An entry without a source is kept under the source ``""``.
    """

    __slots__ = ("prints",)

    def __init__(self, prints: dict[tuple[str, str], str] | None = None) -> None:
        self.prints: dict[tuple[str, str], str] = {} if prints is None else prints

    def remember(self, source: str | None, reference: str | None, print_: str) -> None:
        if reference:
            self.prints[(source or "", reference)] = print_

    def known(self, source: str | None, reference: str | None) -> str | None:
        """The fingerprint of what this pair carried, or None when it is new."""
        return self.prints.get((source or "", reference or ""))

    def seen(self, source: str | None, reference: str | None, print_: str) -> bool:
        """True when this exact entry was applied before; a conflict when it differs."""
        if not reference:
            return False
        known = self.prints.get((source or "", reference))
        if known is None:
            return False
        if known != print_:
            raise ReferenceConflictError(
                f"reference {reference!r} from {source or 'no source'} "
                f"was already used on this account for [{known}]; this entry is [{print_}]"
            )
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, References) and self.prints == other.prints

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"References({self.prints!r})"

    def as_rows(self) -> list[list[str]]:
        return [[source, reference, print_] for (source, reference), print_ in self.prints.items()]

    @classmethod
    def from_rows(cls, rows: list[list[str]]) -> References:
        return cls({(source, reference): print_ for source, reference, print_ in rows})

    @classmethod
    def from_v1(cls, references: dict[str, str]) -> References:
        """From ``{"source|reference": fingerprint}``: a source never holds a ``|``."""
        found: dict[tuple[str, str], str] = {}
        for key, print_ in references.items():
            source, reference = key.split("|", 1)
            found[(source, reference)] = print_
        return cls(found)
