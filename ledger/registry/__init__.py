"""The registry of recognised providers and trainings (``application.py``).

``open_registry`` builds it on the store a Ledger was built with: the same eventsourcing
environment (``Ledger.env`` or ``Settings.store_env()``), its own events table. The acting
role and actor come from the Ledger's ``guard`` (or are given); without either it is
trusted code, as a Ledger without a role is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ledger.registry.application import Registry, RegistryOutcome
from ledger.security.roles import Role

if TYPE_CHECKING:
    from ledger.security.guard import Guard

__all__ = ["Registry", "RegistryOutcome", "open_registry"]


def open_registry(
    env: Mapping[str, str],
    guard: Guard | None = None,
    *,
    actor: str | None = None,
    role: Role | None = None,
) -> Registry:
    """The Registry on the store ``env`` opens (in memory: a memory of its own)."""
    if guard is not None:
        actor, role = actor or guard.actor, role or guard.role
    return Registry(dict(env), actor=actor or "trusted-code", role=role)
