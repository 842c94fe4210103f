"""The write commands: each one function, run the same way for one command or a batch.

The Ledger builds a command from primitives (text checks, the source parsed, who acts) and
runs it on an account: loaded and saved by the Ledger for ``llr grant/use/status``
(``Ledger.grant_right`` ...), or on an account already in hand for a batch of lines
(``run_in_batch``, which the import's chunks call through ``Ledger.run_in_batch``). Either
way the same rules run in the same order and refuse with the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from ledger.domain.account import Account, Provenance, Result
from ledger.domain.catalogue import Catalogue, Education, Status
from ledger.domain.errors import AccountNotFoundError

NO_ACCOUNT = "no account is open for this citizen; open one first"


@dataclass(frozen=True, slots=True)
class Grant:
    right: str
    amount: int
    on: date
    expires_on: date | None
    provenance: Provenance

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.grant(
            catalogue, self.right, self.amount, self.on, self.expires_on, self.provenance
        )


@dataclass(frozen=True, slots=True)
class Use:
    right: str
    amount: int
    on: date
    training: str
    provider: str
    provenance: Provenance

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.use(
            catalogue,
            self.right,
            self.amount,
            self.on,
            self.training,
            self.provider,
            self.provenance,
        )


@dataclass(frozen=True, slots=True)
class ChangeStatus:
    status: Status
    on: date
    provenance: Provenance

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.change_status(catalogue, self.status, self.on, self.provenance)

    def repeats_opening(self, account: Account) -> bool:
        """Whether this change is the one that opened the account (an exact repeat)."""
        source, reference = self.provenance.source, self.provenance.reference
        return account.opened_by(source, reference) and account.opening_matches(
            self.status, self.on, None
        )


Command = Grant | Use | ChangeStatus


def open_new(
    aggregate_id: UUID,
    insz: str,
    status: Status,
    on: date,
    education: Education | None,
    provenance: Provenance,
) -> Account:
    """A new account (nothing saved yet): the one way an account comes to be."""
    return Account.open(aggregate_id, insz, status, on, education, provenance)


def run_in_batch(
    catalogue: Catalogue,
    accounts: dict[UUID, Account],
    aggregate_id: UUID,
    insz: str,
    command: Command,
    employer_opens: bool,
) -> Result:
    """Run ``command`` on an account in hand; a refusal raises and changes nothing.

    An account the batch does not hold is opened by a status change (as that status, with
    its reference, so the same line is recognised next time) or, in a batch whose source
    is an employer (``employer_opens``), by any line (as an employee). A new account is
    kept in ``accounts`` only once its first command succeeded.
    """
    account = accounts.get(aggregate_id)
    if account is None:
        if isinstance(command, ChangeStatus):
            provenance = command.provenance
            accounts[aggregate_id] = open_new(
                aggregate_id, insz, command.status, command.on, None, provenance
            )
            return Result.APPLIED
        if not employer_opens:
            raise AccountNotFoundError(NO_ACCOUNT)
        line = command.provenance  # the opening carries no reference: the line's own does
        provenance = Provenance(line.actor, line.source, None, line.batch, line.line)
        account = open_new(aggregate_id, insz, Status.EMPLOYEE, command.on, None, provenance)
        result = command.run(account, catalogue)
        accounts[aggregate_id] = account
        return result
    if isinstance(command, ChangeStatus) and command.repeats_opening(account):
        return Result.EXISTS
    return command.run(account, catalogue)
