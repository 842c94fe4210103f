"""Start-up: ``llr`` imports a command's module only when that command runs or shows help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cli.main import COMMANDS, cli
from tests.builders import INSZ
from tests.llr import ADMIN, Llr
from tests.stores import TEST_ID_KEY

ROOT = Path(__file__).resolve().parents[2]

# Run llr in a fresh interpreter, then print the modules it imported as JSON on stderr.
LOADED_AFTER = """
import json, sys
from cli.main import cli
try:
    cli(sys.argv[1:], prog_name="llr")
except SystemExit as done:
    assert not done.code, done.code
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def modules_loaded_by(*args: str, env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", LOADED_AFTER, *args],
        env={**os.environ, **(env or {})}, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return set(json.loads(done.stderr.splitlines()[-1]))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_table_entry_is_the_command_of_that_name(name: str) -> None:
    command = COMMANDS[name].load()

    assert isinstance(command, click.Command)
    assert command.name == name


@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.parametrize("limit", [30, 45, 60, 200])
def test_the_summary_in_the_table_gives_the_short_help_the_command_itself_gives(
    name: str, limit: int
) -> None:
    listed = COMMANDS[name].short_help(limit)

    assert listed == COMMANDS[name].load().get_short_help_str(limit)


def test_every_command_is_in_the_table() -> None:
    assert set(cli.commands) == set(COMMANDS)


def test_help_lists_every_command_without_importing_any_command_module() -> None:
    loaded = modules_loaded_by("--help")

    assert sorted(m for m in loaded if m.startswith("cli.")) == [
        "cli.errors",
        "cli.lazy",
        "cli.main",
    ]
    assert not {m for m in loaded if m.startswith(("ledger.application", "pydantic", "psycopg"))}


def test_help_lists_every_command_with_its_short_help() -> None:
    listed = Llr({}).bare("--help").stdout.split("Commands:\n")[1].splitlines()

    assert [line.split()[0] for line in listed] == sorted(COMMANDS)
    summaries = {line.split()[0]: line.split(None, 1)[1] for line in listed}
    assert summaries["open"] == "Open a citizen's account."


def test_a_balance_on_sqlite_imports_nothing_of_postgresql(tmp_path: Path) -> None:
    env = {"LLR_DATABASE": str(tmp_path / "llr.sqlite3"), "LLR_ID_KEY": TEST_ID_KEY}
    llr = Llr(env)
    llr.ok("init", **ADMIN)
    llr.ok("open", INSZ, "--status", "employee", "--on", "2024-09-01")

    loaded = modules_loaded_by(
        "balance", INSZ, "--reason", "x", env={**env, "LLR_ROLE": "backoffice"}
    )

    assert "cli.queries" in loaded
    assert sorted(m for m in loaded if "psycopg" in m or "postgres" in m) == []
