"""The example files the README imports do what the README says, on every store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ledger.application import Ledger
from ledger.parsing import employment_of
from tests.imports.support import run_import

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BRAM = "85073003328"  # resigns on 2025-02-01, starts with another employer on 2025-02-03
NEXT_JOB = date(2025, 2, 3)


def copy_of(name: str, folder: Path) -> Path:
    target = folder / name  # the rejects file is written next to the copy
    target.write_bytes((EXAMPLES / name).read_bytes())
    return target


def test_the_example_files_import_as_the_readme_shows(ledger: Ledger, tmp_path: Path) -> None:
    employer, _ = run_import(
        ledger, copy_of("employer-0566988259.csv", tmp_path), "employer:0566988259"
    )
    # Back office records Bram's new job (the employer's file reports its own staff only).
    ledger.start_employment(BRAM, employment_of("0202239951", NEXT_JOB, joint_committee="200"))
    fund, rejects = run_import(
        ledger, copy_of("sector-fund-cevora.jsonl", tmp_path), "sector-fund:cevora"
    )

    assert (employer.applied, employer.rejected) == (18, 0)
    assert (fund.applied, fund.rejected) == (6, 4)
    assert [r["field"] for r in rejects] == ["insz", "insz", "right", "amount"]
    end_of_march = date(2025, 3, 31)
    rights = {
        r.right: (r.usable // 100, r.suspended // 100)  # hours and days, in hundredths
        for r in ledger.balance(BRAM, end_of_march).rights
    }
    assert rights == {
        "vov-hours": (0, 0),  # the hours of an employment end with it
        "federal-training-days": (0, 0),
        "sector-training-hours": (8, 0),  # granted in the new job's joint committee
    }
    events = [e.event for e in ledger.history(BRAM).entries]
    assert events.count("RightForfeited") == 2 and "EmploymentEnded" in events
