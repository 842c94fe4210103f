"""``llr import`` through click, on SQLite and PostgreSQL: summary, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from cli.imports import import_command
from cli.main import LedgerGroup, cli
from tests.imports.support import EMPLOYER, INSZ, grant, use, write_csv

# Until cli/main.py registers the command, run it in a group that has it next to the rest.
LLR = (
    cli
    if "import" in cli.commands
    else LedgerGroup(
        name="llr",
        params=cli.params,
        callback=cli.callback,
        commands={**cli.commands, "import": import_command},
    )
)


@pytest.fixture
def llr(cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # the default rejects file lands here
    runner = CliRunner(env={**cli_env, "LLR_ROLE": "backoffice"})
    assert runner.invoke(LLR, ["init"], env={"LLR_ROLE": "admin"}).exit_code == 0
    return runner


def run(llr: CliRunner, *args: str, role: str = "backoffice") -> Result:
    command: click.Command = LLR
    return llr.invoke(command, list(args), catch_exceptions=False, env={"LLR_ROLE": role})


def test_a_clean_file_prints_the_summary_and_exits_0(llr: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1", 40), use(INSZ, "U-1", 5)])

    result = run(llr, "import", str(path), "--source", EMPLOYER)

    assert result.exit_code == 0, result.stderr
    assert "import of q3.csv from employer:0566988259: batch " in result.stdout
    assert "total      2        2                0         0" in result.stdout
    assert not (tmp_path / "q3.rejects.csv").exists()


def test_rejected_lines_go_to_the_rejects_file_and_exit_1(llr: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1", 40), use(INSZ, "U-1", 500)])

    result = run(llr, "import", str(path), "--source", EMPLOYER)

    assert result.exit_code == 1
    assert "rejected lines (line, field, reason, original): q3.rejects.csv" in result.stdout
    assert "1 line rejected" in result.stderr
    assert (tmp_path / "q3.rejects.csv").read_text().startswith("line,field,reason,original\n3,")


def test_json_output_and_a_second_run_that_changes_nothing(llr: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1", 40)])
    run(llr, "import", str(path), "--source", EMPLOYER)

    result = run(
        llr,
        "import",
        str(path),
        "--source",
        EMPLOYER,
        "--json",
        "--rejects",
        str(tmp_path / "out.csv"),
    )

    summary = json.loads(result.stdout)
    assert (summary["applied"], summary["already_applied"]) == (0, 1)
    assert summary["per_kind"]["grant"] == {
        "read": 1,
        "applied": 0,
        "already_applied": 1,
        "rejected": 0,
    }
    assert summary["rejects_file"] is None


def test_a_dry_run_says_so_and_writes_nothing(llr: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1", 40)])

    dry = run(llr, "import", str(path), "--source", EMPLOYER, "--dry-run")
    balance = run(llr, "balance", INSZ, "--reason", "test")

    assert "nothing written (dry run); 2 events would be written" in dry.stdout
    assert balance.exit_code == 1 and "no account" in balance.stderr


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--source", "employer:0566988250"], 1, "check digits"),
        (["--source", "sector-fund:acme"], 1, "unknown sector fund"),
        (["--source", EMPLOYER, "--format", "xml"], 2, "'xml' is not one of"),
        ([], 2, "Missing option '--source'"),
    ],
)
def test_a_bad_source_or_option_is_refused_before_reading(
    llr: CliRunner, tmp_path: Path, args: list[str], code: int, words: str
) -> None:
    path = write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1", 40)])

    result = run(llr, "import", str(path), *args)

    assert (result.exit_code, result.stdout) == (code, "")
    assert words in result.stderr


def test_an_importer_imports_for_its_own_source_only(llr: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1", 40)])
    own, other = f"importer:{EMPLOYER}", "importer:employer:0403170701"

    refused = run(llr, "import", str(path), "--source", EMPLOYER, role=other)
    allowed = run(llr, "import", str(path), "--source", "employer:0566.988.259", role=own)

    assert refused.exit_code == 1 and "may import for employer:0403170701 only" in refused.stderr
    assert allowed.exit_code == 0, allowed.stderr


def test_workers_apply_the_file_as_one_process_would(llr: CliRunner, tmp_path: Path) -> None:
    rows = [grant(INSZ, "G-1", 40), use(INSZ, "U-1", 5), use(INSZ, "U-2", 50)]
    path = write_csv(tmp_path / "q3.csv", rows)

    result = run(llr, "import", str(path), "--source", EMPLOYER, "--workers", "2", "--json")

    assert result.exit_code == 1  # the use beyond the balance
    summary = json.loads(result.stdout)
    assert (summary["applied"], summary["rejected"]) == (2, 1)


def test_a_number_of_workers_out_of_range_is_refused(llr: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1", 40)])

    result = llr.invoke(LLR, ["import", str(path), "--source", EMPLOYER, "--workers", "9"])

    assert result.exit_code == 2
    assert "--workers" in result.stderr and "1<=x<=8" in result.stderr
