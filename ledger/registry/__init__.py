"""The registry of recognised providers and trainings (``application.py``).

``open_registry`` builds it on the store a Ledger was built with: the same eventsourcing
environment (``Ledger.env`` or ``Settings.store_env()``), its own events table.
"""

from __future__ import annotations

from collections.abc import Mapping

from ledger.registry.application import Registry, RegistryOutcome
from ledger.security.roles import Role

__all__ = ["Registry", "RegistryOutcome", "open_registry"]


def open_registry(
    env: Mapping[str, str], *, actor: str = "trusted-code", role: Role | None = None
) -> Registry:
    """The Registry on the store ``env`` opens (in memory: a memory of its own)."""
    return Registry(dict(env), actor=actor, role=role)
