"""From ``--db`` / ``LLR_DATABASE`` and the environment to the event store's settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.config import DEVELOPMENT_ID_KEY, load_settings, warnings
from ledger.domain.errors import InvalidInputError
from ledger.store.backend import Backend
from ledger.store.connection import DEFAULT_DATABASE, store_file_missing

PG_URL = "postgresql://clerk:s3cret@db.example:5433/llr_prod"


def test_without_a_setting_the_store_is_the_default_sqlite_file() -> None:
    settings = load_settings(None, {})

    assert (settings.database, settings.backend) == (DEFAULT_DATABASE, "sqlite")
    assert settings.store_env()["SQLITE_DBNAME"] == DEFAULT_DATABASE


def test_the_db_flag_wins_over_llr_database(tmp_path: Path) -> None:
    flag, variable = str(tmp_path / "flag.sqlite3"), str(tmp_path / "env.sqlite3")

    from_flag = load_settings(flag, {"LLR_DATABASE": variable})
    from_env = load_settings(None, {"LLR_DATABASE": variable})

    assert (from_flag.database, from_env.database) == (flag, variable)


@pytest.mark.parametrize(
    ("given", "path"),
    [
        ("{tmp}/ledger.db", "{tmp}/ledger.db"),
        ("sqlite:///{tmp}/ledger.db", "{tmp}/ledger.db"),
        ("sqlite:///relative.sqlite3", "relative.sqlite3"),
    ],
    ids=["plain-path", "sqlite-url-absolute", "sqlite-url-relative"],
)
def test_a_path_or_sqlite_url_selects_that_sqlite_file(
    tmp_path: Path, given: str, path: str
) -> None:
    # An absolute path after sqlite:/// makes four slashes: sqlite:////tmp/...
    settings = load_settings(given.format(tmp=tmp_path), {})

    env = settings.store_env()

    assert settings.backend == "sqlite"
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == path.format(tmp=tmp_path)
    assert int(env["SQLITE_LOCK_TIMEOUT"]) > 0


def test_memory_selects_the_in_process_store() -> None:
    env = load_settings("memory", {}).store_env()

    assert env == {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("sqlite://host/ledger.db", "sqlite:///relative/path"),
        ("/no/such/folder/ledger.db", "folder /no/such/folder not found"),
        ("postgresql://postgres@127.0.0.1:5432", "name the database"),
    ],
    ids=["sqlite-url-with-host", "missing-folder", "postgres-without-database"],
)
def test_an_unusable_database_setting_is_refused_with_its_value(given: str, message: str) -> None:
    settings = load_settings(given, {})

    with pytest.raises(InvalidInputError, match=message) as refused:
        settings.store_env()

    assert repr(given) in str(refused.value)


def test_a_postgres_url_becomes_the_postgres_settings_with_a_lock_timeout() -> None:
    settings = load_settings(PG_URL, {})

    env = settings.store_env()

    assert settings.backend == "postgres"
    assert {k: env[k] for k in ("PERSISTENCE_MODULE", "POSTGRES_DBNAME", "POSTGRES_HOST")} == {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": "llr_prod",
        "POSTGRES_HOST": "db.example",
    }
    assert (env["POSTGRES_PORT"], env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == (
        "5433",
        "clerk",
        "s3cret",
    )
    assert int(env["POSTGRES_LOCK_TIMEOUT"]) > 0  # 0 would mean: wait for ever


def test_a_postgres_url_without_user_or_port_gets_the_defaults_and_decodes_escapes() -> None:
    bare = load_settings("postgres://localhost/llr", {}).store_env()
    escaped = load_settings("postgresql://u%40x:p%2Fw@h/d%20b", {}).store_env()

    assert (bare["POSTGRES_USER"], bare["POSTGRES_PORT"], bare["POSTGRES_PASSWORD"]) == (
        "postgres",
        "5432",
        "",
    )
    assert (escaped["POSTGRES_USER"], escaped["POSTGRES_PASSWORD"]) == ("u@x", "p/w")
    assert escaped["POSTGRES_DBNAME"] == "d b"


def test_tables_are_created_only_when_asked_on_postgres() -> None:
    settings = load_settings(PG_URL, {})

    assert settings.store_env(create_tables=True)["CREATE_TABLE"] == "y"
    assert settings.store_env(create_tables=False)["CREATE_TABLE"] == "n"


def test_describing_the_database_hides_the_password() -> None:
    described = load_settings(PG_URL, {}).describe_database()

    assert described == "postgresql://clerk@db.example:5433/llr_prod"
    assert "s3cret" not in described


def test_a_cipher_key_turns_on_encryption_at_rest() -> None:
    plain = load_settings("memory", {}).store_env()
    ciphered = load_settings("memory", {"LLR_CIPHER_KEY": "a2V5"}).store_env()

    assert "CIPHER_TOPIC" not in plain and "CIPHER_KEY" not in plain
    assert ciphered["CIPHER_TOPIC"] == "eventsourcing.cipher:AESCipher"
    assert ciphered["CIPHER_KEY"] == "a2V5"


def test_the_id_key_comes_from_llr_id_key_and_the_actor_from_llr_actor() -> None:
    settings = load_settings("memory", {"LLR_ID_KEY": "secret", "LLR_ACTOR": "staff:42"})

    assert (settings.id_key, settings.id_key_is_default) == (b"secret", False)
    assert settings.actor == "staff:42"


def test_without_llr_id_key_the_development_key_is_used_and_flagged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = load_settings("memory", {"USER": "ann"})

    found = warnings(settings)

    assert (settings.id_key, settings.id_key_is_default) == (DEVELOPMENT_ID_KEY, True)
    assert settings.actor == "cli:ann"
    assert any("LLR_ID_KEY is not set" in warning for warning in found)
    assert capsys.readouterr().err == ""  # the library says it; the command line prints it


def test_a_set_id_key_and_role_give_no_warning() -> None:
    settings = load_settings("memory", {"LLR_ID_KEY": "secret", "LLR_ROLE": "auditor"})

    assert warnings(settings) == []


def test_without_llr_role_the_default_role_is_flagged() -> None:
    found = warnings(load_settings("memory", {"LLR_ID_KEY": "secret"}))

    assert len(found) == 1 and "LLR_ROLE is not set" in found[0]


@pytest.mark.parametrize(
    ("database", "backend"),
    [("memory", Backend.MEMORY), ("llr.sqlite3", Backend.SQLITE), (PG_URL, Backend.POSTGRES)],
)
def test_the_backend_is_the_stores_enum_and_reads_as_before(
    database: str, backend: Backend
) -> None:
    settings = load_settings(database, {})

    assert settings.backend is backend
    assert f"{settings.backend}" == {"memory": "popo", PG_URL: "postgres"}.get(database, "sqlite")


def test_only_a_missing_sqlite_file_counts_as_a_missing_store(tmp_path: Path) -> None:
    existing = tmp_path / "there.sqlite3"
    existing.touch()

    assert store_file_missing(str(tmp_path / "absent.sqlite3"))
    assert not store_file_missing(str(existing))
    assert not store_file_missing(f"sqlite:///{existing}")
    assert not store_file_missing(":memory:")
    assert not store_file_missing("memory")
    assert not store_file_missing(PG_URL)
