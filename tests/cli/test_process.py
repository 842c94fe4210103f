"""The exit codes survive a real process (``python -m cli``, what the ``llr`` script runs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.builders import INSZ
from tests.stores import TEST_ID_KEY

REPO = Path(__file__).resolve().parents[2]


def llr_process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_real_process_exits_0_1_and_2(tmp_path: Path) -> None:
    # One backend is enough here: the in-process tests cover both; this proves the codes.
    cli_env = {
        "LLR_DATABASE": str(tmp_path / "llr.sqlite3"),
        "LLR_ID_KEY": TEST_ID_KEY,
        "LLR_ROLE": "backoffice",
    }
    before_init = llr_process(cli_env, "balance", INSZ, "--reason", "test")
    init = llr_process({**cli_env, "LLR_ROLE": "admin"}, "init")
    opened = llr_process(
        cli_env, "open", INSZ, "--status", "employee", "--on", "2024-09-01", "--json"
    )
    refused = llr_process(
        cli_env,
        "grant",
        INSZ,
        "vov-hours",
        "-5",
        "--source",
        "flemish-government",
        "--on",
        "2024-09-01",
        "--ref",
        "X",
    )
    misused = llr_process(cli_env, "grant", INSZ)

    assert (before_init.returncode, before_init.stdout) == (1, "")
    assert "run 'llr init' first" in before_init.stderr
    assert init.returncode == 0
    assert (opened.returncode, json.loads(opened.stdout)["result"]) == (0, "applied")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr.startswith("error: AMOUNT '-5'")
    assert misused.returncode == 2
