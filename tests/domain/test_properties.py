"""Random histories keep the auditor's invariants (docs/design.md) after every single step.

Hypothesis opens an account and runs a random list of commands: grants of random rights,
amounts and sources, uses (now and then at a named employer), status changes, employments
started, ended and suspended, situations started and ended, expiries, reversals of random
earlier events, exact repeats, references reused for other content, and back-dated
commands, on dates that mostly move forward. After every step ``check_account`` checks
invariants 1 to 7 (see ``audit.py``); a refused command must leave no event and no change
behind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.domain.account import Account
from ledger.domain.catalogue import EndReason, Status
from ledger.domain.command import Result
from ledger.domain.effective import fold
from ledger.domain.errors import (
    DoubleFundingError,
    InsufficientBalanceError,
    LedgerError,
    OutOfOrderError,
    ReferenceConflictError,
)
from ledger.domain.late import run_late
from tests.domain.audit import check_account
from tests.domain.support import (
    ACTOR,
    CAREER,
    CATALOGUE,
    CEVORA,
    EMPLOYER,
    FED_DAYS,
    FEDERAL,
    FLANDERS,
    INSZ,
    SECTOR,
    VOUCHERS,
    VOV,
    by,
    employment_at,
    state_of,
)

# The largest amount per right: near its caps, so that caps and balances both get hit.
MAX_AMOUNT = {VOV: 60, FED_DAYS: 3, VOUCHERS: 30000, CAREER: 2, SECTOR: 20}
RIGHTS = sorted(MAX_AMOUNT)
ALLOWED = {
    VOV: [EMPLOYER, FLANDERS], FED_DAYS: [EMPLOYER, FEDERAL], VOUCHERS: [FLANDERS],
    CAREER: [FLANDERS], SECTOR: [CEVORA],
}  # fmt: skip
ANY_SOURCE = [EMPLOYER, FLANDERS, FEDERAL, CEVORA]
KINDS = ["grant"] * 3 + ["use"] * 3 + ["status"] * 2 + [
    "expire", "reverse", "reverse", "repeat", "reuse", "back_date", "employment_start",
    "employment_start", "employment_end", "employment_suspend", "situation_start",
    "situation_end", "reserve", "reserve", "confirm", "cancel",
]  # fmt: skip
EMPLOYERS = [EMPLOYER, "employer:0202239951"]
JOINT_COMMITTEES = ["200", "111"]  # Cevora serves 200 only
GAPS = st.one_of(st.integers(0, 20), st.integers(0, 60), st.integers(61, 500))  # days forward
# Employees can use most rights, so accounts open as employees more often than otherwise.
OPENING = st.sampled_from([Status.EMPLOYEE] * 5 + list(Status))


Draw = Callable[[st.SearchStrategy[Any]], Any]


class Recognised:
    """The registry's answer for every training of these histories: recognised."""

    provider = "p"
    classification = "labour-market"

    def refusal(self, right: str, on: date) -> str | None:
        return None


RECOGNISED = Recognised()


def kbo(source: str) -> str:
    return source.removeprefix("employer:")


def mostly(draw: Draw, common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> Any:
    """A value from ``common`` nine times in ten, else from ``rare``."""
    return draw(rare) if draw(st.integers(0, 9)) == 0 else draw(common)


class History:
    """One account driven by random commands, with every event it wrote, in order."""

    def __init__(self, status: Status, start: date) -> None:
        account_id = uuid5(NAMESPACE_URL, "/tests/properties")
        employment = employment_at(EMPLOYER, start) if status is Status.EMPLOYEE else None
        self.account = Account.open(account_id, INSZ, status, start, None, by(), employment)
        self.events: list[Account.Event] = list(self.account.collect_events())
        self.applied: list[Callable[[int], Result]] = []  # grants and uses; arg: amount delta
        self.counter = 0

    def run(self, kind: str, draw: Draw, gap: int) -> None:
        command: Callable[[Draw, date], None] = getattr(self, kind)
        command(draw, self.account.last_on + timedelta(days=gap))

    def step(self, command: Callable[[], Any]) -> LedgerError | None:
        """Run one command; a refusal must leave no event and no change behind."""
        before = state_of(self.account)
        try:
            result = command()
        except LedgerError as refusal:
            assert self.account.collect_events() == []
            assert state_of(self.account) == before
            return refusal
        new = self.account.collect_events()
        assert result is not Result.EXISTS or new == []
        self.events.extend(new)
        return None

    def ref(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def usable_on(self, right: str, day: date) -> int:
        return sum(lot.remaining for lot in self.account.lots_of(right) if lot.is_usable_on(day))

    # ---------------------------------------------------------------------- commands
    def grant(self, draw: Draw, on: date) -> None:
        right, ref = draw(st.sampled_from(RIGHTS)), self.ref("g")
        amount = mostly(draw, st.integers(1, MAX_AMOUNT[right]), st.integers(-1, 0))
        source = mostly(draw, st.sampled_from(ALLOWED[right]), st.sampled_from(ANY_SOURCE))
        validity = mostly(draw, st.none(), st.integers(1, 400))
        expires = on + timedelta(days=validity) if validity else None

        def command(delta: int = 0) -> Result:
            provenance = by(source, ref)
            return self.account.grant(CATALOGUE, right, amount + delta, on, expires, provenance)

        if self.step(command) is None:
            self.applied.append(command)

    def use(self, draw: Draw, on: date) -> None:
        # Mostly a right with something usable, so that uses succeed as well as fail.
        rights = [r for r in RIGHTS if self.usable_on(r, on)] or RIGHTS
        right, ref = draw(st.sampled_from(rights)), self.ref("u")
        usable = self.usable_on(right, on)
        amount = mostly(draw, st.integers(1, max(usable, 1)), st.just(usable + 1))
        employer = mostly(draw, st.none(), st.sampled_from(EMPLOYERS).map(kbo))
        training = draw(st.sampled_from(["t1", "t2"]))  # now and then one funded before
        over = amount > usable

        def command(delta: int = 0) -> Result:
            provenance = by(None, ref)
            return self.account.use(
                CATALOGUE, right, amount + delta, on, training, "p", provenance, employer,
                offer=RECOGNISED,
            )  # fmt: skip

        refusal = self.step(command)
        if refusal is None:
            self.applied.append(command)
        elif over and employer is None and self.usable_in_status(right, on):
            assert isinstance(refusal, InsufficientBalanceError | DoubleFundingError), refusal

    def reserve(self, draw: Draw, on: date) -> None:
        rights = [r for r in RIGHTS if self.usable_on(r, on)] or RIGHTS
        right, ref = draw(st.sampled_from(rights)), self.ref("r")
        usable = self.usable_on(right, on)
        amount = mostly(draw, st.integers(1, max(usable, 1)), st.just(usable + 1))
        training = draw(st.sampled_from(["t1", "t2", "t3"]))
        hold_until = on + timedelta(days=draw(st.integers(0, 120)))

        def command(delta: int = 0) -> Result:
            return self.account.reserve(
                CATALOGUE, right, amount + delta, on, training, hold_until, by(None, ref),
                RECOGNISED, provider="p",
            )  # fmt: skip

        if self.step(command) is None:
            self.applied.append(command)

    def open_reservation(self, draw: Draw) -> str:
        open_ones = sorted(r for r, held in self.account.reservations.items() if held.is_open)
        return mostly(draw, st.sampled_from(open_ones or ["none"]), st.just("unknown"))

    def confirm(self, draw: Draw, on: date) -> None:
        reference = self.open_reservation(draw)
        held = self.account.reservations.get(reference)
        amount = None if held is None else mostly(
            draw, st.one_of(st.none(), st.integers(1, held.amount)), st.just(held.amount + 1)
        )  # fmt: skip
        self.step(lambda: self.account.confirm(CATALOGUE, reference, on, amount, by()))

    def cancel(self, draw: Draw, on: date) -> None:
        reference = self.open_reservation(draw)
        self.step(lambda: self.account.cancel(reference, on, "cancelled", by()))

    def usable_in_status(self, right: str, on: date) -> bool:
        right_type = CATALOGUE.right(right)
        if on < right_type.versions[0].effective_from:
            return False
        return right_type.version_on(on).is_usable_in_any(self.account.career.statuses_on(on))

    def status(self, draw: Draw, on: date) -> None:
        # Mostly back to work when out of it, else another status; now and then the same.
        current = self.account.career.statuses_on(on)
        others = [s for s in Status if s not in current]
        if Status.EMPLOYEE not in current:
            others += [Status.EMPLOYEE] * 4
        status = mostly(draw, st.sampled_from(others), st.sampled_from(sorted(current)))
        self.step(lambda: self.account.change_status(CATALOGUE, status, on, by()))

    def employment_start(self, draw: Draw, on: date) -> None:
        employer, committee = (
            draw(st.sampled_from(EMPLOYERS)),
            draw(st.sampled_from(JOINT_COMMITTEES)),
        )
        employment = employment_at(employer, on, draw(st.integers(1, 100)), committee)
        self.step(lambda: self.account.start_employment(CATALOGUE, employment, by()))

    def employment_end(self, draw: Draw, on: date) -> None:
        running = [e.employer for e in self.account.career.running_employments(on)]
        employer = mostly(draw, st.sampled_from(running or ["0202239951"]), st.just("0"))
        reason = draw(st.sampled_from(EndReason))
        self.step(lambda: self.account.end_employment(CATALOGUE, employer, on, reason, by()))

    def employment_suspend(self, draw: Draw, on: date) -> None:
        employer = kbo(draw(st.sampled_from(EMPLOYERS)))
        until = on + timedelta(days=draw(st.integers(0, 90)))
        self.step(lambda: self.account.suspend_employment(employer, on, until, "sickness", by()))

    def situation_start(self, draw: Draw, on: date) -> None:
        situation = draw(st.sampled_from(Status))
        self.step(lambda: self.account.start_situation(CATALOGUE, situation, on, by()))

    def situation_end(self, draw: Draw, on: date) -> None:
        running = [s.situation for s in self.account.career.spells if s.runs_on(on)]
        situation = Status(
            mostly(draw, st.sampled_from(running or ["jobseeker"]), st.just("student"))
        )
        self.step(lambda: self.account.end_situation(CATALOGUE, situation, on, by()))

    def expire(self, draw: Draw, on: date) -> None:
        as_of = mostly(draw, st.just(on), st.just(self.account.last_on - timedelta(days=30)))
        self.step(lambda: self.account.expire(as_of, ACTOR))

    def reverse(self, draw: Draw, on: date) -> None:
        # Mostly a grant, use or forfeit (reversed before or not); else any id, even unknown.
        entries = [int(version) for version in self.account.entries]
        any_id = st.integers(1, self.account.version + 1)
        version = mostly(draw, st.sampled_from(entries), any_id) if entries else draw(any_id)
        self.step(lambda: self.account.reverse(CATALOGUE, version, "correction", on, ACTOR))

    def repeat(self, draw: Draw, on: date) -> None:
        if self.applied:
            command = draw(st.sampled_from(self.applied))
            assert self.step(command) is None  # an exact repeat is "exists", never refused

    def reuse(self, draw: Draw, on: date) -> None:
        if self.applied:
            command = draw(st.sampled_from(self.applied))
            refusal = self.step(lambda: command(1))
            assert isinstance(refusal, ReferenceConflictError), refusal

    def back_date(self, draw: Draw, on: date) -> None:
        """A command dated before the latest fact: a late fact (``late.run_late``), which
        either takes its place in effective-date order with every invariant holding, or
        is refused and leaves nothing; a reversal cannot be late."""
        day = self.account.last_on - timedelta(days=draw(st.integers(1, 90)))
        kind = draw(st.sampled_from(["status", "grant", "use", "situation", "employment"]))
        if day < max(self.account.opened_on, date(2019, 9, 1)):
            return  # (before the opening: refused as any command is)
        other = draw(st.sampled_from([s for s in Status if s is not Status.EMPLOYEE]))
        right = draw(st.sampled_from(RIGHTS))
        amount = draw(st.integers(1, MAX_AMOUNT[right]))
        source = draw(st.sampled_from(ALLOWED[right]))
        commands: dict[str, Callable[[Account], Result]] = {
            "status": lambda a: a.change_status(CATALOGUE, other, day, by()),
            "grant": lambda a: a.grant(
                CATALOGUE, right, amount, day, None, by(source, self.ref("g"))
            ),
            "use": lambda a: a.use(
                CATALOGUE, right, 1, day, "t", "p", by(None, self.ref("u")), offer=RECOGNISED
            ),
            "situation": lambda a: a.start_situation(CATALOGUE, other, day, by()),
            "employment": lambda a: a.start_employment(
                CATALOGUE, employment_at(EMPLOYERS[1], day, 50, "200"), by()
            ),
        }
        command = commands[kind]
        self.step(
            lambda: run_late(self.events, self.account, CATALOGUE, command, day, ACTOR, False)
        )
        if kind == "use" and self.account.entries:
            refusal = self.step(lambda: self.account.reverse(CATALOGUE, 1, "r", day, ACTOR))
            assert isinstance(refusal, OutOfOrderError | LedgerError), refusal


@settings(max_examples=200, deadline=None)
@given(
    status=OPENING,
    start=st.dates(date(2021, 6, 1), date(2025, 12, 31)),
    steps=st.integers(1, 40),
    data=st.data(),
)
def test_random_histories_keep_every_invariant_after_every_step(
    status: Status, start: date, steps: int, data: st.DataObject
) -> None:
    history = History(status, start)
    known: list[tuple[int, dict[str, Any]]] = []  # after each step: events so far, state

    for _ in range(steps):
        history.run(data.draw(st.sampled_from(KINDS)), data.draw, data.draw(GAPS))
        check_account(history.account, history.events, CATALOGUE)
        known.append((len(history.events), state_of(history.account)))

    # What was known after any step is the fold of the events recorded by then.
    for count, state in known:
        assert state_of(fold(history.events[:count])) == state
