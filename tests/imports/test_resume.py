"""Crashes and concurrent imports: every line lands exactly once, on both stores."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ledger.domain.batch import ImportBatch
from tests.imports.support import (
    EMPLOYER,
    START,
    applied_references,
    grant,
    insz_of,
    run_import,
    stored_events,
    use,
    write_csv,
)
from tests.stores import make_ledger

REPOSITORY = Path(__file__).resolve().parents[2]
CITIZENS, LINES_EACH = 150, 8  # 1,200 lines: 12 chunks of 100


def quarter_file(path: Path) -> Path:
    """Each citizen: four grants of 10 hours and four uses of 5, all on one day."""
    rows = []
    for n in range(CITIZENS):
        insz = insz_of(n)
        rows += [grant(insz, f"G-{n}-{k}") for k in range(LINES_EACH // 2)]
        rows += [use(insz, f"U-{n}-{k}") for k in range(LINES_EACH // 2)]
    return write_csv(path, rows)


def import_process(database: str, path: Path, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.imports.runner", database, str(path), EMPLOYER, *options],
        cwd=REPOSITORY,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str]) -> dict[str, Any]:
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    return dict(json.loads(stdout))


def every_line_once(database: str) -> None:
    ledger = make_ledger(database)
    try:
        counts = applied_references(ledger)
        assert len(counts) == CITIZENS * LINES_EACH
        assert set(counts.values()) == {1}
    finally:
        ledger.close()


@pytest.mark.slow
def test_an_import_killed_part_way_is_finished_by_running_it_again(
    database_url: str, tmp_path: Path
) -> None:
    make_ledger(database_url).close()  # the store exists, as after `llr init`
    path = quarter_file(tmp_path / "q3.csv")

    killed = import_process(database_url, path, "--chunk", "100", "--kill-after", "5")
    killed.communicate(timeout=300)
    resumed = finished(import_process(database_url, path, "--chunk", "100"))

    assert killed.returncode == -9
    assert (resumed["already_applied"], resumed["applied"]) == (500, 700)
    every_line_once(database_url)
    ledger = make_ledger(database_url)
    batches = [type(e) for e in stored_events(ledger) if isinstance(e, ImportBatch.Event)]
    ledger.close()
    assert batches == [ImportBatch.BatchStarted] * 2 + [ImportBatch.BatchFinished]


@pytest.mark.slow
def test_two_processes_importing_the_same_citizens_apply_each_line_once(
    postgres_database: str, tmp_path: Path
) -> None:
    from tests.stores import reset_postgres

    reset_postgres(postgres_database)
    make_ledger(postgres_database).close()
    path = quarter_file(tmp_path / "q3.csv")

    first = import_process(postgres_database, path, "--chunk", "50")
    second = import_process(postgres_database, path, "--chunk", "50")
    results = [finished(first), finished(second)]

    assert sum(r["applied"] for r in results) == CITIZENS * LINES_EACH
    assert sum(r["already_applied"] for r in results) == CITIZENS * LINES_EACH
    assert [r["rejected"] for r in results] == [0, 0]
    every_line_once(postgres_database)


def test_a_chunk_that_meets_a_concurrent_write_is_redone_from_the_store(
    database_url: str, tmp_path: Path
) -> None:
    importer, other = make_ledger(database_url), make_ledger(database_url)
    insz = insz_of(0)
    path = write_csv(tmp_path / "q3.csv", [grant(insz, "G-1", 40), use(insz, "U-1", 10)])

    def meanwhile(_: object) -> None:  # another writer changes the account between chunks
        if other.history(insz).entries[-1].reference != "U-OTHER":
            other.use_right(insz, "vov-hours", "20", START, "T", "P", "U-OTHER", EMPLOYER)

    summary, _ = run_import(importer, path, chunk_lines=1, after_chunk=meanwhile)

    assert (summary.applied, summary.rejected) == (2, 0)
    assert {r.right: r.usable for r in other.balance(insz).rights} == {"vov-hours": 1000}
    importer.close()
    other.close()
