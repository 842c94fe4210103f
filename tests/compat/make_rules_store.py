"""Write the rules fixture: a SQLite store written by commit 8324fd4, main before the rules
were corrected (tracks, personal maxima, conditions, corrigenda of VOV, vouchers and career
vouchers), with ``answers.json`` holding its balances as that code read them.

Its lots were granted under versions that have corrigenda now (``vov-hours@2021-09-01``
with one cap of 250 h, ``vov-hours@2025-09-01``, ``training-vouchers@2019-09-01+c1`` to a
high-qualified worker without a POP, ``career-vouchers@2025-01-01+c1`` with its 72-month
window...), each grant recording the content hash of its version. The tests in
``test_rules_store.py`` open a copy with today's code: the old ids resolve, the hashes
still match (no version was edited in place), the balances are the same, and the store
audits clean and takes new writes under today's rules.

Rerun only to write a new fixture, from a checkout of the commit that should write it
(8324fd4 for this one), with this file copied into its ``tests/compat/``::

    python -m tests.compat.make_rules_store OUT_DIR
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cli.main import cli
from ledger.application import Ledger
from ledger.parsing import employment_of
from tests.compat.answers import environment, open_ledger

AS_OF = date(2025, 12, 31)
EMPLOYER = "employer:0566988259"
FLANDERS = "flemish-government"
CITIZENS = {"full-time": "93051822361", "part-time": "85073003328"}
RIGHTS = ("vov-hours", "federal-training-days", "training-vouchers", "career-vouchers")


def balances(ledger: Ledger) -> dict[str, Any]:
    """Per citizen and right: usable and suspended, and each lot's version and remaining."""
    found: dict[str, Any] = {}
    for name, insz in CITIZENS.items():
        report = ledger.balance(insz, as_of=AS_OF, reason="compat")
        found[name] = {
            b.right: {
                "usable": b.usable,
                "suspended": b.suspended,
                "lots": sorted([lot.lot, lot.rule_version, lot.remaining] for lot in b.lots),
            }
            for b in report.rights
        }
    return found


def write(ledger: Ledger) -> None:
    kbo = EMPLOYER.removeprefix("employer:")
    full, part = CITIZENS["full-time"], CITIZENS["part-time"]
    start = date(2021, 1, 4)
    ledger.open_account(full, "employee", start, "high", employment=employment_of(kbo, start))
    ledger.open_account(
        part, "employee", start, "low", employment=employment_of(kbo, start, "0.5", "200")
    )
    # Under vov-hours@2021-09-01 (one cap of 250 h, no tracks): 200 h in 2022-23 too.
    ledger.grant_right(full, "vov-hours", "100", date(2021, 9, 6), EMPLOYER, "VOV-2021")
    ledger.grant_right(full, "vov-hours", "200", date(2022, 9, 5), EMPLOYER, "VOV-2022")
    ledger.use_right(full, "vov-hours", "150", date(2022, 10, 3), "T-1", "0403170701", "U-1")
    ledger.grant_right(part, "vov-hours", "125", date(2023, 9, 4), EMPLOYER, "VOV-2023")
    ledger.grant_right(full, "federal-training-days", "5", date(2024, 1, 15), EMPLOYER, "F-24")
    # A high-qualified worker's vouchers without a POP, as the rules then allowed.
    ledger.grant_right(full, "training-vouchers", "250", date(2024, 9, 2), FLANDERS, "TV-1")
    ledger.grant_right(full, "career-vouchers", "1", date(2025, 4, 1), FLANDERS, "CV-1")
    ledger.grant_right(full, "vov-hours", "40", date(2025, 9, 8), EMPLOYER, "VOV-2025")
    ledger.use_right(full, "vov-hours", "8", date(2025, 10, 6), "T-2", "0403170701", "U-2")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    database = out / "llr.sqlite3"
    database.unlink(missing_ok=True)
    env = {**environment(database), "LLR_ROLE": "admin"}
    result = CliRunner().invoke(cli, ["init"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    ledger = open_ledger(database)
    try:
        write(ledger)
        answers = balances(ledger)
    finally:
        ledger.close()
    (out / "answers.json").write_text(json.dumps(answers, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
