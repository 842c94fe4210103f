"""Load the rules catalogue: one TOML file per right type, checked in full before use.

``load_catalogue(folder)`` reads every ``*.toml`` in the folder (default: ``rules/``, shipped
as package data and read through ``importlib.resources``), validates it with the pydantic
models below plus the cross-field checks in ``_right_problems``, and builds the frozen domain
values of ``ledger.domain.catalogue``. Any problem is a ``CatalogueError`` naming the file and
the field path, for example ``catalogue file vov-hours.toml:
versions[1].transitions.jobseeker.legal_basis: a forfeit must cite its legal basis``; every
problem found in a file is listed, separated by ``; ``. The schema of the files, field by
field, is in docs/catalogue.md. ``default_catalogue()`` skips this loader while the shipped
folder's compiled form matches its files (``shipped.py``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails

from ledger.catalogue.shipped import SHIPPED_RULES, rule_files
from ledger.domain import amounts
from ledger.domain.career import SuspensionReason
from ledger.domain.catalogue import (
    SOURCE_KINDS,
    Booking,
    Cap,
    CapCounts,
    CapPeriod,
    Catalogue,
    Condition,
    Education,
    EmploymentMinimum,
    EndReason,
    Exclusion,
    ExpiryKind,
    ExpiryRule,
    Figure,
    Outcome,
    PublicValue,
    Requirement,
    RightType,
    RuleVersion,
    Scale,
    SectorFund,
    Status,
    StatusRight,
    TransitionPolicy,
    Unit,
    version_id,
)
from ledger.domain.errors import CatalogueError

SECTOR_FUNDS_FILE = "sector-funds.toml"
EXCLUSIONS_FILE = "exclusions.toml"
STATUS_RIGHTS_FILE = "status-rights.toml"
NOT_RIGHT_FILES = (SECTOR_FUNDS_FILE, EXCLUSIONS_FILE, STATUS_RIGHTS_FILE)
CODE_PATTERN = r"^[a-z0-9-]+$"
JOINT_COMMITTEE_PATTERN = r"^[0-9]{3}(\.[0-9]{2})?$"

CatalogueProblem = tuple[str, str]  # (field path, message)
T = TypeVar("T")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _at_least_one(items: tuple[T, ...]) -> tuple[T, ...]:
    if not items:
        raise ValueError("must list at least one")
    return items


def _source_kind(value: str) -> str:
    if value not in SOURCE_KINDS:
        expected = ", ".join(SOURCE_KINDS)
        raise ValueError(f"unknown source kind {value!r}; expected one of {expected}")
    return value


StrictText = Annotated[str, Strict()]
Text = Annotated[str, Strict(), AfterValidator(_not_blank)]
Code = Annotated[str, Strict(), StringConstraints(pattern=CODE_PATTERN)]
JointCommittee = Annotated[str, Strict(), StringConstraints(pattern=JOINT_COMMITTEE_PATTERN)]
SourceKind = Annotated[str, Strict(), AfterValidator(_source_kind)]
StrictDate = Annotated[date, Strict()]
StrictInt = Annotated[int, Strict()]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicyModel(_Model):
    outcome: Outcome
    legal_basis: StrictText


class ExpiryModel(_Model):
    kind: ExpiryKind
    months: StrictInt | None = None
    on: StrictDate | None = None


# The unit's name before amounts had decimals: euro amounts were counted in cents.
LEGACY_EURO = "euro-cents"


def _unit_alias(value: object) -> object:
    return Unit.EURO.value if value == LEGACY_EURO else value


UnitName = Annotated[Unit, BeforeValidator(_unit_alias)]


def _int_as_float(value: object) -> object:
    # One number type, so a wrong type gets one message; a TOML int reads exactly as float
    # far beyond any cap.
    return float(value) if type(value) is int else value


class CapModel(_Model):
    counts: CapCounts
    period: CapPeriod
    # In the right's unit (12.5 hours, 500 euros); kept as minor units once built.
    limit: Annotated[float, BeforeValidator(_int_as_float), Strict(), Field(ge=0)]
    basis: Text
    years: StrictInt | None = None
    # Counts only this track's grants or uses (one of the version's ``tracks``).
    track: Code | None = None
    # A personal maximum: the limit times the citizen's fraction in the reference month.
    scale: Scale | None = None
    reference_month: Annotated[int, Strict(), Field(ge=1, le=12)] | None = None


class FigureModel(_Model):
    value: Annotated[
        Decimal, BeforeValidator(lambda v: str(v) if isinstance(v, int | float) else v)
    ]
    unit: Text
    basis: Text


class MinimumModel(_Model):
    # In the right's unit, for a full-time job all year.
    limit: Annotated[float, BeforeValidator(_int_as_float), Strict(), Field(gt=0)]
    basis: Text


class ConditionModel(_Model):
    kind: Requirement
    basis: Text
    at_least: Annotated[int, Strict(), Field(ge=1)] | None = None
    within_years: Annotated[int, Strict(), Field(ge=1)] | None = None
    for_education: tuple[Education, ...] = ()


class PublicValueModel(_Model):
    # Euros of public money per ONE unit of the right: 21.30 per hour, 0.5 per euro (the
    # public share of a voucher). Kept as whole cents per unit once built.
    per_unit: Annotated[float, BeforeValidator(_int_as_float), Strict(), Field(allow_inf_nan=False)]
    basis: Text


# Statuses added after catalogue files were first written, and the status whose policy
# they take when a file does not name them: a side activity as self-employment, a student
# as someone inactive. A file that names them decides for itself.
LATER_STATUSES = {Status.SELF_EMPLOYED_SIDE: Status.SELF_EMPLOYED, Status.STUDENT: Status.INACTIVE}


def _with_later_statuses(transitions: dict[Status, PolicyModel]) -> dict[Status, PolicyModel]:
    for status, like in LATER_STATUSES.items():
        if status not in transitions and like in transitions:
            transitions[status] = transitions[like]
    return transitions


class VersionModel(_Model):
    effective_from: StrictDate
    unit: UnitName | None = None
    summary: Text
    references: Annotated[tuple[Text, ...], AfterValidator(_at_least_one)]
    sources: Annotated[tuple[SourceKind, ...], AfterValidator(_at_least_one)]
    expiry: ExpiryModel
    caps: tuple[CapModel, ...] = ()
    transitions: Annotated[dict[Status, PolicyModel], AfterValidator(_with_later_statuses)]
    # Present for a right bound to the employment of the employer that grants it.
    employment_end: dict[EndReason, PolicyModel] | None = None
    # A corrigendum: the id of the version (of the same date, listed before it) it corrects.
    corrects: str | None = None
    # A transitional rule: lots granted before this version keep their own version's
    # outcomes at later career changes (else the version in force that day decides).
    earlier_lots_keep_their_version: StrictBool = False
    # The tracks of the right in this version, the default first (VOV: own-choice, employer).
    tracks: tuple[Code, ...] = ()
    requires: tuple[ConditionModel, ...] = ()
    minimum_per_employment: MinimumModel | None = None
    # Only these sector funds (of sector-funds.toml) may grant it.
    funds: tuple[Code, ...] = ()
    # Figures of the scheme the ledger shows but does not enforce, by name.
    figures: dict[Code, FigureModel] = {}
    # What a unit is worth in public money, to compare rights; it decides no right.
    public_value: PublicValueModel | None = None


class BookingModel(_Model):
    hold_days: Annotated[int, Strict(), Field(ge=1, le=3660)]
    registered_from: StrictDate | None = None
    # Euros the citizen pays per ONE unit (0.5 per euro of vouchers, 40 per career voucher).
    own_contribution_per_unit: (
        Annotated[float, BeforeValidator(_int_as_float), Strict(), Field(allow_inf_nan=False)]
        | None
    ) = None
    basis: Text


class RightModel(_Model):
    code: Code
    name: Text
    unit: UnitName
    versions: Annotated[tuple[VersionModel, ...], AfterValidator(_at_least_one)]
    # How the right is booked for a training (outside every version's hash).
    booking: BookingModel | None = None


class FundModel(_Model):
    code: Code
    name: Text
    joint_committees: Annotated[tuple[JointCommittee, ...], AfterValidator(_at_least_one)]


class FundsModel(_Model):
    funds: tuple[FundModel, ...]


class StatusRightModel(_Model):
    code: Code
    name: Text
    situations: tuple[Status, ...] = ()
    suspensions: tuple[SuspensionReason, ...] = ()
    basis: Text
    proof: Text
    references: Annotated[tuple[Text, ...], AfterValidator(_at_least_one)]


class StatusRightsModel(_Model):
    status_rights: tuple[StatusRightModel, ...]


class ExclusionModel(_Model):
    rights: Annotated[tuple[Code, ...], AfterValidator(_at_least_one)]
    basis: Text


class ExclusionsModel(_Model):
    exclusive: tuple[ExclusionModel, ...]


M = TypeVar("M", bound=BaseModel)


# --- loading -------------------------------------------------------------------------------


def load_catalogue(directory: Traversable | None = None) -> Catalogue:
    """Read, check and build the catalogue in ``directory`` (default: the shipped one)."""
    folder = SHIPPED_RULES if directory is None else directory
    if not folder.is_dir():
        raise CatalogueError(f"catalogue directory {folder} not found")
    rights = {}
    for path in rule_files(folder):
        if path.name not in NOT_RIGHT_FILES:
            right = _load_right(path)
            rights[right.code] = right
    if not rights:
        raise CatalogueError(f"catalogue directory {folder} holds no right files (*.toml)")
    funds_path = folder.joinpath(SECTOR_FUNDS_FILE)
    funds = _load_funds(funds_path) if funds_path.is_file() else {}
    exclusions_path = folder.joinpath(EXCLUSIONS_FILE)
    exclusions = _load_exclusions(exclusions_path, set(rights)) if exclusions_path.is_file() else ()
    _check_funds_named(rights, funds)
    status_path = folder.joinpath(STATUS_RIGHTS_FILE)
    status_rights = _load_status_rights(status_path) if status_path.is_file() else ()
    return Catalogue(
        rights=MappingProxyType(rights),
        sector_funds=MappingProxyType(funds),
        exclusions=exclusions,
        status_rights=status_rights,
    )


def _load_status_rights(path: Traversable) -> tuple[StatusRight, ...]:
    """``status-rights.toml``: rights without a balance, held while a career fact holds."""
    model = _validate(StatusRightsModel, _read_toml(path), path)
    problems = [
        (f"status_rights[{index}]", "names no situation and no suspension: it would never hold")
        for index, right in enumerate(model.status_rights)
        if not right.situations and not right.suspensions
    ]
    _raise_problems(path, iter(problems))
    return tuple(
        StatusRight(
            r.code,
            r.name,
            tuple(s.value for s in r.situations),
            tuple(s.value for s in r.suspensions),
            r.basis,
            r.proof,
            tuple(r.references),
        )
        for r in model.status_rights
    )


def _check_funds_named(rights: dict[str, RightType], funds: dict[str, SectorFund]) -> None:
    """A version's ``funds`` must be funds of ``sector-funds.toml``."""
    for right in rights.values():
        for index, version in enumerate(right.versions):
            unknown = [code for code in version.funds if code not in funds]
            if unknown:
                raise CatalogueError(
                    f"catalogue file {right.code}.toml: versions[{index}].funds: "
                    f"{', '.join(unknown)} not in {SECTOR_FUNDS_FILE} "
                    f"(known: {', '.join(sorted(funds)) or 'none'})"
                )


def _load_exclusions(path: Traversable, rights: set[str]) -> tuple[Exclusion, ...]:
    """``exclusions.toml``: groups of rights that cannot fund the same training."""
    model = _validate(ExclusionsModel, _read_toml(path), path)
    problems = [
        (f"exclusive[{index}].rights", f"{code!r} is not a right of this catalogue")
        for index, exclusion in enumerate(model.exclusive)
        for code in exclusion.rights
        if code not in rights
    ] + [
        (f"exclusive[{index}].rights", "names fewer than two different rights")
        for index, exclusion in enumerate(model.exclusive)
        if len(set(exclusion.rights)) < 2
    ]
    _raise_problems(path, iter(problems))
    return tuple(Exclusion(frozenset(e.rights), e.basis) for e in model.exclusive)


def _load_right(path: Traversable) -> RightType:
    data = _read_toml(path)
    model = _validate(RightModel, data, path)
    _raise_problems(path, _right_problems(model, path.name.removesuffix(".toml")))
    # A file still written in euro-cents states its caps in cents: the minor unit itself.
    return _build_right(model, limits_in_minor=data.get("unit") == LEGACY_EURO)


def _load_funds(path: Traversable) -> dict[str, SectorFund]:
    model = _validate(FundsModel, _read_toml(path), path)
    _raise_problems(path, _fund_problems(model.funds))
    return {
        fund.code: SectorFund(fund.code, fund.name, tuple(fund.joint_committees))
        for fund in model.funds
    }


def _read_toml(path: Traversable) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"catalogue file {path.name}: invalid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"catalogue file {path.name}: cannot be read: {exc}") from exc


def _validate(model: type[M], data: dict[str, Any], path: Traversable) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [(_field_path(error["loc"]), _error_message(error)) for error in exc.errors()]
        _raise_problems(path, problems)
        raise  # pragma: no cover - _raise_problems always raises for a non-empty list


def _raise_problems(path: Traversable, problems: Iterable[CatalogueProblem]) -> None:
    found = [f"{where}: {message}" for where, message in problems]
    if found:
        raise CatalogueError(f"catalogue file {path.name}: {'; '.join(found)}")


def _field_path(loc: Sequence[int | str]) -> str:
    """``('versions', 1, 'caps', 0, 'limit')`` -> ``versions[1].caps[0].limit``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part != "[key]":  # an invalid dict key: the key itself is the last part
            text += f".{part}" if text else part
    return text or "(file)"


def _error_message(error: ErrorDetails) -> str:
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if error["type"] != "missing" and isinstance(value, str | int | float | date):
        message += f" (got {value!r})"
    return message


# --- cross-field checks --------------------------------------------------------------------


def _right_problems(right: RightModel, stem: str) -> Iterator[CatalogueProblem]:
    if right.code != stem:
        yield "code", f"{right.code!r} must equal the file name {stem!r}"
    if right.code in (name.removesuffix(".toml") for name in NOT_RIGHT_FILES):
        yield "code", f"{right.code!r} is reserved for the catalogue's own files"
    own = None if right.booking is None else right.booking.own_contribution_per_unit
    if own is not None and (own < 0 or _cents(own) is None):
        yield (
            "booking.own_contribution_per_unit",
            f"{own!r}: an own contribution is counted to the cent, and not negative",
        )
    previous: date | None = None
    ids: dict[str, date] = {}
    version_ids = _ids_of(right)
    for index, version in enumerate(right.versions):
        at = f"versions[{index}]"
        if version.corrects is not None:
            corrected = ids.get(version.corrects)
            if corrected is None or corrected != version.effective_from:
                yield (
                    f"{at}.corrects",
                    f"{version.corrects!r} is not a version of {right.code} listed before "
                    f"with effective_from {version.effective_from}: a corrigendum corrects "
                    "one of the same date",
                )
        elif previous is not None and version.effective_from <= previous:
            yield (
                f"{at}.effective_from",
                f"{version.effective_from} is not after {previous}: versions must be in "
                "strictly increasing date order (a corrigendum names what it corrects)",
            )
        else:
            previous = version.effective_from
        if version_ids[index] in ids:
            yield f"{at}.corrects", f"{version_ids[index]} is corrected twice: correct the latest"
        ids[version_ids[index]] = version.effective_from
        yield from _version_problems(version, right.unit, at)
        minimum = version.minimum_per_employment
        if minimum is not None and _limit_in_minor(minimum.limit, right.unit) is None:
            yield f"{at}.minimum_per_employment.limit", f"{minimum.limit!r}: too many decimals"
        for number, cap in enumerate(version.caps):
            if _limit_in_minor(cap.limit, right.unit) is None:
                precision = (
                    "a whole number"
                    if amounts.decimals_of(right.unit) == 0
                    else (f"to 0.{'0' * (amounts.decimals_of(right.unit) - 1)}1")
                )
                yield (
                    f"{at}.caps[{number}].limit",
                    f"{cap.limit!r}: {right.unit} are counted {precision}",
                )


def _version_problems(version: VersionModel, unit: Unit, at: str) -> Iterator[CatalogueProblem]:
    if version.unit is not None and version.unit is not unit:
        yield (
            f"{at}.unit",
            f"{version.unit} differs from the right's unit {unit}: a unit change is a new "
            "right type",
        )
    if len(set(version.sources)) != len(version.sources):
        yield f"{at}.sources", "a source kind is listed twice"
    yield from _transition_problems(version.transitions, f"{at}.transitions")
    if version.employment_end is not None:
        yield from _end_problems(version.employment_end, f"{at}.employment_end")
    yield from _expiry_problems(version.expiry, version.effective_from, f"{at}.expiry")
    for index, cap in enumerate(version.caps):
        yield from _cap_problems(cap, f"{at}.caps[{index}]")
        if cap.track is not None and cap.track not in version.tracks:
            yield (
                f"{at}.caps[{index}].track",
                f"{cap.track!r} is not one of the version's tracks "
                f"({', '.join(version.tracks) or 'none'})",
            )
    if len(set(version.tracks)) != len(version.tracks):
        yield f"{at}.tracks", "a track is listed twice"
    for index, condition in enumerate(version.requires):
        yield from _condition_problems(condition, f"{at}.requires[{index}]")

    if version.public_value is not None:
        yield from _public_value_problems(version.public_value, f"{at}.public_value.per_unit")


# What each kind of condition needs: at_least (percent or years), within_years.
_CONDITION_FIGURES = {
    Requirement.EMPLOYMENT_FRACTION: ("at_least",),
    Requirement.WORK_EXPERIENCE: ("at_least",),
    Requirement.POP: ("within_years",),
}


def _condition_problems(condition: ConditionModel, at: str) -> Iterator[CatalogueProblem]:
    needed = _CONDITION_FIGURES[condition.kind]
    for figure in ("at_least", "within_years"):
        given = getattr(condition, figure) is not None
        if figure in needed and not given:
            yield f"{at}.{figure}", f"a {condition.kind} condition needs {figure}"
        elif figure not in needed and given:
            yield f"{at}.{figure}", f"only {_takers(figure)} take {figure}"
    if condition.kind is Requirement.EMPLOYMENT_FRACTION and (condition.at_least or 0) > 100:
        yield f"{at}.at_least", f"{condition.at_least}: a fraction is at most 100 (percent)"


def _takers(figure: str) -> str:
    return " and ".join(kind.value for kind, needs in _CONDITION_FIGURES.items() if figure in needs)


def _transition_problems(
    transitions: dict[Status, PolicyModel], at: str
) -> Iterator[CatalogueProblem]:
    for status in Status:
        policy = transitions.get(status)
        if policy is None:
            yield f"{at}.{status}", "missing: every status needs a policy (carry, suspend, forfeit)"
        elif policy.outcome is not Outcome.CARRY and not policy.legal_basis.strip():
            yield f"{at}.{status}.legal_basis", f"a {policy.outcome} must cite its legal basis"
    if not any(policy.outcome is Outcome.CARRY for policy in transitions.values()):
        yield at, "no status carries the right, so it could never be used"


def _end_problems(ends: dict[EndReason, PolicyModel], at: str) -> Iterator[CatalogueProblem]:
    for reason in EndReason:
        policy = ends.get(reason)
        if policy is None:
            yield f"{at}.{reason}", "missing: every end reason needs a policy for a bound right"
        elif policy.outcome is not Outcome.CARRY and not policy.legal_basis.strip():
            yield f"{at}.{reason}.legal_basis", f"a {policy.outcome} must cite its legal basis"


def _expiry_problems(expiry: ExpiryModel, start: date, at: str) -> Iterator[CatalogueProblem]:
    if expiry.kind is ExpiryKind.MONTHS_AFTER_GRANT:
        if expiry.months is None or expiry.months < 1:
            yield f"{at}.months", "months-after-grant needs months >= 1"
    elif expiry.months is not None:
        yield f"{at}.months", f"only months-after-grant takes months, not {expiry.kind}"
    if expiry.kind is ExpiryKind.FIXED_DATE:
        if expiry.on is None:
            yield f"{at}.on", "fixed-date needs on = YYYY-MM-DD"
        elif expiry.on <= start:
            yield f"{at}.on", f"{expiry.on} is not after the version's effective_from {start}"
    elif expiry.kind is ExpiryKind.MONTHS_AFTER_GRANT and expiry.on is not None:
        if expiry.on <= start:  # "at the latest on": the end of the scheme
            yield f"{at}.on", f"{expiry.on} is not after the version's effective_from {start}"
    elif expiry.on is not None:
        yield f"{at}.on", f"only fixed-date and months-after-grant take on, not {expiry.kind}"


def _cap_problems(cap: CapModel, at: str) -> Iterator[CatalogueProblem]:
    if cap.period is CapPeriod.ROLLING_YEARS:
        if cap.years is None or cap.years < 1:
            yield f"{at}.years", "rolling-years needs years >= 1"
    elif cap.years is not None:
        yield f"{at}.years", f"only rolling-years takes years, not {cap.period}"
    if (cap.scale is None) != (cap.reference_month is None):
        yield f"{at}.reference_month", "a scaled cap needs reference_month, and only it takes one"
    elif cap.scale is not None and cap.period is not CapPeriod.SCHOOL_YEAR:
        yield f"{at}.scale", f"a personal maximum is per school-year, not {cap.period}"


def _public_value_problems(value: PublicValueModel, at: str) -> Iterator[CatalogueProblem]:
    if value.per_unit < 0:
        yield at, f"{value.per_unit!r}: a public value cannot be negative"
    elif _cents(value.per_unit) is None:
        yield at, f"{value.per_unit!r}: a public value is counted to the cent (at most 2 decimals)"


def _fund_problems(funds: Sequence[FundModel]) -> Iterator[CatalogueProblem]:
    seen: set[str] = set()
    for index, fund in enumerate(funds):
        if fund.code in seen:
            yield f"funds[{index}].code", f"{fund.code!r} is listed twice"
        seen.add(fund.code)


# --- building the domain values ------------------------------------------------------------


def _limit_in_minor(limit: float, unit: Unit) -> int | None:
    """A cap's limit in minor units, or None when it has more decimals than the unit."""
    scaled = Decimal(str(limit)) * amounts.minor_per_unit(unit)
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _cents(euros: float) -> int | None:
    """Euros as whole cents, or None when they have more than 2 decimals (exact: the float
    is read back as the decimal text TOML wrote)."""
    scaled = Decimal(str(euros)) * 100
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _build_right(model: RightModel, limits_in_minor: bool = False) -> RightType:
    def minor(limit: float) -> int:
        found = int(limit) if limits_in_minor else _limit_in_minor(limit, model.unit)
        assert found is not None, "checked by _right_problems"
        return found

    built = [
        _build_version(model.code, model.unit, v, minor, number)
        for v, number in zip(model.versions, _corrections(model), strict=True)
    ]
    versions = tuple(sorted(built, key=lambda v: (v.effective_from, v.correction)))
    return RightType(
        code=model.code, name=model.name, unit=model.unit, versions=versions,
        booking=_build_booking(model.booking),
    )  # fmt: skip


def _build_booking(booking: BookingModel | None) -> Booking | None:
    if booking is None:
        return None
    own = booking.own_contribution_per_unit
    cents = None if own is None else _cents(own)
    assert own is None or cents is not None, "checked by _right_problems"
    return Booking(booking.hold_days, booking.registered_from, cents, booking.basis)


def _corrections(model: RightModel) -> list[int]:
    """Each version's number in its line of corrections: 0 for an original, one more than
    the version it corrects for a corrigendum (an unknown one counts as an original: the
    checks have named it)."""
    numbers: list[int] = []
    by_id: dict[str, int] = {}
    for version in model.versions:
        number = 0 if version.corrects is None else by_id.get(version.corrects, -1) + 1
        numbers.append(number)
        by_id[version_id(model.code, version.effective_from, number)] = number
    return numbers


def _ids_of(model: RightModel) -> list[str]:
    return [
        version_id(model.code, version.effective_from, number)
        for version, number in zip(model.versions, _corrections(model), strict=True)
    ]


def _build_version(
    code: str, unit: Unit, version: VersionModel, minor: Callable[[float], int], correction: int
) -> RuleVersion:
    transitions = {status: _build_policy(version.transitions[status]) for status in Status}
    return RuleVersion(
        right=code,
        effective_from=version.effective_from,
        unit=unit,
        sources=frozenset(version.sources),
        transitions=MappingProxyType(transitions),
        expiry=ExpiryRule(version.expiry.kind, version.expiry.months or 0, version.expiry.on),
        caps=tuple(_build_cap(cap, minor(cap.limit)) for cap in version.caps),
        summary=version.summary,
        references=tuple(version.references),
        employment_end=_build_ends(version.employment_end),
        corrects=version.corrects,
        correction=correction,
        earlier_lots_keep_their_version=version.earlier_lots_keep_their_version,
        tracks=tuple(version.tracks),
        requires=tuple(_build_condition(condition) for condition in version.requires),
        minimum_per_employment=_build_minimum(version.minimum_per_employment, minor),
        funds=tuple(version.funds),
        figures=tuple(
            Figure(name, str(f.value), f.unit, f.basis) for name, f in version.figures.items()
        ),
        public_value=_build_public_value(version.public_value),
    )


def _build_minimum(
    minimum: MinimumModel | None, minor: Callable[[float], int]
) -> EmploymentMinimum | None:
    return None if minimum is None else EmploymentMinimum(minor(minimum.limit), minimum.basis)


def _build_condition(condition: ConditionModel) -> Condition:
    return Condition(
        condition.kind,
        condition.basis,
        condition.at_least or 0,
        condition.within_years or 0,
        frozenset(level.value for level in condition.for_education),
    )


def _build_public_value(value: PublicValueModel | None) -> PublicValue | None:
    if value is None:
        return None
    cents = _cents(value.per_unit)
    assert cents is not None, "checked by _public_value_problems"
    return PublicValue(cents, value.basis)


def _build_ends(
    ends: dict[EndReason, PolicyModel] | None,
) -> MappingProxyType[EndReason, TransitionPolicy] | None:
    if ends is None:
        return None
    return MappingProxyType({reason: _build_policy(ends[reason]) for reason in EndReason})


def _build_policy(policy: PolicyModel) -> TransitionPolicy:
    return TransitionPolicy(policy.outcome, policy.legal_basis)


def _build_cap(cap: CapModel, limit: int) -> Cap:
    return Cap(
        cap.counts, cap.period, limit, cap.basis, cap.years or 0, cap.track, cap.scale,
        cap.reference_month or 0,
    )  # fmt: skip
