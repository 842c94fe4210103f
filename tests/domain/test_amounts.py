"""Amounts typed in a right's unit, kept in minor units, shown exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cli.output import json_text
from ledger.domain import amounts
from ledger.domain.chain import AS_STORED
from ledger.domain.errors import AmountNotPositiveError


@pytest.mark.parametrize(
    ("typed", "unit", "minor"),
    [("2.5", "days", 250), ("93.75", "hours", 9375), ("250", "euro", 25000),
     ("250.00", "euro", 25000), ("3", "vouchers", 3), (Decimal("0.01"), "hours", 1)],
)  # fmt: skip
def test_an_amount_in_its_unit_becomes_whole_minor_units(typed: str, unit: str, minor: int) -> None:
    assert amounts.parse_amount(typed, unit) == minor


@pytest.mark.parametrize(
    ("typed", "unit", "said"),
    [("2.555", "days", "AMOUNT '2.555': days are counted to 0.01 (at most 2 decimals)"),
     ("1.5", "vouchers", "vouchers are counted in whole numbers"),
     ("0", "hours", "greater than zero"), ("-1", "hours", "greater than zero"),
     ("abc", "hours", "greater than zero"), ("1e3", "hours", "greater than zero"),
     ("nan", "hours", "greater than zero"), (True, "hours", "greater than zero"),
     (2.5, "days", "greater than zero")],
)  # fmt: skip
def test_an_amount_beyond_its_precision_or_not_a_positive_number_is_refused(
    typed: object, unit: str, said: str
) -> None:
    with pytest.raises(AmountNotPositiveError, match=said.replace("(", r"\(").replace(")", r"\)")):
        amounts.parse_amount(typed, unit)


def test_minor_units_read_back_as_the_exact_amount_in_text_and_json() -> None:
    assert [amounts.text(n, "hours") for n in (9375, 250, 12500, -50)] == [
        "93.75", "2.5", "125", "-0.5",
    ]  # fmt: skip
    assert amounts.json_number(25000, "euro") == 250
    assert isinstance(amounts.json_number(25000, "euro"), int)
    assert json_text({"a": amounts.json_number(9375, "hours"), "b": 250}) == (
        '{\n  "a": 93.75,\n  "b": 250\n}'
    )


def test_an_old_event_of_whole_hours_reads_in_minor_units_and_keeps_what_was_stored() -> None:
    amounts.register_units({"vov-hours": "hours", "training-vouchers": "euro"})
    state = {"right": "vov-hours", "amount": 8, "draws": [["lot", 8]]}
    cents = {"right": "training-vouchers", "amount": 5000}

    amounts.upcast_to_minor_units(state)
    amounts.upcast_to_minor_units(cents)

    assert (state["amount"], state["draws"]) == (800, [["lot", 800]])
    assert state[AS_STORED] == {"amount": 8, "draws": [["lot", 8]]}
    assert cents == {"right": "training-vouchers", "amount": 5000}
