"""Every CSV the ledger writes neutralises formula injection: a cell a spreadsheet would run
(text starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe.

The writers belong to other parts of the ledger; these tests only use them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cli.output import echo_csv
from ledger.audit.report import write_csv
from ledger.imports.report import Reject, RejectsWriter

ATTACKS = ["=cmd|' /C calc'!A0", "+SUM(1+1)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def read(path: Path) -> str:
    with path.open(newline="", encoding="utf-8") as handle:
        return handle.read()


REPORT_ATTACKS = ATTACKS


@pytest.mark.parametrize("attack", REPORT_ATTACKS)
def test_report_csv_on_stdout_neutralises_formulas(
    attack: str, capsys: pytest.CaptureFixture[str]
) -> None:
    echo_csv([{"reference": attack, "amount": 5}])

    written = cells(capsys.readouterr().out)

    assert written == ["reference", "amount", "'" + attack, "5"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_audit_report_csv_neutralises_formulas(attack: str, tmp_path: Path) -> None:
    path = tmp_path / "findings.csv"

    write_csv(path, [{"message": attack, "expected": 3}], ("message", "expected"))

    assert cells(read(path))[2:] == ["'" + attack, "3"]


def test_the_rejects_csv_neutralises_formulas_in_the_original_line(tmp_path: Path) -> None:
    path = tmp_path / "q3.rejects.csv"
    writer = RejectsWriter(path)

    writer.write([Reject(3, "grant", "amount", "=1+1: not a number", ATTACKS[0])])
    writer.close()

    written = cells(read(path))
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in written)
