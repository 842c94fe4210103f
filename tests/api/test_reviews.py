"""Review cases through the API: listed from the read model, shown as ``llr review show``
shows them, closed by a person who may approve corrections."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.citizen_calls import applied, get, post, problem_type
from tests.builders import INSZ
from tests.llr import Llr

EMPLOYER = "0566988259"


def a_case(llr: Llr) -> str:
    """A late employment end kept for review: it makes the use after it invalid."""
    llr.ok("open", INSZ, "--on", "2024-09-01", "--employer", EMPLOYER)
    llr.ok("grant", INSZ, "vov-hours", "40", "--source", f"employer:{EMPLOYER}", "--on",
           "2024-09-02", "--ref", "VOV")  # fmt: skip
    llr.ok("use", INSZ, "vov-hours", "10", "--on", "2024-10-01", "--training", "T",
           "--provider", "P", "--ref", "U-1")  # fmt: skip
    llr.ok("employment", "end", INSZ, "--employer", EMPLOYER, "--on", "2024-09-15",
           "--reason", "resignation", "--review")  # fmt: skip
    [case] = llr.json("review", "list")["cases"]
    return str(case["case"])


def test_a_case_is_listed_shown_as_the_command_line_shows_it_and_closed(
    client: TestClient, ready: Llr
) -> None:
    case = a_case(ready)

    listed = get(client, "/reviews", reason=None)
    shown = get(client, f"/reviews/{case}", reason=None)
    on_the_command_line = ready.json("review", "show", case)
    auditor = post(client, f"/reviews/{case}/close", {"reason": "done"}, credential="auditor")
    closed = applied(post(client, f"/reviews/{case}/close", {"reason": "use 3 redone"}))
    again = post(client, f"/reviews/{case}/close", {"reason": "use 3 redone"})

    assert [c["case"] for c in listed.json()["cases"]] == [case]
    assert shown.json() == on_the_command_line
    assert (auditor.status_code, problem_type(auditor)) == (403, "access-denied")
    assert closed["events"] == ["ReviewClosed"]
    assert (again.status_code, problem_type(again)) == (409, "review-not-open")
    after = get(client, f"/reviews/{case}", reason=None).json()
    assert (after["open"], after["closed_reason"]) == (False, "use 3 redone")


def test_a_malformed_or_unknown_case_id_is_refused_naming_it(client: TestClient) -> None:
    malformed = get(client, "/reviews/not-a-case", reason=None)
    unknown = get(client, "/reviews/0123456789ab-1", reason=None)

    assert (malformed.status_code, problem_type(malformed)) == (422, "invalid-input")
    assert "'not-a-case'" in malformed.json()["detail"]
    assert (unknown.status_code, problem_type(unknown)) == (409, "review-not-open")
