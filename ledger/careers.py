"""The Ledger's career commands and query: employments, situations, and what they were.

A mixin of ``Ledger`` (``ledger/application.py``): each command is built by the one
``CommandBuilder`` and run by ``on_account``, exactly as grants and uses are, so the
import's lines of these kinds meet the same rules in the same order.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from ledger.commands import CommandBuilder
from ledger.domain.account import Account
from ledger.domain.career import Employment
from ledger.domain.catalogue import Catalogue
from ledger.domain.eligibility import eligibility_on, status_entitlements
from ledger.domain.identifiers import Insz
from ledger.results import CareerReport, CommandOutcome, EligibilityReport
from ledger.security.roles import Action


class Ledger(Protocol):
    """What the career methods use of the Ledger."""

    commands: CommandBuilder

    catalogue: Catalogue

    def require(self, action: Action, source: str | None = None) -> None: ...
    def run_command(self, insz: str, command: Any, review: bool = False) -> CommandOutcome: ...
    def authorise_read(self, insz: str, what: str, reason: str | None) -> Insz: ...
    def account_at(
        self, insz: Insz, as_of: date | None, moment: datetime | None
    ) -> tuple[Account, int]: ...


class CareerMethods:
    """``llr employment ...``, ``llr situation ...`` and ``llr fact ...`` on the Ledger."""

    def record_fact(
        self: Ledger,
        insz: str,
        kind: str,
        value: str | None,
        on: date,
        until: date | None = None,
        source: str | None = None,
        reference: str | None = None,
    ) -> CommandOutcome:
        """An eligibility fact about ``on``: education level, a POP (until ``until``),
        years of work experience. The grants after it read it."""
        self.require(Action.WRITE_ACCOUNT)
        command = self.commands.fact(kind, value, on, until, source, reference)
        return self.run_command(insz, command)

    def start_employment(
        self: Ledger,
        insz: str,
        employment: Employment,
        source: str | None = None,
        reference: str | None = None,
        review: bool = False,
    ) -> CommandOutcome:
        """An employment begins; an employee recorded without an employer (``llr status
        employee``) is from then on this employer's."""
        self.require(Action.WRITE_ACCOUNT)
        command = self.commands.employment_start(employment, source, reference)
        return self.run_command(insz, command, review)

    def end_employment(
        self: Ledger,
        insz: str,
        employer: str,
        on: date,
        reason: str,
        source: str | None = None,
        reference: str | None = None,
        review: bool = False,
    ) -> CommandOutcome:
        """An employment ends (``on`` is the first day without it): the lots bound to it
        follow the catalogue's rule for the reason, the others the new statuses."""
        self.require(Action.WRITE_ACCOUNT)
        command = self.commands.employment_end(employer, on, reason, source, reference)
        return self.run_command(insz, command, review)

    def suspend_employment(
        self: Ledger,
        insz: str,
        employer: str,
        start: date,
        until: date,
        reason: str,
        source: str | None = None,
        reference: str | None = None,
        review: bool = False,
    ) -> CommandOutcome:
        """A contract suspended for a while (sickness, time credit...): it stays an
        employment, and its lots stay as they are."""
        self.require(Action.WRITE_ACCOUNT)
        command = self.commands.employment_suspend(
            employer, start, until, reason, source, reference
        )
        return self.run_command(insz, command, review)

    def change_situation(
        self: Ledger,
        insz: str,
        situation: str,
        on: date,
        starts: bool,
        source: str | None = None,
        reference: str | None = None,
        review: bool = False,
    ) -> CommandOutcome:
        """A situation beside employment starts or ends (jobseeker, self-employed...)."""
        self.require(Action.WRITE_ACCOUNT)
        command = self.commands.situation(situation, on, starts, source, reference)
        return self.run_command(insz, command, review)

    def eligibility(
        self: Ledger, insz: str, on: date | None = None, reason: str | None = None
    ) -> EligibilityReport:
        """Every right type on ``on`` (default: the latest date on the account): eligible
        or not, the personal maximum, what is used in the period, and why not; logged in
        the access log."""
        parsed = self.authorise_read(insz, "eligibility", reason)
        account, version = self.account_at(parsed, None, None)
        day = on or account.last_on
        education = account.facts.education_on(day, account.education)
        rights = eligibility_on(
            self.catalogue, account.career, account.facts, account.education,
            account.movements, day, account.lots.values(),
        )  # fmt: skip
        status_rights = status_entitlements(self.catalogue.status_rights, account.career, day)
        return EligibilityReport(
            parsed, day, education, tuple(rights), tuple(status_rights), version
        )

    def career(
        self: Ledger,
        insz: str,
        as_of: date | None = None,
        known_at_time: datetime | None = None,
        reason: str | None = None,
    ) -> CareerReport:
        """The employments and situations, as the account holds them; logged in the
        access log."""
        parsed = self.authorise_read(insz, "employment list", reason)
        account, version = self.account_at(parsed, as_of, known_at_time)
        day = as_of or account.last_on
        statuses = sorted(status.value for status in account.career.statuses_on(day))
        return CareerReport(
            parsed,
            as_of,
            day,
            tuple(statuses),
            tuple(account.career.employments),
            tuple(account.career.spells),
            version,
        )
