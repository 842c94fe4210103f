"""Invariant 6 against the read models: verify runs the projections' consistency check when
the read models exist, names each citizen whose projected balance differs, and says so in
its notes when they do not exist."""

from __future__ import annotations

from ledger.application import Ledger
from ledger.audit import Invariant, verify
from ledger.projections.migrate import upgrade
from tests.audit.support import CLEO, SHOWN, StoredRecords
from tests.stores import settings_of


def build_read_models(database_url: str) -> None:
    upgrade(settings_of(database_url))


def test_without_read_models_verify_says_the_projections_were_not_checked(
    populated: Ledger,
) -> None:
    report = verify(populated)

    assert report.ok
    assert report.notes[0].startswith("projections: not checked")


def test_a_projected_balance_that_differs_from_the_streams_is_named(
    populated: Ledger, records: StoredRecords, database_url: str
) -> None:
    build_read_models(database_url)
    assert verify(populated).notes[0] == "projections: checked, 0 differences"
    with records.sql() as run:
        run(
            "UPDATE balance_lots SET remaining = remaining + 5 WHERE lot = ?",
            "flemish-government/C-TV",
        )

    report = verify(populated)

    assert {(f.citizen, f.invariant) for f in report.findings} == {
        (SHOWN[CLEO], Invariant.REPLAY_SNAPSHOT_PROJECTIONS)
    }
    assert any(f.expected == "10000" and f.found == "10005" for f in report.findings)
