"""Streams that are not a citizen's (the record of an import batch) carry the same hash
chain: verify checks it and replays them, and names the batch when one was changed."""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.application import Ledger
from ledger.audit import Invariant, verify
from ledger.domain.batch import ImportBatch
from tests.audit.support import StoredRecords
from tests.builders import EMPLOYER


def record_a_batch(ledger: Ledger) -> ImportBatch:
    batch = ImportBatch.start(
        EMPLOYER,
        "q3.csv",
        "ab" * 32,
        "csv",
        "test",
        datetime(2025, 1, 6, 9, 0, tzinfo=UTC),
    )
    batch.finish(datetime(2025, 1, 6, 9, 1, tzinfo=UTC), {"applied": 3, "rejected": {"x": 1}})
    ledger.save(batch)
    return batch


def test_an_import_batchs_stream_verifies_clean_and_adds_no_totals(populated: Ledger) -> None:
    record_a_batch(populated)

    report = verify(populated)

    assert report.ok, [f.line() for f in report.findings]
    assert (report.streams, len(report.totals)) == (4, 4)


def test_a_changed_import_batch_is_named(populated: Ledger, records: StoredRecords) -> None:
    batch = record_a_batch(populated)
    records.edit(batch.id, 1, file_name="other.csv")

    report = verify(populated)

    assert [(f.citizen, f.version, f.event, f.invariant) for f in report.findings] == [
        (f"(ImportBatch {batch.id.hex})", 1, "BatchStarted", Invariant.HISTORY_UNALTERED)
    ]
