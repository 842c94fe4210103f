"""With a cipher key the read models keep personal values sealed, and every report gives
the same answers as on a store without a key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.cipher import AESCipher
from eventsourcing.utils import Environment

from ledger.application import Ledger
from ledger.config import load_settings
from ledger.projections import reports
from ledger.projections.migrate import upgrade
from ledger.projections.personal_fields import FieldCipher
from ledger.projections.rebuild import rebuild
from ledger.projections.runner import catch_up_all
from ledger.store.read_models.base import ProjectionError
from ledger.store.read_models.opening import opened
from tests.builders import crowd, script_history
from tests.stores import TEST_ID_KEY, reset_postgres

KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="
OTHER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
GROUPINGS = ("education", "status", "age-band", "education,status,age-band")


def cipher(key: str) -> AESCipher:
    return AESCipher(Environment(env={"CIPHER_KEY": key}))


@pytest.fixture
def fresh_store(database_url: str) -> Iterator[Any]:
    """Makes an empty store each time it is called (a new file, or PostgreSQL reset)."""
    made = 0

    def fresh() -> str:
        nonlocal made
        made += 1
        if database_url.startswith("postgresql://"):
            reset_postgres(database_url)
            return database_url
        return str(Path(database_url).with_name(f"store{made}.sqlite3"))

    yield fresh


def projected_ledger(database: str, key: str | None) -> Ledger:
    """The scripted history and 30 more citizens, projected, on a store with or without
    a cipher key."""
    environ = {"LLR_ID_KEY": TEST_ID_KEY, "LLR_ACTOR": "test:staff"}
    settings = load_settings(database, {**environ, **({"LLR_CIPHER_KEY": key} if key else {})})
    ledger = Ledger(settings.store_env(), id_key=settings.id_key, actor=settings.actor)
    upgrade(settings)
    script_history(ledger)
    crowd(ledger, 30)
    catch_up_all(ledger)
    return ledger


def answers(ledger: Ledger) -> dict[str, list[Any]]:
    """What every report says, in a form that compares across stores."""
    found: dict[str, list[Any]] = {
        f"take-up by {by}": reports.take_up(ledger, by.split(",")).rows for by in GROUPINGS
    }
    found["take-up 2024-25 vov-hours"] = reports.take_up(
        ledger, ["education", "age-band"], period="2024-25", right="vov-hours"
    ).rows
    found["expiring"] = reports.expiring(ledger, 3650, date(2024, 9, 1)).rows
    found["sources"] = reports.sources(ledger).rows
    return found


def stored(ledger: Ledger, sql: str) -> list[str]:
    with opened(ledger.env) as store:
        return [str(value) for (value,) in store.query(sql)]


def test_every_report_gives_the_same_answers_with_and_without_a_key(fresh_store: Any) -> None:
    clear = projected_ledger(fresh_store(), None)
    try:
        expected = answers(clear)
    finally:
        clear.close()
    sealed = projected_ledger(fresh_store(), KEY)
    try:
        live = answers(sealed)
        rebuild(sealed, processes=2)  # the trail's process decodes with the key too
        rebuilt = answers(sealed)
        profiles = stored(sealed, "SELECT profile FROM takeup_citizens")
    finally:
        sealed.close()

    assert all(expected.values()), "every report has rows to compare"
    assert len(expected["take-up by education,status,age-band"]) > 10
    assert live == expected
    assert rebuilt == expected
    assert len(profiles) == 32 and not any("|" in p for p in profiles)


def test_without_a_key_the_read_models_hold_the_values_in_clear(fresh_store: Any) -> None:
    ledger = projected_ledger(fresh_store(), None)
    try:
        profiles = stored(ledger, "SELECT profile FROM takeup_citizens")
        citizens = stored(ledger, "SELECT citizen FROM expiring_citizens")
    finally:
        ledger.close()

    assert {"low|1993", "high|1985"} <= set(profiles)
    assert "93.05.18-***.**" in citizens


def test_with_a_key_the_same_value_is_sealed_differently_each_time() -> None:
    sealer = FieldCipher(cipher(KEY))

    first, second = sealer.encrypt("low|1993"), sealer.encrypt("low|1993")

    assert first != second
    assert "low" not in first + second and "1993" not in first + second
    reader = FieldCipher(cipher(KEY))
    assert reader.decrypt(first) == FieldCipher(cipher(KEY)).decrypt(second) == "low|1993"


def test_a_value_sealed_with_another_key_is_a_clear_error_that_says_to_rebuild() -> None:
    sealed = FieldCipher(cipher(OTHER_KEY)).encrypt("low|1993")

    with pytest.raises(ProjectionError, match=r"another key .*llr projections rebuild"):
        FieldCipher(cipher(KEY)).decrypt(sealed)
    with pytest.raises(ProjectionError, match="llr projections rebuild"):
        FieldCipher(cipher(KEY)).decrypt("low|1993")  # built without a key, read with one


def test_without_a_key_nothing_is_sealed() -> None:
    sealer = FieldCipher(None)

    assert (sealer.encrypt("low|1993"), sealer.decrypt("low|1993")) == ("low|1993", "low|1993")
