"""Bad input is refused with exit 1, a message naming the input and the rule, and no change."""

from __future__ import annotations

import pytest

from tests.builders import EMPLOYER, INSZ
from tests.llr import Llr


def grant(
    amount: str = "5",
    on: str = "2024-09-02",
    ref: str = "VOV-2",
    right: str = "vov-hours",
    insz: str = INSZ,
    source: str = EMPLOYER,
) -> tuple[str, ...]:
    return ("grant", insz, right, amount, "--source", source, "--on", on, "--ref", ref)


def use(amount: str, on: str = "2024-10-01") -> tuple[str, ...]:
    return (
        "use",
        INSZ,
        "vov-hours",
        amount,
        "--on",
        on,
        "--training",
        "T-1",
        "--provider",
        "P-1",
        "--ref",
        "USE-1",
    )


BECOME_JOBSEEKER = ("status", INSZ, "jobseeker", "--on", "2025-01-06")

# (case, commands to run first, the refused command, words the message must contain)
CASES = [
    ("wrong INSZ check digit", [], grant(insz="93051822362"), ["'93051822362'", "check digits"]),
    ("unknown right", [], grant(right="nope-hours"), ["'nope-hours'", "unknown right"]),
    ("negative amount", [], grant(amount="-5"), ["AMOUNT '-5'", "greater than zero"]),
    ("zero amount", [], grant(amount="0"), ["AMOUNT '0'", "greater than zero"]),
    ("too precise an amount", [], grant(amount="1.555"), ["AMOUNT '1.555'", "to 0.01"]),
    ("amount that is no number", [], grant(amount="abc"), ["AMOUNT 'abc'", "a number"]),
    ("use beyond the balance", [], use("200"), ["200", "exceeds the usable balance of 125"]),
    (
        "use in a status where the right is not usable",
        [BECOME_JOBSEEKER],
        use("5", on="2025-01-07"),
        ["'vov-hours'", "not usable", "jobseeker"],
    ),
    (
        "date before the account opened",
        [],
        grant(on="2024-08-01"),
        ["2024-08-01", "before the account was opened"],
    ),
    (
        "reused reference with other content",
        [],
        grant(amount="100", on="2024-09-01", ref="VOV-1"),
        ["'VOV-1'", "already used"],
    ),
    ("malformed date", [], grant(on="2024-13-01"), ["--on '2024-13-01'", "ISO date"]),
    (
        "unknown status",
        [],
        ("status", INSZ, "unemployed", "--on", "2025-01-06"),
        ["'unemployed'", "must be one of"],
    ),
    ("unknown source", [], grant(source="ministry-of-magic"), ["'ministry-of-magic'"]),
]


@pytest.mark.parametrize(
    ("before", "command", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_refused_naming_input_and_rule_and_changes_nothing(
    with_account: Llr,
    before: list[tuple[str, ...]],
    command: tuple[str, ...],
    words: list[str],
) -> None:
    for setup in before:
        with_account.ok(*setup)
    history_before = with_account.history()

    message = with_account.refused(*command)

    assert all(word in message for word in words), message
    assert with_account.history() == history_before


def test_a_refused_command_with_json_prints_nothing_on_stdout(with_account: Llr) -> None:
    result = with_account(*grant(amount="-5"), "--json")

    assert (result.exit_code, result.stdout) == (1, "")
    assert "AMOUNT '-5'" in result.stderr


def test_a_missing_required_option_is_a_usage_error(with_account: Llr) -> None:
    result = with_account("grant", INSZ, "vov-hours", "5", "--on", "2024-09-02", "--ref", "X")

    assert result.exit_code == 2
    assert "--source" in result.stderr


def test_an_unknown_command_is_a_usage_error(ready: Llr) -> None:
    result = ready("grnat", INSZ)

    assert result.exit_code == 2
    assert "grnat" in result.stderr
