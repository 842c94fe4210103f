"""What the registry tests share: a provider, trainings and a registry on a test store."""

from __future__ import annotations

from datetime import date

from ledger.registry import Registry, open_registry
from tests.stores import settings_of

KBO = "0403170701"  # mod-97 valid
OTHER_KBO = "0566988259"
NAME = "Syntra West"
VOUCHERS = "training-vouchers"
VOV = "vov-hours"
CAREER_VOUCHERS = "career-vouchers"
FROM = date(2024, 1, 1)


def registry_on(database: str) -> Registry:
    """A Registry as trusted code builds it, on the test store ``database``."""
    return open_registry(settings_of(database).store_env(), actor="test:staff")


def with_provider_and_training(registry: Registry) -> None:
    """Syntra West recognised for vouchers and VOV from 2024; training OPL-7 for vouchers."""
    registry.add_provider(KBO, NAME, [VOUCHERS, VOV], FROM)
    registry.add_training("OPL-7", KBO, "Welding", [VOUCHERS], date(2024, 2, 1), hours="40")
