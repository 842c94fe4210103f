"""The README's command blocks run as written, on every backend: the career tour and the
booking of a training (registry, reserve, confirm, cancel, the money report)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.llr import Llr

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SECTIONS = ("## A tour", "## Booking a training")


def block_after(heading: str) -> str:
    """The first ```sh block after ``heading``."""
    start = README.index(heading)
    found = re.search(r"```sh\n(.*?)```", README[start:], flags=re.S)
    assert found, heading
    return found.group(1)


def steps(block: str) -> list[tuple[dict[str, str], list[str]]]:
    """Each ``llr`` command of a block with the environment it runs in (``export`` lines
    and ``VAR=value llr ...`` prefixes), comments left out."""
    env: dict[str, str] = {}
    found = []
    for line in block.splitlines():
        for part in line.split(";"):
            words = shlex.split(part, comments=True)
            if words[:1] == ["export"]:
                env.update(word.split("=", 1) for word in words[1:])  # type: ignore[misc]
                continue
            prefix = {}
            while words and "=" in words[0] and not words[0].startswith("-"):
                name, value = words.pop(0).split("=", 1)
                prefix[name] = value
            if words[:1] == ["llr"]:
                found.append(({**env, **prefix}, words[1:]))
    return found


def test_the_readme_blocks_hold_the_commands_the_tests_run() -> None:
    commands = [args[0] for section in SECTIONS for _, args in steps(block_after(section))]
    assert {"init", "open", "reserve", "confirm", "cancel", "registry", "report"} <= set(commands)


def test_the_readme_tour_and_booking_run_as_written(llr: Llr) -> None:
    for section in SECTIONS:
        for env, args in steps(block_after(section)):
            result = llr.bare(*args, **env)
            assert result.exit_code == 0, f"{section}: llr {' '.join(args)}: {result.stderr}"
    money = llr.json("report", "money")
    assert money["by_right"]  # the vouchers and hours booked in the tour
    text = llr.ok("explain", "85073003328", "training-vouchers").stdout
    assert text.splitlines()[-1] == (
        "granted 250 = used 200 + reserved 0 + expired 0 + forfeited 0 + usable 50 + "
        "suspended 0  (balanced)"
    )
