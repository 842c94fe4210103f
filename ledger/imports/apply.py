"""Turn one validated row into one domain command on the citizen's account.

Every Account command checks all its rules before it triggers an event, so a command that
raises leaves the account as it was; a new account is only kept once its line succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from ledger.domain.account import Account
from ledger.domain.catalogue import Catalogue, Status
from ledger.domain.command import Provenance, Result
from ledger.domain.errors import (
    AccountNotFoundError,
    CapExceededError,
    ExpiryBeyondRuleError,
    InsufficientBalanceError,
    LedgerError,
    NoRuleInForceError,
    NotUsableInStatusError,
    OutOfOrderError,
    ReferenceConflictError,
    SourceNotAllowedError,
    StatusUnchangedError,
    UnknownRightError,
)
from ledger.domain.identifiers import EMPLOYER, source_kind
from ledger.imports.rows import GrantRow, Row, StatusRow, UseRow

# The field a person should look at when the domain refuses a line.
FIELD_OF_ERROR: dict[type[LedgerError], str] = {
    UnknownRightError: "right",
    NoRuleInForceError: "on",
    SourceNotAllowedError: "right",
    NotUsableInStatusError: "right",
    InsufficientBalanceError: "amount",
    CapExceededError: "amount",
    ExpiryBeyondRuleError: "expires_on",
    OutOfOrderError: "on",
    ReferenceConflictError: "reference",
    StatusUnchangedError: "status",
    AccountNotFoundError: "insz",
}


def field_of(error: LedgerError) -> str:
    for kind in type(error).__mro__:
        if kind in FIELD_OF_ERROR:
            return FIELD_OF_ERROR[kind]
    return "(line)"


@dataclass(frozen=True)
class ParsedLine:
    line: int
    account_id: UUID
    row: Row


@dataclass(frozen=True)
class Target:
    """What every line of one file shares: who sends it, and which batch records it."""

    source: str
    actor: str
    batch: str
    catalogue: Catalogue

    @property
    def opens_employees(self) -> bool:
        """An employer's file opens the accounts of citizens new to the ledger."""
        return source_kind(self.source) == EMPLOYER

    def provenance(self, parsed: ParsedLine, reference: str | None) -> Provenance:
        return Provenance(self.actor, self.source, reference, self.batch, parsed.line)


def apply_line(target: Target, accounts: dict[UUID, Account], parsed: ParsedLine) -> Result:
    """Run the line's command; raises ``LedgerError`` (and changes nothing) on a refusal."""
    account = accounts.get(parsed.account_id)
    if account is None:
        account = _open_for(target, parsed)
        if isinstance(parsed.row, StatusRow):
            accounts[parsed.account_id] = account
            return Result.APPLIED
        result = _command(target, account, parsed)
        accounts[parsed.account_id] = account  # kept only now that its first line landed
        return result
    return _command(target, account, parsed)


def _open_for(target: Target, parsed: ParsedLine) -> Account:
    row = parsed.row
    if isinstance(row, StatusRow):
        # The opening carries the line's reference, so the line is recognised next time.
        provenance = target.provenance(parsed, row.reference)
        return Account.open(parsed.account_id, row.insz.value, row.status, row.on, None, provenance)
    if target.opens_employees:
        provenance = target.provenance(parsed, None)
        return Account.open(
            parsed.account_id, row.insz.value, Status.EMPLOYEE, row.on, None, provenance
        )
    raise AccountNotFoundError(
        f"no account is open for {row.insz.masked}: only a status line, or any line in an "
        "employer's file, opens one"
    )


def _command(target: Target, account: Account, parsed: ParsedLine) -> Result:
    row, catalogue = parsed.row, target.catalogue
    provenance = target.provenance(parsed, row.reference)
    if isinstance(row, GrantRow):
        return account.grant(catalogue, row.right, row.amount, row.on, row.expires_on, provenance)
    if isinstance(row, UseRow):
        return account.use(
            catalogue, row.right, row.amount, row.on, row.training, row.provider, provenance
        )
    if _opened_by(account, target.source, row.reference, row.status, row.on):
        return Result.EXISTS
    return account.change_status(catalogue, row.status, row.on, provenance)


def _opened_by(account: Account, source: str, reference: str, status: Status, on: date) -> bool:
    """Whether this status line is the one that opened the account (an exact repeat)."""
    return account.opened_by(source, reference) and account.opening_matches(status, on, None)
