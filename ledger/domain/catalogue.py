"""The rules catalogue as pure values: right types with effective-dated rule versions.

The rules themselves are data (``ledger/catalogue/rules/*.toml``); this module only gives them a
shape and answers questions about them (which version is in force, when does a lot expire,
which window does a cap count over). It does no I/O: the loader in ``ledger.catalogue`` builds
these objects from the files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

from ledger.domain import amounts
from ledger.domain.errors import CatalogueError, NoRuleInForceError, UnknownRightError


class Status(StrEnum):
    """A citizen's career status (statuut)."""

    EMPLOYEE = "employee"
    SELF_EMPLOYED = "self-employed"
    JOBSEEKER = "jobseeker"
    CIVIL_SERVANT = "civil-servant"
    INACTIVE = "inactive"
    RETIRED = "retired"
    SELF_EMPLOYED_SIDE = "self-employed-side"  # beside a main activity
    STUDENT = "student"


class EndReason(StrEnum):
    """Why an employment relationship ended; the catalogue gives each one an outcome for
    the rights bound to that employment."""

    END_OF_CONTRACT = "end-of-contract"
    RESIGNATION = "resignation"
    DISMISSAL = "dismissal"
    DISMISSAL_SERIOUS_CAUSE = "dismissal-serious-cause"
    RETIREMENT = "retirement"
    DEATH = "death"


class Education(StrEnum):
    """Highest qualification level, kept for take-up monitoring (the Matthew effect)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Unit(StrEnum):
    """What a right is counted in. Amounts are typed in the unit (``2.5`` days, ``250``
    euros) and kept in its minor unit (``ledger/domain/amounts.py``): hundredths of an hour
    or a day, cents, whole vouchers."""

    HOURS = "hours"
    DAYS = "days"
    EURO = "euro"  # written ``euro-cents`` in catalogue files before amounts had decimals
    VOUCHERS = "vouchers"


class Outcome(StrEnum):
    """What happens to an open lot when its holder moves into a status."""

    CARRY = "carry"
    SUSPEND = "suspend"
    FORFEIT = "forfeit"


class ExpiryKind(StrEnum):
    NONE = "none"
    END_OF_SCHOOL_YEAR = "end-of-school-year"
    END_OF_CALENDAR_YEAR = "end-of-calendar-year"
    MONTHS_AFTER_GRANT = "months-after-grant"
    FIXED_DATE = "fixed-date"


class CapPeriod(StrEnum):
    SCHOOL_YEAR = "school-year"
    CALENDAR_YEAR = "calendar-year"
    ROLLING_YEARS = "rolling-years"
    LIFETIME = "lifetime"


class CapCounts(StrEnum):
    """Whether a cap limits what is granted or what is used in its period."""

    GRANTS = "grants"
    USES = "uses"


class Scale(StrEnum):
    """What makes a cap a personal maximum: its limit times a fact of the citizen's."""

    # The total fraction of the citizen's employments in the Flemish Region (at most 100%)
    # in the cap's reference month.
    EMPLOYMENT_FRACTION = "employment-fraction"


class Requirement(StrEnum):
    """A condition on the citizen a grant checks (``RuleVersion.requires``)."""

    # Employed at least ``at_least`` percent on the day (all employments in Flanders).
    EMPLOYMENT_FRACTION = "employment-fraction"
    # A personal development plan (POP) made in the last ``within_years`` years.
    POP = "pop"
    # At least ``at_least`` years of work experience, as the last fact recorded says.
    WORK_EXPERIENCE = "work-experience"


SOURCE_KINDS = ("employer", "sector-fund", "flemish-government", "federal-government")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")  # pragma: no cover


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def version_id(right: str, effective_from: date, correction: int = 0) -> str:
    """``right@YYYY-MM-DD``, and ``+cN`` for the Nth corrigendum in its line."""
    base = f"{right}@{effective_from.isoformat()}"
    return base if correction == 0 else f"{base}+c{correction}"


def school_year_start(day: date) -> date:
    """The 1 September that opens the school year (1 Sep - 31 Aug) containing ``day``."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


@dataclass(frozen=True)
class TransitionPolicy:
    outcome: Outcome
    legal_basis: str


# The most favourable outcome wins when a citizen is in several statuses at once (employee
# and self-employed on the side): a right usable in one of them stays usable.
_FAVOUR = {Outcome.CARRY: 0, Outcome.SUSPEND: 1, Outcome.FORFEIT: 2}


@dataclass(frozen=True)
class ExpiryRule:
    """When a lot stops being usable. ``expires_on`` is exclusive: the first day it is not."""

    kind: ExpiryKind
    months: int = 0
    on: date | None = None

    def expires_on(self, valid_from: date) -> date | None:
        if self.kind is ExpiryKind.END_OF_SCHOOL_YEAR:
            return date(school_year_start(valid_from).year + 1, 9, 1)
        if self.kind is ExpiryKind.END_OF_CALENDAR_YEAR:
            return date(valid_from.year + 1, 1, 1)
        if self.kind is ExpiryKind.MONTHS_AFTER_GRANT:
            after = add_months(valid_from, self.months)
            # ``on`` with months: at the latest then (a scheme that ends on a fixed date).
            return after if self.on is None else min(after, self.on)
        if self.kind is ExpiryKind.FIXED_DATE:
            return self.on
        return None


@dataclass(frozen=True)
class Cap:
    """At most ``limit`` granted (or used) within the period around a date; ``limit`` is in
    the right's minor units (the catalogue files write it in the unit itself)."""

    counts: CapCounts
    period: CapPeriod
    limit: int
    basis: str
    years: int = 0  # only for rolling windows
    # Counts only the entries of this track of the right (VOV: own-choice, employer).
    track: str | None = None
    # A personal maximum: ``limit`` x the citizen's fraction in ``reference_month`` (1-12)
    # of the year the school year starts in (3: March before it; 9: its own September).
    scale: Scale | None = None
    reference_month: int = 0

    def applies_to(self, track: str | None) -> bool:
        """Whether an entry of ``track`` counts against this cap."""
        return self.track is None or self.track == track

    def operative(self) -> list[object]:
        row: list[object] = [self.counts.value, self.period.value, self.limit, self.years]
        if self.track is not None or self.scale is not None:  # older caps hash as before
            row += [self.track, self.scale and self.scale.value, self.reference_month]
        return row

    def window(self, day: date) -> tuple[date, date]:
        """The half-open window [start, end) the cap sums over for an entry on ``day``."""
        if self.period is CapPeriod.SCHOOL_YEAR:
            start = school_year_start(day)
            return start, date(start.year + 1, 9, 1)
        if self.period is CapPeriod.CALENDAR_YEAR:
            return date(day.year, 1, 1), date(day.year + 1, 1, 1)
        if self.period is CapPeriod.ROLLING_YEARS:
            return add_months(day, -12 * self.years) + timedelta(days=1), day + timedelta(days=1)
        return date.min, date.max

    def describe(self, unit: str = "") -> str:
        """``grants at most 12.5 per school-year``: with ``unit``, the limit reads in it
        (without, as the minor units it is kept in)."""
        limit = amounts.text(self.limit, unit) if unit else str(self.limit)
        if self.period is CapPeriod.ROLLING_YEARS:
            period = f"any {self.years} years"
        elif self.period is CapPeriod.LIFETIME:
            period = "a lifetime"
        else:
            period = f"per {self.period.value}"
        track = f" on the {self.track} track" if self.track else ""
        scaled = " x the employment fraction" if self.scale else ""
        return f"{self.counts.value}{track} at most {limit}{scaled} {period}"


@dataclass(frozen=True)
class EmploymentMinimum:
    """What each employer owes at least per calendar year (the federal training right):
    ``limit`` for a full-time job all year, pro rata to its fraction and to the days it ran
    in the year. An employer may grant more: it refuses nothing."""

    limit: int  # minor units of the right
    basis: str


@dataclass(frozen=True)
class Condition:
    """One condition a grant of the version checks: ``kind`` with its figures, and the
    basis the refusal cites."""

    kind: Requirement
    basis: str
    at_least: int = 0  # percent (employment fraction) or years (work experience)
    within_years: int = 0  # a POP counts this many years after it was made
    # Only citizens with one of these education levels must meet it; empty: everyone.
    for_education: frozenset[str] = frozenset()

    def operative(self) -> list[object]:
        return [
            self.kind.value, self.at_least, self.within_years, sorted(self.for_education)
        ]  # fmt: skip


@dataclass(frozen=True)
class PublicValue:
    """What one unit of a right costs the public purse, to compare rights counted in
    different units: whole euro cents per ONE unit of the right (2130 for EUR 21.30 per
    hour; 50 for a euro right of which the public pays half). Cents per unit keep the
    arithmetic in integers; the catalogue files write the euros (``per_unit = 21.30``)."""

    cents_per_unit: int
    basis: str


@dataclass(frozen=True)
class Figure:
    """A dated figure of the scheme the ledger shows but does not enforce (VOV's salary
    ceiling limits the employer's reimbursement, not the worker's hours): text as the
    source writes it, so nothing is rounded."""

    name: str
    value: str
    unit: str
    basis: str


@dataclass(frozen=True)
class RuleVersion:
    """The rules of one right type from ``effective_from`` until the next version."""

    right: str
    effective_from: date
    unit: Unit
    sources: frozenset[str]
    transitions: Mapping[Status, TransitionPolicy]
    expiry: ExpiryRule
    caps: tuple[Cap, ...] = ()
    summary: str = ""
    references: tuple[str, ...] = ()
    # Set for a right bound to the employment whose employer granted it: the outcome per
    # end reason when that employment ends. None: the right follows the citizen.
    employment_end: Mapping[EndReason, TransitionPolicy] | None = None
    # A corrigendum: the id of the version it corrects (same right and date), and its
    # number in that version's line of corrections (1, 2...). An id never changes meaning:
    # a wrong version is corrected by a new one, and both stay in the catalogue.
    corrects: str | None = None
    correction: int = 0
    # The law of the day of a change: a lot's outcome at a career change comes from the
    # version in force that day, unless that version says the lots granted before it keep
    # their own version's outcomes (a transitional rule).
    earlier_lots_keep_their_version: bool = False
    # The tracks a grant or use of the right is on, each with its own caps (VOV: the
    # worker's own choice and the employer's suggestion); the first is the default, and
    # the one of lots granted before tracks were kept. Empty: the right has no tracks.
    tracks: tuple[str, ...] = ()
    # What the citizen must meet for a grant (checked from the facts on the account).
    requires: tuple[Condition, ...] = ()
    # A minimum each employment is owed per calendar year, shown by `llr eligibility`. It
    # decides no grant, use or outcome (a grant above or below it is not refused), so it
    # is left out of the content hash, like the public value.
    minimum_per_employment: EmploymentMinimum | None = None
    # The sector funds that may grant it (a scheme of one fund); empty: any fund whose
    # joint committees the citizen works in.
    funds: tuple[str, ...] = ()
    # Figures of the scheme as data (shown by `llr catalogue show`, outside the hash).
    figures: tuple[Figure, ...] = ()
    # For comparison only: no grant, use or outcome depends on it. It is therefore left
    # out of ``operative()`` and the content hash that grants record and the audit checks
    # (invariant 9): a value found or corrected later is added in place, and no lot's rule
    # text changes with it.
    public_value: PublicValue | None = None

    # Cached (rules never change once loaded): every command asks for these.
    @cached_property
    def id(self) -> str:
        return version_id(self.right, self.effective_from, self.correction)

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of what the version decides (unit, sources, expiry, caps, outcomes, and
        what it corrects), as canonical JSON. A grant records it, and the audit checks that
        the text a lot was granted under is still the text of its id. Summaries,
        references and the citations of bases are documentation, not rule text."""
        return hashlib.sha256(canonical_json(self.operative()).encode()).hexdigest()

    def operative(self) -> dict[str, object]:
        ends = self.employment_end
        return {
            "id": self.id,
            "corrects": self.corrects,
            "unit": self.unit.value,
            "sources": sorted(self.sources),
            "expiry": [self.expiry.kind.value, self.expiry.months, str(self.expiry.on)],
            "caps": [cap.operative() for cap in self.caps],
            "transitions": {s.value: p.outcome.value for s, p in self.transitions.items()},
            "employment_end": None if ends is None else {
                reason.value: policy.outcome.value for reason, policy in ends.items()
            },
            "earlier_lots_keep_their_version": self.earlier_lots_keep_their_version,
        } | self.later_operative()  # fmt: skip

    def later_operative(self) -> dict[str, object]:
        """Fields added after hashes were first kept: hashed only when a version uses them,
        so the versions written before keep the hash their lots recorded."""
        found: dict[str, object] = {}
        if self.tracks:
            found["tracks"] = list(self.tracks)
        if self.requires:
            found["requires"] = [condition.operative() for condition in self.requires]
        if self.funds:
            found["funds"] = list(self.funds)
        return found

    @property
    def default_track(self) -> str | None:
        return self.tracks[0] if self.tracks else None

    @cached_property
    def usable_in(self) -> frozenset[Status]:
        return frozenset(s for s, p in self.transitions.items() if p.outcome is Outcome.CARRY)

    @property
    def employment_bound(self) -> bool:
        return self.employment_end is not None

    def policy_for(self, status: Status) -> TransitionPolicy:
        return self.transitions[status]

    def policy_for_all(self, statuses: frozenset[Status]) -> TransitionPolicy:
        """The outcome for a citizen in all of ``statuses`` at once: the most favourable."""
        return min((self.transitions[s] for s in statuses), key=lambda p: _FAVOUR[p.outcome])

    def is_usable_in_any(self, statuses: frozenset[Status]) -> bool:
        return not self.usable_in.isdisjoint(statuses)

    def end_policy(self, reason: EndReason) -> TransitionPolicy:
        assert self.employment_end is not None, "only for employment-bound rights"
        return self.employment_end[reason]


@dataclass(frozen=True)
class Booking:
    """How a right is booked for a training (``llr reserve``): the default hold, whether
    the training must be in the registry, and the citizen's own share per unit. It decides
    no grant, cap or outcome of a lot, so it is outside every version's content hash; a
    reservation records the hold date and the shares it was made with."""

    hold_days: int  # a reservation without --hold-until holds this many days
    # From this day uses and bookings must name a training of the registry (None: never);
    # earlier uses named trainings as free text, before the registry was kept.
    registered_from: date | None
    # Whole euro cents the citizen pays per ONE unit (50 per euro of training vouchers,
    # 4000 per career voucher); None: the citizen pays nothing the ledger records.
    own_cents_per_unit: int | None
    basis: str

    def needs_registry(self, on: date) -> bool:
        return self.registered_from is not None and self.registered_from <= on


@dataclass(frozen=True)
class RightType:
    code: str
    name: str
    unit: Unit
    versions: tuple[RuleVersion, ...]  # ordered by effective_from, then correction
    booking: Booking | None = None  # None: booked with the defaults (DEFAULT_BOOKING)

    @property
    def booking_rules(self) -> Booking:
        return self.booking or DEFAULT_BOOKING

    def version_on(self, day: date) -> RuleVersion:
        in_force = [v for v in self.versions if v.effective_from <= day]
        if not in_force:
            raise NoRuleInForceError(self.code, day, self.versions[0].effective_from)
        return in_force[-1]

    def version(self, version_id: str) -> RuleVersion:
        for candidate in self.versions:
            if candidate.id == version_id:
                return candidate
        # A lot names the version it was granted under; versions are never removed.
        raise CatalogueError.because(
            "rule version {version_id!r} is not in the catalogue", version_id=version_id
        )


DEFAULT_BOOKING = Booking(
    hold_days=30,
    registered_from=None,
    own_cents_per_unit=None,
    basis="[A] no booking rules in the catalogue: a hold of 30 days, any training",
)


@dataclass(frozen=True)
class Exclusion:
    """Rights that cannot fund the same training: a training a use of one has funded is
    refused to the others."""

    rights: frozenset[str]
    basis: str


@dataclass(frozen=True)
class StatusRight:
    """A right without a balance: the citizen is entitled while a fact of the career holds
    (a situation running, an employment suspended for a reason), e.g. the tuition
    exemption in adult education for a jobseeker. Nothing is granted or used."""

    code: str
    name: str
    situations: tuple[str, ...]  # entitled while one of these situations runs
    suspensions: tuple[str, ...]  # or while an employment is suspended for one of these
    basis: str
    proof: str  # how the entitlement is proven where it is claimed
    references: tuple[str, ...]


@dataclass(frozen=True)
class SectorFund:
    code: str
    name: str
    joint_committees: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    rights: Mapping[str, RightType]
    sector_funds: Mapping[str, SectorFund] = field(default_factory=dict)
    exclusions: tuple[Exclusion, ...] = ()
    status_rights: tuple[StatusRight, ...] = ()

    def __post_init__(self) -> None:
        # Old events name a right, not its unit: the upcasters find the unit here.
        amounts.register_units({code: right.unit.value for code, right in self.rights.items()})

    def right(self, code: str) -> RightType:
        try:
            return self.rights[code]
        except KeyError:
            raise UnknownRightError(code, sorted(self.rights)) from None

    def rule(self, version_id: str) -> RuleVersion:
        """The rule version a lot was granted under (``right@YYYY-MM-DD``)."""
        code = version_id.split("@", 1)[0]
        return self.right(code).version(version_id)

    def excluded_by(self, right: str) -> list[tuple[str, str]]:
        """The rights that cannot fund a training ``right`` funds, each with its basis."""
        return [
            (other, exclusion.basis)
            for exclusion in self.exclusions
            if right in exclusion.rights
            for other in sorted(exclusion.rights - {right})
        ]

    def rule_of_the_day(self, version_id: str, on: date) -> RuleVersion:
        """The version whose outcomes apply, on ``on``, to a lot granted under
        ``version_id``: the one in force that day, unless it lets lots granted before it
        keep their own."""
        granted = self.rule(version_id)
        right = self.right(granted.right)
        if on < right.versions[0].effective_from:
            return granted
        today = right.version_on(on)
        if today.earlier_lots_keep_their_version and granted.effective_from < today.effective_from:
            return granted
        return today
