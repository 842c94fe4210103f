"""The write commands: each one function, run the same way for one command or a batch.

``CommandBuilder`` makes a command from primitives (text checks, the source parsed, who
acts); the Ledger runs it on an account: loaded and saved for ``llr grant/use/status``
(``Ledger.grant_right`` ...), or already in hand for a batch of lines (``run_in_batch``,
which the import's chunks call through ``Ledger.run_in_batch``). Either way the same rules
run in the same order and refuse with the same messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from ledger.domain.account import Account
from ledger.domain.catalogue import Catalogue, Education, Status
from ledger.domain.command import Provenance, Result
from ledger.domain.errors import AccountNotFoundError
from ledger.domain.identifiers import parse_source
from ledger.parsing import parse_status
from ledger.security.inputs import checked_optional, checked_text

NO_ACCOUNT = "no account is open for this citizen; open one first"


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
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


class CommandBuilder:
    """Commands from primitives, for one actor: the text checks and the provenance.

    One builder serves ``llr grant/use/status`` and every line of an import alike; the
    rules themselves run in the account, when the command runs.
    """

    def __init__(self, actor: str, sector_funds: Mapping[str, Any]) -> None:
        self.actor = actor
        self.sector_funds = sector_funds
        self.sources: dict[str, str] = {}  # as given -> canonical

    def provenance(
        self,
        source: str | None = None,
        reference: str | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> Provenance:
        # Runs for every line of an import: the source is looked up, not parsed again.
        canonical = (self.sources.get(source) or self.canonical_source(source)) if source else None
        return Provenance(self.actor, canonical, reference, batch, line)

    def canonical_source(self, source: str) -> str:
        """The source in its one spelling (parsed once per spelling: a batch repeats it)."""
        found = self.sources.get(source)
        if found is None:
            found = self.sources[source] = parse_source(source, self.sector_funds)
        return found

    def grant(
        self,
        right: str,
        amount: int,
        on: date,
        source: str,
        reference: str,
        expires_on: date | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> Grant:
        provenance = self.provenance(source, checked_text(reference, "reference"), batch, line)
        return Grant(right, amount, on, expires_on, provenance)

    def use(
        self,
        right: str,
        amount: int,
        on: date,
        training: str,
        provider: str,
        reference: str,
        source: str | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> Use:
        training, provider = checked_text(training, "training"), checked_text(provider, "provider")
        provenance = self.provenance(source, checked_text(reference, "reference"), batch, line)
        return Use(right, amount, on, training, provider, provenance)

    def status(
        self,
        status: str | Status,
        on: date,
        source: str | None = None,
        reference: str | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> ChangeStatus:
        the_status = status if isinstance(status, Status) else parse_status(status)
        reference = checked_optional(reference, "reference")
        return ChangeStatus(the_status, on, self.provenance(source, reference, batch, line))


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
