"""llr init, commands before init, settings, the development-key warning, store failures."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli.context
import cli.main
from ledger.config import Settings, load_settings
from tests.cli.conftest import ADMIN, INSZ, Llr
from tests.conftest import TEST_ID_KEY


def test_init_on_sqlite_creates_the_file(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    llr = Llr({"LLR_DATABASE": str(path), "LLR_ID_KEY": TEST_ID_KEY})

    result = llr.ok("init", **ADMIN)

    assert path.exists()
    assert result.stdout.splitlines()[:2] == [
        f"ledger ready at {path} (backend: sqlite)",
        "encryption at rest: off",
    ]


def test_init_twice_changes_nothing(with_account: Llr) -> None:
    before = with_account.history()

    with_account.ok("init", **ADMIN)

    assert with_account.history() == before


def test_init_names_the_database_and_the_backend(llr: Llr) -> None:
    result = llr.ok("init", **ADMIN)

    assert result.stdout.startswith("ledger ready at ")
    assert "(backend: " in result.stdout


def test_a_command_before_init_fails_with_the_init_hint(llr: Llr) -> None:
    message = llr.refused("balance", INSZ)

    assert message.startswith("error: no ledger at ")
    assert message.endswith(": run 'llr init' first\n")


def test_a_write_before_init_fails_and_creates_nothing(llr: Llr) -> None:
    llr.refused("open", INSZ, "--status", "employee", "--on", "2024-09-01")

    assert "run 'llr init' first" in llr.refused("expire", "--as-of", "2025-01-01")


def test_the_db_option_wins_over_the_environment(tmp_path: Path) -> None:
    given, ignored = tmp_path / "given.sqlite3", tmp_path / "ignored.sqlite3"
    llr = Llr({"LLR_DATABASE": str(ignored), "LLR_ID_KEY": TEST_ID_KEY})

    llr.ok("--db", f"sqlite:///{given}", "init", **ADMIN)

    assert (given.exists(), ignored.exists()) == (True, False)


def test_init_applies_the_read_model_migrations_after_the_event_tables(llr: Llr) -> None:
    first = llr.ok("init", **ADMIN).stdout.splitlines()
    again = llr.ok("init", **ADMIN).stdout.splitlines()

    assert first[-1].startswith("read models: applied 0001_read_models")
    assert again[-1] == "read models: up to date"


def test_without_llr_id_key_the_warning_goes_to_stderr_once(ready: Llr) -> None:
    result = ready(
        "open", INSZ, "--status", "employee", "--on", "2024-09-01", "--json", LLR_ID_KEY=None
    )

    assert result.exit_code == 0
    assert result.stderr.count("LLR_ID_KEY is not set") == 1
    assert result.stdout.startswith("{")


def test_with_llr_id_key_set_there_is_no_warning(ready: Llr) -> None:
    result = ready.ok("open", INSZ, "--status", "employee", "--on", "2024-09-01")

    assert result.stderr == ""


def test_the_actor_comes_from_llr_actor(ready: Llr) -> None:
    ready("open", INSZ, "--status", "employee", "--on", "2024-09-01", LLR_ACTOR="staff:42")

    assert ready.history()["entries"][0]["actor"] == "staff:42 (backoffice)"


def with_short_connect_timeout(
    database: str | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    settings = load_settings(database, environ)
    return dataclasses.replace(settings, extra_env={"POSTGRES_CONNECT_TIMEOUT": "1"})


def test_an_unreachable_server_is_exit_1_naming_the_database_without_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli.context, "load_settings", with_short_connect_timeout)
    url = "postgresql://postgres:s3cret@127.0.0.1:1/llr"

    result = CliRunner().invoke(
        cli.main.cli, ["--db", url, "balance", INSZ], env={"LLR_ID_KEY": TEST_ID_KEY}
    )

    # The Ledger whose construction failed still owns a connection pool; collect it here,
    # on the main thread, or a pool worker may end up closing its own pool later.
    gc.collect()
    assert result.exit_code == 1
    assert "cannot use the store at postgresql://postgres@127.0.0.1:1/llr" in result.stderr
    assert "s3cret" not in result.stderr
