"""A line of a file and the same command typed at ``llr`` are refused by the same rule, in
the same words: both go through the Ledger's command functions.

Each case starts from the same account (opened 2024-09-01 as an employee, 100 VOV hours
granted as G1, 40 used on 2024-10-01 as U1), refuses one command through ``llr grant``,
``llr use``, ``llr status`` or ``llr reserve/confirm/cancel``, then imports the same command
as a one-line file from the same source and reads the rejects file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.imports.support import EMPLOYER, FUND, INSZ, OTHER_INSZ, write_csv

START, LATER = "2024-09-01", "2024-11-01"


@dataclass(frozen=True)
class Case:
    kind: str  # grant, use, status, reserve, confirm or cancel
    values: dict[str, str]  # the line's fields other than kind and insz
    field: str  # the field the rejects file names
    insz: str = INSZ
    source: str = EMPLOYER
    arrange: tuple[tuple[str, ...], ...] = field(default=())

    def command(self) -> list[str]:
        """The same command as ``llr`` arguments."""
        v = self.values
        if self.kind == "grant":
            expires = ["--expires", v["expires_on"]] if "expires_on" in v else []
            return [
                "grant", self.insz, v["right"], v["amount"], "--source", self.source,
                "--on", v["on"], "--ref", v["reference"], *expires,
            ]  # fmt: skip
        if self.kind == "use":
            return [
                "use", self.insz, v["right"], v["amount"], "--on", v["on"],
                "--training", v["training"], "--provider", v["provider"],
                "--ref", v["reference"], "--source", self.source,
            ]  # fmt: skip
        if self.kind in ("reserve", "confirm", "cancel"):
            return self.booking_command()
        return [
            "status", self.insz, v["status"], "--on", v["on"], "--source", self.source,
            "--ref", v["reference"],
        ]  # fmt: skip

    def booking_command(self) -> list[str]:
        v = self.values
        if self.kind == "reserve":
            options = [f"--{n.replace('_', '-')}" for n in ("provider", "hold_until") if n in v]
            given = [
                item for option in options for item in (option, v[option[2:].replace("-", "_")])
            ]
            return [
                "reserve", self.insz, v["right"], v["amount"], "--on", v["on"],
                "--training", v["training"], "--ref", v["reference"], *given,
            ]  # fmt: skip
        if self.kind == "confirm":
            amount = ["--amount", v["amount"]] if "amount" in v else []
            return ["confirm", self.insz, v["reference"], "--on", v["on"], *amount]
        return ["cancel", self.insz, v["reference"], "--on", v["on"], "--reason", v["reason"]]

    def line(self) -> dict[str, str]:
        return {"kind": self.kind, "insz": self.insz, **self.values}


GRANT = {"right": "vov-hours", "amount": "5", "on": LATER, "reference": "NEW"}
USE = {**GRANT, "training": "T1", "provider": "P1"}
STATUS = {"status": "jobseeker", "on": LATER, "reference": "NEW"}
RESERVE = {**USE, "reference": "B-NEW", "hold_until": "2024-12-31"}
CONFIRM = {"on": LATER, "reference": "B1"}
CANCEL = {**CONFIRM, "reason": "training cancelled"}


def grant(field: str, **values: str) -> Case:
    return Case("grant", GRANT | values, field)


def use(field: str, **values: str) -> Case:
    return Case("use", USE | values, field)


def status(field: str, **values: str) -> Case:
    return Case("status", STATUS | values, field)


def reserve(field: str, **values: str) -> Case:
    return Case("reserve", RESERVE | values, field)


def booked(kind: str, field: str, *arrange: tuple[str, ...], **values: str) -> Case:
    """A confirm or cancel of B1, 10 hours reserved on 2024-10-15 (and what ``arrange`` did)."""
    return Case(kind, (CONFIRM if kind == "confirm" else CANCEL) | values, field, arrange=(
        ("reserve", INSZ, "vov-hours", "10", "--on", "2024-10-15", "--training", "T1",
         "--provider", "P1", "--ref", "B1", "--hold-until", "2024-12-31"),
        *arrange,
    ))  # fmt: skip


BECOME_JOBSEEKER = (
    ("status", INSZ, "jobseeker", "--on", "2024-10-15", "--source", EMPLOYER, "--ref", "S1"),
)
CANCEL_B1 = ("cancel", INSZ, "B1", "--on", "2024-10-20", "--reason", "ill")
TOO_LONG = "R" * 201

CASES = {
    "unknown right": grant("right", right="vov-uren"),
    "bad amount": grant("amount", amount="0"),
    "balance exceeded": use("amount", amount="61"),
    "not usable in status": Case("use", USE, "right", arrange=BECOME_JOBSEEKER),
    "cap exceeded": grant("amount", amount="151"),
    "expiry beyond rule": grant("expires_on", expires_on="2026-01-01"),
    "date before the opening": grant("on", on="2024-08-30"),
    "reference conflict": grant("reference", amount="50", on=START, reference="G1"),
    "source not allowed": grant("right", right="career-vouchers", amount="1"),
    "status unchanged": status("status", status="employee"),
    "no account": Case("use", USE, "insz", insz=OTHER_INSZ, source=FUND),
    "control character in reference": grant("reference", reference="R\x01"),
    "reference too long": grant("reference", reference=TOO_LONG),
    "control character in training": use("training", training="T\x07"),
    "provider too long": use("provider", provider=TOO_LONG),
    "reservation beyond the balance": reserve("amount", amount="61"),
    "hold ending before the booking": reserve("hold_until", hold_until="2024-10-31"),
    "reservation without a provider": Case(
        "reserve", {k: v for k, v in RESERVE.items() if k != "provider"}, "provider"
    ),
    "reservation in a status where the right is not usable": Case(
        "reserve", RESERVE, "right", arrange=BECOME_JOBSEEKER
    ),
    "confirm of no reservation": booked("confirm", "reference", reference="B9"),
    "confirm of nothing": booked("confirm", "amount", amount="0"),
    "confirm of more than is held": booked("confirm", "amount", amount="11"),
    "confirm of a cancelled reservation": booked("confirm", "reference", CANCEL_B1),
    # A confirm or cancel is never late: refused naming the reservation's date.
    "confirm before the reservation": booked("confirm", "on", on="2024-10-10"),
    "cancel of no reservation": booked("cancel", "reference", reference="B9"),
    "cancel with a reason too long": booked("cancel", "reason", reason="R" * 1001),
}


@pytest.fixture
def llr(cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """``llr`` acting as backoffice on a store holding the common account."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={**cli_env, "LLR_ROLE": "backoffice"})
    assert runner.invoke(cli, ["init"], env={"LLR_ROLE": "admin"}).exit_code == 0
    for command in (
        ("open", INSZ, "--status", "employee", "--on", START),
        ("grant", INSZ, "vov-hours", "100", "--source", EMPLOYER, "--on", START, "--ref", "G1"),
        ("use", INSZ, "vov-hours", "40", "--on", "2024-10-01", "--training", "T1",
         "--provider", "P1", "--ref", "U1", "--source", EMPLOYER),
    ):  # fmt: skip
        result = runner.invoke(cli, list(command))
        assert result.exit_code == 0, result.output
    return runner


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_command_and_a_line_are_refused_by_the_same_rule_in_the_same_words(
    llr: CliRunner, tmp_path: Path, case: Case
) -> None:
    for command in case.arrange:
        assert llr.invoke(cli, list(command)).exit_code == 0
    typed = llr.invoke(cli, case.command())
    assert typed.exit_code == 1, typed.output
    said = typed.stderr.removeprefix("error: ").rstrip("\n")

    path = write_csv(tmp_path / "one.csv", [case.line()])
    rejects = tmp_path / "one.rejects.csv"
    imported = llr.invoke(
        cli, ["import", str(path), "--source", case.source, "--rejects", str(rejects)]
    )

    assert imported.exit_code == 1, imported.output
    with rejects.open(encoding="utf-8", newline="") as handle:
        [reject] = list(csv.DictReader(handle))
    assert reject["field"] == case.field
    assert reject["reason"] == as_columns(said)


def as_columns(said: str) -> str:
    """What ``llr`` said, naming a value as the file's column does: the command line names
    its positional argument AMOUNT and its options --amount, --hold-until, --reason."""
    name, _, rest = said.partition(" ")
    if name == "AMOUNT" or name.startswith("--"):
        return f"{name.removeprefix('--').replace('-', '_').lower()} {rest}"
    return said
