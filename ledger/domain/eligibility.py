"""Whether a citizen qualifies for a right on a day, and their personal maximum: pure
functions over the career and the facts on the account.

A grant checks them (``refusals.check_caps``, ``refusals.check_requirements``) and
``llr eligibility`` shows them; both read the same answers, so the explanation a citizen
gets is the computation that refused them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ledger.domain import amounts
from ledger.domain.career import Career, Region, status_label
from ledger.domain.catalogue import (
    Cap,
    CapCounts,
    Catalogue,
    Condition,
    Requirement,
    RightType,
    RuleVersion,
    Scale,
    StatusRight,
    school_year_start,
)
from ledger.domain.errors import NoRuleInForceError
from ledger.domain.facts import Facts
from ledger.domain.identifiers import EMPLOYER, SECTOR_FUND
from ledger.domain.lots import Lot, LotState
from ledger.domain.state import MovementKey, Movements

FULL_TIME = 100  # employment fractions are kept in hundredths (80 = 0.8)


@dataclass(frozen=True)
class Limit:
    """A cap's limit for one citizen on one day, with how it was computed (None: the
    catalogue's limit as is)."""

    limit: int
    # For a personal maximum: what it was computed from (the text is only built when a
    # refusal or a report shows it: every grant and use computes the limit).
    base: int = 0
    fraction: int = 0
    month: date | None = None
    on: date | None = None
    unit: str = ""

    @property
    def computation(self) -> str | None:
        if self.month is None:
            return None
        unit, month = self.unit, f"{self.month:%Y-%m}"
        when = f"in {month}" if self.on is None else f"on {self.on} (none ran in {month})"
        return (
            f"{amounts.text(self.base, unit)} {unit} x {self.fraction}% (employment fraction "
            f"in Flanders {when}) = {amounts.text(self.limit, unit)} {unit}"
        )


@dataclass(frozen=True)
class Unmet:
    """A condition the citizen does not meet, and the fact that is missing or contrary."""

    condition: Condition
    found: str

    @property
    def text(self) -> str:
        return f"{self.found} ({self.condition.basis})"


def flemish_fraction(career: Career, day: date) -> int:
    """The total fraction of the employments in the Flemish Region running on ``day``, in
    hundredths, at most full time."""
    total = sum(
        employment.fte
        for employment in career.running_employments(day)
        if employment.region == Region.FLANDERS.value
    )
    return min(total, FULL_TIME)


def fraction_in_month(career: Career, first: date) -> int:
    """The highest fraction on any day of the month starting on ``first``: the days an
    employment starts or ends are the only days it can change."""
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    days = {first}
    for employment in career.employments:
        for change in (employment.start, employment.end):
            if change is not None and first <= change < after:
                days.add(change)
    return max(flemish_fraction(career, day) for day in days)


def reference_day(cap: Cap, on: date) -> date:
    """The first day of the cap's reference month for an entry on ``on``: that month of
    the year its school year starts in (March 2023 and September 2023 for 2023-24)."""
    return date(school_year_start(on).year, cap.reference_month, 1)


def cap_limit(cap: Cap, unit: str, career: Career, on: date) -> Limit:
    """The cap's limit for this citizen: for a personal maximum, the limit times the
    employment fraction in the reference month (when no employment ran in that month, the
    fraction on the day itself: someone hired later in the year)."""
    if cap.scale is not Scale.EMPLOYMENT_FRACTION:
        return Limit(cap.limit)
    month = reference_day(cap, on)
    fraction, day = fraction_in_month(career, month), None
    if fraction == 0:
        fraction, day = flemish_fraction(career, on), on
    limit = cap.limit * fraction // FULL_TIME  # minor units: exact to the hundredth
    return Limit(limit, cap.limit, fraction, month, day, unit)


def unmet_conditions(
    conditions: tuple[Condition, ...],
    career: Career,
    facts: Facts,
    education_at_opening: str | None,
    on: date,
) -> list[Unmet]:
    """The conditions not met on ``on``, each with what the account says instead."""
    if not conditions:  # most versions have none, and every grant asks
        return []
    unmet = []
    education = facts.education_on(on, education_at_opening)
    for condition in conditions:
        if condition.for_education and education not in condition.for_education:
            continue  # the condition is for other education levels
        found = _contrary_fact(condition, career, facts, education, on)
        if found is not None:
            unmet.append(Unmet(condition, found))
    return unmet


def _contrary_fact(
    condition: Condition, career: Career, facts: Facts, education: str | None, on: date
) -> str | None:
    if condition.kind is Requirement.EMPLOYMENT_FRACTION:
        fraction = flemish_fraction(career, on)
        if fraction >= condition.at_least:
            return None
        return f"employed {fraction}% in Flanders on {on}, at least {condition.at_least}% needed"
    if condition.kind is Requirement.WORK_EXPERIENCE:
        fact = facts.work_experience_on(on)
        if fact is None:
            return f"no work-experience fact on or before {on}"
        if int(fact.value) >= condition.at_least:
            return None
        return (
            f"{fact.value} years of work experience (fact of {fact.on}), "
            f"at least {condition.at_least} needed"
        )
    pop = facts.pop_on(on, condition.within_years)
    if pop is not None:
        return None
    level = f"education {education}: " if condition.for_education else ""
    return (
        f"{level}no POP (personal development plan) made in the {condition.within_years} "
        f"years up to {on}"
    )


# --- the why-not report (``llr eligibility``) ----------------------------------------------


@dataclass(frozen=True)
class StatusEntitlement:
    """A status right (``catalogue.StatusRight``) on a day: entitled from/until (None:
    open-ended) by a fact of the career, or not."""

    code: str
    name: str
    entitled: bool
    since: date | None
    until: date | None
    fact: str  # the fact that entitles, or what would
    basis: str
    proof: str


def status_entitlements(
    rights: Iterable[StatusRight], career: Career, on: date
) -> list[StatusEntitlement]:
    return [_entitlement(right, career, on) for right in rights]


def _entitlement(right: StatusRight, career: Career, on: date) -> StatusEntitlement:
    for spell in career.spells:
        if spell.situation in right.situations and spell.runs_on(on):
            fact = f"situation {spell.situation} since {spell.start}"
            return _entitled(right, spell.start, spell.end, fact)
    for employment in career.employments:
        reason = employment.suspended_on(on) if employment.runs_on(on) else None
        if reason in right.suspensions:
            start, until = next(
                (s, u) for s, u, r in employment.suspensions if r == reason and s <= on < u
            )
            fact = f"employment with {employment.employer or 'an employer'} suspended for {reason}"
            return _entitled(right, start, until, fact)
    wanted = [f"situation {s}" for s in right.situations] + [
        f"an employment suspended for {s}" for s in right.suspensions
    ]
    fact = f"none of: {', '.join(wanted)} on {on}"
    return StatusEntitlement(
        right.code, right.name, False, None, None, fact, right.basis, right.proof
    )


def _entitled(right: StatusRight, since: date, until: date | None, fact: str) -> StatusEntitlement:
    return StatusEntitlement(
        right.code, right.name, True, since, until, fact, right.basis, right.proof
    )


@dataclass(frozen=True)
class CapRoom:
    """One cap on a date: its limit for this citizen, what counts against it so far in
    its window, and so the room left."""

    counts: str  # grants or uses
    track: str | None
    start: date
    end: date
    limit: Limit
    so_far: int

    @property
    def room(self) -> int:
        return max(self.limit.limit - self.so_far, 0)


@dataclass(frozen=True)
class MinimumOwed:
    """What one employment is owed at least in a calendar year, and what its employer
    granted in that year."""

    employer: str
    year: int
    owed: int
    computation: str
    granted: int

    @property
    def short(self) -> int:
        return max(self.owed - self.granted, 0)


@dataclass(frozen=True)
class RightEligibility:
    right: str
    unit: str
    version: str | None  # None: no version in force on the day
    eligible: bool
    reasons: tuple[str, ...]  # why not: the rule and the missing or contrary fact
    caps: tuple[CapRoom, ...]
    tracks: tuple[str, ...]
    minimums: tuple[MinimumOwed, ...] = ()


def eligibility_on(
    catalogue: Catalogue,
    career: Career,
    facts: Facts,
    education_at_opening: str | None,
    movements: Movements,
    on: date,
    lots: Iterable[Lot] = (),
) -> list[RightEligibility]:
    """Every right type of the catalogue on ``on``: eligible or not, and why."""
    held = list(lots)
    return [
        _right_on(right, career, facts, education_at_opening, movements, on, held, catalogue)
        for right in catalogue.rights.values()
    ]


def _right_on(
    right: RightType,
    career: Career,
    facts: Facts,
    education: str | None,
    movements: Movements,
    on: date,
    lots: list[Lot],
    catalogue: Catalogue,
) -> RightEligibility:
    unit = right.unit.value
    try:
        rule = right.version_on(on)
    except NoRuleInForceError as error:
        return RightEligibility(right.code, unit, None, False, (str(error),), (), ())
    reasons = [u.text for u in unmet_conditions(rule.requires, career, facts, education, on)]
    statuses = career.statuses_on(on)
    if not rule.is_usable_in_any(statuses):
        policy = rule.policy_for_all(statuses)
        reasons.append(
            f"not usable by a citizen who is {status_label(statuses)} "
            f"({policy.outcome.value}: {policy.legal_basis})"
        )
    reasons += _no_fund_serves(rule, catalogue, career, on)
    caps = tuple(cap_room(rule, cap, career, movements, on) for cap in rule.caps)
    reasons += [
        f"{rule.id} grants nothing: {cap.describe(unit)} ({cap.basis})"
        for cap in rule.caps
        if cap.counts is CapCounts.GRANTS and cap.limit == 0 and cap.track is None
    ]
    minimums = minimums_owed(rule, career, lots, on)
    return RightEligibility(
        right.code, unit, rule.id, not reasons, tuple(reasons), caps, rule.tracks, minimums
    )


def _no_fund_serves(rule: RuleVersion, catalogue: Catalogue, career: Career, on: date) -> list[str]:
    """For a right only sector funds grant: why none of its funds may grant it that day."""
    if rule.sources != {SECTOR_FUND}:
        return []
    funds = [
        f for code, f in catalogue.sector_funds.items() if not rule.funds or code in rule.funds
    ]
    committees = sorted({jc for fund in funds for jc in fund.joint_committees})
    if set(committees) & career.joint_committees_on(on):
        return []
    held = ", ".join(sorted(career.joint_committees_on(on))) or "none"
    return [
        f"no running employment in joint committee {', '.join(committees)} on {on} "
        f"(the citizen's: {held}); only {', '.join(f.code for f in funds)} may grant it"
    ]


def minimums_owed(
    rule: RuleVersion, career: Career, lots: Iterable[Lot], on: date
) -> tuple[MinimumOwed, ...]:
    """Per employment that ran in the calendar year of ``on``: the version's minimum, pro
    rata to its fraction and to its days in the year (rounded down to the minor unit),
    and what its employer granted of the right in that year."""
    minimum = rule.minimum_per_employment
    if minimum is None:
        return ()
    first, after = date(on.year, 1, 1), date(on.year + 1, 1, 1)
    year_days = (after - first).days
    unit = rule.unit.value
    owed = []
    for employment in career.employments:
        days = (min(employment.end or after, after) - max(employment.start, first)).days
        if days <= 0:
            continue
        amount = minimum.limit * employment.fte * days // (FULL_TIME * year_days)
        computation = (
            f"{amounts.text(minimum.limit, unit)} {unit} x {employment.fte}% x "
            f"{days}/{year_days} days of {on.year} = {amounts.text(amount, unit)} {unit}"
        )
        granted = sum(
            lot.amount
            for lot in lots
            if lot.right == rule.right
            and lot.state != LotState.REVERSED
            and lot.source == f"{EMPLOYER}:{employment.employer}"
            and first <= lot.valid_from < after
        )
        owed.append(MinimumOwed(employment.employer, on.year, amount, computation, granted))
    return tuple(owed)


def cap_room(
    rule: RuleVersion, cap: Cap, career: Career, movements: Movements, on: date
) -> CapRoom:
    """The cap on ``on``: its window, its limit for this career, what counts against it."""
    start, end = cap.window(on)
    key = MovementKey(rule.right, cap.counts, cap.track)
    so_far = movements.in_window(key, start, end, rule.default_track)
    limit = cap_limit(cap, rule.unit.value, career, on)
    return CapRoom(cap.counts.value, cap.track, start, end, limit, so_far)
