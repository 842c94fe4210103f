"""`llr audit verify` and `llr audit digest`, as an auditor runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.audit import audit_group
from cli.main import cli
from ledger.application import Ledger
from ledger.config import load_settings
from ledger.domain.chain import event_hash
from tests.audit.support import ANNA, BERT, SHOWN, StoredRecords
from tests.builders import INSZ

if "audit" not in cli.commands:  # until cli/main.py registers the group
    cli.add_command(audit_group)


@pytest.fixture
def llr(cli_env: dict[str, str], populated: Ledger) -> CliRunner:
    """``llr`` as an auditor on the populated store (initialised by an admin first)."""
    initialised = CliRunner(env={**cli_env, "LLR_ROLE": "admin"}).invoke(cli, ["init"])
    assert initialised.exit_code == 0, initialised.output
    return CliRunner(env={**cli_env, "LLR_ROLE": "auditor"})


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_verify_on_an_untouched_store_exits_0_and_says_clean(llr: CliRunner) -> None:
    result = run(llr, "audit", "verify")

    assert result.exit_code == 0, result.output
    assert result.stdout == "clean: every invariant holds for all citizens\n"
    assert "3 streams, 24 events up to position 24; 0 findings" in result.stderr


def test_verify_after_a_hand_made_update_exits_1_naming_citizen_and_event(
    llr: CliRunner, records: StoredRecords, populated: Ledger
) -> None:
    anna = populated.account_id_for(ANNA)
    written = records.state(anna, 5)["prev_hash"]  # what event 5 recorded of event 4
    records.edit(anna, 4, amount=2)  # her first use, of 20 hours

    result = run(llr, "audit", "verify")

    tampered = populated.mapper.to_domain_event(populated.recorder.select_events(anna)[3])
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert lines[:2] == [
        f"{SHOWN[ANNA]} event 4 (RightUsed): invariant 1 (conservation: granted = used + "
        "expired + forfeited + balance): the units drawn from lots differ from the amount "
        "used [expected 2, found 20]",
        f"{SHOWN[ANNA]} event 4 (RightUsed): invariant 7 (stored history unaltered (tamper "
        "evidence)): as stored it no longer hashes to the prev_hash that event 5 "
        f"(StatusChanged) recorded: one of the two was changed [expected {written}, found "
        f"{event_hash(tampered)}]",
    ]
    # `llr init` built the read models: the projection, fed the changed event, differs too.
    assert all(" balances projection: invariant 6 " in line for line in lines[2:])


def test_verify_one_citizen_as_json_with_a_report(llr: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "audit"

    result = run(llr, "audit", "verify", BERT, "--json", "--report", str(out))

    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert (data["ok"], data["scope"], data["events"]) == (True, SHOWN[BERT], 4)
    assert data["totals"][0]["right"] == "vov-hours"
    assert json.loads((tmp_path / "audit.json").read_text()) == data
    assert (tmp_path / "audit.findings.csv").read_text().startswith("citizen,account_id,")


def test_a_digest_taken_before_a_consistent_rewrite_makes_verify_fail_naming_the_citizen(
    llr: CliRunner, records: StoredRecords, populated: Ledger, tmp_path: Path
) -> None:
    digest = tmp_path / "digest.json"
    taken = run(llr, "audit", "digest", "--out", str(digest), "--heads")
    records.rewrite(populated.account_id_for(BERT), lambda _, state: state.update(actor="x"))

    plain = run(llr, "audit", "verify")
    checked = run(llr, "audit", "verify", "--digest", str(digest))

    assert taken.stdout.startswith("digest at position 24 (3 streams, 24 events, root ")
    assert plain.exit_code == 0
    assert checked.exit_code == 1
    assert checked.stdout.splitlines()[-1].startswith(
        f"{SHOWN[BERT]} event 4 (RightExpired): invariant 7 (stored history unaltered "
        "(tamper evidence)): the stream was rewritten after the digest"
    )


def test_a_digest_without_out_is_printed_as_json(llr: CliRunner) -> None:
    result = run(llr, "audit", "digest")

    assert result.exit_code == 0
    assert json.loads(result.stdout)["events"] == 24


@pytest.mark.parametrize(
    "args",
    [("audit", "verify", ANNA, "--digest", "d.json"), ("audit", "digest", "--heads")],
)
def test_options_that_do_not_go_together_are_usage_errors(
    llr: CliRunner, args: tuple[str, ...]
) -> None:
    result = run(llr, *args)

    assert result.exit_code == 2


def test_verify_of_an_unknown_citizen_or_a_missing_digest_is_refused(
    llr: CliRunner, tmp_path: Path
) -> None:
    unknown = run(llr, "audit", "verify", INSZ)
    missing = run(llr, "audit", "verify", "--digest", str(tmp_path / "none.json"))

    assert (unknown.exit_code, unknown.stdout) == (1, "")
    assert unknown.stderr == "error: no account is open for 93.05.18-***.**\n"
    assert missing.exit_code == 1
    assert "none.json: cannot be read" in missing.stderr


def test_verifying_one_citizen_is_kept_in_their_access_log(llr: CliRunner) -> None:
    run(llr, "audit", "verify", BERT)

    log = run(llr, "access-log", BERT)

    assert "auditor  audit verify" in log.stdout


def test_a_role_other_than_auditor_may_not_run_an_audit(cli_env: dict[str, str]) -> None:
    backoffice = CliRunner(env={**cli_env, "LLR_ROLE": "backoffice"})

    result = run(backoffice, "audit", "verify")

    assert result.exit_code == 1
    assert "may not run audits" in result.stderr


def test_the_digest_key_is_a_setting_read_from_llr_digest_key_in_the_environment() -> None:
    assert load_settings(None, {"LLR_DIGEST_KEY": "auditor-key"}).digest_key == b"auditor-key"
    assert load_settings(None, {"LLR_DIGEST_KEY": ""}).digest_key is None
    assert load_settings(None, {}).digest_key is None


def test_with_llr_digest_key_the_digest_is_an_hmac_that_verify_checks_with_that_key(
    llr: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    digest = tmp_path / "digest.json"
    keyed = CliRunner(env={**cli_env, "LLR_ROLE": "auditor", "LLR_DIGEST_KEY": "auditor-key"})
    other = CliRunner(env={**cli_env, "LLR_ROLE": "auditor", "LLR_DIGEST_KEY": "another-key"})
    run(keyed, "audit", "digest", "--out", str(digest))

    with_key, other_key = (
        run(r, "audit", "verify", "--digest", str(digest)) for r in (keyed, other)
    )
    without_key = run(llr, "audit", "verify", "--digest", str(digest))

    assert json.loads(digest.read_text())["seal"]["method"] == "hmac-sha256"
    assert with_key.exit_code == 0, with_key.output
    assert other_key.exit_code == 1
    assert "does not match its own seal (hmac-sha256)" in other_key.stdout
    assert without_key.exit_code == 1
    assert "set LLR_DIGEST_KEY to the key it was taken with" in without_key.stderr
