"""open, grant, use, status, expire, reverse: one line (or JSON) saying what happened."""

from __future__ import annotations

import json

from tests.builders import EMPLOYER, INSZ
from tests.llr import Llr

USE_20 = (
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


def test_open_prints_the_event_and_the_account_version(ready: Llr) -> None:
    result = ready.ok("open", INSZ, "--status", "employee", "--on", "2024-09-01")

    assert result.stdout == "applied: AccountOpened (account version 1)\n"


def test_opening_again_with_other_facts_is_refused(with_account: Llr) -> None:
    message = with_account.refused("open", INSZ, "--status", "jobseeker", "--on", "2024-09-01")

    assert "already open" in message


def test_open_with_an_unknown_education_level_is_refused(ready: Llr) -> None:
    message = ready.refused(
        "open", INSZ, "--status", "employee", "--on", "2024-09-01", "--education", "phd"
    )

    assert "education 'phd'" in message


def test_grant_with_json_reports_result_events_and_version(with_account: Llr) -> None:
    outcome = with_account.json(
        "grant",
        INSZ,
        "federal-training-days",
        "5",
        "--source",
        EMPLOYER,
        "--on",
        "2024-09-02",
        "--ref",
        "FED-1",
    )

    assert outcome == {"result": "applied", "events": ["RightGranted"], "account_version": 3}


def test_the_same_grant_again_exists_and_changes_nothing(with_account: Llr) -> None:
    before = with_account.history()

    result = with_account.ok(
        "grant",
        INSZ,
        "vov-hours",
        "125",
        "--source",
        EMPLOYER,
        "--on",
        "2024-09-01",
        "--ref",
        "VOV-1",
    )

    assert result.stdout == "exists: already applied, nothing changed\n"
    assert with_account.history() == before


def test_a_grant_for_a_citizen_without_account_is_refused(ready: Llr) -> None:
    message = ready.refused(
        "grant", INSZ, "vov-hours", "5", "--source", EMPLOYER, "--on", "2024-09-01", "--ref", "X"
    )

    assert "no account" in message


def test_a_grant_beyond_the_rule_expiry_is_refused(with_account: Llr) -> None:
    message = with_account.refused(
        "grant",
        INSZ,
        "vov-hours",
        "5",
        "--source",
        EMPLOYER,
        "--on",
        "2024-09-02",
        "--expires",
        "2026-01-01",
        "--ref",
        "X",
    )

    assert "expiry 2026-01-01" in message


def test_use_draws_from_the_balance(with_account: Llr) -> None:
    result = with_account.ok(*USE_20)

    assert result.stdout == "applied: RightUsed (account version 3)\n"
    assert with_account.json("balance", INSZ)["rights"]["vov-hours"]["usable"] == 105


def test_a_use_without_a_training_id_is_refused(with_account: Llr) -> None:
    message = with_account.refused(
        "use",
        INSZ,
        "vov-hours",
        "5",
        "--on",
        "2024-10-01",
        "--training",
        " ",
        "--provider",
        "P",
        "--ref",
        "U",
    )

    assert "training" in message


def test_status_change_lists_every_event_it_wrote(with_account: Llr) -> None:
    result = with_account.ok("status", INSZ, "jobseeker", "--on", "2025-01-06")

    assert result.stdout == "applied: StatusChanged, RightSuspended (account version 4)\n"


def test_a_status_change_to_the_same_status_is_refused(with_account: Llr) -> None:
    message = with_account.refused("status", INSZ, "employee", "--on", "2025-01-06")

    assert "already employee" in message


def test_expire_reports_how_many_lots_expired(with_account: Llr) -> None:
    summary = with_account.json("expire", "--as-of", "2025-09-01")

    assert summary == {
        "as_of": "2025-09-01",
        "accounts_checked": 1,
        "accounts_changed": 1,
        "lots_expired": 1,
        "holds_lapsed": 0,
    }
    assert with_account.json("balance", INSZ)["rights"]["vov-hours"]["usable"] == 0


def test_expire_prints_a_summary_line(with_account: Llr) -> None:
    result = with_account.ok("expire", "--as-of", "2025-09-01")

    assert result.stdout == (
        "expired 1 lots and lapsed 0 holds on 1 of 1 accounts (as of 2025-09-01)\n"
    )


def test_expire_without_a_date_is_a_usage_error(with_account: Llr) -> None:
    result = with_account("expire")

    assert result.exit_code == 2
    assert "--as-of" in result.stderr


def test_reverse_only_requests_and_changes_no_balance(with_account: Llr) -> None:
    with_account.ok(*USE_20)

    result = with_account.ok(
        "reverse", INSZ, "3", "--reason", "entered twice", "--on", "2024-10-02"
    )

    assert result.stdout.startswith("requested: reversal of event 3 as request 4 ")
    assert with_account.json("balance", INSZ)["rights"]["vov-hours"]["usable"] == 105


def test_an_approval_by_another_person_gives_the_use_back(with_account: Llr) -> None:
    with_account.ok(*USE_20)
    with_account.ok("reverse", INSZ, "3", "--reason", "entered twice", "--on", "2024-10-02")

    result = with_account.ok("approve", INSZ, "4", LLR_ACTOR="staff:second")

    assert result.stdout == "applied: ReversalApproved, EntryReversed (account version 6)\n"
    assert with_account.json("balance", INSZ)["rights"]["vov-hours"]["usable"] == 125


def test_the_requester_cannot_approve_their_own_request(with_account: Llr) -> None:
    with_account.ok(*USE_20)
    with_account.ok("reverse", INSZ, "3", "--reason", "entered twice", "--on", "2024-10-02")
    before = with_account.history()

    message = with_account.refused("approve", INSZ, "4")

    assert "another person must approve it" in message
    assert with_account.history() == before


def test_approving_what_is_no_pending_request_is_refused(with_account: Llr) -> None:
    message = with_account.refused("approve", INSZ, "2", LLR_ACTOR="staff:second")

    assert "request 2: no reversal request" in message


def test_reversing_an_entry_that_is_no_grant_use_or_forfeit_is_refused(
    with_account: Llr,
) -> None:
    message = with_account.refused("reverse", INSZ, "1", "--reason", "mistake")

    assert "event 1" in message


def test_reverse_with_an_event_id_that_is_no_number_is_refused(with_account: Llr) -> None:
    message = with_account.refused("reverse", INSZ, "two", "--reason", "mistake")

    assert "EVENT_ID 'two'" in message


def test_write_outputs_in_json_are_one_document(with_account: Llr) -> None:
    result = with_account.ok(*USE_20, "--json")

    assert set(json.loads(result.stdout)) == {"result", "events", "account_version"}
