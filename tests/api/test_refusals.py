"""Every domain refusal reachable over HTTP answers its own problem type and status, with
the command line's message for the same input (options named as the body's fields).

Each case drives one request at an account opened through the API (an employee of
0566988259 since 2024-09-01 with 125 VOV hours, event 2), after the steps it needs, and
runs the same input through ``llr`` on the same store where a command takes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.routes.common import in_http_terms
from ledger.domain.errors import LedgerError
from tests.api.citizen_calls import (
    GRANT,
    PROVIDER,
    RESERVE,
    USE,
    get,
    opened,
    post,
    problem_type,
    store_state,
)
from tests.builders import FEDERAL, FLANDERS, INSZ, OTHER_INSZ
from tests.llr import Llr

C = f"/citizens/{INSZ}"
ON = "2024-09-01"
FED = {**GRANT, "right": "federal-training-days", "amount": 1, "source": FEDERAL,
       "reference": "F-1"}  # fmt: skip
LATE_USE = ("use", INSZ, "vov-hours", "20", "--on", "2024-10-07", "--training", "T",
            "--provider", "P", "--ref", "USE-1")  # fmt: skip
REQUEST = (f"{C}/reversals", {"event_id": 3, "reason": "entered twice"}, "backoffice")
USED = (f"{C}/uses", USE, "backoffice")
Step = tuple[str, Any, str]


@dataclass(frozen=True)
class Refusal:
    slug: str
    status: int
    path: str
    body: Any = None
    credential: str = "backoffice"
    before: tuple[Step, ...] = ()
    cli: tuple[str, ...] | None = None  # the same input to llr, for its message
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"


REFUSALS = [
    Refusal("insufficient-balance", 409, f"{C}/uses", {**USE, "amount": 500},
            cli=("use", INSZ, "vov-hours", "500", *LATE_USE[4:])),
    Refusal("cap-exceeded", 409, f"{C}/grants",
            {**GRANT, "amount": 10, "on": "2024-09-02", "reference": "VOV-2"},
            cli=("grant", INSZ, "vov-hours", "10", "--source", "employer:0566988259",
                 "--on", "2024-09-02", "--ref", "VOV-2")),
    Refusal("out-of-order", 409, f"{C}/grants", {**FED, "on": "2024-08-01"},
            cli=("grant", INSZ, "federal-training-days", "1", "--source", FEDERAL,
                 "--on", "2024-08-01", "--ref", "F-1")),
    Refusal("account-not-found", 404, f"/citizens/{OTHER_INSZ}/grants", FED,
            cli=("grant", OTHER_INSZ, "federal-training-days", "1", "--source", FEDERAL,
                 "--on", ON, "--ref", "F-1")),
    Refusal("account-already-open", 409, "/citizens",
            {"insz": INSZ, "on": "2024-10-01", "situation": "jobseeker"},
            cli=("open", INSZ, "--on", "2024-10-01", "--situation", "jobseeker")),
    Refusal("unknown-right", 422, f"{C}/grants", {**FED, "right": "nope-hours"},
            cli=("grant", INSZ, "nope-hours", "1", "--source", FEDERAL, "--on", ON,
                 "--ref", "F-1")),
    Refusal("invalid-identifier", 422, "/citizens/93051822362/grants", FED,
            cli=("grant", "93051822362", "federal-training-days", "1", "--source", FEDERAL,
                 "--on", ON, "--ref", "F-1")),
    Refusal("reference-conflict", 409, f"{C}/grants", {**GRANT, "amount": 100},
            cli=("grant", INSZ, "vov-hours", "100", "--source", "employer:0566988259",
                 "--on", ON, "--ref", "VOV-1")),
    Refusal("amount-not-positive", 422, f"{C}/grants", {**FED, "amount": -1},
            cli=("grant", INSZ, "federal-training-days", "-1", "--source", FEDERAL,
                 "--on", ON, "--ref", "F-1")),
    Refusal("source-not-allowed", 422, f"{C}/grants",
            {**GRANT, "right": "training-vouchers", "amount": 10, "reference": "TV-1"},
            cli=("grant", INSZ, "training-vouchers", "10", "--source", "employer:0566988259",
                 "--on", ON, "--ref", "TV-1")),
    Refusal("unknown-track", 422, f"{C}/grants",
            {**GRANT, "amount": 1, "reference": "V-9", "track": "nope"},
            cli=("grant", INSZ, "vov-hours", "1", "--source", "employer:0566988259",
                 "--on", ON, "--ref", "V-9", "--track", "nope")),
    Refusal("no-rule-in-force", 422, f"{C}/grants",
            {**GRANT, "right": "career-credit", "amount": 1, "source": FLANDERS},
            cli=("grant", INSZ, "career-credit", "1", "--source", FLANDERS, "--on", ON,
                 "--ref", "VOV-1")),
    Refusal("expiry-beyond-rule", 422, f"{C}/grants",
            {**FED, "expires_on": "2030-01-01"},
            cli=("grant", INSZ, "federal-training-days", "1", "--source", FEDERAL,
                 "--on", ON, "--ref", "F-1", "--expires", "2030-01-01")),
    Refusal("not-reversible", 422, f"{C}/reversals", {"event_id": 1, "reason": "x"},
            cli=("reverse", INSZ, "1", "--reason", "x")),
    Refusal("entry-not-found", 404, f"{C}/reversals", {"event_id": 99, "reason": "x"},
            cli=("reverse", INSZ, "99", "--reason", "x")),
    Refusal("reversal-pending", 409, REQUEST[0], REQUEST[1], before=(USED, REQUEST),
            cli=("reverse", INSZ, "3", "--reason", "entered twice")),
    Refusal("four-eyes", 403, f"{C}/reversals/4/approve", before=(USED, REQUEST)),
    Refusal("already-reversed", 409, REQUEST[0], REQUEST[1],
            before=(USED, REQUEST, (f"{C}/reversals/4/approve", None, "backoffice:anna")),
            cli=("reverse", INSZ, "3", "--reason", "entered twice")),
    Refusal("request-not-pending", 409, f"{C}/reversals/2/approve",
            cli=("approve", INSZ, "2")),
    Refusal("reservation-not-found", 404, f"{C}/reservations/B-9/confirm",
            {"on": "2024-10-11"}, cli=("confirm", INSZ, "B-9", "--on", "2024-10-11")),
    Refusal("reservation-closed", 409, f"{C}/reservations/B-1/cancel",
            {"on": "2024-10-12", "reason": "x"},
            before=((f"{C}/reservations", RESERVE, "backoffice"),
                    (f"{C}/reservations/B-1/confirm", {"on": "2024-10-11"}, "backoffice")),
            cli=("cancel", INSZ, "B-1", "--on", "2024-10-12", "--reason", "x")),
    Refusal("invalid-input", 422, f"{C}/reservations", {**RESERVE, "hold_until": "2024-10-01"},
            cli=("reserve", INSZ, "vov-hours", "10", "--training", "OPL-1", "--provider",
                 PROVIDER, "--on", "2024-10-10", "--ref", "B-1", "--hold-until", "2024-10-01")),
    Refusal("status-unchanged", 409, f"{C}/status", {"status": "employee", "on": "2024-10-01"},
            cli=("status", INSZ, "employee", "--on", "2024-10-01")),
    Refusal("no-employment", 422, f"{C}/uses", {**USE, "employer": PROVIDER},
            cli=(*LATE_USE, "--employer", PROVIDER)),
    Refusal("career-fact", 422, f"{C}/employments/{PROVIDER}/end",
            {"on": "2025-01-01", "reason": "resignation"},
            cli=("employment", "end", INSZ, "--employer", PROVIDER, "--on", "2025-01-01",
                 "--reason", "resignation")),
    Refusal("late-fact-conflict", 409, f"{C}/employments/0566988259/end",
            {"on": "2024-10-01", "reason": "resignation"}, before=(USED,),
            cli=("employment", "end", INSZ, "--employer", "0566988259", "--on", "2024-10-01",
                 "--reason", "resignation")),
    Refusal("not-in-registry", 422, f"{C}/reservations",
            {**RESERVE, "right": "training-vouchers", "on": "2027-01-05", "amount": 50},
            before=((f"{C}/grants", {**GRANT, "right": "training-vouchers", "amount": 100,
                                     "source": FLANDERS, "on": "2027-01-04",
                                     "reference": "TV-1"}, "backoffice"),),
            cli=("reserve", INSZ, "training-vouchers", "50", "--training", "OPL-1",
                 "--provider", PROVIDER, "--on", "2027-01-05", "--ref", "B-1")),
    Refusal("not-registered", 404, "/registry/OPL-404", method="GET",
            cli=("registry", "show", "OPL-404")),
    Refusal("registry-conflict", 409, "/registry/providers",
            {"kbo": PROVIDER, "name": "Another name", "recognised_for": "vov-hours",
             "from": "2024-01-01"},
            before=(("/registry/providers", {"kbo": PROVIDER, "name": "Syntra",
                     "recognised_for": "vov-hours", "from": "2024-01-01"}, "backoffice"),),
            cli=("registry", "provider", "add", PROVIDER, "--name", "Another name",
                 "--recognised-for", "vov-hours", "--from", "2024-01-01")),
    Refusal("access-denied", 403, f"{C}/grants", FED, credential="auditor"),
    Refusal("reason-required", 400, f"{C}/balance", method="GET"),
    Refusal("stale-account", 412, f"{C}/grants", FED, headers={"If-Match": '"1"'}),
]  # fmt: skip


@pytest.mark.parametrize("refusal", REFUSALS, ids=[r.slug for r in REFUSALS])
def test_every_domain_refusal_answers_its_problem_type_with_the_command_lines_message(
    client: TestClient, ready: Llr, database_url: str, refusal: Refusal
) -> None:
    opened(client)
    for path, body, credential in refusal.before:
        done = post(client, path, body, credential)
        assert done.status_code == 201, done.text
    before = store_state(database_url)

    response = client.request(
        refusal.method, f"/api/v1{refusal.path}", json=refusal.body,
        headers={"Authorization": f"Bearer {refusal.credential}", **refusal.headers},
    )  # fmt: skip

    assert (response.status_code, problem_type(response)) == (refusal.status, refusal.slug)
    assert response.json()["status"] == refusal.status
    assert store_state(database_url) == before
    assert "--" not in response.json()["detail"]  # HTTP has fields, not options
    if refusal.cli is not None:
        message = ready.refused(*refusal.cli).removeprefix("error: ").strip()
        assert response.json()["detail"] == str(in_http_terms(LedgerError(message)))


def test_the_problem_catalogue_lists_every_type_these_refusals_answer_with_its_status(
    client: TestClient,
) -> None:
    listed = get(client, "/problems", reason=None).json()

    assert {r.slug: listed[r.slug]["status"] for r in REFUSALS} == {
        r.slug: r.status for r in REFUSALS
    }


def test_a_long_reference_is_refused_with_the_ledgers_limit_and_a_long_reason_is_taken(
    client: TestClient, ready: Llr
) -> None:
    opened(client)
    long_reference = post(client, f"{C}/grants", {**FED, "reference": "R" * 201})
    reserved = post(client, f"{C}/reservations", RESERVE)
    cancelled = post(client, f"{C}/reservations/B-1/cancel",
                     {"on": "2024-10-12", "reason": "x" * 1000})  # fmt: skip

    assert (long_reference.status_code, problem_type(long_reference)) == (422, "invalid-input")
    assert long_reference.json()["detail"] == ready.refused(
        "grant", INSZ, "federal-training-days", "1", "--source", FEDERAL, "--on", ON,
        "--ref", "R" * 201,
    ).removeprefix("error: ").strip()  # fmt: skip
    assert (reserved.status_code, cancelled.status_code) == (201, 201)
