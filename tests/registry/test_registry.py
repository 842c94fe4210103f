"""The Registry on every store: its own streams and table, history, offers, read models."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.domain.command import Result
from ledger.domain.errors import LedgerError
from ledger.domain.registry import NotRegisteredError, RegistryConflictError
from ledger.registry import Registry
from ledger.security.roles import AccessDeniedError, Role, RoleName
from tests.registry.support import (
    CAREER_VOUCHERS,
    FROM,
    KBO,
    NAME,
    OTHER_KBO,
    VOUCHERS,
    VOV,
    registry_on,
    with_provider_and_training,
)
from tests.stores import make_ledger


def test_a_provider_and_its_training_give_an_offer_a_use_may_name(registry: Registry) -> None:
    with_provider_and_training(registry)

    offer = registry.offer("OPL-7")

    assert offer is not None
    assert (offer.provider, offer.provider_name, offer.rights) == (KBO, NAME, {VOUCHERS})
    assert offer.refusal(VOUCHERS, date(2024, 3, 1)) is None
    assert registry.offer("NO-SUCH") is None


def test_every_command_repeated_with_the_same_content_changes_nothing(registry: Registry) -> None:
    with_provider_and_training(registry)
    registry.revoke_provider(KBO, date(2026, 1, 1), "audit failed")
    registry.delist_training("OPL-7", date(2025, 1, 1))
    before = registry.recorder.max_notification_id()

    repeats = [
        registry.add_provider(KBO, NAME, [VOUCHERS, VOV], FROM),
        registry.add_training("OPL-7", KBO, "Welding", [VOUCHERS], date(2024, 2, 1), hours=4000),
        registry.revoke_provider(KBO, date(2026, 1, 1), "audit failed"),
        registry.delist_training("OPL-7", date(2025, 1, 1)),
    ]

    assert [outcome.result for outcome in repeats] == [Result.EXISTS] * 4
    assert registry.recorder.max_notification_id() == before


def test_the_same_key_with_other_content_is_a_conflict(registry: Registry) -> None:
    with_provider_and_training(registry)

    with pytest.raises(RegistryConflictError, match="registered as 'Syntra West'"):
        registry.add_provider(KBO, "Syntra Oost", [VOV], FROM)
    with pytest.raises(RegistryConflictError, match="hours 4000 \\(given 5000\\)"):
        registry.add_training("OPL-7", KBO, "Welding", [VOUCHERS], date(2024, 2, 1), hours="50")


def test_a_provider_recognised_later_for_a_further_right_keeps_its_history(
    registry: Registry,
) -> None:
    with_provider_and_training(registry)

    registry.add_provider(KBO, NAME, [CAREER_VOUCHERS], date(2025, 1, 1))
    registry.add_training("LB-1", KBO, "Career", CAREER_VOUCHERS, date(2025, 2, 1),
                          classification="career")  # fmt: skip

    held = registry.get_provider(KBO)
    earlier = registry.provider_as_of(KBO, date(2024, 6, 1))
    assert [r.right for r in held.recognitions] == [VOUCHERS, VOV, CAREER_VOUCHERS]
    assert earlier is not None and [r.right for r in earlier.recognitions] == [VOUCHERS, VOV]


def test_as_of_a_day_before_the_revocation_the_provider_is_recognised(registry: Registry) -> None:
    with_provider_and_training(registry)
    registry.revoke_provider(KBO, date(2026, 1, 1), "audit failed")

    before = registry.provider_as_of(KBO, date(2025, 12, 31))
    after = registry.provider_as_of(KBO, date(2026, 1, 1))

    assert before is not None and before.revoked_on is None
    assert before.recognised_for(VOUCHERS, date(2025, 12, 31))
    assert after is not None and after.revoked_on == date(2026, 1, 1)
    assert registry.provider_as_of(KBO, date(2023, 12, 31)) is None


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (lambda r: r.add_provider("0403170702", NAME, [VOV], FROM), "check digits 02"),
        (lambda r: r.add_provider(KBO, NAME, ["holiday-hours"], FROM), "unknown right"),
        (lambda r: r.add_provider(KBO, NAME, [VOV], FROM, date(2023, 1, 1)), "before --from"),
        (lambda r: r.add_provider(KBO, " ", [VOV], FROM), "--name: must not be empty"),
        (lambda r: r.add_training("OPL-9", OTHER_KBO, "X", [VOV], FROM), "no provider 0566"),
        (lambda r: r.add_training("OPL-9", KBO, "X", [CAREER_VOUCHERS], FROM),
         "not recognised for career-vouchers on 2024-01-01"),
        (lambda r: r.add_training("bad code!", KBO, "X", [VOV], FROM), "a training code is"),
        (lambda r: r.add_training("OPL-9", KBO, "X", [VOV], FROM, classification="fun"),
         "must be one of labour-market, career, lifewide"),
        (lambda r: r.add_training("OPL-9", KBO, "X", [VOV], FROM, hours="1.234"), "0.01"),
        (lambda r: r.delist_training("OPL-7", date(2024, 1, 31)), "before its registration"),
        (lambda r: r.delist_training("NONE", date(2024, 1, 31)), "no training NONE"),
        (lambda r: r.revoke_provider(OTHER_KBO, date(2024, 1, 31), "x"), "no provider"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_input_and_the_rule(
    registry: Registry, command: object, message: str
) -> None:
    with_provider_and_training(registry)
    before = registry.recorder.max_notification_id()

    with pytest.raises(LedgerError, match=message):
        command(registry)  # type: ignore[operator]

    assert registry.recorder.max_notification_id() == before


def test_offers_of_many_codes_come_in_one_call(registry: Registry) -> None:
    with_provider_and_training(registry)
    registry.add_training("OPL-8", KBO, "Soldering", [VOV], date(2024, 3, 1))

    offers = registry.offers(["OPL-7", "OPL-8", "NONE"])

    assert sorted(offers) == ["OPL-7", "OPL-8"]
    assert offers["OPL-8"].provider_name == NAME


def test_the_read_model_lists_a_provider_s_trainings_and_rebuilds_the_same(
    registry: Registry,
) -> None:
    with_provider_and_training(registry)
    registry.add_training("OPL-8", KBO, "Soldering", [VOV], date(2024, 3, 1))
    registry.delist_training("OPL-8", date(2025, 1, 1))
    listed = registry.trainings_of(KBO)

    counts = registry.rebuild_views()

    assert counts == (1, 2)
    assert [code for code, _ in listed] == ["OPL-7", "OPL-8"]
    assert '"delisted_on": "2025-01-01"' in listed[1][1]
    assert registry.trainings_of(KBO) == listed


def test_registry_streams_stay_out_of_the_ledger_s_accounts(database_url: str) -> None:
    registry = registry_on(database_url)
    with_provider_and_training(registry)
    registry.close()
    ledger = make_ledger(database_url)

    try:
        assert list(ledger.all_account_ids()) == []
        assert (ledger.recorder.max_notification_id() or 0) == 0
    finally:
        ledger.close()


def test_the_registry_keeps_no_snapshots_even_on_a_ledger_s_environment(
    database_url: str,
) -> None:
    ledger = make_ledger(database_url)
    registry = registry_on(database_url)
    try:
        from ledger.registry import open_registry

        on_ledger_env = open_registry(ledger.env)
        assert (registry.snapshots, on_ledger_env.snapshots) == (None, None)
        on_ledger_env.close()
    finally:
        registry.close()
        ledger.close()


def test_a_role_without_the_right_may_not_write_the_registry(any_database_url: str) -> None:
    from ledger.registry import open_registry
    from tests.stores import settings_of

    auditor = open_registry(
        settings_of(any_database_url).store_env(), actor="a", role=Role(RoleName.AUDITOR)
    )
    try:
        with pytest.raises(AccessDeniedError, match="may not write the registry"):
            auditor.add_provider(KBO, NAME, [VOV], FROM)
        assert auditor.offer("OPL-7") is None  # reading needs no special role
    finally:
        auditor.close()


def test_a_missing_training_or_provider_is_named(registry: Registry) -> None:
    with pytest.raises(NotRegisteredError, match="no provider 0403170701 is registered"):
        registry.get_provider(KBO)


def test_a_provider_is_public_or_private_or_unknown_to_the_registry(registry: Registry) -> None:
    with_provider_and_training(registry)
    registry.add_provider(OTHER_KBO, "VDAB", [VOV], FROM, public=True)

    answers = [registry.provider_is_public(k) for k in (KBO, OTHER_KBO, "0403170702", "x")]

    assert answers == [False, True, None, None]


def test_a_registry_opened_with_a_ledger_s_guard_acts_in_its_role(any_database_url: str) -> None:
    from ledger.registry import open_registry
    from ledger.security.access_log import AccessLog
    from ledger.security.guard import Guard
    from ledger.store.security_tables import MemoryTables
    from tests.stores import settings_of

    guard = Guard(Role(RoleName.BACKOFFICE), "staff:7", AccessLog(MemoryTables(), None))
    registry = open_registry(settings_of(any_database_url).store_env(), guard=guard)
    try:
        registry.add_provider(KBO, NAME, [VOV], FROM)
        actor = registry.history(registry.get_provider(KBO).id)[0].actor
    finally:
        registry.close()

    assert actor == "staff:7 (backoffice)"


def test_a_store_made_before_the_registry_reads_as_an_empty_registry(
    postgres_database: str,
) -> None:
    from ledger.config import load_settings
    from ledger.registry import open_registry
    from tests.stores import reset_postgres

    reset_postgres(postgres_database)
    make_ledger(postgres_database).close()  # the ledger's tables only
    env = load_settings(postgres_database, {}).store_env(create_tables=False)
    registry = open_registry(env)
    try:
        assert (registry.offer("OPL-7"), registry.provider_is_public(KBO)) == (None, None)
        with pytest.raises(LedgerError, match="run 'llr init' as admin"):
            registry.add_provider(KBO, NAME, [VOV], FROM)
    finally:
        registry.close()
