"""Who acts: one model for every credential the service accepts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ledger.security.roles import Role


@dataclass(frozen=True)
class Principal:
    """The caller of a request, as its credential says: never as the request says.

    ``actor`` is what events and the access log record (``staff:anna``); ``role`` is the
    llr role (an importer's bound to its source); ``credential`` names what proved it
    (``token:7`` or ``oidc:https://idp.example``), for the request log.
    """

    actor: str
    role: Role
    credential: str


class AuthenticationFailed(Exception):
    """A credential of a known kind that does not prove anyone (bad, expired, revoked)."""


# Each authenticator looks at the bearer credential: None when it is not of its kind, a
# Principal when it proves one, AuthenticationFailed when it is of its kind but fails.
Authenticator = Callable[[str], "Principal | None"]
