"""Report files for the auditor's tools: CSV that no spreadsheet runs, and the same as JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ledger.audit import AuditReport, Finding, Invariant, RightTotals
from ledger.audit.report import write_report
from ledger.domain.errors import InvalidInputError


def a_report() -> AuditReport:
    finding = Finding(
        Invariant.NO_NEGATIVE_LOT,
        "80.01.01-***.**",
        '=HYPERLINK("x")',
        "at most 10",
        "-5",
        "ab" * 16,
        4,
        "RightUsed",
    )
    totals = RightTotals("80.01.01-***.**", "ab" * 16, "vov-hours", 10, 15, 0, 0, -5, 0, 4)
    return AuditReport("all citizens", 4, 1, 4, [finding], [totals], ["projections: none"])


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_the_report_writes_findings_and_totals_as_csv_and_everything_as_json(
    tmp_path: Path,
) -> None:
    report = a_report()

    written = write_report(report, tmp_path / "audit")

    findings, totals, whole = written
    assert [p.name for p in written] == ["audit.findings.csv", "audit.totals.csv", "audit.json"]
    assert read_csv(findings)[1] == [
        "80.01.01-***.**",
        "ab" * 16,
        "4",
        "RightUsed",
        "2",
        Invariant.NO_NEGATIVE_LOT.title,
        '\'=HYPERLINK("x")',
        "at most 10",
        "'-5",
    ]
    assert read_csv(totals)[1][2:] == ["vov-hours", "10", "15", "0", "0", "-5", "0", "0", "4"]
    assert json.loads(whole.read_text()) == report.as_dict()


def test_a_report_into_a_missing_folder_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"folder .*nowhere not found"):
        write_report(a_report(), tmp_path / "nowhere" / "audit")
