"""Review cases: a late fact recorded although it makes later entries invalid
(``ledger/domain/late.py``) opens one; back office resolves it with the usual reversals
(four eyes) and closes it with a reason. A mixin of ``Account``."""

from __future__ import annotations

from datetime import date

from ledger.domain.command import Result
from ledger.domain.errors import InvalidInputError, LedgerError
from ledger.domain.state import AccountState


class ReviewNotOpenError(LedgerError):
    """No open review case by that number on this account."""


class ReviewCommands:
    def close_review(self: AccountState, case: int, reason: str, on: date, actor: str) -> Result:
        found = self.review_cases.get(str(case))
        if found is None:
            raise ReviewNotOpenError.because(
                "review case {case}: no such case on this account", case=case
            )
        if not found.is_open:
            raise ReviewNotOpenError.because(
                "review case {case} was closed by {found_closed_by}: {found_closed_reason}",
                case=case,
                found_closed_by=found.closed_by,
                found_closed_reason=found.closed_reason,
            )
        if not reason.strip():
            raise InvalidInputError.because("--reason: say why the case is closed")
        self.trigger_event(
            self.ReviewClosed, on=max(on, self.last_on), actor=actor, case=case, reason=reason
        )
        return Result.APPLIED
