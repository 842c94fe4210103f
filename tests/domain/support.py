"""Builders shared by the domain tests: accounts, provenances, small catalogues, refusals.

Domain tests never touch a store: they build ``Account`` objects directly and read what the
commands triggered with ``collect_events()``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, uuid5

import pytest

from ledger.catalogue import default_catalogue
from ledger.domain.account import Account
from ledger.domain.career import Employment
from ledger.domain.catalogue import (
    Cap,
    CapCounts,
    CapPeriod,
    Catalogue,
    Education,
    ExpiryKind,
    ExpiryRule,
    Outcome,
    RightType,
    RuleVersion,
    Status,
    TransitionPolicy,
    Unit,
)
from ledger.domain.command import Provenance, Result
from ledger.domain.errors import LedgerError
from ledger.domain.state import RightTotals

CATALOGUE = default_catalogue()
INSZ = "93051822361"
ACTOR = "staff:test"
EMPLOYER = "employer:0403019261"
FLANDERS = "flemish-government"
FEDERAL = "federal-government"
CEVORA = "sector-fund:cevora"

VOV = "vov-hours"
FED_DAYS = "federal-training-days"
VOUCHERS = "training-vouchers"
CAREER = "career-vouchers"
SECTOR = "sector-training-hours"

TEST_RIGHT = "test-hours"
FORFEIT_BASIS = "test basis: the right ends with the status"
SUSPEND_BASIS = "test basis: kept for a return"


def new_account(
    status: Status = Status.EMPLOYEE, on: date = date(2024, 1, 1), insz: str = INSZ
) -> Account:
    """An opened account whose opening event is already collected (as if saved). An
    employee works for EMPLOYER, in joint committee 200 (served by CEVORA)."""
    employment = employment_at(EMPLOYER, on) if status is Status.EMPLOYEE else None
    account = Account.open(
        uuid5(NAMESPACE_URL, f"/tests/{insz}"), insz, status, on, Education.LOW, by(),
        employment,
    )  # fmt: skip
    account.collect_events()
    return account


def employment_at(
    source: str, on: date, fte: int = 100, joint_committee: str = "200"
) -> Employment:
    return Employment(source.removeprefix("employer:"), on, fte, joint_committee)


def by(source: str | None = None, reference: str | None = None) -> Provenance:
    return Provenance(actor=ACTOR, source=source, reference=reference)


def grant(
    account: Account,
    right: str,
    amount: int,
    on: date,
    ref: str,
    source: str = EMPLOYER,
    expires_on: date | None = None,
    catalogue: Catalogue = CATALOGUE,
) -> Result:
    return account.grant(catalogue, right, amount, on, expires_on, by(source, ref))


def use(
    account: Account,
    right: str,
    amount: int,
    on: date,
    ref: str,
    training: str | None = None,
    provider: str = "provider-1",
    catalogue: Catalogue = CATALOGUE,
) -> Result:
    # One training per use unless a test says otherwise: VOV hours and federal days may
    # not fund the same training.
    training = training or f"training-{ref}"
    return account.use(catalogue, right, amount, on, training, provider, by(None, ref))


def change(account: Account, status: Status, on: date, catalogue: Catalogue = CATALOGUE) -> Result:
    return account.change_status(catalogue, status, on, by())


def live_state(account: Account) -> dict[str, Any]:
    """Everything the aggregate holds except its pending events (not a copy)."""
    return {k: v for k, v in account.__dict__.items() if k != "_pending_events"}


def state_of(account: Account) -> dict[str, Any]:
    """Everything the aggregate holds except its pending events, as an independent copy."""
    return copy.deepcopy(live_state(account))


def names(events: Iterable[Any]) -> list[str]:
    return [type(event).__name__ for event in events]


def refused(
    account: Account, error: type[LedgerError], command: Callable[[], object]
) -> pytest.ExceptionInfo[LedgerError]:
    """Run a command that must be refused; check that it triggered nothing and changed nothing."""
    account.collect_events()
    before = state_of(account)

    with pytest.raises(error) as info:
        command()

    assert account.collect_events() == []
    assert state_of(account) == before
    return info


def usable(account: Account, right: str) -> int:
    return account.totals_for(right).usable


def suspended(account: Account, right: str) -> int:
    return account.totals_for(right).suspended


def balanced(totals: RightTotals) -> bool:
    """Invariant 1: every unit granted is used, reserved, expired, forfeited or still held."""
    gone = totals.used + totals.reserved + totals.expired + totals.forfeited
    return totals.granted == gone + totals.usable + totals.suspended


# --------------------------------------------------------------- a small test catalogue
def small_catalogue(
    expiry: ExpiryRule | None = None,
    caps: tuple[Cap, ...] = (),
    effective_from: date = date(2020, 1, 1),
) -> Catalogue:
    """One right type, ``test-hours``: carried as employee or self-employed, suspended as
    jobseeker or inactive, forfeited as civil servant or retired."""
    outcomes = {
        Status.EMPLOYEE: Outcome.CARRY,
        Status.SELF_EMPLOYED: Outcome.CARRY,
        Status.JOBSEEKER: Outcome.SUSPEND,
        Status.INACTIVE: Outcome.SUSPEND,
        Status.CIVIL_SERVANT: Outcome.FORFEIT,
        Status.RETIRED: Outcome.FORFEIT,
    }
    bases = {Outcome.CARRY: "", Outcome.SUSPEND: SUSPEND_BASIS, Outcome.FORFEIT: FORFEIT_BASIS}
    version = RuleVersion(
        right=TEST_RIGHT,
        effective_from=effective_from,
        unit=Unit.HOURS,
        sources=frozenset({"employer"}),
        transitions={s: TransitionPolicy(o, bases[o]) for s, o in outcomes.items()},
        expiry=expiry or ExpiryRule(ExpiryKind.NONE),
        caps=caps,
    )
    right = RightType(TEST_RIGHT, "Test hours", Unit.HOURS, (version,))
    return Catalogue(rights={TEST_RIGHT: right})


def uses_cap(limit: int) -> Cap:
    return Cap(CapCounts.USES, CapPeriod.CALENDAR_YEAR, limit, "test: uses per year")
