"""One pydantic model per kind of import line, validated through one module-level adapter.

The field validators are written out rather than left to pydantic's lax coercion, which
would accept ``true`` as an amount and a Unix timestamp as a date. Every
message names the value and the rule, because it ends up in a rejects file that a person
at an employer or a sector fund has to act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from ledger.domain import amounts
from ledger.domain.career import Region, SuspensionReason
from ledger.domain.catalogue import EndReason, Status
from ledger.domain.errors import InvalidInputError, LedgerError
from ledger.domain.facts import FactKind, parse_fact_value
from ledger.domain.identifiers import (
    Insz,
    parse_enterprise_number,
    parse_establishment_unit,
    parse_insz,
    parse_joint_committee,
    shown,
)
from ledger.parsing import (
    parse_end_reason,
    parse_fte,
    parse_region,
    parse_situation,
    parse_suspension_reason,
)
from ledger.security.inputs import MAX_ID, MAX_REASON, checked_text

FIELDS = (
    "kind",
    "insz",
    "on",
    "right",
    "amount",
    "expires_on",
    "training",
    "provider",
    "status",
    "reference",
    "employer",
    "fte",
    "joint_committee",
    "region",
    "unit",
    "reason",
    "until",
    "situation",
    "review",
    "track",
    "value",
    "hold_until",
    "enrolment",
)
# The columns of a file of grants, uses and status lines (all a file had before
# employments); the career lines add the ones after them.
ENTRY_FIELDS = FIELDS[: FIELDS.index("reference") + 1]
REQUIRED_COLUMNS = ("kind", "insz", "on", "reference")
KINDS = (
    "grant", "use", "status", "employment-start", "employment-end", "employment-suspend",
    "situation-start", "situation-end", "education", "pop", "work-experience", "reserve",
    "confirm", "cancel",
)  # fmt: skip
LINE = "(line)"  # the field named in a rejection that concerns the whole line

MAX_TEXT = 200
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _insz(value: object) -> Insz:
    if not isinstance(value, str):
        raise ValueError(f'{shown(value)}: an INSZ is written as text, e.g. "93051822361"')
    return _parsed_insz(value)


@lru_cache(maxsize=1 << 16)
def _parsed_insz(text: str) -> Insz:
    # A citizen's lines usually sit close together in a file: parse each INSZ once.
    return parse_insz(text)


def _day(value: object) -> date:
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as error:
            raise ValueError(f"{shown(value)}: not a real day ({error})") from None
    raise ValueError(f"{shown(value)}: expected an ISO date such as 2024-09-01")


def _amount(value: object) -> Decimal:
    """A plain number, for the command to read in its right's unit (zero or less and its
    precision are ``ledger.domain.amounts.parse_amount``'s, as for ``llr grant/use``, in
    the same words): text, or a JSON number (a float read by its shortest text, so 2.5 is
    exactly 2.5). A boolean is not a number."""
    number = Decimal(str(value)) if isinstance(value, float) else amounts.decimal_of(value)
    if number is None or not number.is_finite():
        raise ValueError(
            f"amount {shown(value)}: must be a number greater than zero in the right's unit, "
            "such as 2.5 or 250"
        )
    return number


def _text(value: object) -> str:
    # A number in a JSON file means the same id as the same digits in a CSV file.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{shown(value)}: expected non-empty text")
    text = value.strip()
    if len(text) > MAX_TEXT or not text.isprintable():
        raise ValueError(
            f"{shown(value)}: at most {MAX_TEXT} printable characters (no tabs or line breaks)"
        )
    return text


def _id_text(name: str, longest: int = MAX_ID) -> Callable[[object], str]:
    """A reference, training or provider id (or a reason, ``longest`` longer): non-empty,
    then the Ledger's own text check, so that a line and ``llr grant/use/status`` refuse
    the same id with the same words."""

    def check(value: object) -> str:
        text = _text(value) if not isinstance(value, str) or not value.strip() else value.strip()
        try:
            return checked_text(text, name, longest)
        except InvalidInputError as error:
            raise ValueError(str(error)) from None

    return check


def _status(value: object) -> Status:
    try:
        return Status(str(value).strip().lower())
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise ValueError(f"{shown(value)}: must be one of {known}") from None


def _checked(parse: Callable[[str], Any], name: str) -> Callable[[object], Any]:
    """A field parsed as the command line parses it; the message names the field."""

    def check(value: object) -> Any:
        try:
            return parse(_text(value))
        except LedgerError as error:
            reason = str(error)
            for option in ("--fte ", "--reason ", "--region "):
                reason = reason.removeprefix(option)
            raise ValueError(reason) from None

    check.__name__ = name
    return check


def _situation(text: str) -> Status:
    return parse_situation(text)


InszValue = Annotated[Insz, PlainValidator(_insz)]
Employer = Annotated[
    str, PlainValidator(_checked(lambda t: parse_enterprise_number(t).value, "employer"))
]
Fte = Annotated[int, PlainValidator(_checked(parse_fte, "fte"))]
JointCommittee = Annotated[str, PlainValidator(_checked(parse_joint_committee, "joint_committee"))]
RegionValue = Annotated[Region, PlainValidator(_checked(parse_region, "region"))]
Unit = Annotated[str, PlainValidator(_checked(lambda t: parse_establishment_unit(t).value, "unit"))]
EndReasonValue = Annotated[EndReason, PlainValidator(_checked(parse_end_reason, "reason"))]
SuspensionValue = Annotated[
    SuspensionReason, PlainValidator(_checked(parse_suspension_reason, "reason"))
]
SituationValue = Annotated[Status, PlainValidator(_checked(_situation, "situation"))]
Day = Annotated[date, PlainValidator(_day)]
Amount = Annotated[str | int | Decimal, PlainValidator(_amount)]
Text = Annotated[str, PlainValidator(_text)]
Reference = Annotated[str, PlainValidator(_id_text("reference"))]
Training = Annotated[str, PlainValidator(_id_text("training"))]
Provider = Annotated[str, PlainValidator(_id_text("provider"))]
StatusValue = Annotated[Status, PlainValidator(_status)]
Track = Annotated[str, PlainValidator(_id_text("track"))]
Enrolment = Annotated[str, PlainValidator(_id_text("enrolment"))]
Reason = Annotated[str, PlainValidator(_id_text("reason", MAX_REASON))]

_ROW_CONFIG = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def _yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "true", "1"):
        return True
    if text in ("no", "false", "0"):
        return False
    raise ValueError(f"{shown(value)}: must be yes or no")


ReviewFlag = Annotated[bool, PlainValidator(_yes_no)]


class ValidRow(BaseModel):
    """A line that passed validation; pickled as its values (a worker gets many of them).

    ``review``: a late line that makes later entries invalid is recorded with an open
    review case instead of rejected (``llr ... --review``)."""

    model_config = _ROW_CONFIG
    review: ReviewFlag = False

    def __reduce__(self) -> tuple[Any, ...]:
        # Pydantic's own pickling carries its bookkeeping along, several times the cost.
        return _validated, (type(self), tuple(self.__dict__.values()))


def _validated(model: type[ValidRow], values: tuple[Any, ...]) -> ValidRow:
    """A row rebuilt from the values it was validated with: no second validation."""
    return model.model_construct(**dict(zip(model.model_fields, values, strict=True)))


class GrantRow(ValidRow):
    kind: Literal["grant"]
    insz: InszValue
    on: Day
    right: Text
    amount: Amount
    expires_on: Day | None = None
    reference: Reference
    track: Track | None = None  # a right with tracks: VOV own-choice (default) or employer


class UseRow(ValidRow):
    kind: Literal["use"]
    insz: InszValue
    on: Day
    right: Text
    amount: Amount
    training: Training
    provider: Provider
    reference: Reference
    employer: Employer | None = None  # draw only on this employer's lots
    track: Track | None = None  # draw only on this track's lots


class ReserveRow(ValidRow):
    """A booking's hold (``llr reserve``): ``reference`` is the booking's own id, which
    its confirm or cancel names."""

    kind: Literal["reserve"]
    insz: InszValue
    on: Day
    right: Text
    amount: Amount
    training: Training
    reference: Reference
    hold_until: Day | None = None  # default: the catalogue's hold for the right
    track: Track | None = None
    enrolment: Enrolment | None = None
    employer: Employer | None = None  # hold only this employer's lots
    provider: Provider | None = None  # needed where the right needs no registered training


class ConfirmRow(ValidRow):
    """The provider redeems the reservation ``reference`` (``llr confirm``)."""

    kind: Literal["confirm"]
    insz: InszValue
    on: Day
    reference: Reference  # the reservation's
    amount: Amount | None = None  # default: all that is held


class CancelRow(ValidRow):
    """The reservation ``reference`` is cancelled (``llr cancel``)."""

    kind: Literal["cancel"]
    insz: InszValue
    on: Day
    reference: Reference  # the reservation's
    reason: Reason


BOOKING_ROWS = (ReserveRow, ConfirmRow, CancelRow)


class StatusRow(ValidRow):
    kind: Literal["status"]
    insz: InszValue
    on: Day
    status: StatusValue
    reference: Reference


class EmploymentStartRow(ValidRow):
    kind: Literal["employment-start"]
    insz: InszValue
    on: Day
    employer: Employer | None = None  # in an employer's file: that employer
    fte: Fte = 100
    joint_committee: JointCommittee | None = None
    region: RegionValue = Region.FLANDERS
    unit: Unit | None = None
    reference: Reference


class EmploymentEndRow(ValidRow):
    kind: Literal["employment-end"]
    insz: InszValue
    on: Day
    employer: Employer | None = None  # in an employer's file: that employer
    reason: EndReasonValue
    reference: Reference


class EmploymentSuspendRow(ValidRow):
    kind: Literal["employment-suspend"]
    insz: InszValue
    on: Day  # the first suspended day
    until: Day
    employer: Employer | None = None  # in an employer's file: that employer
    reason: SuspensionValue
    reference: Reference


class SituationStartRow(ValidRow):
    kind: Literal["situation-start"]
    insz: InszValue
    on: Day
    situation: SituationValue
    reference: Reference


class SituationEndRow(ValidRow):
    kind: Literal["situation-end"]
    insz: InszValue
    on: Day
    situation: SituationValue
    reference: Reference


def _fact_value(kind: FactKind) -> Callable[[object], str]:
    def check(value: object) -> str:
        return parse_fact_value(kind, _text(value))

    return check


class EducationRow(ValidRow):
    """An eligibility fact (``llr fact INSZ education LEVEL``): ``value`` is the level."""

    kind: Literal["education"]
    insz: InszValue
    on: Day
    value: Annotated[str, PlainValidator(_fact_value(FactKind.EDUCATION))]
    reference: Reference


class PopRow(ValidRow):
    """A personal development plan made on ``on`` (``llr fact INSZ pop``)."""

    kind: Literal["pop"]
    insz: InszValue
    on: Day
    until: Day | None = None
    reference: Reference


class WorkExperienceRow(ValidRow):
    """Years of work experience on ``on`` (``llr fact INSZ work-experience YEARS``)."""

    kind: Literal["work-experience"]
    insz: InszValue
    on: Day
    value: Annotated[str, PlainValidator(_fact_value(FactKind.WORK_EXPERIENCE))]
    reference: Reference


FACT_ROWS = (EducationRow, PopRow, WorkExperienceRow)

Row = (
    GrantRow | UseRow | StatusRow | EmploymentStartRow | EmploymentEndRow | EmploymentSuspendRow
    | SituationStartRow | SituationEndRow | EducationRow | PopRow | WorkExperienceRow
    | ReserveRow | ConfirmRow | CancelRow
)  # fmt: skip
ROWS: TypeAdapter[Row] = TypeAdapter(Annotated[Row, Field(discriminator="kind")])
_MODELS: dict[str, type[BaseModel]] = {
    "grant": GrantRow,
    "use": UseRow,
    "status": StatusRow,
    "employment-start": EmploymentStartRow,
    "employment-end": EmploymentEndRow,
    "employment-suspend": EmploymentSuspendRow,
    "situation-start": SituationStartRow,
    "situation-end": SituationEndRow,
    "education": EducationRow,
    "pop": PopRow,
    "work-experience": WorkExperienceRow,
    "reserve": ReserveRow,
    "confirm": ConfirmRow,
    "cancel": CancelRow,
}
# What each kind of line has, and needs, as a rejects file names them.
_FIELDS_OF = {kind: ", ".join(model.model_fields) for kind, model in _MODELS.items()}
_NEEDED_BY = {
    kind: ", ".join(name for name, info in model.model_fields.items() if info.is_required())
    for kind, model in _MODELS.items()
}


@dataclass(frozen=True)
class Problem:
    """Why a line cannot become a row: the field at fault (or LINE) and the reason."""

    field: str
    reason: str


def parse_row(fields: dict[str, Any]) -> Row | Problem:
    """The row for one line's non-empty fields, or the first problems found, by field."""
    kind = fields.get("kind")
    if isinstance(kind, str) and kind not in KINDS:
        fields = {**fields, "kind": kind.strip().lower()}  # "Grant" from a spreadsheet
    try:
        return ROWS.validate_python(fields)
    except ValidationError as error:
        problems = [_problem(detail, fields) for detail in error.errors()]
    if len(problems) == 1:
        return problems[0]
    return Problem(
        ", ".join(p.field for p in problems),
        "; ".join(f"{p.field}: {p.reason}" for p in problems),
    )


def _problem(detail: ErrorDetails, fields: dict[str, Any]) -> Problem:
    kind = str(fields.get("kind", ""))
    where = [str(part) for part in detail["loc"][1:]]  # loc[0] is the kind (the union tag)
    field = where[0] if where else "kind"
    error_type = detail["type"]
    if error_type in ("union_tag_not_found", "union_tag_invalid"):
        given = shown(fields["kind"]) if "kind" in fields else "missing"
        return Problem("kind", f"{given}: must be one of {', '.join(KINDS)}")
    if error_type == "missing":
        return Problem(field, f"missing: a {kind} line needs {_NEEDED_BY[kind]}")
    if error_type == "extra_forbidden":
        return Problem(field, f"not a field of a {kind} line (those have: {_FIELDS_OF[kind]})")
    context = detail.get("ctx") or {}
    reason = str(context["error"]) if "error" in context else detail["msg"]
    return Problem(field, reason)
