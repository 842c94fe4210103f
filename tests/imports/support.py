"""Files, citizens and look-ups shared by the import tests."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from ledger.application import Ledger
from ledger.domain.account import Account
from ledger.imports import ImportSettings, ImportSummary, import_file
from ledger.imports.rows import ENTRY_FIELDS, FIELDS

EMPLOYER = "employer:0566988259"
OTHER_EMPLOYER = "employer:0403170701"
FUND = "sector-fund:cevora"
FLANDERS = "flemish-government"
INSZ = "93051822361"
OTHER_INSZ = "85073003328"
START = date(2024, 9, 2)


def insz_of(index: int) -> str:
    """Valid, distinct INSZs (index 0 to 99,999): born in 1980 or 1981, serial 1-997."""
    day, serial = divmod(index, 997)
    born = date(1980, 1, 1) + timedelta(days=day)
    nine = f"{born:%y%m%d}{serial + 1:03d}"
    return nine + f"{97 - int(nine) % 97:02d}"


def grant(
    insz: str,
    reference: str,
    amount: int = 10,
    on: date = START,
    right: str = "vov-hours",
    **extra: str,
) -> dict[str, str]:
    return {
        "kind": "grant",
        "insz": insz,
        "on": on.isoformat(),
        "right": right,
        "amount": str(amount),
        "reference": reference,
        **extra,
    }


def use(
    insz: str, reference: str, amount: int = 5, on: date = START, right: str = "vov-hours"
) -> dict[str, str]:
    return {
        "kind": "use",
        "insz": insz,
        "on": on.isoformat(),
        "right": right,
        "amount": str(amount),
        "training": "OPL-12345",
        "provider": "0403170701",
        "reference": reference,
    }


def status(insz: str, reference: str, to: str, on: date = START) -> dict[str, str]:
    return {
        "kind": "status",
        "insz": insz,
        "on": on.isoformat(),
        "status": to,
        "reference": reference,
    }


def employment_start(
    insz: str,
    reference: str,
    employer: str = "0403170701",
    on: date = START,
    joint_committee: str = "200",
    **extra: str,
) -> dict[str, str]:
    return {
        "kind": "employment-start",
        "insz": insz,
        "on": on.isoformat(),
        "employer": employer,
        "joint_committee": joint_committee,
        "reference": reference,
        **extra,
    }


def write_csv(
    path: Path,
    rows: Iterable[dict[str, str]],
    delimiter: str = ";",
    header: Sequence[str] | None = None,
    encoding: str = "utf-8",
) -> Path:
    """A CSV file of ``rows``; its header has the first fields and any other the rows use."""
    rows = list(rows)
    if header is None:
        used = {name for row in rows for name in row}
        header = [*ENTRY_FIELDS, *(n for n in FIELDS if n in used and n not in ENTRY_FIELDS)]
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(name, "") for name in header])
    return path


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def run_import(
    ledger: Ledger,
    path: Path,
    source: str = EMPLOYER,
    chunk_lines: int = 2000,
    cached_accounts: int = 10_000,
    workers: int = 1,
    **options: Any,
) -> tuple[ImportSummary, list[dict[str, str]]]:
    """Import ``path``; the summary and the rejects file's rows (empty when none)."""
    rejects = path.with_name(path.name + ".rejects.csv")
    rejects.unlink(missing_ok=True)
    settings = ImportSettings(
        chunk_lines=chunk_lines, cached_accounts=cached_accounts, workers=workers
    )
    summary = import_file(ledger, path, source, rejects=rejects, settings=settings, **options)
    if not rejects.exists():
        return summary, []
    with rejects.open(encoding="utf-8", newline="") as handle:
        return summary, list(csv.DictReader(handle))


def stored_events(ledger: Ledger) -> list[Any]:
    """Every event in the store, in the order recorded."""
    events: list[Any] = []
    start = 0
    while page := ledger.recorder.select_notifications(start, 1000, inclusive_of_start=False):
        events.extend(ledger.mapper.to_domain_event(n) for n in page)
        start = page[-1].id
    return events


def applied_references(ledger: Ledger) -> Counter[tuple[UUID, str]]:
    """How many times each (account, reference) was written: 1 each when nothing doubled."""
    return Counter(
        (event.originator_id, event.reference)
        for event in stored_events(ledger)
        if isinstance(event, Account.Event) and getattr(event, "reference", None)
    )
