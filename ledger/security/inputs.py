"""Free text from people and files, checked before it reaches an event.

An id or a reason lands in the store for good and is printed to terminals, spreadsheets
and reports later: control characters could rewrite a terminal, lone surrogates (bytes
that were not UTF-8) cannot be stored at all, and a megabyte "reference" is an attack,
not an id. Emptiness is left to the domain, which knows which fields are required.
"""

from __future__ import annotations

from ledger.domain.errors import InvalidInputError
from ledger.domain.identifiers import shown

MAX_ID = 200  # training, provider, reference: the import files allow the same
MAX_REASON = 1000


def checked_text(value: str, name: str, longest: int = MAX_ID) -> str:
    """``value`` unchanged if it is printable text of at most ``longest`` characters."""
    if len(value) > longest:
        raise InvalidInputError.because(
            "{name} {value}: at most {longest} characters",
            name=name,
            value=shown(value),
            longest=longest,
        )
    if not value.isprintable():
        raise InvalidInputError.because(
            "{name} {value}: only printable characters (no control characters, "
            "tabs, line breaks or bytes that are not UTF-8)",
            name=name,
            value=shown(value),
        )
    return value


def checked_optional(value: str | None, name: str, longest: int = MAX_ID) -> str | None:
    return None if value is None else checked_text(value, name, longest)
