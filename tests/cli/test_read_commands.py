"""balance, history, explain: documented JSON shapes, readable text, past answers."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.builders import EMPLOYER, INSZ, INSZ_SHOWN
from tests.llr import Llr

LOT_KEYS = {
    "held",
    "lot",
    "grant_ref",
    "source",
    "amount",
    "employer",
    "remaining",
    "valid_from",
    "expires_on",
    "state",
    "rule_version",
}
ENTRY_KEYS = {
    "event_id",
    "late",
    "event",
    "on",
    "recorded_at",
    "actor",
    "right",
    "amount",
    "lot",
    "reference",
    "details",
    "balance_after",
}
STEP_KEYS = {"event_id", "event", "on", "text", "totals_after"}


@pytest.fixture
def with_use(with_account: Llr) -> Llr:
    """The account of ``with_account`` with 20 hours used on 2024-10-01 (event 3)."""
    with_account.ok(
        "use",
        INSZ,
        "vov-hours",
        "20",
        "--on",
        "2024-10-01",
        "--training",
        "T-1",
        "--provider",
        "P-1",
        "--ref",
        "USE-1",
    )
    return with_account


def test_balance_json_has_the_documented_keys(with_use: Llr) -> None:
    report = with_use.json("balance", INSZ)

    vov = report["rights"]["vov-hours"]
    assert set(report) == {"insz", "as_of", "known_at", "rights"}
    assert (report["insz"], report["as_of"], report["known_at"]) == (INSZ_SHOWN, None, None)
    assert set(vov) == {"unit", "usable", "suspended", "reserved", "lots", "reservations"}
    assert (vov["unit"], vov["usable"], vov["suspended"]) == ("hours", 105, 0)
    assert set(vov["lots"][0]) == LOT_KEYS
    assert vov["lots"][0]["grant_ref"] == "VOV-1"
    assert vov["lots"][0]["expires_on"] == "2025-09-01"


def test_balance_text_shows_the_formatted_insz_and_a_lot_table(with_use: Llr) -> None:
    text = with_use.ok("balance", INSZ).stdout

    assert f"Balance of {INSZ_SHOWN}" in text
    assert "vov-hours: 105 hours usable, 0 suspended" in text
    assert f"{EMPLOYER}/VOV-1" in text


def test_balance_of_an_unknown_citizen_is_refused(ready: Llr) -> None:
    message = ready.refused("balance", INSZ)

    assert "no account" in message


def test_balance_as_of_a_past_date_ignores_later_entries(with_use: Llr) -> None:
    report = with_use.json("balance", INSZ, "--as-of", "2024-09-15")

    assert report["as_of"] == "2024-09-15"
    assert report["rights"]["vov-hours"]["usable"] == 125


def test_balance_known_at_a_past_moment_ignores_later_records(with_use: Llr) -> None:
    granted_at = with_use.history()["entries"][1]["recorded_at"]

    report = with_use.json("balance", INSZ, "--known-at", granted_at)

    assert report["rights"]["vov-hours"]["usable"] == 125
    assert datetime.fromisoformat(report["known_at"]) == datetime.fromisoformat(granted_at)


def test_known_at_before_anything_was_recorded_is_refused(with_use: Llr) -> None:
    opened_at = datetime.fromisoformat(with_use.history()["entries"][0]["recorded_at"])
    before = (opened_at - timedelta(days=1)).date().isoformat()

    message = with_use.refused("balance", INSZ, "--known-at", before)

    assert "no account" in message


def test_a_malformed_known_at_is_refused_naming_the_option(with_use: Llr) -> None:
    message = with_use.refused("history", INSZ, "--known-at", "yesterday")

    assert "--known-at" in message
    assert "'yesterday'" in message


def test_history_json_has_one_entry_per_event_with_the_documented_keys(with_use: Llr) -> None:
    report = with_use.history()

    entries = report["entries"]
    assert set(report) == {"insz", "as_of", "known_at", "entries"}
    assert [e["event"] for e in entries] == ["AccountOpened", "RightGranted", "RightUsed"]
    assert all(set(e) == ENTRY_KEYS for e in entries)
    assert entries[2]["balance_after"] == {
        "vov-hours": {"usable": 105, "suspended": 0, "reserved": 0}
    }
    assert entries[2]["actor"] == "test:staff (backoffice)"


def test_history_as_of_a_date_stops_at_that_date(with_use: Llr) -> None:
    report = with_use.json("history", INSZ, "--as-of", "2024-09-30")

    assert [e["event_id"] for e in report["entries"]] == [1, 2]


def test_history_known_at_a_moment_shows_what_was_recorded_by_then(with_use: Llr) -> None:
    granted_at = with_use.history()["entries"][1]["recorded_at"]

    report = with_use.json("history", INSZ, "--known-at", granted_at)

    assert [e["event"] for e in report["entries"]] == ["AccountOpened", "RightGranted"]


def test_history_text_has_one_line_per_event_with_the_balance_after(with_use: Llr) -> None:
    lines = with_use.ok("history", INSZ).stdout.splitlines()

    assert lines[0] == f"History of {INSZ_SHOWN}"
    assert len(lines) == 3 + 3  # title, header, the rule under it; then three events
    assert "RightUsed" in lines[-1]
    assert lines[-1].endswith("vov-hours 105")


def test_history_of_a_malformed_insz_is_refused(ready: Llr) -> None:
    message = ready.refused("history", "12345")

    assert "INSZ '12345'" in message


def test_explain_json_has_steps_totals_and_balances(with_use: Llr) -> None:
    report = with_use.json("explain", INSZ, "vov-hours")

    assert {"insz", "right", "unit", "steps", "totals", "balanced"} <= set(report)
    assert [s["event"] for s in report["steps"]] == ["RightGranted", "RightUsed"]
    assert all(set(s) == STEP_KEYS for s in report["steps"])
    assert report["totals"]["usable"] == 105
    assert report["balanced"] is True


def test_explain_text_ends_with_the_balance_identity(with_use: Llr) -> None:
    text = with_use.ok("explain", INSZ, "vov-hours").stdout

    assert "  1. event 2, 2024-09-01, RightGranted" in text
    assert text.splitlines()[-1] == (
        "granted 125 = used 20 + reserved 0 + expired 0 + forfeited 0 + usable 105 + suspended 0"
        "  (balanced)"
    )


def test_explain_as_of_a_past_date_explains_the_balance_then(with_use: Llr) -> None:
    report = with_use.json("explain", INSZ, "vov-hours", "--as-of", "2024-09-15")

    assert [s["event_id"] for s in report["steps"]] == [2]
    assert report["totals"]["usable"] == 125


def test_explain_of_an_unknown_right_is_refused(with_use: Llr) -> None:
    message = with_use.refused("explain", INSZ, "nope-hours")

    assert "unknown right 'nope-hours'" in message
