"""What the citizen and registry routes share: request bodies, their value types, and the
way a write and a read answer.

Bodies forbid unknown fields, so a misspelt ``expires_on`` is refused instead of silently
granting without an expiry. Dates and amounts are parsed here, before the Ledger, only as
far as JSON types go (a date is an ISO string, an amount a number or a string): what the
text means (the right's unit, its precision) is the Ledger's question, as on the command
line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictBool, WithJsonSchema

from api.deps import etag
from api.responses import LedgerJSON, document
from cli.output import outcome_json
from ledger.domain.command import Result
from ledger.domain.errors import LedgerError
from ledger.results import CommandOutcome
from ledger.security.inputs import MAX_REASON

DAY_FORM = "expected an ISO date such as 2024-09-01"
AMOUNT_FORM = 'expected an amount in the right\'s unit: a number or a string such as "2.5"'


def iso_day(value: object) -> date:
    """A JSON date is an ISO string; pydantic would also take a Unix timestamp."""
    if not isinstance(value, str):
        raise ValueError(DAY_FORM)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(DAY_FORM) from None


def amount_text(value: object) -> str:
    """An amount as the command line takes it: text in the right's unit (``125``,
    ``"2.5"``); the Ledger reads it to the right's precision. A JSON number with decimals
    goes through its shortest repr, so 93.75 is 93.75, never 93.7499999."""
    if isinstance(value, bool):  # a bool is an int to Python, never an amount
        raise ValueError(AMOUNT_FORM)
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        if not number.is_finite():
            raise ValueError(AMOUNT_FORM)
        return format(number, "f")
    raise ValueError(AMOUNT_FORM)


Day = Annotated[
    date, BeforeValidator(iso_day), WithJsonSchema({"type": "string", "format": "date"})
]
Amount = Annotated[
    str,
    BeforeValidator(amount_text),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}],
                    "description": "In the right's unit: 125, 2.5, \"93.75\""}),
]  # fmt: skip
AsOf = Annotated[Day | None, Query(description="Read business time up to this day.")]
KnownAt = Annotated[
    str | None,
    Query(description="Read only what had been recorded by this moment (ISO 8601)."),
]


class Body(BaseModel):
    # The longest text the Ledger takes (a reason); shorter limits (ids: 200) are the
    # Ledger's to check, so that the refusal is the command line's.
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_REASON)


class Recorded(Body):
    """Who reports a fact and their id for it, as ``--source`` and ``--ref``."""

    source: str | None = None
    reference: str | None = None


class Reviewable(Recorded):
    review: StrictBool = False


def written(outcome: CommandOutcome, **extra: Any) -> LedgerJSON:
    """201 for a new write, 200 for a repeat; the new version as the ETag."""
    status = 201 if outcome.result is Result.APPLIED else 200
    return document(outcome_json(outcome) | extra, status, {"ETag": etag(outcome.account_version)})


def read(content: Mapping[str, Any], account_version: int) -> LedgerJSON:
    """A read of an account, with the version it was read at as its ETag."""
    return document(content, 200, {"ETag": etag(account_version)})


# The command line's messages name its options; over HTTP the same message names the JSON
# field or header the caller gave. Only these names are rewritten, whole, so an input the
# message quotes stays as it was typed.
FIELD_OF_OPTION: Mapping[str, str] = {
    "--reason TEXT (e.g. --reason": "an X-Reason header (e.g.",
    " (set LLR_ROLE)": " (the role of the credential)",
    **{name: name.lower() for name in ("AMOUNT", "KBO", "CODE", "CASE")},
    "--ref": "reference",
    "--expires": "expires_on",
    **{f"--{name}": name.replace("-", "_") for name in (
        "on", "from", "until", "fte", "region", "unit", "joint-committee", "employer",
        "situation", "status", "source", "reason", "training", "provider", "track", "amount",
        "hold-until", "enrolment", "known-at", "as-of", "name", "recognised-for", "rights",
        "title", "label", "hours", "classification", "review",
    )},
}  # fmt: skip
OPTIONS = re.compile(
    "|".join(
        (r"\b" if o[0].isalnum() else "") + re.escape(o) + (r"\b" if o[-1].isalnum() else "")
        for o in sorted(FIELD_OF_OPTION, key=len, reverse=True)
    )
)


def in_field_terms(message: str) -> str:
    """The message with the options it names turned into the fields they are over HTTP."""
    return OPTIONS.sub(lambda m: FIELD_OF_OPTION[m.group(0)], message)


def in_http_terms(error: LedgerError) -> LedgerError:
    """The refusal, its message naming fields instead of options (same class, same type)."""
    message = str(error)
    renamed = in_field_terms(message)
    if renamed != message:
        error.args = (renamed,)
    return error


class FieldNamedRoute(APIRoute):
    """A route whose refusals name the request's fields (``in_http_terms``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except LedgerError as error:
                raise in_http_terms(error) from None

        return handle


def field_named_router(prefix: str, tag: str) -> APIRouter:
    """A router of account and registry routes: documents out as LedgerJSON, refusals
    naming the JSON fields (``FieldNamedRoute``)."""
    return APIRouter(
        prefix=prefix, tags=[tag], default_response_class=LedgerJSON, route_class=FieldNamedRoute
    )
