"""One validated line of a file, and the Ledger command it becomes.

The line's row names the command; the Ledger builds it (the same builders as ``llr
grant/use/status``, ``llr employment/situation`` and ``llr reserve/confirm/cancel``) and
runs it on the citizen's account in hand, through its batch form.
Every command checks all its rules before it triggers an event, so a line that is refused
leaves the account as it was; a new account is only kept once its line succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from uuid import UUID

from ledger.application import Ledger
from ledger.commands import Command, CommandBuilder, History
from ledger.domain.account import Account
from ledger.domain.career import Employment
from ledger.domain.command import Result
from ledger.domain.errors import (
    AccountNotFoundError,
    AmountNotPositiveError,
    CapExceededError,
    CareerFactError,
    DoubleFundingError,
    ExpiryBeyondRuleError,
    InsufficientBalanceError,
    InvalidInputError,
    LedgerError,
    NoEmploymentError,
    NoRuleInForceError,
    NotEligibleError,
    NotInRegistryError,
    NotUsableInStatusError,
    OutOfOrderError,
    ReferenceConflictError,
    ReservationClosedError,
    ReservationNotFoundError,
    SourceNotAllowedError,
    StatusUnchangedError,
    UnknownRightError,
    UnknownTrackError,
)
from ledger.domain.identifiers import EMPLOYER, source_kind
from ledger.imports.rows import (
    BOOKING_ROWS,
    FACT_ROWS,
    FIELDS,
    CancelRow,
    ConfirmRow,
    EmploymentEndRow,
    EmploymentStartRow,
    EmploymentSuspendRow,
    GrantRow,
    PopRow,
    Problem,
    ReserveRow,
    Row,
    SituationEndRow,
    SituationStartRow,
    StatusRow,
    UseRow,
)

# The field a person should look at when the domain refuses a line.
FIELD_OF_ERROR: dict[type[LedgerError], str] = {
    UnknownRightError: "right",
    AmountNotPositiveError: "amount",  # read in the right's unit when the command is built
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
    NoEmploymentError: "(line)",
    DoubleFundingError: "training",
    NotEligibleError: "(line)",
    UnknownTrackError: "track",
    CareerFactError: "(line)",
    NotInRegistryError: "training",
    ReservationNotFoundError: "reference",  # a confirm or cancel names the reservation
    ReservationClosedError: "reference",
}


def field_of(error: LedgerError) -> str:
    for kind in type(error).__mro__:
        if kind in FIELD_OF_ERROR:
            return FIELD_OF_ERROR[kind]
    return "(line)"


def problem_of(error: LedgerError) -> Problem:
    """A refusal as a rejects file gives it. A rule that names the option it refused
    (``--hold-until 2024-10-31: ...``, as ``llr`` is typed) names the file's column
    instead, and that is the field to look at."""
    reason = str(error)
    option, _, rest = reason.partition(" ")
    column = option.removeprefix("--").removesuffix(":").replace("-", "_")
    if option.startswith("--") and column in FIELDS and rest:
        return Problem(column, reason.replace(option.removesuffix(":"), column, 1))
    return Problem(field_of(error), reason)


@dataclass(frozen=True)
class ParsedLine:
    line: int
    account_id: UUID
    row: Row


@dataclass(frozen=True)
class FileContext:
    """What every line of one file shares: who sends it and acts, and which batch records it."""

    source: str
    actor: str
    batch: str

    @cached_property
    def opens_employees(self) -> bool:
        """An employer's file opens the accounts of citizens new to the ledger."""
        return source_kind(self.source) == EMPLOYER


def command_of(ledger: Ledger, context: FileContext, parsed: ParsedLine) -> Command:
    """The Ledger command a line asks for, stamped with the file's source, batch and line."""
    row, source, batch, line = parsed.row, context.source, context.batch, parsed.line
    commands = ledger.commands
    if isinstance(row, CAREER_ROWS):
        return career_command_of(commands, context, row, line)
    if isinstance(row, BOOKING_ROWS):
        return booking_command_of(commands, row, batch, line)
    if isinstance(row, GrantRow):
        return commands.grant(
            row.right,
            row.amount,
            row.on,
            source,
            row.reference,
            row.expires_on,
            batch,
            line,
            amount_name="amount",
            track=row.track,
        )
    if isinstance(row, UseRow):
        return commands.use(
            row.right,
            row.amount,
            row.on,
            row.training,
            row.provider,
            row.reference,
            source,
            batch,
            line,
            row.employer,
            amount_name="amount",
            track=row.track,
        )
    if isinstance(row, FACT_ROWS):
        value = None if isinstance(row, PopRow) else row.value
        until = row.until if isinstance(row, PopRow) else None
        return commands.fact(row.kind, value, row.on, until, source, row.reference, batch, line)
    assert isinstance(row, StatusRow)
    return commands.status(row.status, row.on, source, row.reference, batch, line)


CAREER_ROWS = (
    EmploymentStartRow, EmploymentEndRow, EmploymentSuspendRow, SituationStartRow,
    SituationEndRow,
)  # fmt: skip


def career_command_of(
    commands: CommandBuilder, context: FileContext, row: Any, line: int
) -> Command:
    source, batch, reference = context.source, context.batch, row.reference
    if isinstance(row, SituationStartRow | SituationEndRow):
        starts = isinstance(row, SituationStartRow)
        return commands.situation(row.situation, row.on, starts, source, reference, batch, line)
    employer = employer_of(context, row.employer)
    if isinstance(row, EmploymentStartRow):
        employment = Employment(
            employer, row.on, row.fte, row.joint_committee, row.region.value, row.unit
        )
        return commands.employment_start(employment, source, reference, batch, line)
    if isinstance(row, EmploymentEndRow):
        return commands.employment_end(
            employer, row.on, row.reason.value, source, reference, batch, line
        )
    return commands.employment_suspend(
        employer, row.on, row.until, row.reason.value, source, reference, batch, line
    )


def booking_command_of(commands: CommandBuilder, row: Any, batch: str, line: int) -> Command:
    """A booking line as ``llr reserve/confirm/cancel`` builds it: a booking names no
    source (its reference is the booking's own id), so a line and a command of the same
    booking are the same entry."""
    if isinstance(row, ReserveRow):
        return commands.reserve(
            row.right, row.amount, row.on, row.training, row.reference, row.hold_until,
            row.track, row.enrolment, row.employer, batch, line, amount_name="amount",
            provider=row.provider,
        )  # fmt: skip
    if isinstance(row, ConfirmRow):
        return commands.confirm(row.reference, row.on, row.amount, batch, line, "amount")
    assert isinstance(row, CancelRow)
    return commands.cancel(row.reference, row.on, row.reason, batch, line)


def employer_of(context: FileContext, named: str | None) -> str:
    """The employer of an employment line: the one it names, which in an employer's own
    file is that employer (named or not: an employer reports its own employments)."""
    own = context.source.removeprefix(f"{EMPLOYER}:") if context.opens_employees else None
    if own is not None and named not in (None, own):
        raise InvalidInputError(
            f"employer {named}: a file from {context.source} reports its own employments only"
        )
    employer = named or own
    if employer is None:
        raise InvalidInputError(
            f"employer: missing: a file from {context.source} names the employer on each "
            "employment line"
        )
    return employer


def run_line(
    ledger: Ledger,
    context: FileContext,
    accounts: dict[UUID, Account],
    parsed: ParsedLine,
    history: History | None = None,
) -> Result:
    """Run the line's command; raises ``LedgerError`` (and changes nothing) on a refusal.
    With ``history`` (the account's events so far), a late line runs as a late fact."""
    return ledger.run_in_batch(
        accounts,
        parsed.account_id,
        parsed.row.insz.value,
        command_of(ledger, context, parsed),
        context.opens_employees,
        history,
        parsed.row.review,
    )
