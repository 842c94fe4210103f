"""Write the compatibility store: a small SQLite ledger made by the code of one commit.

The store in ``tests/compat/store/`` was written by commit c25a9d0 (main before the typed
Account state), with ``answers.json`` holding what that code answered for it. The tests in
this folder open a copy with today's code and expect the same answers, so a change to the
Account's state, its snapshots or its events that old stores cannot follow shows up there.

Rerun (only to write a new fixture, from a checkout of the commit that should write it)::

    python -m tests.compat.make_store

Every write goes through ``llr`` or the ``Ledger``'s public commands: open, grants of four
rights, uses, status changes (transfers, suspensions, forfeits), an expiry run, a direct
reversal, a reversal request approved by a second person and one left pending, an import
(batch and file records, import snapshots), and one account of more than 100 events so the
Ledger snapshots it (every 100 events).
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from ledger.application import Ledger
from tests.compat.answers import (
    ANSWERS,
    CITIZENS,
    STORE,
    answers,
    environment,
    open_ledger,
)

EMPLOYER = "employer:0566988259"
FLANDERS = "flemish-government"
FUND = "sector-fund:cevora"
START = date(2024, 9, 1)
HEADER = ["kind", "insz", "on", "right", "amount", "expires_on", "training", "provider"]
HEADER += ["status", "reference"]
LONG_LOTS = 12
LONG_TRANSITIONS = ("jobseeker", "employee") * 4  # 1 + 12 + 8 x 13 = 117 events


def llr(database: Path, *args: str, role: str = "admin") -> str:
    env = {**environment(database), "LLR_ROLE": role}
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, f"llr {' '.join(args)}: {result.output}"
    return result.stdout


def reversals(ledger: Ledger, database: Path) -> None:
    """Grants of three rights, a use, a forfeit, a direct reversal and four-eyes reversals."""
    insz = CITIZENS["reversals"]
    ledger.open_account(insz, "employee", START, education="low")
    ledger.grant_right(insz, "vov-hours", 40, date(2024, 9, 2), EMPLOYER, "VOV-1")
    ledger.grant_right(insz, "federal-training-days", 5, date(2024, 9, 2), EMPLOYER, "FED-1")
    ledger.grant_right(insz, "career-vouchers", 2, date(2024, 9, 3), FLANDERS, "CV-1")
    used = ledger.use_right(insz, "vov-hours", 10, date(2024, 10, 1), "T-1", "0403170701", "U-1")
    ledger.use_right(insz, "vov-hours", 5, date(2024, 10, 2), "T-2", "0403170701", "U-2")
    ledger.change_status(insz, "jobseeker", date(2025, 1, 6), EMPLOYER, "S-1")
    ledger.change_status(insz, "employee", date(2025, 2, 3), EMPLOYER, "S-2")
    ledger.reverse_entry(insz, used.account_version, "entered twice", date(2025, 2, 4))
    grant = ledger.grant_right(insz, "vov-hours", 3, date(2025, 2, 5), EMPLOYER, "VOV-2")
    requests = [
        open_ledger(database, "staff:1 (backoffice)"),
        open_ledger(database, "staff:2 (backoffice)"),
    ]
    try:
        asked = requests[0].request_reversal(
            insz, grant.account_version, "wrong citizen", date(2025, 2, 6)
        )
        requests[1].approve_reversal(insz, asked.account_version)
        forfeit = next(e for e in ledger.history(insz).entries if e.event == "RightForfeited")
        requests[0].request_reversal(insz, forfeit.event_id, "status was wrong", date(2025, 2, 7))
    finally:
        for app in requests:
            app.close()


def expiry(ledger: Ledger) -> None:
    """A VOV lot of school year 2023-24, expired by the expiry run of 30 June 2025."""
    insz = CITIZENS["expiry"]
    ledger.open_account(insz, "employee", date(2023, 9, 1), education="high")
    ledger.grant_right(insz, "vov-hours", 30, date(2023, 9, 4), EMPLOYER, "VOV-OLD")
    ledger.use_right(insz, "vov-hours", 8, date(2024, 3, 1), "T-3", "0403170701", "U-OLD")
    ledger.change_status(insz, "inactive", date(2024, 5, 1))
    ledger.grant_right(insz, "vov-hours", 20, date(2024, 9, 2), EMPLOYER, "VOV-NEW")


def long_account(ledger: Ledger) -> None:
    """117 events, so the Ledger snapshots the account at event 100."""
    insz = CITIZENS["long"]
    ledger.open_account(insz, "employee", START, education="medium")
    for n in range(LONG_LOTS):
        ledger.grant_right(insz, "vov-hours", 1, date(2024, 9, 2), EMPLOYER, f"L-{n}")
    for month, status in enumerate(LONG_TRANSITIONS):
        ledger.change_status(insz, status, date(2024, 10 + month // 3, 1 + month % 3 * 9))


def import_file(database: Path, folder: Path) -> None:
    """An employer file: grants, uses, a status change and a citizen its status line opens."""
    imported, opened = CITIZENS["imported"], CITIZENS["opened-by-import"]
    rows = [
        ("grant", imported, "2024-09-02", "vov-hours", "60", "", "", "", "", "I-G-1"),
        ("grant", imported, "2024-09-02", "federal-training-days", "4", "", "", "", "", "I-G-2"),
        ("use", imported, "2024-11-04", "vov-hours", "12", "", "T-9", "0403170701", "", "I-U-1"),
        ("status", opened, "2024-09-01", "", "", "", "", "", "employee", "I-S-1"),
        ("grant", opened, "2024-09-02", "vov-hours", "16", "", "", "", "", "I-G-3"),
        ("status", imported, "2025-01-06", "", "", "", "", "", "self-employed", "I-S-2"),
    ]
    path = folder / "employer.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    llr(database, "import", str(path), "--source", EMPLOYER, role=f"importer:{EMPLOYER}")


def make(target: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "llr.sqlite3"
        llr(database, "init")
        ledger = open_ledger(database)
        try:
            ledger.open_account(CITIZENS["imported"], "employee", START, education="high")
            reversals(ledger, database)
            expiry(ledger)
            long_account(ledger)
            import_file(database, Path(scratch))
            ledger.expire_all(date(2025, 6, 30))
            found = answers(ledger)
        finally:
            ledger.close()
        llr(database, "audit", "verify", role="auditor")
        with __import__("sqlite3").connect(database) as connection:
            connection.execute("VACUUM")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(database, target)
    ANSWERS.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    make(STORE)
    print(f"wrote {STORE} ({STORE.stat().st_size} bytes) and {ANSWERS}")
