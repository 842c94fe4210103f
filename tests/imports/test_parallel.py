"""Imports split over worker processes land exactly what a single process lands."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.application import Ledger
from ledger.domain.batch import ImportBatch
from ledger.domain.errors import LedgerError
from tests.imports.support import (
    EMPLOYER,
    START,
    grant,
    insz_of,
    run_import,
    stored_events,
    use,
    write_csv,
)
from tests.imports.test_resume import (
    CITIZENS,
    LINES_EACH,
    every_line_once,
    finished,
    import_process,
    quarter_file,
)
from tests.stores import make_ledger, reset_postgres

REPOSITORY = Path(__file__).resolve().parents[2]
SOURCE = "employer:0566988259"  # the generator's default source


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A realistic file with bad lines of every kind: 3,000 lines over 400 citizens."""
    path = tmp_path_factory.mktemp("generated") / "q3.csv"
    command = [sys.executable, "-m", "benchmarks.generate", str(path)]
    command += ["--lines", "3000", "--citizens", "400", "--seed", "11"]
    subprocess.run(command, check=True, cwd=REPOSITORY, stdout=subprocess.DEVNULL)
    return path


def account_states(ledger: Ledger) -> dict[str, list[tuple[str, int]]]:
    """Every account's events as (kind, originator version), the business content aside."""
    found: dict[str, list[tuple[str, int]]] = {}
    for event in stored_events(ledger):
        if type(event).__module__.endswith("account"):
            key = str(event.originator_id)
            found.setdefault(key, []).append((type(event).__name__, event.originator_version))
    return found


def test_two_workers_land_what_one_process_lands(
    database_url: str, generated: Path, tmp_path: Path
) -> None:
    one = make_ledger(database_url)
    single, single_rejects = run_import(one, generated, SOURCE, chunk_lines=250)
    expected = account_states(one)
    one.close()

    other_url = _fresh_store_like(database_url, tmp_path)
    two = make_ledger(other_url)
    split, split_rejects = run_import(two, generated, SOURCE, chunk_lines=250, workers=2)
    got = account_states(two)
    two.close()

    assert split.counts() == single.counts()
    assert split.events_written == single.events_written
    assert split_rejects == single_rejects
    assert [int(r["line"]) for r in split_rejects] == sorted(int(r["line"]) for r in split_rejects)
    assert got == expected


def test_a_file_imported_again_with_another_number_of_workers_changes_nothing(
    database_url: str, generated: Path
) -> None:
    ledger = make_ledger(database_url)
    first, first_rejects = run_import(ledger, generated, SOURCE, chunk_lines=300, workers=2)
    before = len(stored_events(ledger))

    again, again_rejects = run_import(ledger, generated, SOURCE, chunk_lines=300, workers=1)
    thrice, _ = run_import(ledger, generated, SOURCE, chunk_lines=300, workers=3)
    after = [e for e in stored_events(ledger)[before:] if not isinstance(e, ImportBatch.Event)]
    ledger.close()

    assert first.applied > 0 and first.rejected > 0
    assert again.applied == thrice.applied == 0
    assert again.already_applied == thrice.already_applied == first.applied
    assert again.rejected == thrice.rejected == first.rejected
    assert [r["line"] for r in again_rejects] == [r["line"] for r in first_rejects]
    assert after == []


def test_a_chunk_that_meets_a_concurrent_write_is_redone_by_the_workers(
    database_url: str, tmp_path: Path
) -> None:
    importer = make_ledger(database_url)
    other = make_ledger(database_url)
    insz = insz_of(0)
    rows = [grant(insz, "G-1", 40)] + [use(insz, f"U-{n}", 1) for n in range(6)]
    path = write_csv(tmp_path / "q3.csv", rows)

    def meanwhile(_: object) -> None:  # another writer changes the account between chunks
        if other.history(insz).entries[-1].reference != "U-OTHER":
            other.use_right(insz, "vov-hours", "20", START, "T", "P", "U-OTHER", EMPLOYER)

    summary, _ = run_import(importer, path, chunk_lines=1, workers=2, after_chunk=meanwhile)

    assert (summary.applied, summary.rejected) == (7, 0)
    assert summary.chunks_redone >= 1
    assert {r.right: r.usable for r in other.balance(insz).rights} == {"vov-hours": 1400}
    importer.close()
    other.close()


def test_an_in_memory_store_imports_in_one_process_whatever_the_workers_asked(
    tmp_path: Path,
) -> None:
    ledger = make_ledger("memory")
    path = write_csv(tmp_path / "q3.csv", [grant(insz_of(1), "G-1", 40)])

    summary, _ = run_import(ledger, path, workers=4)

    assert summary.applied == 1


@pytest.mark.slow
def test_an_import_with_workers_killed_part_way_is_finished_by_running_it_again(
    database_url: str, tmp_path: Path
) -> None:
    make_ledger(database_url).close()
    path = quarter_file(tmp_path / "q3.csv")
    options = ("--chunk", "100", "--workers", "2")

    killed = import_process(database_url, path, *options, "--kill-after", "5")
    killed.communicate(timeout=300)
    resumed = finished(import_process(database_url, path, *options))

    assert killed.returncode == -9
    assert resumed["already_applied"] >= 500
    assert resumed["applied"] + resumed["already_applied"] == CITIZENS * LINES_EACH
    every_line_once(database_url)


@pytest.mark.slow
def test_two_imports_with_workers_each_apply_every_line_once_between_them(
    postgres_database: str, tmp_path: Path
) -> None:
    reset_postgres(postgres_database)
    make_ledger(postgres_database).close()
    path = quarter_file(tmp_path / "q3.csv")

    first = import_process(postgres_database, path, "--chunk", "50", "--workers", "2")
    second = import_process(postgres_database, path, "--chunk", "50", "--workers", "2")
    results = [finished(first), finished(second)]

    assert sum(r["applied"] for r in results) == CITIZENS * LINES_EACH
    assert sum(r["already_applied"] for r in results) == CITIZENS * LINES_EACH
    every_line_once(postgres_database)


def _fresh_store_like(database_url: str, tmp_path: Path) -> str:
    """An empty store on the same backend (PostgreSQL: the same database, emptied)."""
    if database_url.startswith("postgresql"):
        reset_postgres(database_url)
        return database_url
    return str(tmp_path / "second.sqlite3")


def test_a_validated_row_sent_to_a_worker_arrives_equal_and_unvalidated_again(
    generated: Path,
) -> None:
    from ledger.imports.readers import LineSource, open_file, read_records
    from ledger.imports.rows import ValidRow, parse_row

    with open_file(generated) as handle:
        rows = [parse_row(r.fields) for r in read_records(LineSource(handle), "csv")]
    valid = [row for row in rows if isinstance(row, ValidRow)]

    back = pickle.loads(pickle.dumps(valid, pickle.HIGHEST_PROTOCOL))

    assert len(valid) > 2900
    assert back == valid
    assert [type(row) for row in back] == [type(row) for row in valid]


def test_a_dry_run_with_workers_writes_nothing_and_counts_as_the_real_run_does(
    database_url: str, generated: Path
) -> None:
    ledger = make_ledger(database_url)
    before = len(stored_events(ledger))

    dry, dry_rejects = run_import(
        ledger, generated, SOURCE, chunk_lines=300, workers=2, dry_run=True
    )
    unchanged = len(stored_events(ledger))
    real, real_rejects = run_import(ledger, generated, SOURCE, chunk_lines=300, workers=2)
    ledger.close()

    assert unchanged == before
    assert (dry.applied, dry.rejected, dry.events_written) == (
        real.applied,
        real.rejected,
        real.events_written,
    )
    assert [r["line"] for r in dry_rejects] == [r["line"] for r in real_rejects]


@pytest.mark.slow
def test_a_worker_that_dies_stops_the_import_with_a_clear_error_and_a_rerun_finishes_it(
    database_url: str, tmp_path: Path
) -> None:
    ledger = make_ledger(database_url)
    path = quarter_file(tmp_path / "q3.csv")
    killed: list[int] = []

    def kill_a_worker(_: object) -> None:
        workers = multiprocessing.active_children()
        if workers and not killed:
            killed.append(workers[0].pid or 0)
            os.kill(workers[0].pid or 0, signal.SIGKILL)

    with pytest.raises(LedgerError, match=r"import worker \d stopped without a word"):
        run_import(ledger, path, chunk_lines=100, workers=2, after_chunk=kill_a_worker)
    rerun, _ = run_import(ledger, path, chunk_lines=100, workers=2)
    ledger.close()

    assert killed
    assert rerun.rejected == 0
    assert rerun.applied + rerun.already_applied == CITIZENS * LINES_EACH
    every_line_once(database_url)
