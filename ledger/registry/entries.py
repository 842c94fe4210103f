"""One line of the registry, a command's or a file's, applied to the streams in hand.

The single commands of ``Registry`` and the batched import run the same two functions,
so a line is refused with the same message whichever way it comes in.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date

from ledger.domain.command import Result
from ledger.domain.registry import Recognition
from ledger.domain.registry_streams import Listing, Provider, Training, check_listing


@dataclass(frozen=True)
class ProviderEntry:
    """A provider as a command or a file line gives it, already validated."""

    kbo: str
    name: str
    rights: tuple[str, ...]
    valid_from: date
    valid_until: date | None
    public: bool
    label: str | None

    def recognitions(self) -> list[Recognition]:
        return [Recognition(right, self.valid_from, self.valid_until) for right in self.rights]


def apply_provider(
    provider: Provider | None, entry: ProviderEntry, actor: str
) -> tuple[Provider, Result]:
    """Register the provider, or add to it the recognitions it does not hold yet."""
    if provider is None:
        provider = Provider.register(
            entry.kbo, entry.name, entry.public, entry.label, entry.valid_from, actor
        )
        for recognition in entry.recognitions():
            provider.recognise(recognition, actor)
        return provider, Result.APPLIED
    provider.check_same(entry.name, entry.public, entry.label)
    # A line lands whole: every recognition is checked on a copy before any is recorded.
    trial = copy.deepcopy(provider)
    for recognition in entry.recognitions():
        trial.recognise(recognition, actor)
    results = [provider.recognise(recognition, actor) for recognition in entry.recognitions()]
    return provider, Result.APPLIED if Result.APPLIED in results else Result.EXISTS


def apply_listing(
    training: Training | None, listing: Listing, provider: Provider | None, actor: str
) -> tuple[Training, Result]:
    """Register the training, or find it registered with the same content."""
    if training is not None:
        training.check_same(listing)
        return training, Result.EXISTS
    check_listing(listing, provider)
    return Training.register(listing, actor), Result.APPLIED
