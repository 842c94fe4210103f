"""Every refusal names the input and the rule, and leaves the store exactly as it was.

Each case starts from the same account: opened 2024-09-01 as an employee, 100 VOV hours
granted (event 2, reference G1), 40 used on 2024-10-01 (event 3, reference U1).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from ledger.application import Ledger
from ledger.domain.errors import (
    AccountAlreadyOpenError,
    AccountNotFoundError,
    AlreadyReversedError,
    AmountNotPositiveError,
    CapExceededError,
    EntryNotFoundError,
    ExpiryBeyondRuleError,
    InsufficientBalanceError,
    InvalidIdentifierError,
    InvalidInputError,
    LedgerError,
    NoRuleInForceError,
    NotEligibleError,
    NotReversibleError,
    NotUsableInStatusError,
    OutOfOrderError,
    ReferenceConflictError,
    SourceNotAllowedError,
    StatusUnchangedError,
    UnknownRightError,
)
from tests.builders import (
    EMPLOYER,
    FEDERAL,
    FLANDERS,
    INSZ,
    START,
    grant_vov,
    insz_number,
    open_employee,
    stored_state,
    use_vov,
)

Step = Callable[[Ledger], object]
LATER = date(2024, 11, 1)


def nothing(ledger: Ledger) -> None:
    """No extra arrangement beyond the common account."""


def become_jobseeker(ledger: Ledger) -> None:
    ledger.change_status(INSZ, "jobseeker", date(2024, 10, 15))


def reverse_the_use(ledger: Ledger) -> None:
    ledger.reverse_entry(INSZ, 3, "cancelled", on=date(2024, 10, 2))


def grant(
    amount: int,
    right: str = "vov-hours",
    on: date = LATER,
    source: str = EMPLOYER,
    reference: str = "NEW",
    expires_on: date | None = None,
) -> Step:
    return lambda ledger: ledger.grant_right(INSZ, right, amount, on, source, reference, expires_on)


def use(amount: int, on: date = LATER, reference: str = "NEW", training: str = "T1") -> Step:
    return lambda ledger: ledger.use_right(INSZ, "vov-hours", amount, on, training, "P1", reference)


def reverse(event_id: int, reason: str = "mistake") -> Step:
    return lambda ledger: ledger.reverse_entry(INSZ, event_id, reason, on=LATER)


def change_status(status: str) -> Step:
    return lambda ledger: ledger.change_status(INSZ, status, LATER)


def grant_to(insz: str) -> Step:
    return lambda ledger: ledger.grant_right(insz, "vov-hours", 5, LATER, EMPLOYER, "X")


def open_(insz: str, status: str, education: str | None = None) -> Step:
    return lambda ledger: ledger.open_account(insz, status, START, education)


def case(
    name: str, act: Step, error: type[LedgerError], match: str, arrange: Step = nothing
) -> object:
    return pytest.param(arrange, act, error, match, id=name)


FAR = date(2026, 1, 1)
REFUSALS = [
    case("use-beyond-balance", use(61), InsufficientBalanceError, "usable balance of 0.6"),
    case("zero-grant", grant(0), AmountNotPositiveError, "AMOUNT 0"),
    case("negative-use", use(-5), AmountNotPositiveError, "AMOUNT -5"),
    case("unknown-right", grant(5, "vov-uren"), UnknownRightError, "'vov-uren'"),
    case("source-not-allowed", grant(1, "career-vouchers"), SourceNotAllowedError, "0566988259"),
    case("malformed-source", grant(5, source="employer:123"), InvalidIdentifierError, ":123"),
    case("unknown-fund", grant(5, source="sector-fund:x"), InvalidIdentifierError, "fund 'x'"),
    case("before-opening", grant(5, on=date(2024, 8, 30)), OutOfOrderError, "2024-08-30"),
    case("grant-ref-reused", grant(50, on=START, reference="G1"), ReferenceConflictError, "'G1'"),
    case("use-ref-reused", use(10, reference="U1"), ReferenceConflictError, "'U1'"),
    case("no-reference", use(10, reference=""), InvalidInputError, "reference"),
    case("no-training", use(10, training=" "), InvalidInputError, "training"),
    case("grant-cap", grant(24901), CapExceededError, "249.01 hours"),
    case(
        "career-voucher-eligibility",
        grant(1, "career-vouchers", source=FLANDERS),
        NotEligibleError,
        "no work-experience fact",
    ),
    case("expiry-beyond-rule", grant(5, expires_on=FAR), ExpiryBeyondRuleError, "2026-01-01"),
    case("expiry-not-after-grant", grant(5, expires_on=LATER), ExpiryBeyondRuleError, "after"),
    case("no-rule-in-force", grant(5, on=date(2019, 1, 1)), NoRuleInForceError, "2019-01-01"),
    case("status-unchanged", change_status("employee"), StatusUnchangedError, "already employee"),
    case("unknown-status", change_status("boss"), InvalidInputError, "'boss'"),
    case("reverse-unknown-entry", reverse(99), EntryNotFoundError, "event 99"),
    case("reverse-without-reason", reverse(3, reason=" "), InvalidInputError, "reason"),
    case("reverse-grant-drawn-from", reverse(2), NotReversibleError, "reverse its uses first"),
    case("malformed-insz", grant_to("93051822362"), InvalidIdentifierError, "'93051822362'"),
    case("unknown-citizen", grant_to(insz_number(1)), AccountNotFoundError, "open one first"),
    case("reopen-other-facts", open_(INSZ, "jobseeker"), AccountAlreadyOpenError, "already"),
    case("unknown-education", open_(insz_number(2), "employee", "phd"), InvalidInputError, "phd"),
    case("reverse-twice", reverse(3), AlreadyReversedError, "event 3", reverse_the_use),
    case("use-when-jobseeker", use(10), NotUsableInStatusError, "jobseeker", become_jobseeker),
    case(
        "grant-to-forfeit",
        grant(1, "federal-training-days", source=FEDERAL),
        NotUsableInStatusError,
        "forfeited",
        become_jobseeker,
    ),
]


@pytest.mark.parametrize(("arrange", "act", "error", "match"), REFUSALS)
def test_a_refused_command_names_its_rule_and_changes_nothing(
    ledger: Ledger, arrange: Step, act: Step, error: type[LedgerError], match: str
) -> None:
    open_employee(ledger)
    grant_vov(ledger, 100, "G1")
    use_vov(ledger, 40, "U1", date(2024, 10, 1))
    arrange(ledger)
    before = stored_state(ledger)

    with pytest.raises(error, match=match):
        act(ledger)

    assert stored_state(ledger) == before
