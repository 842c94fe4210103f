"""A whole-ledger verify shared over processes reports exactly what one process does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ledger.application import Ledger
from ledger.audit import load_digest, save_digest, take_digest, verify
from ledger.domain.account import Account
from tests.audit.support import ANNA, BERT, CLEO, StoredRecords, forge


def test_two_processes_find_and_total_exactly_what_one_does(
    populated: Ledger, records: StoredRecords, tmp_path: Path
) -> None:
    digest, heads = take_digest(populated)
    save_digest(digest, tmp_path / "d.json", heads)
    records.edit(populated.account_id_for(ANNA), 2, amount=200)
    records.rewrite(populated.account_id_for(BERT), lambda _, state: state.update(actor="x"))
    forge(
        populated,
        CLEO,
        Account.StatusChanged,
        on=date(2025, 1, 1),
        from_status="employee",
        to_status="jobseeker",
        source=None,
        reference=None,
        batch=None,
        line=None,
    )
    check = load_digest(tmp_path / "d.json", None)

    alone = verify(populated, digest=check, workers=1)
    shared = verify(populated, digest=check, workers=2)

    assert len(alone.findings) >= 5
    assert shared.as_dict() == alone.as_dict()
