"""The Registry: recognised providers and their trainings, an application of its own.

It runs on the Ledger's database but in its own events table (``registry_events``), so the
audit, the projections and every scan of accounts never meet a provider's stream
(``ledger/store/registry_tables.py``). Commands take primitives, check them
(``inputs.py``), apply one line to the streams in hand (``entries.py``), save, and bring
the read models up to date in the same process. Each is idempotent: ``exists`` for the
same content again.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import ApplicationRecorder, JSONTranscoder, RecordConflictError
from eventsourcing.utils import Environment, EnvType

from ledger.catalogue import default_catalogue
from ledger.domain.catalogue import Catalogue
from ledger.domain.command import Result
from ledger.domain.errors import LedgerError
from ledger.domain.registry import TrainingOffer
from ledger.domain.registry_streams import (
    Listing,
    Provider,
    Training,
    not_registered,
    provider_id,
    training_id,
)
from ledger.registry import inputs
from ledger.registry.entries import ProviderEntry, apply_listing, apply_provider
from ledger.registry.views import provider_row, training_row
from ledger.security.roles import Action, Role, actor_with_role, require
from ledger.store.registry_tables import (
    creates_tables,
    has_registry_table,
    registry_recorder,
    select_streams,
    views_for,
)
from ledger.store.transcodings import DateAsISO

T = TypeVar("T")
CONFLICT_RETRIES = 5


@dataclass(frozen=True)
class RegistryOutcome:
    """What one registry command did: ``applied`` or ``exists``, on which key."""

    result: Result
    key: str
    events: tuple[str, ...]  # names of the events written, in order


class Registry(Application[UUID]):
    """Providers (by KBO) and trainings (by code), each a stream of dated, signed events."""

    name = "registry"
    is_snapshotting_enabled = False

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        actor: str = "trusted-code",
        role: Role | None = None,
        catalogue: Catalogue | None = None,
    ) -> None:
        try:
            super().__init__(env)
        except BaseException:
            factory = self.__dict__.get("factory")
            if factory is not None:
                factory.close()
            raise
        # Every event records who acted and in which role: "staff:42 (backoffice)".
        self.actor = actor if role is None else actor_with_role(actor, role)
        self.role = role  # None: trusted code, as for the Ledger
        self.catalogue = catalogue or default_catalogue()
        self.views = views_for(self.recorder)
        if creates_tables(self.factory):
            self.views.create()

    def acting_as(self, role: Role, actor: str) -> Registry:
        """This Registry for one caller of a service (see ``Ledger.acting_as``): the same
        store and connections, the caller's role checked and recorded."""
        view = copy.copy(self)
        view.actor, view.role = actor_with_role(actor, role), role
        view.__dict__["_viewed"] = self
        return view

    def close(self) -> None:
        """Close the store's connections; a view closes nothing. The library's
        ``Application.__del__`` closes: a view dropped after its request would otherwise
        close the connections every other request shares."""
        if self.__dict__.get("_viewed") is not None:
            return
        super().close()

    # ----------------------------------------------------------- the store
    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        environment = super().construct_env(name, env)
        # A Ledger's environment asks for snapshots; a registry stream is a few events long.
        environment["IS_SNAPSHOTTING_ENABLED"] = "n"
        environment["REGISTRY_IS_SNAPSHOTTING_ENABLED"] = "n"
        return environment

    def construct_recorder(self) -> ApplicationRecorder:
        return registry_recorder(self.factory)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def require(self, action: Action) -> None:
        if self.role is not None:
            require(self.role, action)
        if action is Action.WRITE_REGISTRY and not self.stored:
            raise LedgerError.because(
                "the registry's tables are missing from this store (made before the "
                "registry): run 'llr init' as admin"
            )

    @cached_property
    def stored(self) -> bool:
        """Whether the store has the registry's table; without it the registry is empty."""
        return has_registry_table(self.recorder)

    # ------------------------------------------------------------ commands
    def add_provider(
        self,
        kbo: str,
        name: str,
        recognised_for: str | Iterable[str],
        valid_from: date,
        valid_until: date | None = None,
        public: bool = False,
        label: str | None = None,
    ) -> RegistryOutcome:
        """Register a provider recognised for rights from a date; for a registered one,
        add the recognitions it does not hold yet, or give an open one its end."""
        self.require(Action.WRITE_REGISTRY)
        entry = self.provider_entry(kbo, name, recognised_for, valid_from, valid_until, public,
                                    label)  # fmt: skip

        def attempt() -> tuple[Result, list[Any]]:
            provider, result = apply_provider(self.find_provider(entry.kbo), entry, self.actor)
            return result, [provider]

        return self.written(entry.kbo, attempt)

    def provider_entry(
        self,
        kbo: str,
        name: str,
        recognised_for: str | Iterable[str],
        valid_from: date,
        valid_until: date | None,
        public: bool,
        label: str | None,
    ) -> ProviderEntry:
        inputs.check_period(valid_from, valid_until)
        return ProviderEntry(
            kbo=inputs.parse_kbo(kbo),
            name=inputs.parse_text(name, "--name"),
            rights=inputs.parse_rights(recognised_for, self.catalogue, "--recognised-for"),
            valid_from=valid_from,
            valid_until=valid_until,
            public=public,
            label=inputs.parse_optional_text(label, "--label"),
        )

    def revoke_provider(self, kbo: str, on: date, reason: str) -> RegistryOutcome:
        """From ``on`` the provider is recognised for no right; history stays."""
        self.require(Action.WRITE_REGISTRY)
        key, why = inputs.parse_kbo(kbo), inputs.parse_reason(reason)

        def attempt() -> tuple[Result, list[Any]]:
            provider = self.get_provider(key)
            return provider.revoke(on, why, self.actor), [provider]

        return self.written(key, attempt)

    def add_training(
        self,
        code: str,
        provider: str,
        title: str,
        rights: str | Iterable[str],
        valid_from: date,
        valid_until: date | None = None,
        classification: str = "labour-market",
        hours: str | int | None = None,
    ) -> RegistryOutcome:
        """Register a training of a registered provider, for rights the provider is
        recognised for on ``valid_from``; ``hours`` as text (``"12.5"``) or hundredths."""
        self.require(Action.WRITE_REGISTRY)
        listing = self.listing(code, provider, title, rights, valid_from, valid_until,
                               classification, hours)  # fmt: skip

        def attempt() -> tuple[Result, list[Any]]:
            held = self.find_training(listing.code)
            training, result = apply_listing(
                held, listing, self.find_provider(listing.provider), self.actor
            )
            return result, [training]

        return self.written(listing.code, attempt)

    def listing(
        self,
        code: str,
        provider: str,
        title: str,
        rights: str | Iterable[str],
        valid_from: date,
        valid_until: date | None,
        classification: str | None,
        hours: str | int | None,
    ) -> Listing:
        inputs.check_period(valid_from, valid_until)
        return Listing(
            code=inputs.parse_code(code),
            provider=inputs.parse_kbo(provider, "--provider"),
            title=inputs.parse_text(title, "--title"),
            classification=inputs.parse_classification(classification),
            hours=hours if isinstance(hours, int) else inputs.parse_hours(hours),
            rights=inputs.parse_rights(rights, self.catalogue, "--rights"),
            valid_from=valid_from,
            valid_until=valid_until,
        )

    def delist_training(self, code: str, on: date) -> RegistryOutcome:
        """From ``on`` the training may not be started; one started before may finish."""
        self.require(Action.WRITE_REGISTRY)
        key = inputs.parse_code(code)

        def attempt() -> tuple[Result, list[Any]]:
            training = self.get_training(key)
            return training.delist(on, self.actor), [training]

        return self.written(key, attempt)

    def written(self, key: str, attempt: Callable[[], tuple[Result, list[Any]]]) -> RegistryOutcome:
        """Run ``attempt`` on fresh streams and save what it changed; again after another
        writer's conflicting write."""
        for _ in range(CONFLICT_RETRIES):
            result, aggregates = attempt()
            pending = [e for a in aggregates for e in a.collect_events()]
            try:
                self.save_batch(aggregates, pending)
            except RecordConflictError:
                continue
            return RegistryOutcome(result, key, tuple(type(e).__name__ for e in pending))
        raise LedgerError.because(
            "registry {key}: gave up after {conflict_retries} concurrent writes",
            key=key,
            conflict_retries=CONFLICT_RETRIES,
        )

    def save_batch(self, aggregates: Sequence[Any], pending: Sequence[Any]) -> None:
        """The events in one transaction, then the read-model rows of the streams written."""
        if not pending:
            return
        self.events.put(list(pending))
        written = {e.originator_id for e in pending}
        touched = [a for a in aggregates if a.id in written]
        self.views.upsert(
            [provider_row(a) for a in touched if isinstance(a, Provider)],
            [training_row(a) for a in touched if isinstance(a, Training)],
        )

    # ------------------------------------------------------------- queries
    def find_provider(self, kbo: str) -> Provider | None:
        found: Provider | None = self._find(provider_id(kbo))
        return found

    def find_training(self, code: str) -> Training | None:
        found: Training | None = self._find(training_id(code))
        return found

    def get_provider(self, kbo: str) -> Provider:
        provider = self.find_provider(kbo)
        if provider is None:
            raise not_registered("provider", kbo)
        return provider

    def get_training(self, code: str) -> Training:
        training = self.find_training(code)
        if training is None:
            raise not_registered("training", code)
        return training

    def _find(self, aggregate_id: UUID) -> Any:
        if not self.stored:
            return None
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def provider_is_public(self, kbo: str) -> bool | None:
        """Whether a provider is public (True) or private (False); None: not registered."""
        try:
            provider = self.find_provider(inputs.parse_kbo(kbo))
        except LedgerError:
            return None
        return None if provider is None else provider.public

    def offer(self, code: str) -> TrainingOffer | None:
        """What the registry says of a training and its provider; None: no such training."""
        training = self.find_training(code.strip())
        if training is None:
            return None
        return training.offer(self.get_provider(training.provider))

    def offers(self, codes: Iterable[str]) -> dict[str, TrainingOffer]:
        """The offers of the registered trainings among ``codes``, by code (two queries
        per few hundred codes, for imports)."""
        trainings: dict[str, Training] = self.load_trainings({c.strip() for c in codes})
        providers = self.load_providers({t.provider for t in trainings.values()})
        return {
            code: training.offer(providers[training.provider])
            for code, training in trainings.items()
            if training.provider in providers
        }

    def load_providers(self, kbos: Iterable[str]) -> dict[str, Provider]:
        """The registered providers among ``kbos``, by KBO."""
        return {p.kbo: p for p in self.load_streams(provider_id(k) for k in kbos)}

    def load_trainings(self, codes: Iterable[str]) -> dict[str, Training]:
        """The registered trainings among ``codes``, by code."""
        return {t.code: t for t in self.load_streams(training_id(c) for c in codes)}

    def load_streams(self, ids: Iterable[UUID]) -> list[Any]:
        if not self.stored:
            return []
        streams: dict[UUID, list[Any]] = {}
        for stored in select_streams(self.recorder, ids):
            event = self.mapper.to_domain_event(stored)
            streams.setdefault(event.originator_id, []).append(event)
        return [fold(events) for events in streams.values()]

    def history(self, aggregate_id: UUID) -> list[Any]:
        """Every event of one stream, in the order recorded."""
        return list(self.events.get(aggregate_id)) if self.stored else []

    def provider_as_of(self, kbo: str, as_of: date) -> Provider | None:
        """The provider as its events dated on or before ``as_of`` make it."""
        found: Provider | None = fold_as_of(self.history(provider_id(inputs.parse_kbo(kbo))), as_of)
        return found

    def training_as_of(self, code: str, as_of: date) -> Training | None:
        """The training as its events dated on or before ``as_of`` make it."""
        found: Training | None = fold_as_of(
            self.history(training_id(inputs.parse_code(code))), as_of
        )
        return found

    def trainings_of(self, kbo: str) -> list[tuple[str, str]]:
        """Code and state (JSON) of the provider's trainings, from the read model."""
        return self.views.trainings_of(kbo) if self.stored else []

    def rebuild_views(self) -> tuple[int, int]:
        """The read models again from every registry event: rows of providers, trainings."""
        self.require(Action.WRITE_REGISTRY)
        streams: dict[UUID, list[Any]] = {}
        start = 0
        while page := self.recorder.select_notifications(start, 1000, inclusive_of_start=False):
            for notification in page:
                event = self.mapper.to_domain_event(notification)
                streams.setdefault(event.originator_id, []).append(event)
            start = page[-1].id
        folded = [fold(events) for events in streams.values()]
        providers = [provider_row(a) for a in folded if isinstance(a, Provider)]
        trainings = [training_row(a) for a in folded if isinstance(a, Training)]
        self.views.replace_all(providers, trainings)
        return len(providers), len(trainings)


def fold(events: Iterable[Any]) -> Any:
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def fold_as_of(events: list[Any], as_of: date) -> Any:
    """Events dated after ``as_of`` left out; None when the stream began after it."""
    if not events or events[0].on > as_of:
        return None
    return fold(e for e in events if e.on <= as_of)
