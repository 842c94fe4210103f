"""The totals verify reports per citizen are the ones `llr explain` derives by hand."""

from __future__ import annotations

from ledger.application import Ledger
from ledger.audit import verify
from ledger.audit.findings import TOTAL_COLUMNS
from tests.audit.support import ANNA, BERT, CLEO


def test_verify_totals_per_citizen_and_right_agree_with_explain(populated: Ledger) -> None:
    citizens = {populated.account_id_for(insz).hex: insz for insz in (ANNA, BERT, CLEO)}

    report = verify(populated)

    from_verify = [
        (row.account_id, row.right, {name: getattr(row, name) for name in TOTAL_COLUMNS})
        for row in report.totals
    ]
    from_explain = [
        (account, right, populated.explain(citizens[account], right).totals)
        for account, right, _ in from_verify
    ]
    assert from_verify == from_explain
    assert len(from_verify) == 4  # Anna: VOV and vouchers; Bert: VOV; Cleo: vouchers
