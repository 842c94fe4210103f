"""A store whose very first record was tampered with, and that has no recorded encryption
settings (never initialised by `llr init`, or its `llr_settings` rows deleted): the key
check must not stand between the auditor and the finding. The audit names the record; a
wrong, missing or unexpected key is still refused, and so are ordinary commands.
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from ledger.application import Ledger
from ledger.config import load_settings
from tests.audit.support import ANNA, BERT, StoredRecords, build_population
from tests.stores import TEST_ID_KEY

CIPHER_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="
OTHER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
NOT_JSON = b"{not json"


def ledger_on(database: str, cipher_key: str | None) -> Ledger:
    environ = {"LLR_ID_KEY": TEST_ID_KEY, "LLR_CIPHER_KEY": cipher_key or ""}
    settings = load_settings(database, environ)
    return Ledger(settings.store_env(), id_key=settings.id_key, actor="test:staff")


def run(env: dict[str, str], *args: str, **more: str) -> Result:
    return CliRunner(env={**env, **more}).invoke(cli, list(args), catch_exceptions=False)


def damage_first_record(database: str, ledger: Ledger) -> UUID:
    """Overwrite the first record of the log (Anna's opening) with bytes that do not decode."""
    first = ledger.recorder.select_notifications(0, 1)[0]
    assert (first.originator_id, first.originator_version) == (ledger.account_id_for(ANNA), 1)
    records = StoredRecords(database, ledger)
    with records.sql() as sql:
        sql(
            f"UPDATE {records.events} SET state = ? WHERE originator_id = ? "
            "AND originator_version = 1",
            NOT_JSON,
            records.key(first.originator_id),
        )
    return first.originator_id


@pytest.fixture(params=["never initialised", "settings deleted"])
def damaged(
    request: pytest.FixtureRequest, database_url: str, cli_env: dict[str, str]
) -> Iterator[tuple[dict[str, str], UUID]]:
    """A plain store of three citizens, first record damaged, no encryption settings."""
    ledger = ledger_on(database_url, None)
    try:
        build_population(ledger)
        if request.param == "settings deleted":
            assert run(cli_env, "init", LLR_ROLE="admin").exit_code == 0
            with StoredRecords(database_url, ledger).sql() as sql:
                sql("DELETE FROM llr_settings")  # what someone covering their tracks would do
        yield cli_env, damage_first_record(database_url, ledger)
    finally:
        ledger.close()


def test_verify_names_the_damaged_first_record_instead_of_refusing_the_auditor(
    damaged: tuple[dict[str, str], UUID],
) -> None:
    env, anna = damaged

    result = run(env, "audit", "verify", LLR_ROLE="auditor")

    assert result.exit_code == 1
    assert "error:" not in result.stderr
    assert result.stdout.splitlines()[0].startswith(
        f"{anna.hex} event 1 (AccountOpened): invariant 7 (stored history unaltered (tamper "
        "evidence)): the stored record does not decode (JSONDecodeError: "
    )


def test_ordinary_commands_on_that_store_are_refused_naming_the_damage(
    damaged: tuple[dict[str, str], UUID],
) -> None:
    env, anna = damaged

    result = run(env, "balance", BERT, "--reason", "citizen called", LLR_ROLE="backoffice")

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: the store's first record (event 1 of account {anna.hex}) does not decode "
        "although later ones do: the stored history was altered or damaged; an auditor's "
        "'llr audit verify' names what changed\n"
    )


def test_a_key_on_that_plain_store_is_still_refused_to_the_auditor(
    damaged: tuple[dict[str, str], UUID],
) -> None:
    env, _ = damaged

    result = run(env, "audit", "verify", LLR_ROLE="auditor", LLR_CIPHER_KEY=CIPHER_KEY)

    assert result.exit_code == 1
    refusal = "LLR_CIPHER_KEY is set but this store was created without encryption"
    assert (result.stdout, refusal in result.stderr) == ("", True)


@pytest.mark.parametrize(
    ("key", "refusal"),
    [
        ("", "this store is encrypted: set LLR_CIPHER_KEY"),
        (OTHER_KEY, "LLR_CIPHER_KEY does not match the key this store was created with"),
        (CIPHER_KEY, None),
    ],
    ids=["no key", "another key", "its key"],
)
def test_on_an_encrypted_store_only_its_own_key_lets_the_audit_name_the_damage(
    database_url: str, cli_env: dict[str, str], key: str, refusal: str | None
) -> None:
    ledger = ledger_on(database_url, CIPHER_KEY)  # never initialised: no settings recorded
    try:
        build_population(ledger)
        anna = damage_first_record(database_url, ledger)
    finally:
        ledger.close()

    result = run(cli_env, "audit", "verify", LLR_ROLE="auditor", LLR_CIPHER_KEY=key)

    assert result.exit_code == 1
    if refusal is None:
        assert result.stdout.startswith(f"{anna.hex} event 1 (AccountOpened): invariant 7 ")
        assert "the stored record does not decode" in result.stdout.splitlines()[0]
    else:
        assert (result.stdout, refusal in result.stderr) == ("", True)
