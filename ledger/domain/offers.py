"""The registry's word on a use or booking: which provider, or why not.

The registry (``ledger/registry``) is its own store of providers and trainings; the Ledger
looks the training up and hands what it found (an ``Offer``) to the account's command, so
the domain decides with what the registry said, without reading it.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from ledger.domain.catalogue import RightType
from ledger.domain.errors import InvalidInputError, NotInRegistryError
from ledger.domain.state import AccountState

# A training classified "career" needs a POP (personal development plan) this recent.
CAREER_TRAINING_POP_YEARS = 6


class Offer(Protocol):
    """What the registry says of a training (``ledger.domain.registry.TrainingOffer``)."""

    @property
    def provider(self) -> str: ...

    @property
    def classification(self) -> str: ...

    def refusal(self, right: str, on: date) -> str | None: ...


def check_registry(
    account: AccountState,
    right: RightType,
    training: str,
    provider: str | None,
    on: date,
    offer: Offer | None,
) -> str:
    """The provider of a use or booking that starts on ``on``. Where the right needs a
    registered training that day, the registry's: refused with the registry's fact when it
    does not recognise the training for the right, when ``provider`` names another one, or
    when a career training meets no recent POP. Elsewhere ``provider`` as given."""
    if not right.booking_rules.needs_registry(on):
        if provider is None or not provider.strip():
            since = right.booking_rules.registered_from
            raise InvalidInputError(
                f"--provider is missing: a use of {right.code} on {on} names the training's "
                "provider (its KBO number)"
                + (f"; the registry gives it for trainings from {since}" if since else "")
            )
        return provider
    if offer is None:
        raise NotInRegistryError(
            f"training {training!r} is not in the registry: {right.code} needs a registered "
            f"training from {right.booking_rules.registered_from} (llr registry training add)"
        )
    refusal = offer.refusal(right.code, on)
    if refusal is not None:
        raise NotInRegistryError(refusal)
    if provider and provider != offer.provider:
        raise NotInRegistryError(
            f"--provider {provider}: training {training!r} is given by provider "
            f"{offer.provider} in the registry"
        )
    if (
        offer.classification == "career"
        and account.facts.pop_on(on, CAREER_TRAINING_POP_YEARS) is None
    ):
        raise NotInRegistryError(
            f"training {training!r} is a career training: it needs a POP (personal development "
            f"plan) made in the {CAREER_TRAINING_POP_YEARS} years before {on} (llr fact INSZ pop)"
        )
    return offer.provider
