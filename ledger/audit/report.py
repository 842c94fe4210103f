"""The audit report as files for the auditor's own tools: findings and totals as CSV, and
the whole report as JSON.

CSV cells that a spreadsheet would run as a formula (text starting with =, +, -, @, or a
tab or carriage return) get a leading apostrophe, so a crafted reference or actor name in
an event cannot run in the auditor's spreadsheet. Whole numbers stay numbers: they cannot
carry a formula.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ledger.audit.findings import AuditReport
from ledger.csvsafe import neutralise
from ledger.domain.errors import InvalidInputError


def report_paths(base: Path) -> tuple[Path, Path, Path]:
    """OUT.findings.csv, OUT.totals.csv, OUT.json."""
    return (
        base.with_name(base.name + ".findings.csv"),
        base.with_name(base.name + ".totals.csv"),
        base.with_name(base.name + ".json"),
    )


def write_report(report: AuditReport, base: Path) -> tuple[Path, Path, Path]:
    """Write the three files next to ``base``; the paths written."""
    if not base.parent.is_dir():
        raise InvalidInputError(f"--report {base}: folder {base.parent} not found")
    findings_path, totals_path, json_path = report_paths(base)
    data = report.as_dict()
    write_csv(findings_path, data["findings"], FINDING_COLUMNS)
    write_csv(totals_path, data["totals"], TOTALS_COLUMNS)
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return findings_path, totals_path, json_path


FINDING_COLUMNS = (
    "citizen", "account_id", "event_id", "event", "invariant", "rule", "message", "expected",
    "found",
)  # fmt: skip
TOTALS_COLUMNS = (
    "citizen", "account_id", "right", "granted", "used", "expired", "forfeited", "usable",
    "suspended", "reserved", "replayed_to",
)  # fmt: skip


def write_csv(path: Path, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise(row[column]) for column in columns])
