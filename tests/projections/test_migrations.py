"""The read-model schema comes from ordered SQL files, each applied once and recorded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ledger.projections.migrate import MIGRATIONS, available, status, upgrade
from ledger.projections.runner import catch_up_all
from ledger.store.read_models.base import ProjectionError, ReadModelsMissingError
from ledger.store.read_models.opening import opened
from tests.stores import make_ledger, settings_of


def recorded(database_url: str) -> list[str]:
    with opened(settings_of(database_url).store_env()) as store:
        return [row[0] for row in store.query("SELECT name FROM schema_migrations ORDER BY name")]


def test_an_upgrade_applies_every_migration_once_and_records_each(database_url: str) -> None:
    settings = settings_of(database_url)
    everything = [m.name for m in available(settings.backend)]

    first, second = upgrade(settings), upgrade(settings)

    assert (first, second) == (everything, [])
    assert recorded(database_url) == everything
    assert status(settings) == (everything, [])


def test_status_lists_the_migrations_not_yet_applied(database_url: str) -> None:
    settings = settings_of(database_url)

    applied, pending = status(settings)

    assert (applied, pending) == ([], [m.name for m in available(settings.backend)])


def test_a_failing_migration_leaves_no_table_and_no_record(
    database_url: str, tmp_path: Path
) -> None:
    settings = settings_of(database_url)
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder)
    (folder / settings.backend / "0099_broken.sql").write_text(
        "CREATE TABLE half_done (x INTEGER);\nCREATE TABLE half_done (x INTEGER);\n"
    )

    with pytest.raises(Exception, match="half_done"):
        upgrade(settings, folder)

    with opened(settings.store_env()) as store:
        assert "half_done" not in store.table_names()
    assert status(settings, folder)[1] == ["0099_broken"]


def test_a_migration_file_with_a_bad_name_is_refused(database_url: str, tmp_path: Path) -> None:
    settings = settings_of(database_url)
    (tmp_path / settings.backend).mkdir()
    (tmp_path / settings.backend / "2_Add.sql").write_text("SELECT 1;")

    with pytest.raises(ProjectionError, match=r"2_Add\.sql"):
        upgrade(settings, tmp_path)


def test_projections_refuse_to_run_before_the_migrations(database_url: str) -> None:
    ledger = make_ledger(database_url)
    try:
        with pytest.raises(ReadModelsMissingError, match="llr init"):
            catch_up_all(ledger)
    finally:
        ledger.close()
