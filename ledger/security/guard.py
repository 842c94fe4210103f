"""The acting role's checks and the access log, as one Ledger applies them.

A Ledger built without a role is trusted library code (tests, the projection runner,
benchmarks): it already holds the database credentials, so a check here would stop
nothing; what bounds it is the database role it connects as (``llr db roles``). The
command line always acts in a role.
"""

from __future__ import annotations

from uuid import UUID

from ledger.security.access_log import AccessLog
from ledger.security.inputs import MAX_REASON, checked_optional
from ledger.security.roles import Action, ReasonRequiredError, Role, needs_reason, require


class Guard:
    def __init__(self, role: Role | None, actor: str, access_log: AccessLog) -> None:
        self.role = role
        self.actor = actor
        self.access_log = access_log

    def require(self, action: Action, source: str | None = None) -> None:
        if self.role is not None:
            require(self.role, action, source)

    def note_read(self, account_id: UUID, what: str, reason: str | None) -> None:
        """Check that this role may read the citizen, and log the read before it happens."""
        self.require(Action.READ_ACCOUNT)
        if self.role is None:
            return
        reason = checked_optional(reason, "--reason", MAX_REASON)
        if reason is not None and not reason.strip():
            reason = None
        if reason is None and needs_reason(self.role, Action.READ_ACCOUNT):
            raise ReasonRequiredError(
                f"role {self.role} must give a reason to read a citizen's data: add "
                "--reason TEXT (e.g. --reason 'citizen called about her balance'); it goes "
                "into the access log the citizen may see"
            )
        self.access_log.record(account_id, self.actor, str(self.role), what, reason)
