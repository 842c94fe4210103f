"""Writes through the API: a citizen's whole life, idempotent repeats, exact amounts, the
registry, and If-Match on every kind of write."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledger.domain.views import rebuild
from tests.api.citizen_calls import (
    CITIZEN,
    GRANT,
    OPEN,
    PROVIDER,
    RESERVE,
    USE,
    applied,
    get,
    opened,
    post,
    problem_type,
    store_state,
)
from tests.builders import FEDERAL, INSZ
from tests.llr import Llr
from tests.stores import ledger_on

C = f"/citizens/{INSZ}"


def test_a_citizen_lives_through_the_api_from_opening_to_an_approved_reversal(
    client: TestClient,
) -> None:
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("/citizens", OPEN, "AccountOpened"),
        (f"{C}/grants", GRANT, "RightGranted"),
        (f"{C}/uses", USE, "RightUsed"),
        (f"{C}/reservations", RESERVE, "UnitsReserved"),
        (f"{C}/reservations/B-1/confirm", {"on": "2024-10-11", "amount": "5"},
         "ReservationConfirmed"),
        (f"{C}/reservations", {**RESERVE, "reference": "B-2", "amount": 2.5,
                                "on": "2024-10-12"}, "UnitsReserved"),
        (f"{C}/reservations/B-2/cancel", {"on": "2024-10-13", "reason": "course full"},
         "ReservationCancelled"),
        (f"{C}/employments", {"employer": PROVIDER, "on": "2024-11-01", "fte": "0.5"},
         "EmploymentStarted"),
        (f"{C}/employments/{PROVIDER}/suspend",
         {"from": "2024-12-01", "until": "2024-12-15", "reason": "sickness"},
         "EmploymentSuspended"),
        (f"{C}/employments/{PROVIDER}/end", {"on": "2025-01-01", "reason": "resignation"},
         "EmploymentEnded"),
        (f"{C}/situations", {"situation": "student", "on": "2025-01-06"}, "SituationStarted"),
        (f"{C}/situations/student/end", {"on": "2025-02-01"}, "SituationEnded"),
        (f"{C}/facts", {"kind": "work-experience", "value": 8, "on": "2025-02-03"},
         "FactRecorded"),
    ]  # fmt: skip
    for version, (path, body, event) in enumerate(steps, start=1):
        outcome = applied(post(client, path, body))
        assert (outcome["events"], outcome["account_version"]) == ([event], version), path

    request = applied(post(client, f"{C}/reversals", {"event_id": 3, "reason": "entered twice"}))
    asked = request["request_id"]
    assert asked == request["account_version"] == len(steps) + 1
    same_person = post(client, f"{C}/reversals/{asked}/approve")
    assert (same_person.status_code, problem_type(same_person)) == (403, "four-eyes")
    approval = applied(post(client, f"{C}/reversals/{asked}/approve", credential="backoffice:anna"))
    assert approval["events"] == ["ReversalApproved", "EntryReversed"]

    balance = get(client, f"{C}/balance")
    vov = balance.json()["rights"]["vov-hours"]
    # 125 granted, 20 used then reversed, 5 of the 10 held confirmed, 2.5 held then cancelled
    assert (vov["usable"], vov["reserved"]) == (120, 0)
    assert balance.headers["etag"] == f'"{approval["account_version"]}"'
    history = get(client, f"{C}/history").json()["entries"]
    assert [(e["event"], e["actor"]) for e in history][-3:] == [
        ("ReversalRequested", "test:backoffice (backoffice)"),
        ("ReversalApproved", "test:anna (backoffice)"),
        ("EntryReversed", "test:anna (backoffice)"),
    ]


REPEATABLE = [
    ("/citizens", OPEN),
    (f"{C}/grants", {**GRANT, "right": "federal-training-days", "amount": 2, "source": FEDERAL,
                     "reference": "F-1"}),
    (f"{C}/uses", USE),
    (f"{C}/reservations", RESERVE),
    (f"{C}/status", {"status": "jobseeker", "on": "2025-03-03", "reference": "ST-1"}),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body"), REPEATABLE, ids=[p for p, _ in REPEATABLE])
def test_a_repeated_write_answers_200_with_the_original_outcome_and_writes_nothing(
    client: TestClient, database_url: str, path: str, body: dict[str, Any]
) -> None:
    opened(client)
    first = applied(post(client, path, body), 201 if path != "/citizens" else 200)
    before = store_state(database_url)

    repeat = applied(post(client, path, body), 200)

    assert repeat == {**first, "result": "exists", "events": []}
    assert store_state(database_url) == before


def test_a_confirmation_repeated_changes_nothing(client: TestClient, database_url: str) -> None:
    opened(client)
    applied(post(client, f"{C}/reservations", RESERVE))
    confirm = {"on": "2024-10-11"}
    first = applied(post(client, f"{C}/reservations/B-1/confirm", confirm))
    before = store_state(database_url)

    repeat = applied(post(client, f"{C}/reservations/B-1/confirm", confirm), 200)

    assert (repeat["result"], repeat["account_version"]) == ("exists", first["account_version"])
    assert store_state(database_url) == before


@pytest.mark.parametrize(
    ("amounts", "usable"),
    [((2.5, "0.25"), 2.75), ((1, 0.1), 1.1), (("93.75",), 93.75)],
    ids=["number-and-string", "a-float-by-its-shortest-repr", "a-string"],
)
def test_amounts_are_read_in_the_rights_unit_as_numbers_or_strings_exactly(
    client: TestClient, amounts: tuple[float | str, ...], usable: float
) -> None:
    applied(post(client, "/citizens", OPEN))
    for n, amount in enumerate(amounts):
        body = {**GRANT, "right": "federal-training-days", "amount": amount, "source": FEDERAL,
                "reference": f"F-{n}"}  # fmt: skip
        applied(post(client, f"{C}/grants", body))

    text = get(client, f"{C}/balance").text

    # The document carries the exact decimal, as the command line's --json does.
    assert f'"federal-training-days":{{"unit":"days","usable":{usable},' in text


def test_an_if_match_of_the_current_version_lets_any_write_through_and_a_stale_one_not(
    client: TestClient, database_url: str
) -> None:
    opened(client)
    tag = get(client, f"{C}/balance").headers["etag"]
    ok = applied(post(client, f"{C}/uses", USE, **{"If-Match": tag}))
    before = store_state(database_url)

    stale = post(client, f"{C}/reservations", RESERVE, **{"If-Match": tag})

    assert ok["account_version"] == int(tag.strip('"')) + 1
    assert (stale.status_code, problem_type(stale)) == (412, "stale-account")
    assert store_state(database_url) == before


def test_an_account_opens_in_a_situation_and_the_body_names_what_is_missing(
    client: TestClient,
) -> None:
    applied(post(client, "/citizens", {"insz": INSZ, "on": "2024-09-01",
                                       "situation": "jobseeker"}))  # fmt: skip
    neither = post(client, "/citizens", {"insz": "85073003328", "on": "2024-09-01"})

    assert neither.status_code == 422
    assert neither.json()["detail"] == (
        "open needs exactly one of employer, situation or status (given: none)"
    )
    roles = get(client, f"{C}/employments").json()["statuses"]
    assert roles == ["jobseeker"]


# ------------------------------------------------------------------------------ registry
PROVIDER_BODY = {"kbo": PROVIDER, "name": "Syntra West", "from": "2024-01-01",
                 "recognised_for": ["training-vouchers", "vov-hours"]}  # fmt: skip
TRAINING_BODY = {"code": "OPL-7", "provider": PROVIDER, "title": "Welding",
                 "rights": "training-vouchers", "from": "2024-02-01", "hours": 40}  # fmt: skip


def test_the_registry_is_written_and_shown_as_the_command_line_shows_it(
    client: TestClient, ready: Llr
) -> None:
    first = post(client, "/registry/providers", PROVIDER_BODY)
    assert (first.status_code, first.json()["events"][0]) == (201, "Registered")
    assert post(client, "/registry/providers", PROVIDER_BODY).status_code == 200
    assert post(client, "/registry/trainings", TRAINING_BODY).status_code == 201
    delisted = post(client, "/registry/trainings/OPL-7/delist", {"on": "2026-09-30"})
    assert delisted.json() == {"result": "applied", "key": "OPL-7", "events": ["Delisted"]}
    revoke = {"on": "2026-09-30", "reason": "audit failed"}
    assert post(client, f"/registry/providers/{PROVIDER}/revoke", revoke).status_code == 201

    for key, as_of in (("OPL-7", None), (PROVIDER, None), (PROVIDER, "2025-01-01")):
        query = f"?as_of={as_of}" if as_of else ""
        shown = get(client, f"/registry/{key}{query}", credential="auditor", reason=None)
        cli = ["registry", "show", key, *(["--as-of", as_of] if as_of else [])]
        assert shown.status_code == 200, shown.text
        assert shown.json() == ready.json(*cli)


def test_an_auditor_reads_the_registry_but_may_not_write_it(client: TestClient) -> None:
    refused = post(client, "/registry/providers", PROVIDER_BODY, credential="auditor")
    unknown = get(client, "/registry/OPL-404", credential="auditor", reason=None)

    assert (refused.status_code, problem_type(refused)) == (403, "access-denied")
    assert (unknown.status_code, problem_type(unknown)) == (404, "not-registered")


def test_every_write_route_answers_with_the_outcome_shape_of_the_command_line(
    client: TestClient, with_account: Llr
) -> None:
    api = applied(post(client, CITIZEN.removeprefix("/api/v1") + "/uses", USE))
    cli = with_account.json(
        "use", INSZ, "vov-hours", "20", "--on", "2024-10-07", "--training", "T",
        "--provider", "P", "--ref", "USE-1",
    )  # fmt: skip

    assert set(api) == set(cli)
    assert cli == {**api, "result": "exists", "events": []}


def test_a_late_write_on_an_account_holding_a_booking_is_saved_and_read_back(
    client: TestClient, database_url: str
) -> None:
    """A late write kept for review snapshots the account at once (so loads need
    not fold the stream in effective order); its reservations go into the snapshot."""
    opened(client)
    applied(post(client, f"{C}/reservations", RESERVE))  # dated 2024-10-10

    # Dated 2024-10-07, before the booking: kept with a review case.
    recorded = applied(post(client, f"{C}/uses", {**USE, "review": True}))

    assert get(client, f"{C}/balance").status_code == 200
    trusted = ledger_on(database_url)
    try:
        aggregate_id = trusted.account_id_for(INSZ)
        assert trusted.snapshots is not None
        snapshots = list(trusted.snapshots.get(aggregate_id))
        assert [s.originator_version for s in snapshots] == [recorded["account_version"]]
        from_snapshot = trusted.get_account(aggregate_id).reservations
        folded = rebuild(trusted.repository.event_store.get(aggregate_id))
        assert folded is not None and list(folded.reservations) == ["B-1"]
        assert from_snapshot == folded.reservations
    finally:
        trusted.close()
