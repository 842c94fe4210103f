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


# ------------------------------------------------------------------ fractional amounts
def test_amounts_are_typed_in_the_right_s_unit_with_its_decimals(employed: Llr) -> None:
    grants = [
        ("federal-training-days", "2.5", f"employer:{A}"),
        ("vov-hours", "93.75", f"employer:{A}"),
        ("training-vouchers", "250.00", "flemish-government"),
    ]
    for right, amount, source in grants:
        employed.ok(
            "grant", INSZ, right, amount, "--source", source, "--on", "2025-01-06",
            "--ref", f"G-{right}",
        )  # fmt: skip

    balance = employed.json("balance", INSZ)
    text = employed.ok("balance", INSZ).stdout

    usable = {right: figures["usable"] for right, figures in balance["rights"].items()}
    assert usable == {"federal-training-days": 2.5, "vov-hours": 93.75, "training-vouchers": 250}
    assert isinstance(usable["training-vouchers"], int)
    assert "federal-training-days: 2.5 days usable" in text
    assert '"usable": 93.75' in employed.ok("balance", INSZ, "--json").stdout
    [fed_lot] = balance["rights"]["federal-training-days"]["lots"]
    assert (fed_lot["remaining"], fed_lot["employer"]) == (2.5, A)


@pytest.mark.parametrize(
    ("right", "amount", "words"),
    [
        ("federal-training-days", "2.555", "AMOUNT '2.555': days are counted to 0.01"),
        ("training-vouchers", "10.001", "AMOUNT '10.001'"),
        ("vov-hours", "1e3", "AMOUNT '1e3'"),
    ],
)
def test_an_amount_finer_than_its_unit_is_refused_naming_the_precision(
    employed: Llr, right: str, amount: str, words: str
) -> None:
    source = "flemish-government" if right == "training-vouchers" else f"employer:{A}"

    message = employed.refused(
        "grant", INSZ, right, amount, "--source", source, "--on", "2025-01-06", "--ref", "G"
    )

    assert words in message


# ---------------------------------------------------------------------- late facts
def test_a_late_fact_is_refused_naming_the_entries_then_recorded_with_review(
    employed: Llr,
) -> None:
    employed.ok(
        "grant", INSZ, "vov-hours", "40", "--source", f"employer:{A}", "--on", "2024-09-02",
        "--ref", "VOV",
    )  # fmt: skip
    employed.ok(
        "use", INSZ, "vov-hours", "10", "--on", "2024-10-01", "--training", "T",
        "--provider", "P", "--ref", "U-1",
    )  # fmt: skip
    end = ("employment", "end", INSZ, "--employer", A, "--on", "2024-09-15", "--reason",
           "resignation")  # fmt: skip

    message = employed.refused(*end)
    recorded = employed.json(*end, "--review")
    cases = employed.json("review", "list")["cases"]
    shown = employed.json("review", "show", cases[0]["case"])
    closed = employed.ok("review", "close", cases[0]["case"], "--reason", "checked",
                         LLR_ACTOR="staff:bert")  # fmt: skip

    assert "event 3 (2024-10-01, RightUsed)" in message
    assert recorded["events"] == ["EmploymentEnded", "RightForfeited", "ReviewOpened"]
    assert [e["event_id"] for e in shown["entries"]] == [3] and shown["open"]
    assert closed.stdout.startswith("applied: ReviewClosed")
    assert employed.json("review", "list")["cases"] == []
    late = [e["event"] for e in employed.history()["entries"] if e["late"]]
    assert late == ["EmploymentEnded", "RightForfeited"]
