"""The Ledger's review cases: one case read, and closing it. A mixin of ``Ledger``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from ledger.domain.account import Account
from ledger.domain.command import Result
from ledger.domain.late import Conflict
from ledger.domain.reviews import ReviewNotOpenError
from ledger.domain.state import ReviewCase
from ledger.results import CommandOutcome
from ledger.security.inputs import MAX_REASON, checked_text
from ledger.security.roles import Action


@dataclass(frozen=True)
class CaseReport:
    account_id: UUID
    number: int
    case: ReviewCase

    @property
    def conflicts(self) -> list[Conflict]:
        return [Conflict.from_row(row) for row in self.case.conflicts]


class Ledger(Protocol):
    actor: str
    guard: Any

    def require(self, action: Action, source: str | None = None) -> None: ...
    def get_account(self, aggregate_id: UUID) -> Account: ...
    def on_account_id(self, aggregate_id: UUID, command: Any) -> Any: ...
    @staticmethod
    def correction_date(account: Account, on: date | None) -> date: ...


class ReviewMethods:
    def review_case(self: Ledger, account_id: UUID, number: int) -> CaseReport:
        """One case, with the entries it lists; logged in the access log as a read."""
        self.require(Action.READ_ACCOUNT)
        self.guard.note_read(account_id, "review show", f"review case {number}")
        case = self.get_account(account_id).review_cases.get(str(number))
        if case is None:
            raise ReviewNotOpenError.because(
                "review case {number}: no such case on this account", number=number
            )
        return CaseReport(account_id, number, case)

    def close_review(self: Ledger, account_id: UUID, number: int, reason: str) -> CommandOutcome:
        """Close a case once what it lists is resolved (reversals, new entries)."""
        self.require(Action.APPROVE_CORRECTION)
        reason = checked_text(reason, "--reason", MAX_REASON)

        def command(account: Account) -> Result:
            day = self.correction_date(account, None)
            return account.close_review(number, reason, day, self.actor)

        result, account, written = self.on_account_id(account_id, command)
        return CommandOutcome(result, account.version, tuple(type(e).__name__ for e in written))
