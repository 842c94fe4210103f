"""Printing: aligned tables for people, JSON and CSV for programs, one line per write command.

With ``--json`` stdout carries exactly one JSON document and nothing else; anything meant
for a person (warnings, errors) goes to stderr.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import click

from ledger.csvsafe import neutralise
from ledger.domain.command import Result
from ledger.results import CommandOutcome

EMPTY = "-"


def echo_json(data: Any) -> None:
    click.echo(json_text(data))


def json_text(data: Any, indent: int | None = 2) -> str:
    """The JSON document, indented. A ``Decimal`` (an amount with decimals) is written as
    the exact number it is (``93.75``), never through a float: the json module knows no
    Decimal, so each one goes in as a marked string that is then unquoted."""
    mark = secrets.token_hex(8)
    marked = _marked(data, mark)
    separators = None if indent else (",", ":")
    text = json.dumps(
        marked, indent=indent, separators=separators, ensure_ascii=False, default=_jsonable
    )
    if marked is data:  # no Decimal anywhere
        return text
    return re.sub(f'"{mark}(-?[0-9]+(?:\\.[0-9]+)?)"', r"\1", text)


def _marked(value: Any, mark: str) -> Any:
    """``value`` with every Decimal as the string ``<mark><digits>`` (the same object when
    it holds none, so most documents are not copied)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write {value} as a JSON number")
        return f"{mark}{value:f}"
    if isinstance(value, dict):
        items = {k: _marked(v, mark) for k, v in value.items()}
        return value if all(items[k] is value[k] for k in value) else items
    if isinstance(value, list | tuple):
        listed = [_marked(v, mark) for v in value]
        same = all(a is b for a, b in zip(listed, value, strict=True))
        return value if same and isinstance(value, list) else listed
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def echo_csv(rows: list[dict[str, Any]], columns: tuple[str, ...] | None = None) -> None:
    write_csv(sys.stdout, rows, columns)


def csv_text(rows: list[dict[str, Any]], columns: tuple[str, ...] | None = None) -> str:
    """The CSV ``echo_csv`` prints, as text (the HTTP API sends it)."""
    buffer = io.StringIO()
    write_csv(buffer, rows, columns)
    return buffer.getvalue()


def write_csv(
    out: IO[str], rows: list[dict[str, Any]], columns: tuple[str, ...] | None = None
) -> None:
    # The default dialect (RFC 4180, lines end in CRLF) quotes any cell holding a CR or LF,
    # so no cell can start a new row in a spreadsheet, let alone one that starts with "=".
    writer = csv.writer(out)
    names = columns or (tuple(rows[0]) if rows else ())
    writer.writerow(names)
    for row in rows:
        writer.writerow([defused(row[name]) for name in names])


def defused(value: Any) -> Any:
    """A cell as a spreadsheet shows it without running it; nothing is an empty cell."""
    return "" if value is None else neutralise(value)


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def when_read(as_of: date | None, known_at: datetime | None) -> str:
    """' (as of D, as known at T)' for titles; empty for a reading of now."""
    parts = [f"as of {as_of}"] if as_of else []
    parts += [f"as known at {known_at.isoformat()}"] if known_at else []
    return f" ({', '.join(parts)})" if parts else ""


def cell(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, date | datetime):
        return value.isoformat()
    return printable(str(value))


def printable(text: str) -> str:
    """Control characters shown escaped: stored text must not steer the reader's terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], indent: str = "") -> str:
    """Columns padded to their widest cell; numbers aligned right so digits line up."""
    texts = [[cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in texts:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    numeric = [
        bool(texts) and all(_is_number(row[i]) for row in texts) for i in range(len(headers))
    ]
    lines = [_line(headers, widths, numeric), _line(["-" * w for w in widths], widths, numeric)]
    lines += [_line(row, widths, numeric) for row in texts]
    return "\n".join(indent + line.rstrip() for line in lines)


def _line(cells: Sequence[str], widths: Sequence[int], numeric: Sequence[bool]) -> str:
    return "  ".join(
        c.rjust(w) if right else c.ljust(w)
        for c, w, right in zip(cells, widths, numeric, strict=True)
    )


def _is_number(text: str) -> bool:
    """A count or an amount (``12``, ``-3``, ``93.75``): aligned right."""
    whole, _, decimals = text.lstrip("-").partition(".")
    return text == EMPTY or (whole.isdigit() and (decimals.isdigit() or not decimals))


def outcome_json(outcome: CommandOutcome) -> dict[str, Any]:
    return {
        "result": outcome.result.value,
        "events": list(outcome.events),
        "account_version": outcome.account_version,
    }


def outcome_line(outcome: CommandOutcome) -> str:
    """``applied: RightGranted (account version 3)`` or ``exists: already applied, ...``."""
    if outcome.result is Result.EXISTS:
        return "exists: already applied, nothing changed"
    return f"applied: {event_summary(outcome.events)} (account version {outcome.account_version})"


def event_summary(names: Sequence[str]) -> str:
    """Event names in order, a run of the same name shown once with its count."""
    runs: list[tuple[str, int]] = []
    for name in names:
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + 1)
        else:
            runs.append((name, 1))
    return ", ".join(name if n == 1 else f"{name} x{n}" for name, n in runs) or "nothing"


def echo_outcome(outcome: CommandOutcome, as_json: bool) -> None:
    if as_json:
        echo_json(outcome_json(outcome))
    else:
        click.echo(outcome_line(outcome))
