"""The rules corrected by corrigenda, through the Ledger on every backend (issue 12)."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.application import Ledger
from ledger.domain.errors import CapExceededError
from tests.builders import EMPLOYER, FED_DAYS, INSZ, employed_by, usable


def employed_since_2022(ledger: Ledger) -> None:
    start = date(2022, 1, 3)
    ledger.open_account(INSZ, "employee", start, employment=employed_by(EMPLOYER, start))


def test_three_federal_days_for_2022_are_refused_as_there_was_no_individual_right(
    ledger: Ledger,
) -> None:
    employed_since_2022(ledger)

    with pytest.raises(CapExceededError, match="no individual right before 2023"):
        ledger.grant_right(INSZ, FED_DAYS, "3", date(2022, 3, 1), EMPLOYER, "FED-2022")


def test_an_employer_may_grant_more_federal_days_than_the_minimum(ledger: Ledger) -> None:
    employed_since_2022(ledger)

    ledger.grant_right(INSZ, FED_DAYS, "5", date(2024, 1, 15), EMPLOYER, "FED-2024")
    more = ledger.grant_right(INSZ, FED_DAYS, "1.5", date(2024, 6, 3), EMPLOYER, "FED-2024-B")

    assert more.events == ("RightGranted",)
    assert usable(ledger, FED_DAYS) == (650, 0)  # hundredths of a day
    lot = ledger.get_account(ledger.account_id_for(INSZ)).lots[f"{EMPLOYER}/FED-2024-B"]
    assert lot.rule_version == "federal-training-days@2024-01-01+c1"
