"""llr balance --value: each right in its unit and in euros of public value, with totals,
on every backend."""

from __future__ import annotations

import pytest

from tests.builders import EMPLOYER, FED_DAYS, FLANDERS, INSZ, VOUCHERS, VOV
from tests.llr import Llr

KBO = EMPLOYER.split(":", 1)[1]


@pytest.fixture
def holder(ready: Llr) -> Llr:
    """An employee holding 93.75 VOV hours, EUR 250 of training vouchers and 2.5 federal
    training days, all granted in September 2024."""
    ready.ok("open", INSZ, "--employer", KBO, "--on", "2024-09-01")
    for right, amount, source, on, ref in (
        (VOV, "93.75", EMPLOYER, "2024-09-02", "VOV-1"),
        (VOUCHERS, "250", FLANDERS, "2024-09-03", "TV-1"),
        (FED_DAYS, "2.5", EMPLOYER, "2024-09-04", "FED-1"),
    ):
        ready.ok("grant", INSZ, right, amount, "--source", source, "--on", on, "--ref", ref)
    return ready


def test_balance_value_shows_each_right_in_euros_of_public_value_and_the_totals(
    holder: Llr,
) -> None:
    text = holder.ok("balance", INSZ, "--value").stdout

    assert (
        "vov-hours: 93.75 hours usable, 0 suspended; "
        "public value EUR 1,996.88 usable, EUR 0.00 suspended"
    ) in text
    assert "training-vouchers: 250 euro usable, 0 suspended; public value EUR 125.00" in text
    assert "federal-training-days: 2.5 days usable, 0 suspended; no public value known" in text
    totals = text.split("Totals\n", 1)[1].splitlines()
    assert ["hours", "93.75", "0"] in [line.split() for line in totals]
    assert ["days", "2.5", "0"] in [line.split() for line in totals]
    assert ["public", "value", "(EUR)", "2121.88", "0.00"] in [line.split() for line in totals]
    assert "no value known for their version): federal-training-days" in text


def test_balance_json_value_gives_a_value_per_right_and_the_totals(holder: Llr) -> None:
    report = holder.json("balance", INSZ, "--value")

    vov, days = report["rights"][VOV]["value"], report["rights"][FED_DAYS]["value"]
    assert (vov["usable_eur"], vov["suspended_eur"]) == (1996.88, 0)
    assert vov["lots"] == [
        {
            "lot": f"{EMPLOYER}/VOV-1",
            "rule_version": "vov-hours@2024-09-01",
            "per_unit_eur": 21.3,
            "eur": 1996.88,
        }
    ]
    assert (days["usable_eur"], days["without_value"]) == (None, {"usable": 2.5, "suspended": 0})
    assert report["rights"][VOUCHERS]["value"]["usable_eur"] == 125
    assert report["totals"] == {
        "hours": {"usable": 93.75, "suspended": 0},
        "days": {"usable": 2.5, "suspended": 0},
        "euro": {"usable": 250, "suspended": 0},
        "vouchers": {"usable": 0, "suspended": 0},
        "public_value_eur": {"usable": 2121.88, "suspended": 0},
        "rights_without_value": [FED_DAYS],
    }


def test_suspended_lots_are_valued_apart_from_usable_ones(holder: Llr) -> None:
    holder.ok("status", INSZ, "inactive", "--on", "2024-10-01")

    report = holder.json("balance", INSZ, "--value")

    vov = report["rights"][VOV]["value"]
    assert (vov["usable_eur"], vov["suspended_eur"]) == (0, 1996.88)
    assert report["totals"]["public_value_eur"] == {"usable": 0, "suspended": 2121.88}


def test_balance_json_without_value_keeps_its_documented_shape(holder: Llr) -> None:
    report = holder.json("balance", INSZ)

    assert set(report) == {"insz", "as_of", "known_at", "rights"}
    assert all("value" not in right for right in report["rights"].values())
