"""Every rule the ledger refuses to break has its own error type.

Each message names the input and the rule, so a person (or a rejects file) can act on it.
The CLI turns any ``LedgerError`` into exit code 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Self


class LedgerError(Exception):
    """Base of every refusal by a ledger rule or of bad input.

    A refusal made with ``because`` keeps its message's template and values apart, so a
    reader in another language (the console's Dutch) gets the same refusal in their own
    words and notation; its English message is the template filled in, as before."""

    template: str | None = None
    values: Mapping[str, object] = MappingProxyType({})

    @classmethod
    def because(cls, template: str, /, **values: object) -> Self:
        error = cls(template.format(**values))
        error.explained(template, values)
        return error

    def explained(self, template: str, values: Mapping[str, object]) -> None:
        self.template, self.values = template, MappingProxyType(dict(values))


class Phrase:
    """A part of a refusal's message that is there only sometimes (" at employer ..."):
    its own template and values, so it is said in the reader's language with the rest."""

    def __init__(self, template: str, /, **values: object) -> None:
        self.template, self.values = template, MappingProxyType(values)

    def __str__(self) -> str:
        return self.template.format(**self.values)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


NOTHING = Phrase("")  # a phrase that is not there


class InvalidIdentifierError(LedgerError, ValueError):
    """A national number, enterprise number or code is malformed or has a wrong check."""


class InvalidInputError(LedgerError, ValueError):
    """A value is malformed (a date, an amount, an unknown code)."""


class UnknownRightError(LedgerError):
    """The right type is not in the catalogue."""

    def __init__(self, code: str, known: list[str]) -> None:
        template = "unknown right {code!r}: the catalogue has {known}"
        values = {"code": code, "known": ", ".join(known)}
        super().__init__(template.format(**values))
        self.explained(template, values)
        self.code = code


class NoRuleInForceError(LedgerError):
    """No rule version of the right type was in force on the date."""

    def __init__(self, code: str, day: date, first: date) -> None:
        template = "right {code!r} has no rule in force on {day}: its first version starts {first}"
        values = {"code": code, "day": day, "first": first}
        super().__init__(template.format(**values))
        self.explained(template, values)


class AccountNotFoundError(LedgerError):
    """No account is open for this citizen."""


class AccountAlreadyOpenError(LedgerError):
    """An account is already open for this citizen."""


class AmountNotPositiveError(LedgerError):
    """Amounts are whole units greater than zero."""


class OutOfOrderError(LedgerError):
    """An entry is dated before the latest fact already on the account.

    Business time on one account only moves forward; a fact that was missed is corrected by
    reversing the entries after it and entering them again, so history stays append-only.
    """


class SourceNotAllowedError(LedgerError):
    """The source may not grant this right type."""


class NotUsableInStatusError(LedgerError):
    """The right type is not usable in the citizen's status on that date."""


class InsufficientBalanceError(LedgerError):
    """A use asks more than what is usable on its date."""


class CapExceededError(LedgerError):
    """A grant or a use would exceed a cap per period from the catalogue."""


class UnknownTrackError(InvalidInputError):
    """A grant or use names a track its rule version does not have."""


class NotEligibleError(LedgerError):
    """The citizen does not meet a condition of the rule version (a fact is missing or
    says otherwise): no POP, too little work experience, too small an employment."""


class ExpiryBeyondRuleError(LedgerError):
    """A grant asks for an expiry later than its rule allows, or not after its start."""


class ReferenceConflictError(LedgerError):
    """The source already used this reference for an entry with other content."""


class StatusUnchangedError(LedgerError):
    """A status change to the status the citizen already has."""


class EntryNotFoundError(LedgerError):
    """No entry with this event id on the account."""


class NotReversibleError(LedgerError):
    """The entry cannot be reversed (its kind, or what happened to its lot since)."""


class AlreadyReversedError(LedgerError):
    """The entry was reversed before."""


class ReversalPendingError(LedgerError):
    """A reversal of the entry is already requested and waits for approval."""


class RequestNotPendingError(LedgerError):
    """No reversal request with this id waits for approval on the account."""


class FourEyesError(LedgerError):
    """A correction must be approved by another person than the one who requested it."""


class CatalogueError(LedgerError):
    """A catalogue file is invalid; the message names the file and the field."""


class CareerFactError(LedgerError):
    """An employment or situation fact that does not fit the career recorded so far."""


class NoEmploymentError(LedgerError):
    """A grant or use that needs an employment the citizen does not have on that date."""


class DoubleFundingError(LedgerError):
    """A training already funded by a right that excludes this one."""


class NotInRegistryError(LedgerError):
    """A use or booking names a training the registry does not recognise for the right on
    that date (not registered, delisted, provider not recognised or revoked)."""


class ReservationNotFoundError(LedgerError):
    """A confirm or cancel names a reservation the account does not hold."""


class ReservationClosedError(LedgerError):
    """A confirm or cancel of a reservation already confirmed, cancelled or lapsed."""
