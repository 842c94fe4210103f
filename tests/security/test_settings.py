"""Settings hold every secret llr uses; none of them may leak through a repr, a log line or a
traceback that prints the settings."""

from __future__ import annotations

from ledger.config import load_settings
from tests.stores import CIPHER_KEY

SECRETS = {
    "LLR_ID_KEY": "id-key-secret",
    "LLR_CIPHER_KEY": CIPHER_KEY,
    "LLR_DIGEST_KEY": "digest-key-secret",
}
URL = "postgresql://llr:db-password-secret@db.example:5432/llr"


def test_the_settings_read_every_key_from_the_environment() -> None:
    settings = load_settings(URL, SECRETS)

    assert settings.id_key == b"id-key-secret"
    assert settings.cipher_key == CIPHER_KEY
    assert settings.digest_key == b"digest-key-secret"


def test_the_repr_of_the_settings_shows_no_key_and_no_database_password() -> None:
    shown = repr(load_settings(URL, {**SECRETS, "LLR_ROLE": "auditor"}))

    assert [secret for secret in (*SECRETS.values(), "db-password-secret") if secret in shown] == []
    assert shown == (
        "Settings(database='postgresql://llr@db.example:5432/llr', actor='cli:unknown', "
        "role='auditor', id_key=set, cipher_key=set, digest_key=set)"
    )


def test_the_repr_says_when_a_key_is_missing() -> None:
    shown = repr(load_settings("ledger.sqlite3", {}))

    assert "id_key=default, cipher_key=none, digest_key=none" in shown
