"""Encryption at rest: with LLR_CIPHER_KEY nothing personal is stored in clear, and the store
refuses a missing, wrong or unexpected key with a clear message, changing nothing."""

from __future__ import annotations

from base64 import b64decode

import pytest

from ledger.application import Ledger
from ledger.config import Settings, load_settings
from ledger.projections.migrate import upgrade
from ledger.projections.runner import catch_up_all
from tests.builders import EMPLOYER, INSZ, INSZ_SHOWN
from tests.llr import ADMIN, Llr
from tests.stores import CIPHER_KEY, OTHER_KEY, TEST_ID_KEY, event_count, raw_bytes

CITIZEN_FORMS = (INSZ.encode(), INSZ_SHOWN.encode())
# The education level and the birth date as events would store them in JSON.
PERSONAL_FIELDS = (b'"education"', b'"insz"', b"930518")


def catch_up(settings: Settings) -> None:
    env = settings.store_env(create_tables=False)
    ledger = Ledger(env, id_key=settings.id_key, actor=settings.actor)
    try:
        catch_up_all(ledger)
    finally:
        ledger.close()


def fill(llr: Llr) -> None:
    """One citizen with an opening, a grant, a use and reads (so the access log has rows)."""
    llr.ok("init", **ADMIN)
    llr.ok("open", INSZ, "--status", "employee", "--on", "2024-09-01", "--education", "medium")
    llr.ok(
        "grant", INSZ, "vov-hours", "40", "--source", EMPLOYER, "--on", "2024-09-01", "--ref", "G1"
    )
    llr.ok(
        "use", INSZ, "vov-hours", "5", "--on", "2024-10-01", "--training", "T1", "--provider",
        "P1", "--ref", "U1",
    )  # fmt: skip
    llr.ok("balance", INSZ, "--reason", f"citizen {INSZ} called")  # a reason naming the INSZ


@pytest.fixture
def encrypted(cli_env: dict[str, str]) -> Llr:
    llr = Llr({**cli_env, "LLR_CIPHER_KEY": CIPHER_KEY})
    fill(llr)
    return llr


def test_keygen_prints_a_fresh_256_bit_key_in_base64(llr: Llr) -> None:
    first, second = llr.ok("keygen", **ADMIN).stdout, llr.ok("keygen", **ADMIN).stdout

    assert len(b64decode(first.strip(), validate=True)) == 32
    assert first != second


def test_keygen_is_for_the_admin_role(llr: Llr) -> None:
    message = llr.refused("keygen", LLR_ROLE="auditor")

    assert "role auditor may not manage keys" in message


def test_init_with_a_key_says_encryption_is_on(llr: Llr) -> None:
    result = llr.ok("init", LLR_CIPHER_KEY=CIPHER_KEY, **ADMIN)

    assert result.stdout.splitlines()[1] == "encryption at rest: on (AES-GCM)"


def test_with_a_key_no_insz_education_or_birth_date_is_in_the_raw_database(
    encrypted: Llr, cli_env: dict[str, str]
) -> None:
    settings = load_settings(
        cli_env["LLR_DATABASE"], {"LLR_ID_KEY": TEST_ID_KEY, "LLR_CIPHER_KEY": CIPHER_KEY}
    )
    upgrade(settings)  # the read models too, where they exist
    catch_up(settings)

    raw = raw_bytes(cli_env["LLR_DATABASE"])

    assert len(raw) > 2_000  # something was read: the events, the tables
    assert [form for form in CITIZEN_FORMS if form in raw] == []
    assert [field for field in PERSONAL_FIELDS if field in raw] == []


def test_without_a_key_the_same_raw_search_finds_the_citizen(cli_env: dict[str, str]) -> None:
    llr = Llr(cli_env)  # proves the search above would find the INSZ if it were there
    fill(llr)

    raw = raw_bytes(cli_env["LLR_DATABASE"])

    assert all(form in raw for form in (INSZ.encode(), b'"education"'))


def test_with_a_key_the_read_models_hold_no_education_or_birth_year_in_clear(
    encrypted: Llr, cli_env: dict[str, str]
) -> None:
    settings = load_settings(
        cli_env["LLR_DATABASE"], {"LLR_ID_KEY": TEST_ID_KEY, "LLR_CIPHER_KEY": CIPHER_KEY}
    )
    upgrade(settings)
    catch_up(settings)

    raw = raw_bytes(cli_env["LLR_DATABASE"])

    assert [word for word in (b"medium", b"1993", b"93.05.18") if word in raw] == []


def test_without_the_key_an_encrypted_store_is_refused_and_unchanged(
    encrypted: Llr, cli_env: dict[str, str]
) -> None:
    before = event_count(cli_env["LLR_DATABASE"], LLR_CIPHER_KEY=CIPHER_KEY)

    read = encrypted.refused("balance", INSZ, LLR_CIPHER_KEY=None)
    write = encrypted.refused(
        "status", INSZ, "jobseeker", "--on", "2025-01-06", LLR_CIPHER_KEY=None
    )

    assert (
        read
        == write
        == ("error: this store is encrypted: set LLR_CIPHER_KEY to the key it was created with\n")
    )
    assert event_count(cli_env["LLR_DATABASE"], LLR_CIPHER_KEY=CIPHER_KEY) == before


def test_a_wrong_key_is_a_clear_error_not_garbage(encrypted: Llr) -> None:
    message = encrypted.refused("history", INSZ, LLR_CIPHER_KEY=OTHER_KEY)

    assert message.startswith(
        "error: LLR_CIPHER_KEY does not match the key this store was created with"
    )


def test_init_again_with_a_wrong_key_is_refused(encrypted: Llr) -> None:
    message = encrypted.refused("init", LLR_CIPHER_KEY=OTHER_KEY, **ADMIN)

    assert "does not match the key this store was created with" in message


def test_a_key_on_a_store_made_without_one_is_refused(ready: Llr) -> None:
    message = ready.refused("balance", INSZ, LLR_CIPHER_KEY=CIPHER_KEY)

    assert "this store was created without encryption" in message


@pytest.mark.parametrize("key", ["a2V5", "not base64 at all!", "QUFBQQ" * 20])
def test_a_malformed_key_is_refused_naming_the_setting(ready: Llr, key: str) -> None:
    message = ready.refused("balance", INSZ, LLR_CIPHER_KEY=key)

    assert message.startswith("error: LLR_CIPHER_KEY is not a valid key")


def test_with_the_right_key_everything_reads_back(encrypted: Llr) -> None:
    balance = encrypted.json("balance", INSZ)
    log = encrypted.json("access-log", INSZ)

    assert balance["rights"]["vov-hours"]["usable"] == 35
    assert log["entries"][0]["reason"] == f"citizen {INSZ} called"


def test_a_store_made_by_code_without_init_is_still_checked_by_its_first_event(
    cli_env: dict[str, str],
) -> None:
    llr = Llr({**cli_env, "LLR_CIPHER_KEY": CIPHER_KEY})
    fill(llr)
    # A store whose settings row is missing (made before llr_settings existed) is judged
    # by decoding its first event.
    from tests.stores import ledger_on

    ledger = ledger_on(cli_env["LLR_DATABASE"], LLR_CIPHER_KEY=CIPHER_KEY)
    try:
        ledger.security.run("DROP TABLE llr_settings")  # type: ignore[attr-defined]
    finally:
        ledger.close()

    message = llr.refused("history", INSZ, LLR_CIPHER_KEY=OTHER_KEY)

    assert "does not match the key this store was created with" in message
