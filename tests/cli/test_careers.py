"""llr employment start|end|suspend|list, llr situation start|end, llr open --employer and
llr use --employer: the command-line contract, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.builders import INSZ
from tests.llr import Llr

A, B = "0566988259", "0403170701"
OPEN_AT_A = (
    "open", INSZ, "--on", "2024-09-01", "--employer", A, "--fte", "0.8",
    "--joint-committee", "200", "--region", "flanders",
)  # fmt: skip


@pytest.fixture
def employed(ready: Llr) -> Llr:
    ready.ok(*OPEN_AT_A)
    return ready


def test_open_with_an_employer_opens_an_employee_of_that_employer(employed: Llr) -> None:
    listed = employed.json("employment", "list", INSZ, "--reason", "citizen asked")

    assert listed["statuses"] == ["employee"]
    assert listed["employments"] == [
        {
            "employer": A, "start": "2024-09-01", "end": None, "end_reason": None,
            "fte": "0.80", "joint_committee": "200", "region": "flanders", "unit": None,
            "suspensions": [],
        }
    ]  # fmt: skip


def test_a_change_of_employer_on_the_command_line(employed: Llr) -> None:
    employed.ok(
        "grant", INSZ, "federal-training-days", "1", "--source", f"employer:{A}",
        "--on", "2025-01-06", "--ref", "FED-A",
    )  # fmt: skip

    ended = employed.ok(
        "employment", "end", INSZ, "--employer", A, "--on", "2025-02-01",
        "--reason", "resignation", "--ref", "EXIT-1",
    )  # fmt: skip
    started = employed.ok(
        "employment", "start", INSZ, "--employer", B, "--on", "2025-02-01", "--fte", "1",
        "--joint-committee", "PC 200", "--ref", "DIM-2",
    )  # fmt: skip

    assert ended.stdout == ("applied: EmploymentEnded, RightForfeited (account version 4)\n")
    assert started.stdout == "applied: EmploymentStarted (account version 5)\n"
    history = employed.history()
    assert [e["event"] for e in history["entries"]][-3:] == [
        "EmploymentEnded", "RightForfeited", "EmploymentStarted",
    ]  # fmt: skip


def test_a_suspension_and_a_situation_beside_the_employment(employed: Llr) -> None:
    employed.ok(
        "employment", "suspend", INSZ, "--employer", A, "--from", "2025-02-03",
        "--until", "2025-05-05", "--reason", "parental-leave",
    )  # fmt: skip
    employed.ok("situation", "start", INSZ, "self-employed-side", "--on", "2025-03-01")

    text = employed.ok("employment", "list", INSZ, "--reason", "x").stdout
    employed.ok("situation", "end", INSZ, "self-employed-side", "--on", "2025-06-01")
    later = employed.json("employment", "list", INSZ, "--reason", "x")

    assert "employee + self-employed-side on 2025-03-01" in text
    assert "suspended 2025-02-03 until 2025-05-05: parental-leave" in text
    assert later["statuses"] == ["employee"]
    assert later["situations"] == [
        {"situation": "self-employed-side", "start": "2025-03-01", "end": "2025-06-01"}
    ]


def test_a_use_at_a_named_employer_draws_on_that_employer_s_lots(employed: Llr) -> None:
    employed.ok("employment", "start", INSZ, "--employer", B, "--on", "2024-09-01")
    for employer, ref in ((A, "FED-A"), (B, "FED-B")):
        employed.ok(
            "grant", INSZ, "federal-training-days", "2", "--source", f"employer:{employer}",
            "--on", "2025-01-06", "--ref", ref,
        )  # fmt: skip

    message = employed.refused(
        "use", INSZ, "federal-training-days", "3", "--on", "2025-01-20", "--training", "T",
        "--provider", "P", "--ref", "U-1", "--employer", B,
    )  # fmt: skip

    assert f"at employer {B}" in message and "usable balance of 2" in message


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("employment", "start", INSZ, "--employer", B, "--on", "2025-01-01", "--fte", "1.5"),
         "--fte '1.5'"),
        (("employment", "start", INSZ, "--employer", "123", "--on", "2025-01-01"), "'123'"),
        (("employment", "start", INSZ, "--employer", B, "--on", "2025-01-01", "--region",
          "mars"), "--region 'mars'"),
        (("employment", "start", INSZ, "--employer", A, "--on", "2025-01-01"),
         "already employs"),
        (("employment", "end", INSZ, "--employer", A, "--on", "2025-01-01", "--reason",
          "fired"), "--reason 'fired': must be one of end-of-contract"),
        (("employment", "suspend", INSZ, "--employer", A, "--from", "2025-01-01",
          "--until", "2025-01-01", "--reason", "sickness"), "must be after --from"),
        (("situation", "start", INSZ, "employee", "--on", "2025-01-01"),
         "llr employment start"),
        (("situation", "end", INSZ, "jobseeker", "--on", "2025-01-01"), "not jobseeker"),
        (("open", INSZ, "--on", "2024-09-01"), "exactly one of --employer"),
        (("open", INSZ, "--on", "2024-09-01", "--situation", "jobseeker", "--fte", "1"),
         "give --employer KBO with them"),
    ],
)  # fmt: skip
def test_bad_career_input_is_refused_with_the_input_and_the_rule(
    employed: Llr, args: tuple[str, ...], words: str
) -> None:
    before = employed.history()

    message = employed.refused(*args)

    assert words in message
    assert employed.history() == before


def test_the_career_read_is_written_to_the_access_log(employed: Llr) -> None:
    employed.ok("employment", "list", INSZ, "--reason", "citizen called")

    log = employed.json("access-log", INSZ, LLR_ROLE="auditor")

    assert [(r["action"], r["reason"]) for r in log["entries"]][-1] == (
        "employment list",
        "citizen called",
    )
