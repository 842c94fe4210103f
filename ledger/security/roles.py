"""Who may do what: the llr roles, the actions they may take, and one table between them.

The table is data, so a reviewer reads the whole policy in one place, and every check in
the application (``require``) and on the command line goes through it. A role never
widens another: an ``importer`` is bound to one source, a ``backoffice`` read needs a
reason, the ``admin`` runs the store but reads no citizen.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from ledger.domain.errors import InvalidInputError, LedgerError
from ledger.domain.identifiers import parse_source


class AccessDeniedError(LedgerError):
    """The acting role may not take this action."""


class ReasonRequiredError(LedgerError):
    """This role must say why it reads a citizen's data."""


class RoleName(StrEnum):
    BACKOFFICE = "backoffice"
    AUDITOR = "auditor"
    IMPORTER = "importer"
    ADMIN = "admin"


class Action(StrEnum):
    READ_ACCOUNT = "read-account"
    WRITE_ACCOUNT = "write-account"
    APPROVE_CORRECTION = "approve-correction"
    REVERSE_WITHOUT_APPROVAL = "reverse-without-approval"
    EXPIRE = "expire"
    IMPORT = "import"
    REPORT = "report"
    AUDIT = "audit"
    READ_ACCESS_LOG = "read-access-log"
    SEE_INSZ = "see-insz"
    INIT = "init"
    MIGRATE = "migrate"
    RUN_PROJECTIONS = "run-projections"
    MANAGE_KEYS = "manage-keys"
    MANAGE_DB_ROLES = "manage-db-roles"
    MANAGE_TOKENS = "manage-tokens"
    SERVE = "serve"
    READ_REGISTRY = "read-registry"
    WRITE_REGISTRY = "write-registry"


# What each action covers, in the words a refusal uses.
DESCRIPTIONS: Mapping[Action, str] = MappingProxyType({
    Action.READ_ACCOUNT: "read a citizen's account (balance, history, explain)",
    Action.WRITE_ACCOUNT: "write to accounts (open, grant, use, status, reverse)",
    Action.APPROVE_CORRECTION: "approve a correction",
    Action.REVERSE_WITHOUT_APPROVAL: (
        "reverse an entry without a second person's approval (request it with "
        "'llr reverse', another person approves it with 'llr approve')"
    ),
    Action.EXPIRE: "expire lots across accounts",
    Action.IMPORT: "import files",
    Action.REPORT: "run reports across citizens",
    Action.AUDIT: "run audits",
    Action.READ_ACCESS_LOG: "read the access log",
    Action.SEE_INSZ: "see national numbers unmasked",
    Action.INIT: "initialise the store",
    Action.MIGRATE: "migrate the read models",
    Action.RUN_PROJECTIONS: "run projections",
    Action.MANAGE_KEYS: "manage keys",
    Action.MANAGE_DB_ROLES: "manage database roles",
    Action.MANAGE_TOKENS: "manage the API tokens of llr serve (issue, list, revoke)",
    Action.SERVE: "start the HTTP service (llr serve), which then acts in each caller's role",
    Action.READ_REGISTRY: "read the registry of providers and trainings",
    Action.WRITE_REGISTRY: "write the registry of providers and trainings",
})  # fmt: skip

# The policy. Backoffice may import (a bulk write of accounts) for any source; an importer
# only for its own. Nobody but backoffice and admin sees an INSZ unmasked. No role may
# reverse an entry on its own (four eyes): that action is in no set. Every role reads the
# registry of providers and trainings (public facts); backoffice and admin write it.
PERMISSIONS: Mapping[RoleName, frozenset[Action]] = MappingProxyType({
    RoleName.BACKOFFICE: frozenset({
        Action.READ_ACCOUNT, Action.WRITE_ACCOUNT, Action.APPROVE_CORRECTION, Action.EXPIRE,
        Action.IMPORT, Action.REPORT, Action.READ_ACCESS_LOG, Action.SEE_INSZ,
        Action.READ_REGISTRY, Action.WRITE_REGISTRY,
    }),
    RoleName.AUDITOR: frozenset({
        Action.READ_ACCOUNT, Action.REPORT, Action.AUDIT, Action.READ_ACCESS_LOG,
        Action.READ_REGISTRY,
    }),
    RoleName.IMPORTER: frozenset({Action.IMPORT, Action.READ_REGISTRY}),
    RoleName.ADMIN: frozenset({
        Action.INIT, Action.MIGRATE, Action.RUN_PROJECTIONS, Action.MANAGE_KEYS,
        Action.MANAGE_DB_ROLES, Action.MANAGE_TOKENS, Action.SERVE, Action.SEE_INSZ,
        Action.READ_REGISTRY,
        Action.WRITE_REGISTRY,
    }),
})  # fmt: skip

# (role, action) pairs that must give a reason, which the access log keeps.
REASON_REQUIRED: frozenset[tuple[RoleName, Action]] = frozenset(
    {(RoleName.BACKOFFICE, Action.READ_ACCOUNT)}
)

ROLE_FORMS = "backoffice, auditor, admin or importer:<source> (e.g. importer:employer:0566988259)"


@dataclass(frozen=True)
class Role:
    """An llr role; an importer's is bound to one canonical source."""

    name: RoleName
    source: str | None = None

    def __str__(self) -> str:
        return f"{self.name}:{self.source}" if self.source else str(self.name)

    def may(self, action: Action) -> bool:
        return action in PERMISSIONS[self.name]


DEFAULT_ROLE = Role(RoleName.BACKOFFICE)


def parse_role(text: str, sector_funds: Collection[str], name: str = "LLR_ROLE") -> Role:
    """``backoffice``, ``auditor``, ``admin`` or ``importer:<source>``."""
    kind, colon, rest = text.strip().partition(":")
    try:
        role_name = RoleName(kind.strip().lower())
    except ValueError:
        raise InvalidInputError.because(
            "{name} {text!r}: must be {role_forms}",
            name=name,
            text=text[:60],
            role_forms=ROLE_FORMS,
        ) from None
    if role_name is not RoleName.IMPORTER:
        if colon:
            raise InvalidInputError.because(
                "{name} {text!r}: only importer takes a source", name=name, text=text[:60]
            )
        return Role(role_name)
    if not colon or not rest.strip():
        raise InvalidInputError.because(
            "{name} {text!r}: an importer imports for one source: importer:<source>",
            name=name,
            text=text[:60],
        )
    try:
        return Role(role_name, parse_source(rest, sector_funds))
    except LedgerError as error:
        raise InvalidInputError.because(
            "{name} {text!r}: {error}", name=name, text=text[:60], error=error
        ) from None


def require(role: Role, action: Action, source: str | None = None) -> None:
    """Refuse (``AccessDeniedError``) unless ``role`` may take ``action`` (for ``source``)."""
    if not role.may(action):
        allowed = [str(r) for r, actions in PERMISSIONS.items() if action in actions]
        if not allowed:
            raise AccessDeniedError.because(
                "no role may {descriptions}", descriptions=DESCRIPTIONS[action]
            )
        raise AccessDeniedError.because(
            "role {role} may not {descriptions}; that needs the role {allowed} (set LLR_ROLE)",
            role=role,
            descriptions=DESCRIPTIONS[action],
            allowed=" or ".join(allowed),
        )
    if role.source is not None and action is Action.IMPORT and source != role.source:
        raise AccessDeniedError.because(
            "role {role} may import for {own} only, not for {source}",
            role=role, own=role.source, source=source or "an unnamed source",
        )  # fmt: skip


def needs_reason(role: Role, action: Action) -> bool:
    return (role.name, action) in REASON_REQUIRED


def actor_with_role(actor: str, role: Role) -> str:
    """What events record as their actor: who, and in which role, e.g. ``staff:42 (auditor)``."""
    return f"{actor} ({role})"
