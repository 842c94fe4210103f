"""Employment and situation changes from the citizen page: written through the Ledger as
the signed-in person, with the fields the API takes; a refusal next to its field, and
nothing written then."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.builders import INSZ
from tests.console.browsing import text_of
from tests.console.forms import error_of, signed_on_page
from tests.llr import Llr
from tests.stores import event_count

EMPLOYER = "0403170701"  # another employer than the one with_account names
START = {"employer": "0403.170.701", "on": "2025-01-06", "fte": "0,8", "joint_committee": "200",
         "region": "flanders", "unit": "", "source": "", "reference": ""}  # fmt: skip


def last_event(llr: Llr) -> Any:
    return llr.history()["entries"][-1]


def test_an_employment_start_with_a_belgian_fraction_is_written_as_the_reader(
    with_account: Llr, console: TestClient
) -> None:
    csrf = signed_on_page(console)

    sent = console.post("/citizen/employment/start", data={**START, "csrf": csrf})

    assert (sent.status_code, sent.headers["location"]) == (303, "/citizen#rights-title")
    started = last_event(with_account)
    assert (started["event"], started["details"]["employer"], started["details"]["fte"]) == (
        "EmploymentStarted",
        EMPLOYER,
        80,
    )  # hundredths
    assert started["actor"] == "test:backoffice (backoffice)"


def test_an_employment_ends_and_another_is_suspended_with_their_reasons(
    with_account: Llr, console: TestClient
) -> None:
    csrf = signed_on_page(console)
    console.post("/citizen/employment/start", data={**START, "csrf": csrf})

    suspended = console.post("/citizen/employment/suspend", data={
        "employer": EMPLOYER, "from": "2025-02-03", "until": "2025-03-03",
        "reason": "sickness", "source": "", "reference": "", "csrf": csrf})  # fmt: skip
    ended = console.post("/citizen/employment/end", data={
        "employer": EMPLOYER, "on": "2025-04-01", "reason": "resignation", "source": "",
        "reference": "", "csrf": csrf})  # fmt: skip

    assert (suspended.status_code, ended.status_code) == (303, 303)
    events = with_account.history()["entries"][-2:]
    assert [(e["event"], e["details"]["reason"]) for e in events] == [
        ("EmploymentSuspended", "sickness"),
        ("EmploymentEnded", "resignation"),
    ]


def test_a_suspension_ending_before_it_starts_is_refused_next_to_until_and_writes_nothing(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    csrf = signed_on_page(console)
    console.post("/citizen/employment/start", data={**START, "csrf": csrf})
    before = event_count(database_url)

    refused = console.post("/citizen/employment/suspend", data={
        "employer": EMPLOYER, "from": "2025-03-03", "until": "2025-02-03",
        "reason": "sickness", "source": "", "reference": "", "csrf": csrf})  # fmt: skip

    assert refused.status_code == 409
    assert error_of(refused.text, "employment-suspend-until") == (
        "Geweigerd: until 3 feb 2025 moet na from 3 mrt 2025 liggen"
    )
    assert '<details class="group" open>' in refused.text  # the form shows, opened
    assert event_count(database_url) == before


def test_an_employer_that_is_no_enterprise_number_is_refused_next_to_it(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    csrf = signed_on_page(console)
    before = event_count(database_url)

    refused = console.post("/citizen/employment/start",
                           data={**START, "employer": "12345", "csrf": csrf})  # fmt: skip

    assert refused.status_code == 409
    assert error_of(refused.text, "employment-start-employer").startswith(
        "Geweigerd: ondernemingsnummer '12345': moet 10 cijfers hebben"
    )
    assert 'value="12345"' in refused.text  # kept to correct
    assert event_count(database_url) == before


def test_a_situation_starts_and_ends_and_one_not_running_cannot_end(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    csrf = signed_on_page(console)
    situation = {"situation": "jobseeker", "source": "", "reference": "", "csrf": csrf}

    started = console.post("/citizen/situation/start", data={**situation, "on": "2025-01-06"})
    ended = console.post("/citizen/situation/end", data={**situation, "on": "2025-02-03"})
    before = event_count(database_url)
    again = console.post("/citizen/situation/end", data={**situation, "on": "2025-03-03"})

    assert (started.status_code, ended.status_code, again.status_code) == (303, 303, 409)
    events = with_account.history()["entries"][-2:]
    assert [e["event"] for e in events] == ["SituationStarted", "SituationEnded"]
    assert error_of(again.text, "situation-end-situation") == (
        "Geweigerd: de burger is niet jobseeker op 3 mrt 2025"
    )
    assert event_count(database_url) == before


def test_a_date_that_is_no_date_is_refused_before_the_ledger_is_asked(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    csrf = signed_on_page(console)
    before = event_count(database_url)

    refused = console.post("/citizen/employment/start",
                           data={**START, "on": "6 januari", "csrf": csrf})  # fmt: skip

    assert refused.status_code == 422
    assert error_of(refused.text, "employment-start-on") == "Geef de datum als kalenderdatum."
    assert event_count(database_url) == before


def test_a_late_end_that_makes_a_use_invalid_is_refused_unless_kept_for_review(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    with_account.ok("use", INSZ, "vov-hours", "10", "--on", "2025-03-03", "--training", "T",
                    "--provider", "P", "--ref", "U-1")  # fmt: skip
    csrf = signed_on_page(console)
    late = {"employer": "0566988259", "on": "2024-10-01", "reason": "resignation",
            "source": "", "reference": "", "csrf": csrf}  # fmt: skip
    before = event_count(database_url)

    refused = console.post("/citizen/employment/end", data=late)
    unchanged = event_count(database_url)
    kept = console.post("/citizen/employment/end", data={**late, "review": "yes"})

    assert refused.status_code == 409
    assert "Geweigerd: " in text_of(refused.text)
    assert unchanged == before
    assert kept.status_code == 303
    events = [e["event"] for e in with_account.history()["entries"]]
    assert "ReviewOpened" in events and "EmploymentEnded" in events
