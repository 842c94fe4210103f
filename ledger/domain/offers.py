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
            if since is None:
                raise InvalidInputError.because(
                    "--provider is missing: a use of {right} on {on} names the training's "
                    "provider (its KBO number)", right=right.code, on=on,
                )  # fmt: skip
            raise InvalidInputError.because(
                "--provider is missing: a use of {right} on {on} names the training's "
                "provider (its KBO number); the registry gives it for trainings from {since}",
                right=right.code, on=on, since=since,
            )  # fmt: skip
        return provider
    if offer is None:
        raise NotInRegistryError.because(
            "training {training!r} is not in the registry: {right_code} needs a "
            "registered training from {right_booking_rules_registered_from} (llr "
            "registry training add)",
            training=training,
            right_code=right.code,
            right_booking_rules_registered_from=right.booking_rules.registered_from,
        )
    refusal = offer.refusal(right.code, on)
    if refusal is not None:
        raise NotInRegistryError(refusal)
    if provider and provider != offer.provider:
        raise NotInRegistryError.because(
            "--provider {provider}: training {training!r} is given by provider "
            "{offer_provider} in the registry",
            provider=provider,
            training=training,
            offer_provider=offer.provider,
        )
    if (
        offer.classification == "career"
        and account.facts.pop_on(on, CAREER_TRAINING_POP_YEARS) is None
    ):
        raise NotInRegistryError.because(
            "training {training!r} is a career training: it needs a POP (personal "
            "development plan) made in the {career_training_pop_years} years "
            "before {on} (llr fact INSZ pop)",
            training=training,
            career_training_pop_years=CAREER_TRAINING_POP_YEARS,
            on=on,
        )
    return offer.provider
