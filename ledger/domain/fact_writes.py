"""The Account's command that records an eligibility fact (``ledger/domain/facts.py``).

A mixin of ``Account``. A fact carries its own date and is recorded at the account's
business time: it changes no lot and no entry already made, so it is never "late"; the
grants after it read it.
"""

from __future__ import annotations

from datetime import date

from ledger.domain.command import Provenance, Result
from ledger.domain.errors import InvalidInputError
from ledger.domain.facts import FactKind, parse_fact_value
from ledger.domain.idempotency import career_fingerprint
from ledger.domain.state import AccountState


def fact_fingerprint(kind: str, value: str, on: date, until: date | None) -> str:
    return career_fingerprint("fact", [kind, value, on, until])


class FactCommands:
    """``self`` is the Account (``AccountState``)."""

    def record_fact(
        self: AccountState,
        kind: FactKind,
        value: str | None,
        on: date,
        until: date | None,
        provenance: Provenance,
    ) -> Result:
        try:
            kept = parse_fact_value(kind, value)
        except ValueError as error:
            raise InvalidInputError(str(error)) from None
        if until is not None and kind is not FactKind.POP:
            raise InvalidInputError.because(
                "--until {until}: only a pop fact ends (not {kind_value})",
                until=until,
                kind_value=kind.value,
            )
        if until is not None and until <= on:
            raise InvalidInputError.because(
                "--until {until} must be after --on {on}", until=until, on=on
            )
        fingerprint = fact_fingerprint(kind.value, kept, on, until)
        if self.references.is_exact_repeat(provenance.source, provenance.reference, fingerprint):
            return Result.EXISTS
        self.trigger_event(
            self.FactRecorded,
            # Recorded at business time, whatever the fact's own date (see the module).
            on=self.last_on,
            actor=provenance.actor,
            kind=kind.value,
            value=kept,
            fact_on=on,
            until=until,
            source=provenance.source,
            reference=provenance.reference,
            batch=provenance.batch,
            line=provenance.line,
        )
        return Result.APPLIED
