"""Reports read from the projections: take-up, expiring rights, sources, the audit trail.

Each report reads its rows and the projections' positions in one read transaction, and
says how many events were not yet projected (``lag``), so a reader knows how fresh it is.
Rows are plain dataclasses; ``cli/reports.py`` formats them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from ledger.application import Ledger
from ledger.domain.errors import InvalidInputError, LedgerError
from ledger.projections.base import age_band
from ledger.projections.migrate import check_current
from ledger.projections.personal_fields import FieldCipher
from ledger.projections.takeup import parse_profile
from ledger.projections.trail import EVENT_NAMES, TRAIL_COLUMNS
from ledger.store.read_models.base import Store
from ledger.store.read_models.opening import opened

R = TypeVar("R")
TAKE_UP_GROUPS = ("education", "status", "age_band")
EDUCATION_ORDER = {"low": 0, "medium": 1, "high": 2, "unknown": 3}


@dataclass(frozen=True)
class Report(Generic[R]):
    rows: list[R]
    lag: int  # events in the store that the report's projections have not applied yet


@dataclass(frozen=True)
class TakeUpRow:
    period: str  # school year, e.g. 2024-25
    right: str
    unit: str
    group: dict[str, str]  # e.g. {"education": "low"}
    holders: int  # citizens granted the right in the period
    users: int  # citizens who used it in the period
    holders_who_used: int
    granted: int
    used: int
    expired: int
    forfeited: int

    @property
    def share(self) -> float | None:
        """The share of holders who used the right in the same period."""
        return self.holders_who_used / self.holders if self.holders else None


@dataclass(frozen=True)
class ExpiringRow:
    expires_on: str  # the first day the lot can no longer be used
    citizen: str  # masked INSZ (birth date only)
    account_id: str
    right: str
    unit: str
    remaining: int
    state: str
    source: str
    lot: str


@dataclass(frozen=True)
class SourceRow:
    source: str
    batch: str
    right: str
    unit: str
    grants: int
    granted: int
    uses: int
    used: int
    reversed_granted: int
    reversed_used: int


@dataclass(frozen=True)
class TrailFilter:
    date_from: date | None = None
    date_to: date | None = None
    events: Sequence[str] = field(default_factory=tuple)
    right: str | None = None
    source: str | None = None
    batch: str | None = None
    limit: int | None = None


@contextmanager
def reading(ledger: Ledger) -> Iterator[Store]:
    with opened(ledger.env) as store:
        check_current(store)
        yield store


def lag_of(ledger: Ledger, store: Store, names: Sequence[str]) -> int:
    positions = store.read_positions()
    head = ledger.recorder.max_notification_id() or 0
    return max(head - min(positions.get(name, 0) for name in names), 0)


def unit_of(ledger: Ledger, right: str) -> str:
    try:
        return ledger.catalogue.right(right).unit.value
    except LedgerError:
        return ""  # a right type no longer in the catalogue still shows, without its unit


def take_up(
    ledger: Ledger,
    by: Sequence[str] = ("education",),
    period: str | None = None,
    right: str | None = None,
) -> Report[TakeUpRow]:
    """Take-up per period, right type and the chosen groups (education, status, age_band)."""
    groups = [g.replace("-", "_") for g in by]
    unknown = [g for g in groups if g not in TAKE_UP_GROUPS]
    if unknown or not groups:
        raise InvalidInputError.because(
            "take-up groups {groups}: choose from education, status, age-band",
            groups=", ".join(by) or "(none)",
        )
    if period is not None and not is_school_year(period):
        raise InvalidInputError.because(
            "period {period!r}: a school year is written like 2024-25", period=period
        )
    with reading(ledger) as store, store.snapshot():
        found = store.query(*take_up_sql(groups, period, right))
        lag = lag_of(ledger, store, ["takeup"])
    totals = regrouped(found, groups, FieldCipher(ledger.mapper.cipher))
    rows = [
        TakeUpRow(
            key[0], key[1], unit_of(ledger, key[1]), dict(zip(groups, key[2:], strict=True)),
            *counts,
        )
        for key, counts in totals.items()
    ]  # fmt: skip
    rows.sort(key=lambda r: (r.period, r.right, *map(group_order, r.group.items())))
    return Report(rows, lag)


def take_up_sql(
    groups: Sequence[str], period: str | None, right: str | None
) -> tuple[str, list[Any]]:
    """Counts per period, right type and status, and per citizen profile when the groups
    need the education or the age band. An encrypted profile differs per citizen, so then
    the SQL gives about a row per citizen and right, summed per group in Python
    (``regrouped``); without a key equal profiles are summed here already."""
    where, params = filters(("f.period", period), ("f.right_code", right))
    profile = "c.profile" if {"education", "age_band"} & set(groups) else "''"
    joined = " JOIN takeup_citizens c ON c.account_id = f.account_id" if profile != "''" else ""
    sql = (
        f"SELECT f.period, f.right_code, f.status, {profile}, "
        "SUM(CASE WHEN f.granted > 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN f.used > 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN f.granted > 0 AND f.used > 0 THEN 1 ELSE 0 END), "
        "SUM(f.granted), SUM(f.used), SUM(f.expired), SUM(f.forfeited) "
        f"FROM takeup_facts f{joined}{where} GROUP BY f.period, f.right_code, f.status"
    )
    return (sql + ", c.profile" if joined else sql), params


def regrouped(
    found: Sequence[Sequence[Any]], groups: Sequence[str], cipher: FieldCipher
) -> dict[tuple[str, ...], list[int]]:
    """(period, right, *group values) -> the seven counts, summed over the SQL's rows."""
    totals: dict[tuple[str, ...], list[int]] = {}
    for period, right, status, profile, *counts in found:
        education, birth_year = parse_profile(cipher.decrypt(profile)) if profile else ("", None)
        values = {"education": education, "status": status,
                  "age_band": age_band(birth_year, period)}  # fmt: skip
        key = (period, right, *(values[g] for g in groups))
        total = totals.get(key)
        if total is None:
            totals[key] = [int(c) for c in counts]
        else:
            for index, count in enumerate(counts):
                total[index] += int(count)
    return totals


def is_school_year(text: str) -> bool:
    first, dash, second = text.partition("-")
    return (
        dash == "-" and len(first) == 4 and len(second) == 2 and (first + second).isdigit()
        and (int(first) + 1) % 100 == int(second)
    )  # fmt: skip


def group_order(item: tuple[str, str]) -> tuple[int, str]:
    name, value = item
    return (EDUCATION_ORDER.get(value, 9) if name == "education" else 0, value)


def expiring(
    ledger: Ledger, within_days: int, as_of: date, right: str | None = None
) -> Report[ExpiringRow]:
    """Open lots still usable on ``as_of`` that stop being usable within ``within_days``.

    The lots are the balances projection's; who holds them, the expiring projection's
    (encrypted with a key, so the rows are sorted here, after decrypting)."""
    if within_days < 0:
        raise InvalidInputError.because(
            "--within {within_days}: the number of days cannot be negative", within_days=within_days
        )
    sql = (
        "SELECT l.expires_on, c.citizen, l.account_id, l.right_code, l.remaining, l.state, "
        "l.source, l.lot FROM balance_lots l "
        "LEFT JOIN expiring_citizens c ON c.account_id = l.account_id "
        "WHERE l.expires_on IS NOT NULL AND l.remaining > 0 "
        "AND l.state IN ('usable', 'suspended') AND l.expires_on > ? AND l.expires_on <= ?"
    )
    params: list[Any] = [as_of.isoformat(), (as_of + timedelta(days=within_days)).isoformat()]
    if right:
        sql, params = sql + " AND l.right_code = ?", [*params, right]
    with reading(ledger) as store, store.snapshot():
        found = store.query(sql, params)
        lag = lag_of(ledger, store, ["balances", "expiring"])
    cipher = FieldCipher(ledger.mapper.cipher)
    rows = [
        ExpiringRow(str(r[0]), cipher.decrypt(r[1]) if r[1] else "?", str(r[2]), r[3],
                    unit_of(ledger, r[3]), int(r[4]), r[5], r[6], r[7])
        for r in found
    ]  # fmt: skip
    rows.sort(key=lambda r: (r.expires_on, r.citizen, r.account_id, r.lot))
    return Report(rows, lag)


def sources(
    ledger: Ledger, of_source: str | None = None, batch: str | None = None
) -> Report[SourceRow]:
    """Granted and used per source, batch and right type, for reconciliation."""
    where, params = filters(("source", of_source), ("batch", batch))
    sql = (
        "SELECT source, batch, right_code, grants, granted, uses, used, reversed_granted, "
        f"reversed_used FROM source_totals{where} ORDER BY source, batch, right_code"
    )
    with reading(ledger) as store, store.snapshot():
        found, lag = store.query(sql, params), lag_of(ledger, store, ["sources"])
    rows = [SourceRow(r[0], r[1], r[2], unit_of(ledger, r[2]), *map(int, r[3:])) for r in found]
    return Report(rows, lag)


def trail(ledger: Ledger, wanted: TrailFilter) -> Report[dict[str, Any]]:
    """Audit-trail rows in log order, filtered; each row a dict of ``TRAIL_COLUMNS``."""
    unknown = [e for e in wanted.events if e not in EVENT_NAMES]
    if unknown:
        raise InvalidInputError.because(
            "event {join}: must be one of {event_names}",
            join=", ".join(map(repr, unknown)),
            event_names=", ".join(EVENT_NAMES),
        )
    date_from = wanted.date_from.isoformat() if wanted.date_from else None
    date_to = wanted.date_to.isoformat() if wanted.date_to else None
    where, params = filters(
        ("effective_on >=", date_from), ("effective_on <=", date_to), ("right_code", wanted.right),
        ("source", wanted.source), ("batch", wanted.batch),
    )  # fmt: skip
    if wanted.events:
        marks = ", ".join("?" * len(wanted.events))
        where = f"{where} {'AND' if where else 'WHERE'} event IN ({marks})"
        params = [*params, *wanted.events]
    sql = f"SELECT {', '.join(TRAIL_COLUMNS)} FROM audit_trail{where} ORDER BY position"
    if wanted.limit is not None:
        sql, params = f"{sql} LIMIT ?", [*params, wanted.limit]
    with reading(ledger) as store, store.snapshot():
        found, lag = store.query(sql, params), lag_of(ledger, store, ["trail"])
    rows = [{c: plain(v) for c, v in zip(TRAIL_COLUMNS, r, strict=True)} for r in found]
    return Report(rows, lag)


def filters(*pairs: tuple[str, Any]) -> tuple[str, list[Any]]:
    """ " WHERE a = ? AND b >= ?" for the pairs whose value is given."""
    given = [(c, v) for c, v in pairs if v is not None]
    terms = [c if c.endswith(("=", "<", ">")) else f"{c} =" for c, _ in given]
    where = " AND ".join(f"{t} ?" for t in terms)
    return (f" WHERE {where}" if where else ""), [v for _, v in given]


def plain(value: Any) -> Any:
    """Driver values as JSON-ready text and numbers (PostgreSQL gives UUID, date, datetime)."""
    if value is None or isinstance(value, int | str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
