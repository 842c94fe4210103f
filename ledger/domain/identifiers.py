"""Belgian identifiers the ledger keys on, parsed into canonical values.

Input arrives in many written forms (a spreadsheet cell, a form field, a DmfA extract); each
parser accepts the usual forms, returns one canonical value, and otherwise raises
``InvalidIdentifierError`` naming the input and the rule it breaks, so the person who typed
it can fix it. The algorithms are those of docs/domain.md section 6.

Everything here is pure: no I/O, and no clock. The INSZ century is read from the check digits
alone, because 2,000,000,000 is not a multiple of 97: the two rules never give the same check
digits for one number, so at most one of them matches.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from ledger.domain.errors import InvalidIdentifierError

# Inputs can be arbitrary text (a whole CSV line pasted in a field); messages show at most this
# much of it so a rejects file stays readable.
_SHOWN_MAX = 40

# [0-9], never \d: \d also matches other scripts' digits, which int() would happily accept.
_INSZ_FORM = re.compile(r"([0-9]{2})[. ]?([0-9]{2})[. ]?([0-9]{2})[-. ]?([0-9]{3})[-. ]?([0-9]{2})")
# Enterprise numbers are written 0566.988.259, establishment units 2.147.812.897; both
# groupings are accepted for both so that a number given to the wrong parser gets the helpful
# "that is an establishment unit" message rather than a format error.
_TEN_DIGITS_FORMS = (
    re.compile(r"([0-9]{4})[. ]?([0-9]{3})[. ]?([0-9]{3})"),
    re.compile(r"([0-9])[. ]?([0-9]{3})[. ]?([0-9]{3})[. ]?([0-9]{3})"),
)
# Before 1 January 2005 enterprise numbers had 9 digits; the 10-digit form puts a 0 in front.
_OLD_ENTERPRISE_FORM = re.compile(r"([0-9]{3})[. ]?([0-9]{3})[. ]?([0-9]{3})")
# The VAT number is BE + the enterprise number; people paste either.
_VAT_PREFIX = re.compile(r"BE ?", re.IGNORECASE)
_JOINT_COMMITTEE_FORM = re.compile(r"(?:PC *)?([0-9]{3}(?:\.[0-9]{2})?)", re.IGNORECASE)

_PRE_2000 = 1900
_FROM_2000 = 2000
# Births from 2000 put a "2" before the 9 digits: N = 2,000,000,000 + the 9 digits.
_FROM_2000_OFFSET = 2_000_000_000
# YYMMDD values that stand for a birth date of which even the year was unknown at issue.
_UNKNOWN_BIRTH_DATES = frozenset({"000001", "002001", "004001"})

EMPLOYER = "employer"
SECTOR_FUND = "sector-fund"
FLEMISH_GOVERNMENT = "flemish-government"
FEDERAL_GOVERNMENT = "federal-government"
_GOVERNMENTS = (FLEMISH_GOVERNMENT, FEDERAL_GOVERNMENT)
_SOURCE_FORMS = (
    "employer:<enterprise number>, sector-fund:<code>, flemish-government or federal-government"
)


def shown(value: object) -> str:
    """An input as a message shows it: repr (so control characters are visible), cut short."""
    if isinstance(value, str):
        if len(value) <= _SHOWN_MAX:
            return repr(value)
        return f"{value[:_SHOWN_MAX]!r}... ({len(value)} characters)"
    text = repr(value)  # a number or a list from a JSON line, say
    if len(text) <= _SHOWN_MAX:
        return text
    return f"{text[:_SHOWN_MAX]}... ({len(text)} characters)"


def _mod97_check(number: int) -> int:
    """Check digits shared by INSZ, BIS and KBO numbers: 97 - (number mod 97), so 1..97."""
    return 97 - number % 97


# --- INSZ (national register number or BIS number) ------------------------------------------


def _insz_expected_checks(digits: str) -> dict[int, int]:
    """Check digits each century's rule gives for these 11 digits, keyed by century."""
    first_nine = int(digits[:9])
    return {
        _PRE_2000: _mod97_check(first_nine),
        _FROM_2000: _mod97_check(_FROM_2000_OFFSET + first_nine),
    }


def _insz_century(digits: str) -> int | None:
    """The century whose check rule the digits satisfy; None when neither does."""
    given = int(digits[9:])
    for century, expected in _insz_expected_checks(digits).items():
        if expected == given:
            return century
    return None


def _check_insz(digits: str, text: str) -> None:
    """Refuse 11 digits that are no INSZ; ``text`` is what the user wrote, for the message."""
    month, day = int(digits[2:4]), int(digits[4:6])
    # A BIS number adds 20 (sex unknown) or 40 (sex known) to the month; 0 means unknown.
    if not (month <= 12 or 20 <= month <= 32 or 40 <= month <= 52):
        raise InvalidIdentifierError.because(
            "INSZ {text}: month {month:02d} must be 00-12 for a national number, "
            "20-32 or 40-52 for a BIS number",
            text=shown(text),
            month=month,
        )
    # Day 00 means unknown; days past the month's end are tolerated, as python-stdnum does,
    # because the register hands them out when a day's serial numbers run out.
    if day > 31:
        raise InvalidIdentifierError.because(
            "INSZ {text}: day {day:02d} must be 00-31", text=shown(text), day=day
        )
    if _insz_century(digits) is None:
        expected = _insz_expected_checks(digits)
        raise InvalidIdentifierError.because(
            "INSZ {text}: check digits {digits} match neither {expected:02d} (97 - "
            "first 9 digits mod 97, born before 2000) nor {expected_2:02d} (the "
            '2000 rule, "2" before the 9 digits)',
            text=shown(text),
            digits=digits[9:],
            expected=expected[_PRE_2000],
            expected_2=expected[_FROM_2000],
        )


@dataclass(frozen=True)
class Insz:
    """A citizen's INSZ: a national register number or a BIS number, as 11 digits."""

    value: str

    def __post_init__(self) -> None:
        # Parsing is the normal way in, but a direct Insz("...") must not smuggle in garbage.
        if not (len(self.value) == 11 and self.value.isascii() and self.value.isdigit()):
            raise InvalidIdentifierError.because(
                "INSZ {self_value}: must be 11 digits", self_value=shown(self.value)
            )
        _check_insz(self.value, self.value)

    @property
    def is_bis(self) -> bool:
        """BIS numbers (people not in the National Register) have the month raised by 20/40."""
        return int(self.value[2:4]) >= 20

    @property
    def birth_year(self) -> int | None:
        """The birth year, its century read from the check rule; None for an unknown date."""
        if self.value[:6] in _UNKNOWN_BIRTH_DATES:
            return None
        century = _insz_century(self.value)
        assert century is not None  # __post_init__ refused numbers that match no rule
        return century + int(self.value[:2])

    @property
    def formatted(self) -> str:
        v = self.value
        return f"{v[0:2]}.{v[2:4]}.{v[4:6]}-{v[6:9]}.{v[9:11]}"

    @property
    def masked(self) -> str:
        """For screens and logs: the birth date stays, the serial and check digits that make
        the number personal are hidden."""
        return f"{self.formatted[:9]}***.**"

    def __str__(self) -> str:
        return self.formatted


def parse_insz(text: str) -> Insz:
    """Parse an INSZ written as 93051822361, 93.05.18-223.61, 93 05 18 223 61 or similar."""
    match = _INSZ_FORM.fullmatch(text.strip())
    if match is None:
        raise InvalidIdentifierError.because(
            "INSZ {text}: must be 11 digits, written like 93051822361 or 93.05.18-223.61",
            text=shown(text),
        )
    digits = "".join(match.groups())
    _check_insz(digits, text)
    return Insz(digits)


# --- KBO/BCE enterprise numbers and establishment units --------------------------------------


def _ten_digits(text: str) -> str | None:
    """The 10 digits of a number written in either KBO grouping, or None."""
    for form in _TEN_DIGITS_FORMS:
        match = form.fullmatch(text)
        if match is not None:
            return "".join(match.groups())
    return None


def _check_kbo_digits(digits: str, text: str, what: str) -> None:
    """Refuse 10 digits whose last two are not 97 - (first 8 digits mod 97)."""
    expected = _mod97_check(int(digits[:8]))
    if int(digits[8:]) != expected:
        raise InvalidIdentifierError.because(
            "{what} {text}: check digits {digits} do not match {expected:02d} (97 "
            "- first 8 digits mod 97)",
            what=what,
            text=shown(text),
            digits=digits[8:],
            expected=expected,
        )


def _check_enterprise_number(digits: str, text: str) -> None:
    what = "enterprise number"
    if digits[0] not in "01":
        if digits[0] in "2345678":
            raise InvalidIdentifierError.because(
                "{what} {text}: starts with {digits}, so it is an establishment unit, "
                "not an enterprise number (those start with 0 or 1)",
                what=what,
                text=shown(text),
                digits=digits[0],
            )
        raise InvalidIdentifierError.because(
            "{what} {text}: must start with 0 or 1", what=what, text=shown(text)
        )
    _check_kbo_digits(digits, text, what)


def _check_establishment_unit(digits: str, text: str) -> None:
    what = "establishment unit"
    if digits[0] not in "2345678":
        if digits[0] in "01":
            raise InvalidIdentifierError.because(
                "{what} {text}: starts with {digits}, so it is an enterprise number, "
                "not an establishment unit (those start with 2 to 8)",
                what=what,
                text=shown(text),
                digits=digits[0],
            )
        raise InvalidIdentifierError.because(
            "{what} {text}: must start with 2 to 8", what=what, text=shown(text)
        )
    _check_kbo_digits(digits, text, what)


def _is_ten_ascii_digits(value: str) -> bool:
    return len(value) == 10 and value.isascii() and value.isdigit()


def _without_vat_prefix(text: str) -> str:
    match = _VAT_PREFIX.match(text)
    return text[match.end() :] if match is not None else text


@dataclass(frozen=True)
class EnterpriseNumber:
    """A KBO/BCE enterprise number as 10 digits, first digit 0 or 1."""

    value: str

    def __post_init__(self) -> None:
        if not _is_ten_ascii_digits(self.value):
            raise InvalidIdentifierError.because(
                "enterprise number {self_value}: must be 10 digits", self_value=shown(self.value)
            )
        _check_enterprise_number(self.value, self.value)

    @property
    def formatted(self) -> str:
        v = self.value
        return f"{v[0:4]}.{v[4:7]}.{v[7:10]}"

    def __str__(self) -> str:
        return self.formatted


def parse_enterprise_number(text: str) -> EnterpriseNumber:
    """Parse 0566.988.259, 0566988259, BE0566988259, BE 0566.988.259 or the old 566988259."""
    bare = _without_vat_prefix(text.strip())
    digits = _ten_digits(bare)
    if digits is None:
        old = _OLD_ENTERPRISE_FORM.fullmatch(bare)
        digits = "0" + "".join(old.groups()) if old is not None else None
    if digits is None:
        raise InvalidIdentifierError.because(
            "enterprise number {text}: must be 10 digits, written like "
            "0566.988.259, 0566988259 or BE0566988259 (or the old 9 digits "
            "566988259)",
            text=shown(text),
        )
    _check_enterprise_number(digits, text)
    return EnterpriseNumber(digits)


@dataclass(frozen=True)
class EstablishmentUnit:
    """A KBO/BCE establishment unit (vestigingseenheid) as 10 digits, first digit 2 to 8."""

    value: str

    def __post_init__(self) -> None:
        if not _is_ten_ascii_digits(self.value):
            raise InvalidIdentifierError.because(
                "establishment unit {self_value}: must be 10 digits", self_value=shown(self.value)
            )
        _check_establishment_unit(self.value, self.value)

    @property
    def formatted(self) -> str:
        v = self.value
        return f"{v[0]}.{v[1:4]}.{v[4:7]}.{v[7:10]}"

    def __str__(self) -> str:
        return self.formatted


def parse_establishment_unit(text: str) -> EstablishmentUnit:
    """Parse 2.147.812.897 or 2147812897."""
    digits = _ten_digits(text.strip())
    if digits is None:
        raise InvalidIdentifierError.because(
            "establishment unit {text}: must be 10 digits, written like "
            "2.147.812.897 or 2147812897",
            text=shown(text),
        )
    _check_establishment_unit(digits, text)
    return EstablishmentUnit(digits)


# --- Joint committees and sources ------------------------------------------------------------


def parse_joint_committee(text: str) -> str:
    """Parse a paritair comité code (200, 124, 149.01; "PC 200" too) into its canonical form."""
    match = _JOINT_COMMITTEE_FORM.fullmatch(text.strip())
    if match is None:
        raise InvalidIdentifierError.because(
            "joint committee {text}: expected 3 digits with an optional .NN "
            "sub-committee, e.g. 200 or 149.01",
            text=shown(text),
        )
    return match.group(1)


def _parse_employer(text: str, rest: str) -> str:
    try:
        enterprise = parse_enterprise_number(rest)
    except InvalidIdentifierError as error:
        raise InvalidIdentifierError.because(
            "source {text}: the employer part is not a valid enterprise number "
            "({error}); accepted forms are {source_forms}",
            text=shown(text),
            error=error,
            source_forms=_SOURCE_FORMS,
        ) from error
    return f"{EMPLOYER}:{enterprise.value}"


def _parse_sector_fund(text: str, rest: str, sector_funds: Collection[str]) -> str:
    code = rest.strip().lower()
    known = sorted({fund.lower() for fund in sector_funds})
    if code not in known:
        listed = ", ".join(known) if known else "none"
        raise InvalidIdentifierError.because(
            "source {text}: unknown sector fund {code!r}; known sector funds: {listed}",
            text=shown(text),
            code=code,
            listed=listed,
        )
    return f"{SECTOR_FUND}:{code}"


def parse_source(text: str, sector_funds: Collection[str]) -> str:
    """Parse who grants or pays for a right into one of the canonical source forms.

    ``sector_funds`` are the fund codes the catalogue knows; any other fund is refused here so a
    typo cannot open a source nobody will ever reconcile.
    """
    kind, colon, rest = text.strip().partition(":")
    kind = kind.strip().lower()
    if not colon and kind in _GOVERNMENTS:
        return kind
    if colon and kind == EMPLOYER:
        return _parse_employer(text, rest)
    if colon and kind == SECTOR_FUND:
        return _parse_sector_fund(text, rest, sector_funds)
    raise InvalidIdentifierError.because(
        "source {text}: accepted forms are {source_forms}",
        text=shown(text),
        source_forms=_SOURCE_FORMS,
    )


def source_kind(source: str) -> str:
    """The kind of a canonical source: employer, sector-fund, flemish-government or
    federal-government."""
    kind, colon, _ = source.partition(":")
    if (colon and kind in (EMPLOYER, SECTOR_FUND)) or (not colon and kind in _GOVERNMENTS):
        return kind
    raise InvalidIdentifierError.because(
        "source {source}: accepted forms are {source_forms}",
        source=shown(source),
        source_forms=_SOURCE_FORMS,
    )


# --- Account ids -----------------------------------------------------------------------------


def account_id(insz: Insz, key: bytes) -> uuid.UUID:
    """The id of the citizen's account stream: a keyed hash of the INSZ.

    The INSZ must not appear in event stores, logs or URLs; a plain hash would not hide it
    (there are only about a billion INSZs to try), so it is an HMAC whose key stays outside
    the store. The first 16 bytes of HMAC-SHA256 get the UUID version 8 ("custom") and the
    RFC 4122 variant bits, so the result is a valid UUID that any UUID column accepts.
    """
    if not key:
        # An empty key makes the hash as reversible as a plain one.
        raise ValueError("account_id needs a non-empty key")
    raw = bytearray(hmac.new(key, insz.value.encode("ascii"), hashlib.sha256).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8 in the high nibble of byte 6
    raw[8] = (raw[8] & 0x3F) | 0x80  # variant 10xx (RFC 4122) in the top bits of byte 8
    return uuid.UUID(bytes=bytes(raw))
