"""Reads through the API: the command line's documents, the version as ETag, the access
log written before the answer, the reason a backoffice reader gives, the masked INSZ."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.api.citizen_calls import A_REASON, USE, applied, get, post, problem_type
from tests.builders import INSZ, INSZ_SHOWN
from tests.llr import Llr

C = f"/citizens/{INSZ}"
MASKED = "93.05.18-***.**"

# Each read, as a path of the API and as the llr command that prints the same document.
READS = {
    "balance": ("/balance", ("balance", INSZ)),
    "balance with value": ("/balance?value=true", ("balance", INSZ, "--value")),
    "balance as of": ("/balance?as_of=2024-09-30", ("balance", INSZ, "--as-of", "2024-09-30")),
    "history": ("/history", ("history", INSZ)),
    "history known at": (
        "/history?known_at=2099-01-01", ("history", INSZ, "--known-at", "2099-01-01"),
    ),
    "explain": ("/explain/vov-hours", ("explain", INSZ, "vov-hours")),
    "eligibility": (
        "/eligibility?on=2024-10-01",
        ("eligibility", INSZ, "--on", "2024-10-01", "--reason", A_REASON),
    ),
    "employments": ("/employments", ("employment", "list", INSZ, "--reason", A_REASON)),
}  # fmt: skip
LOGGED_AS = {"balance": "balance", "history": "history", "explain": "explain",
             "eligibility": "eligibility", "employments": "employment list"}  # fmt: skip


@pytest.mark.parametrize("read", READS)
def test_each_read_answers_the_command_lines_document_with_the_version_as_etag(
    client: TestClient, with_account: Llr, read: str
) -> None:
    path, command = READS[read]

    response = get(client, f"{C}{path}")

    assert response.status_code == 200, response.text
    assert response.json() == with_account.json(*command)
    assert response.headers["etag"] == '"2"'  # the account's version now, as-of or not


def test_the_etag_of_a_read_names_the_version_the_last_write_answered(
    client: TestClient, with_account: Llr
) -> None:
    written = applied(post(client, f"{C}/uses", USE))

    for path, _ in READS.values():
        assert get(client, f"{C}{path}").headers["etag"] == f'"{written["account_version"]}"'


def test_a_read_is_in_the_access_log_with_its_reason_even_when_it_then_finds_nothing(
    client: TestClient, with_account: Llr
) -> None:
    reason = "citizen asked — by phone"
    shown = get(client, f"{C}/balance", reason=quote(reason))
    # Before the account was opened: the read is logged first, then finds no account.
    too_early = get(client, f"{C}/balance?as_of=2024-01-01", reason="complaint 17")

    log = get(client, f"{C}/access-log", credential="auditor", reason=None)

    assert shown.status_code == 200
    assert (too_early.status_code, problem_type(too_early)) == (404, "account-not-found")
    entries = [(e["actor"], e["role"], e["action"], e["reason"]) for e in log.json()["entries"]]
    assert entries[-2:] == [
        ("test:backoffice", "backoffice", "balance", reason),
        ("test:backoffice", "backoffice", "balance", "complaint 17"),
    ]
    assert log.json()["insz"] == MASKED


@pytest.mark.parametrize("read", ["balance", "history", "explain", "eligibility", "employments"])
def test_a_backoffice_read_without_a_reason_is_refused_and_not_logged(
    client: TestClient, with_account: Llr, read: str
) -> None:
    path, _ = READS[read]

    refused = get(client, f"{C}{path}", reason=None)
    blank = get(client, f"{C}{path}", reason="   ")

    for response in (refused, blank):
        assert (response.status_code, problem_type(response)) == (400, "reason-required")
        assert "X-Reason header" in response.json()["detail"]
    assert "--reason" not in refused.json()["detail"]
    log = with_account.json("access-log", INSZ)["entries"]
    assert LOGGED_AS[read] not in [e["action"] for e in log]


@pytest.mark.parametrize("read", READS)
def test_an_auditor_reads_without_a_reason_and_sees_the_insz_masked(
    client: TestClient, with_account: Llr, read: str
) -> None:
    path, _ = READS[read]

    auditor = get(client, f"{C}{path}", credential="auditor", reason=None)
    backoffice = get(client, f"{C}{path}")

    assert (auditor.json()["insz"], backoffice.json()["insz"]) == (MASKED, INSZ_SHOWN)
    assert INSZ not in auditor.text and INSZ_SHOWN not in auditor.text


def test_the_access_log_is_for_roles_that_may_read_it_and_shows_the_insz_to_backoffice(
    client: TestClient, with_account: Llr
) -> None:
    importer = get(client, f"{C}/access-log", credential="importer:employer:0566988259")
    admin = get(client, f"{C}/access-log", credential="admin")
    backoffice = get(client, f"{C}/access-log")

    assert (importer.status_code, problem_type(importer)) == (403, "access-denied")
    assert (admin.status_code, problem_type(admin)) == (403, "access-denied")
    assert backoffice.json()["insz"] == INSZ_SHOWN
    assert "(the role of the credential)" in admin.json()["detail"]


@pytest.mark.parametrize(
    ("query", "named"),
    [("known_at=yesterday", "known_at: time 'yesterday'"), ("as_of=2024-13-01", "as_of")],
)
def test_a_bad_time_in_a_read_is_refused_naming_the_query_parameter(
    client: TestClient, with_account: Llr, query: str, named: str
) -> None:
    response = get(client, f"{C}/balance?{query}")

    assert (response.status_code, problem_type(response)) == (422, "invalid-input")
    assert named in response.json()["detail"]
    assert "--" not in response.json()["detail"]


def test_a_read_of_an_unknown_right_or_citizen_is_the_command_lines_refusal(
    client: TestClient, with_account: Llr
) -> None:
    right = get(client, f"{C}/explain/nope-hours")
    nobody = get(client, "/citizens/85073003328/balance")

    assert (right.status_code, problem_type(right)) == (422, "unknown-right")
    assert (
        right.json()["detail"]
        == with_account.refused("explain", INSZ, "nope-hours").removeprefix("error: ").strip()
    )
    assert (nobody.status_code, problem_type(nobody)) == (404, "account-not-found")


def test_every_citizen_and_registry_route_names_its_llr_action_in_the_openapi_document(
    client: TestClient,
) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    mine = ("/api/v1/citizens", "/api/v1/registry", "/api/v1/reviews")

    actions = {
        f"{method.upper()} {path}": entry.get("x-llr-action")
        for path, methods in paths.items() if path.startswith(mine)
        for method, entry in methods.items()
    }  # fmt: skip

    assert len(actions) == 29  # 21 on citizens, 5 on the registry, 3 on review cases
    assert set(actions.values()) == {
        "read-account", "write-account", "approve-correction", "read-access-log",
        "read-registry", "write-registry",
    }  # fmt: skip
    assert actions["POST /api/v1/citizens/{insz}/reversals/{request_id}/approve"] == (
        "approve-correction"
    )


@pytest.mark.parametrize(
    ("reason", "status"),
    [("%FF", 400), ("%C3", 400), ("caf%C3%A9%", 200)],  # a stray '%' stays as it is
)
def test_a_reason_whose_escapes_are_not_utf8_is_refused_not_a_failure(
    client: TestClient, with_account: Llr, reason: str, status: int
) -> None:
    response = get(client, f"{C}/balance", reason=reason)

    assert response.status_code == status, response.text
    if status == 400:
        assert problem_type(response) == "invalid-input"
