"""What the registry of recognised providers and trainings says of one training.

Public training money goes to recognised providers only. A use or a booking that names a
training asks its ``TrainingOffer`` whether it may: ``refusal`` gives the registry fact
that refuses it, as a sentence, or None. The streams behind an offer (``Provider``,
``Training``) are in ``registry_streams.py``; the application that stores them apart from
the citizens' accounts is ``ledger/registry/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledger.domain.errors import LedgerError

LABOUR_MARKET = "labour-market"
CAREER = "career"  # a career training needs a personal development plan (POP)
LIFEWIDE = "lifewide"
CLASSIFICATIONS = (LABOUR_MARKET, CAREER, LIFEWIDE)


class RegistryError(LedgerError):
    """Bad input for the registry, or a rule of the registry that a command would break."""


class RegistryConflictError(RegistryError):
    """The key (a KBO, a training code) is registered with other content."""


class NotRegisteredError(RegistryError):
    """No provider or training is registered under this key."""


@dataclass(frozen=True)
class Recognition:
    right: str
    valid_from: date
    valid_until: date | None  # inclusive last day, None: open-ended

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def period(self) -> str:
        return f"from {self.valid_from}" + (
            f" until {self.valid_until}" if self.valid_until else ""
        )


@dataclass(frozen=True)
class TrainingOffer:
    """What the registry says of one training (and its provider), for a use or booking."""

    code: str
    title: str
    provider: str  # KBO, 10 digits
    provider_name: str
    provider_public: bool
    classification: str  # labour-market | career | lifewide
    rights: frozenset[str]
    listed_from: date
    listed_until: date | None  # inclusive
    delisted_on: date | None  # from this day it may not be started
    recognitions: tuple[Recognition, ...]
    revoked_on: date | None  # provider's recognition revoked from this day (all rights)

    def refusal(self, right: str, on: date) -> str | None:
        """None when a use or booking of `right` that starts on `on` may name this
        training; otherwise the registry fact that refuses it, as a sentence naming the
        training code, the provider's KBO and name, the right and the date.

        A training started before its delisting (or the provider's revocation) may be
        finished: only the start date counts.
        """
        fact = self._training_fact(right, on) or self._provider_fact(right, on)
        if fact is None:
            return None
        return f"training {self.code} at provider {self.provider} ({self.provider_name}): {fact}"

    def _training_fact(self, right: str, on: date) -> str | None:
        if right not in self.rights:
            listed = ", ".join(sorted(self.rights))
            return f"is not eligible for {right} (its rights: {listed})"
        if on < self.listed_from:
            return f"is not registered until {self.listed_from}, so not for {right} on {on}"
        if self.listed_until is not None and on > self.listed_until:
            return f"was registered until {self.listed_until}, so not for {right} on {on}"
        if self.delisted_on is not None and on >= self.delisted_on:
            return f"was delisted on {self.delisted_on}, so not for {right} on {on}"
        return None

    def _provider_fact(self, right: str, on: date) -> str | None:
        if self.revoked_on is not None and on >= self.revoked_on:
            return (
                f"the provider's recognition was revoked on {self.revoked_on}, so not for "
                f"{right} on {on}"
            )
        of_right = [r for r in self.recognitions if r.right == right]
        if any(r.covers(on) for r in of_right):
            return None
        return f"not recognised for {right} on {on} ({recognised_when(of_right)})"


def recognised_when(recognitions: list[Recognition]) -> str:
    """When the provider is recognised for a right, as a refusal's parenthesis says it."""
    if not recognitions:
        return "never recognised for it"
    return "recognised for it " + "; ".join(r.period for r in recognitions)
