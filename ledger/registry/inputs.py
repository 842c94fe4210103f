"""Text from a command line or a file turned into the registry's values.

Each parser names the input (``name``: an option such as ``--rights`` or a file's column)
and the rule, so the same message serves ``llr registry ...`` and a rejects file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ledger.domain.amounts import parse_amount
from ledger.domain.catalogue import Catalogue
from ledger.domain.errors import LedgerError
from ledger.domain.identifiers import parse_enterprise_number, shown
from ledger.domain.registry import CLASSIFICATIONS, RegistryError
from ledger.security.inputs import MAX_REASON, checked_text

# Letters, digits and . _ / - ; starts with a letter or digit; at most 40 characters.
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")
_TRUE = ("true", "yes", "y", "1", "public")
_FALSE = ("false", "no", "n", "0", "private")


class FieldError(RegistryError):
    """One input is bad; ``field`` names it (an option or a file's column)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_kbo(text: str, name: str = "KBO") -> str:
    """The 10 digits of an enterprise number, mod-97 checked (0403.170.701, BE0403170701)."""
    try:
        return parse_enterprise_number(text).value
    except LedgerError as error:
        raise FieldError(name, f"{name}: {error}") from None


def parse_code(text: str, name: str = "CODE") -> str:
    code = text.strip()
    if not _CODE.fullmatch(code):
        raise FieldError(
            name,
            f"{name} {shown(text)}: a training code is 1 to 40 letters, digits, '.', '_', '/' "
            "or '-', starting with a letter or digit",
        )
    return code


def parse_text(text: str, name: str, longest: int = 200) -> str:
    value = text.strip()
    if not value:
        raise FieldError(name, f"{name}: must not be empty")
    try:
        return checked_text(value, name, longest)
    except LedgerError as error:
        raise FieldError(name, str(error)) from None


def parse_reason(text: str, name: str = "--reason") -> str:
    return parse_text(text, name, MAX_REASON)


def parse_optional_text(text: str | None, name: str) -> str | None:
    return None if text is None or not text.strip() else parse_text(text, name)


def parse_rights(given: str | Iterable[str], catalogue: Catalogue, name: str) -> tuple[str, ...]:
    """Right codes of the catalogue, from a list or text separated by ',' or ';'."""
    parts = re.split(r"[,;]", given) if isinstance(given, str) else list(given)
    codes = [part.strip() for part in parts if part.strip()]
    if not codes:
        raise FieldError(name, f"{name}: name at least one right of the catalogue")
    for code in codes:
        if code not in catalogue.rights:
            known = ", ".join(sorted(catalogue.rights))
            raise FieldError(name, f"{name}: unknown right {code!r}: the catalogue has {known}")
    return tuple(sorted(set(codes)))


def parse_classification(text: str | None, name: str = "--classification") -> str:
    value = (text or CLASSIFICATIONS[0]).strip().lower()
    if value not in CLASSIFICATIONS:
        raise FieldError(name, f"{name} {shown(text)}: must be one of {', '.join(CLASSIFICATIONS)}")
    return value


def parse_hours(text: str | None, name: str = "--hours") -> int | None:
    """Hundredths of an hour (``12.5`` is 1250), or None when not given."""
    if text is None or not str(text).strip():
        return None
    try:
        return parse_amount(str(text).strip(), "hours", name)
    except LedgerError as error:
        raise FieldError(name, str(error)) from None


def parse_public(text: str | None, name: str = "public") -> bool:
    value = (text or "false").strip().lower()
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    raise FieldError(name, f"{name} {shown(text)}: must be true or false (public or private)")


def parse_date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        reason = f"{name} {shown(text)}: expected an ISO date such as 2024-09-01"
        raise FieldError(name, reason) from None


def parse_optional_date(text: str | None, name: str) -> date | None:
    return None if text is None or not text.strip() else parse_date(text, name)


def check_period(valid_from: date, valid_until: date | None, name: str = "--until") -> None:
    if valid_until is not None and valid_until < valid_from:
        raise FieldError(name, f"{name} {valid_until}: is before --from {valid_from}")
