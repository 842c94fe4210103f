"""docs/cli.md keeps up with the command line: every command, every option, every setting."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    """Every command under ``llr`` with its path, e.g. ``("audit verify", <command>)``."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield " ".join((*path, name)), command


COMMANDS = dict(commands(cli))


def test_the_command_list_is_read_from_the_cli_itself() -> None:
    assert {"init", "approve", "access-log", "keygen", "db roles", "audit verify"} <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_is_documented_in_docs_cli_md(path: str) -> None:
    *groups, name = path.split()
    # ``llr db roles`` itself, or a synopsis line of its group (``llr report take-up ...``).
    written = re.search(rf"llr {' '.join(groups)}\s*{re.escape(name)}\b", DOC)

    assert written, f"docs/cli.md does not show `llr {path}`"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_option_of_every_command_is_documented(path: str) -> None:
    options = {
        flag
        for parameter in COMMANDS[path].params
        if isinstance(parameter, click.Option)
        for flag in parameter.opts
        if flag.startswith("--") and flag != "--help"
    }

    missing = sorted(flag for flag in options if not re.search(rf"{flag}\b", DOC))

    assert missing == [], f"docs/cli.md does not name these options of `llr {path}`"


def test_every_setting_read_from_the_environment_is_documented() -> None:
    settings = set(re.findall(r"LLR_[A-Z_]+", (ROOT / "ledger" / "config.py").read_text()))

    assert {"LLR_DATABASE", "LLR_ROLE", "LLR_DIGEST_KEY"} <= settings
    assert sorted(name for name in settings if f"`{name}`" not in DOC) == []
