"""What a store's database roles are made of, whatever grants them: kinds of table, the plan
(owner, grants per role and kind, which kinds are append-only) and what was done.

The plan is security's (``ledger/security/db_roles.py``); carrying it out is the store's,
and only PostgreSQL has roles (``postgres_roles.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class TableKind(StrEnum):
    EVENTS = "events"
    SNAPSHOTS = "snapshots"
    ACCESS_LOG = "access log"
    SETTINGS = "settings"
    READ_MODELS = "read models"
    REGISTRY = "registry events"  # the registry of providers and trainings, its own stream
    REGISTRY_VIEWS = "registry read models"
    API_TOKENS = "api tokens"  # llr serve's tokens and their revocations (hashes only)


Grants = Mapping[TableKind, tuple[str, ...]]


@dataclass(frozen=True)
class RolePlan:
    owner: str  # owns every table; holds every privilege by ownership
    grants: Mapping[str, Grants]  # per role, per kind of table: the privileges
    append_only: tuple[TableKind, ...]  # the kinds guarded by the append-only triggers


@dataclass
class Hardening:
    """What ``llr db roles`` did."""

    created: list[str] = field(default_factory=list)
    tables: dict[TableKind, list[str]] = field(default_factory=dict)
    guarded: list[str] = field(default_factory=list)
