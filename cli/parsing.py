"""Parse command-line text into the primitives the Ledger takes, naming the input on error.

Click's own types would answer bad values with a usage error (exit 2); the contract wants
bad data to be a refusal (exit 1) whose message names the input and the rule, so ids and
dates arrive as text and are parsed here; amounts are passed on as text, for the Ledger
to read in their right's unit (``ledger/domain/amounts.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click

from ledger.domain.errors import InvalidInputError
from ledger.domain.identifiers import shown
from ledger.parsing import parse_day, parse_moment

F = TypeVar("F", bound=Callable[..., Any])

_WHOLE_NUMBER = re.compile(r"[+]?[0-9]+")
# Larger ids lose precision in JSON readers that use doubles, and no account comes near.
MAX_ID = 2**53 - 1
# More digits than any id has; checked before int(), which refuses (with a
# ValueError) to read more than 4300 digits and is slow well before that.
MAX_DIGITS = 30


def parse_event_id(text: str, name: str = "EVENT_ID") -> int:
    cleaned = text.strip()
    if not _is_whole_number(cleaned) or not 1 <= int(cleaned) <= MAX_ID:
        raise InvalidInputError(
            f"{name} {shown(text)}: must be an event id, a whole number from 1 (the event_id "
            "column of 'llr history')"
        )
    return int(cleaned)


def whole_number(text: str, name: str) -> int:
    """0 or more, in ASCII digits only (``--within``, ``--limit``)."""
    if not text.strip().isdigit() or not text.strip().isascii():
        raise InvalidInputError(f"{name} {text!r}: must be a whole number, 0 or more")
    return int(text)


def _is_whole_number(text: str) -> bool:
    return len(text) <= MAX_DIGITS and _WHOLE_NUMBER.fullmatch(text) is not None


def parse_optional_day(text: str | None, option: str) -> date | None:
    return None if text is None else parse_day(text, option)


def parse_known_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_moment(text)
    except InvalidInputError as error:
        raise InvalidInputError(f"--known-at: {error}") from None


def reading_options(command: F) -> F:
    """``--as-of``, ``--known-at``, ``--reason`` and ``--json``: the options of every read."""
    decorators = (
        click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout."),
        click.option(
            "--reason",
            metavar="TEXT",
            help="Why you read this citizen's data; kept in the access log the citizen may "
            "see. Required for the backoffice role.",
        ),
        click.option(
            "--known-at",
            metavar="TIME",
            help="Only what had been recorded by then (a date means the end of that day; "
            "times without a zone are UTC).",
        ),
        click.option(
            "--as-of", metavar="DATE", help="The state on that effective (business) date."
        ),
    )
    for decorate in decorators:
        command = decorate(command)
    return command


def review_option(command: F) -> F:
    return click.option(
        "--review",
        is_flag=True,
        help="A late fact that makes later entries invalid is recorded with an open review "
        "case listing them, instead of refused.",
    )(command)


def json_option(command: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")(command)
