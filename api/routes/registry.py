"""The registry of recognised providers and their trainings (``llr registry``).

Every role reads it (public facts, not logged as a citizen's data); backoffice and admin
write it. The Ledger view's ``registry`` is already the caller's: the same checks, the
caller recorded as the actor of each event. A write answers 201 with ``llr registry ...
--json``'s document, or 200 when it was already applied.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, StrictBool

from api.deps import ActingLedger, action_of
from api.responses import LedgerJSON, document
from api.routes.common import AsOf, Body, Day, amount_text, field_named_router
from cli.registry_render import shown
from ledger.domain.command import Result
from ledger.registry import RegistryOutcome
from ledger.security.roles import Action

router = field_named_router("/api/v1/registry", "registry")

Rights = Annotated[list[str] | str, Field(description='["training-vouchers", "vov-hours"]')]


class ProviderBody(Body):
    kbo: str
    name: str
    recognised_for: Rights
    valid_from: Day = Field(alias="from")
    until: Day | None = None  # the last day, inclusive; default: open-ended
    public: StrictBool = False
    label: str | None = None


class RevokeBody(Body):
    on: Day  # from this day recognised for nothing
    reason: str


class TrainingBody(Body):
    code: str
    provider: str
    title: str
    rights: Rights
    valid_from: Day = Field(alias="from")
    until: Day | None = None
    classification: str | None = None  # labour-market (default), career or lifewide
    hours: Annotated[str, BeforeValidator(amount_text)] | None = None  # 40, 12.5


class DelistBody(Body):
    on: Day  # from this day it may not be started


def registered(outcome: RegistryOutcome) -> LedgerJSON:
    status = 201 if outcome.result is Result.APPLIED else 200
    return document(
        {"result": outcome.result.value, "key": outcome.key, "events": list(outcome.events)},
        status,
    )


@router.get(
    "/{key}",
    summary="A provider (by KBO) or a training (by code): its state and history",
    openapi_extra=action_of(Action.READ_REGISTRY),
)
def show(ledger: ActingLedger, key: str, as_of: AsOf = None) -> LedgerJSON:
    ledger.registry.require(Action.READ_REGISTRY)
    content, _ = shown(ledger.registry, key, as_of)
    return document(content)


@router.post(
    "/providers",
    status_code=201,
    summary="Register a provider, recognise it for a further right, or end a recognition",
    openapi_extra=action_of(Action.WRITE_REGISTRY),
)
def add_provider(ledger: ActingLedger, body: ProviderBody) -> LedgerJSON:
    outcome = ledger.registry.add_provider(
        body.kbo, body.name, body.recognised_for, body.valid_from, body.until, body.public,
        body.label,
    )  # fmt: skip
    return registered(outcome)


@router.post(
    "/providers/{kbo}/revoke",
    status_code=201,
    summary="Revoke a provider's recognition, for every right, from a date",
    openapi_extra=action_of(Action.WRITE_REGISTRY),
)
def revoke_provider(ledger: ActingLedger, kbo: str, body: RevokeBody) -> LedgerJSON:
    return registered(ledger.registry.revoke_provider(kbo, body.on, body.reason))


@router.post(
    "/trainings",
    status_code=201,
    summary="Register a training of a registered provider",
    openapi_extra=action_of(Action.WRITE_REGISTRY),
)
def add_training(ledger: ActingLedger, body: TrainingBody) -> LedgerJSON:
    outcome = ledger.registry.add_training(
        body.code, body.provider, body.title, body.rights, body.valid_from, body.until,
        body.classification or "labour-market", body.hours,
    )  # fmt: skip
    return registered(outcome)


@router.post(
    "/trainings/{code}/delist",
    status_code=201,
    summary="Delist a training from a date; one started before may be finished",
    openapi_extra=action_of(Action.WRITE_REGISTRY),
)
def delist_training(ledger: ActingLedger, code: str, body: DelistBody) -> LedgerJSON:
    return registered(ledger.registry.delist_training(code, body.on))
