"""Amounts: typed in a right's own unit, kept as whole numbers of its minor unit.

Each unit has a precision: hours and days are counted to 0.01, euros to the cent, vouchers
whole. Everything inside the ledger (lots, totals, caps, events, read models) holds whole
numbers of the minor unit (hundredths of an hour or a day, cents, vouchers); people and
files type amounts in the unit itself (``2.5`` days, ``93.75`` hours, ``250.00`` euros)
and read them back the same way. ``decimal.Decimal`` all the way: a float never touches an
amount.

The unit of a right comes from the catalogue. Events written before amounts had minor
units (hours and days in whole units) are read through the Account's upcasters, which need
the unit of a right from its code alone: ``UNITS`` is that registry. Every ``Catalogue``
registers its rights' units when it is built (the shipped one as soon as it is loaded), so
whoever holds a catalogue can decode old events.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from ledger.domain.chain import AS_STORED
from ledger.domain.errors import AmountNotPositiveError, LedgerError

# Minor units per unit, by the unit's name (``Unit.value``; the catalogue's enum is a
# StrEnum, so either spelling looks up the same entry).
MINOR_UNITS: dict[str, int] = {"hours": 100, "days": 100, "euro": 100, "vouchers": 1}
# How a unit's precision reads in a refusal.
_PRECISION_TEXT = {
    "hours": "hours are counted to 0.01 (at most 2 decimals)",
    "days": "days are counted to 0.01 (at most 2 decimals)",
    "euro": "euros are counted to the cent (at most 2 decimals)",
    "vouchers": "vouchers are counted in whole numbers (no decimals)",
}
# Larger amounts lose units in JSON readers that use doubles, and no right comes near.
MAX_MINOR = 2**53 - 1
# More characters than any amount has; checked before Decimal() reads the text.
MAX_CHARS = 30
# Digits with at most one decimal point, an optional leading +: no exponent, no sign -,
# no spaces inside, no "nan" or "inf".
_DECIMAL_TEXT = re.compile(r"\+?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

# right code -> unit name; see the module's docstring.
UNITS: dict[str, str] = {}
# Registers the shipped catalogue's units, for a right no catalogue built so far named
# (set by ``ledger.catalogue`` when it is imported: the domain does not import it).
DEFAULT_UNITS: Callable[[], None] | None = None


class UnknownUnitError(LedgerError):
    """The unit of a right is needed but no catalogue registered it."""


def register_units(units: dict[str, str]) -> None:
    """Record the unit of each right code (``Catalogue`` calls this when it is built)."""
    for code, unit in units.items():
        minor_per_unit(unit)  # refuse a unit without a precision
        UNITS[code] = str(unit)


def unit_of(right: str) -> str:
    if right not in UNITS and DEFAULT_UNITS is not None:
        DEFAULT_UNITS()
    try:
        return UNITS[right]
    except KeyError:
        raise UnknownUnitError.because(
            "the unit of right {right!r} is not known: no catalogue loaded names it", right=right
        ) from None


def minor_per_unit(unit: str) -> int:
    try:
        return MINOR_UNITS[str(unit)]
    except KeyError:
        raise UnknownUnitError.because("unit {unit!r} has no precision", unit=unit) from None


def decimals_of(unit: str) -> int:
    """How many decimals the unit is counted to: 2 for hundredths, 0 for whole units."""
    return len(str(minor_per_unit(unit))) - 1


def parse_amount(value: Any, unit: str, name: str = "AMOUNT") -> int:
    """Minor units for an amount given in ``unit``: text (``"2.5"``), an int or a Decimal.

    Refused, naming ``name`` and the input: anything else (floats and booleans included),
    text that is not a plain decimal number, zero or less, and more decimals than the
    unit is counted to.
    """
    number = _decimal(value)
    if number is None or not number > 0:
        raise AmountNotPositiveError.because(
            "{name} {value}: must be a number greater than zero in the right's "
            "unit ({unit}), such as 2.5 or 250",
            name=name,
            value=_shown(value),
            unit=unit,
        )
    scaled = number * minor_per_unit(unit)
    if scaled != scaled.to_integral_value():
        raise AmountNotPositiveError.because(
            "{name} {value}: {precision_text}",
            name=name,
            value=_shown(value),
            precision_text=_PRECISION_TEXT[str(unit)],
        )
    minor = int(scaled)
    if minor > MAX_MINOR:
        raise AmountNotPositiveError.because(
            "{name} {value}: must be at most {max_minor} {unit}",
            name=name,
            value=_shown(value),
            max_minor=text(MAX_MINOR, unit),
            unit=unit,
        )
    return minor


def decimal_of(value: Any) -> Decimal | None:
    """A plain decimal number given as text, an int or a Decimal (not a bool), or None."""
    return _decimal(value)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        cleaned = value.strip()
        if len(cleaned) > MAX_CHARS or not _DECIMAL_TEXT.fullmatch(cleaned):
            return None
        try:
            return Decimal(cleaned)
        except InvalidOperation:  # pragma: no cover - the pattern lets only numbers through
            return None
    return None


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value[:40] + "..." if len(value) > 40 else value)
    return repr(value) if not isinstance(value, Decimal) else repr(str(value))


def as_decimal(minor: int, unit: str) -> Decimal:
    """The exact amount in ``unit``, without trailing zeros: 250 (minor) -> 2.5, 200 -> 2."""
    per = minor_per_unit(unit)
    if per == 1:
        return Decimal(minor)
    amount = Decimal(minor).scaleb(-decimals_of(unit))
    whole = amount.to_integral_value()
    return Decimal(int(whole)) if amount == whole else amount.normalize()


def text(minor: int, unit: str) -> str:
    """The amount as people read it: ``2.5``, ``93.75``, ``125``, ``-0.5``."""
    return format(as_decimal(minor, unit), "f")


def json_number(minor: int, unit: str) -> int | Decimal:
    """The amount for a JSON document: an int when whole, else an exact ``Decimal``
    (``echo_json`` writes a Decimal as the number it is, never through a float)."""
    amount = as_decimal(minor, unit)
    return int(amount) if amount == amount.to_integral_value() else amount


def text_of(right: str, minor: int) -> str:
    """``text`` in the unit of ``right`` (refusals name a right, not a unit)."""
    return text(minor, unit_of(right))


def json_of(right: str, minor: int) -> int | Decimal:
    return json_number(minor, unit_of(right))


def upcast_factor(right: str) -> int:
    """What an amount stored before minor units (hours and days in whole units, euro
    amounts already in cents, vouchers whole) is multiplied by to read in minor units."""
    return 100 if unit_of(right) in ("hours", "days") else 1


def upcast_to_minor_units(state: dict[str, Any]) -> None:
    """An amount-bearing Account event stored before minor units (its ``class_version``
    1), read in minor units: ``amount``, and the counts in ``draws`` ([[lot, n]]) and
    ``restores`` ([[lot, n, state]]), times ``upcast_factor`` of its right.

    The stored values of the fields it changes are kept under ``AS_STORED``: the hash
    chain covers the event as it was written (``chain.event_hash``).
    """
    factor = upcast_factor(state["right"])
    if factor == 1:
        return
    kept: dict[str, Any] = {"amount": state["amount"]}
    state["amount"] = state["amount"] * factor
    if "draws" in state:
        kept["draws"] = state["draws"]
        state["draws"] = [[lot, n * factor] for lot, n in state["draws"]]
    if "restores" in state:
        kept["restores"] = state["restores"]
        state["restores"] = [[lot, n * factor, after] for lot, n, after in state["restores"]]
    state[AS_STORED] = kept
