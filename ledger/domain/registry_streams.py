"""The registry's streams: one per provider (by KBO) and one per training (by code).

History is kept: a provider recognised for a further right, a recognition given an end, a
revocation, a delisting are each an event, dated (``on``, business time) and signed
(``actor``). Each command is idempotent: the same content again changes nothing
(``Result.EXISTS``); other content for the same key is a ``RegistryConflictError`` that
names both. The check that needs both streams (a training's rights against its provider's
recognitions) is ``check_listing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.domain.command import Result
from ledger.domain.registry import (
    NotRegisteredError,
    Recognition,
    RegistryConflictError,
    RegistryError,
    TrainingOffer,
)

# Fixed for good: every registry stream id derives from it.
REGISTRY_NAMESPACE = UUID("0b8f5a52-3c1d-5e0f-9d2c-6a1f4e7b9c30")


def provider_id(kbo: str) -> UUID:
    return uuid5(REGISTRY_NAMESPACE, f"provider:{kbo}")


def training_id(code: str) -> UUID:
    return uuid5(REGISTRY_NAMESPACE, f"training:{code}")


class RegistryEvent(Aggregate.Event):
    on: date  # the business date the fact takes effect
    actor: str


class Provider(Aggregate):
    class Event(RegistryEvent):
        pass

    class Registered(Event, Aggregate.Created):
        kbo: str
        name: str
        public: bool
        label: str | None

    class RecognitionGranted(Event):
        right: str
        valid_from: date
        valid_until: date | None

        def apply(self, provider: Provider) -> None:
            provider.recognitions.append(Recognition(self.right, self.valid_from, self.valid_until))

    class RecognitionEnded(Event):
        right: str
        valid_from: date
        valid_until: date

        def apply(self, provider: Provider) -> None:
            provider.recognitions = [
                Recognition(r.right, r.valid_from, self.valid_until)
                if (r.right, r.valid_from) == (self.right, self.valid_from)
                else r
                for r in provider.recognitions
            ]

    class Revoked(Event):
        reason: str

        def apply(self, provider: Provider) -> None:
            provider.revoked_on = self.on
            provider.revocation_reason = self.reason

    def __init__(self, kbo: str, name: str, public: bool, label: str | None) -> None:
        self.kbo = kbo
        self.name = name
        self.public = public
        self.label = label
        self.recognitions: list[Recognition] = []
        self.revoked_on: date | None = None
        self.revocation_reason: str | None = None

    @classmethod
    def register(
        cls, kbo: str, name: str, public: bool, label: str | None, on: date, actor: str
    ) -> Provider:
        return cls._create(
            cls.Registered,
            id=provider_id(kbo),
            kbo=kbo,
            name=name,
            public=public,
            label=label,
            on=on,
            actor=actor,
        )

    # ------------------------------------------------------------ commands
    def check_same(self, name: str, public: bool, label: str | None) -> None:
        """A provider's name, kind and label are what it was registered with."""
        given, held = (name, public, label), (self.name, self.public, self.label)
        if given != held:
            raise RegistryConflictError.because(
                "provider {self_kbo} is registered as {describe}, not {describe_2}: a "
                "registered provider keeps its name, kind and label",
                self_kbo=self.kbo,
                describe=describe(*held),
                describe_2=describe(*given),
            )

    def recognise(self, recognition: Recognition, actor: str) -> Result:
        """Recognise for a further right, or give an open recognition its end."""
        self._refuse_after_revocation(recognition)
        same = [r for r in self.recognitions if r.right == recognition.right]
        for held in same:
            if held == recognition:
                return Result.EXISTS
            if held.valid_from == recognition.valid_from and recognition.valid_until is None:
                return Result.EXISTS  # the open grant again, after it was given its end
            if held.valid_from == recognition.valid_from and held.valid_until is None:
                assert recognition.valid_until is not None  # else it would equal ``held``
                self.trigger_event(
                    self.RecognitionEnded, on=recognition.valid_until, actor=actor,
                    right=held.right, valid_from=held.valid_from,
                    valid_until=recognition.valid_until,
                )  # fmt: skip
                return Result.APPLIED
            if overlap(held, recognition):
                raise RegistryConflictError.because(
                    "provider {self_kbo}: a recognition for {recognition_right} "
                    "{recognition_period} overlaps the one held {held_period} (an open "
                    "recognition can be given an end with the same --from and an --until)",
                    self_kbo=self.kbo,
                    recognition_right=recognition.right,
                    recognition_period=recognition.period,
                    held_period=held.period,
                )
        self.trigger_event(
            self.RecognitionGranted, on=recognition.valid_from, actor=actor,
            right=recognition.right, valid_from=recognition.valid_from,
            valid_until=recognition.valid_until,
        )  # fmt: skip
        return Result.APPLIED

    def _refuse_after_revocation(self, recognition: Recognition) -> None:
        if self.revoked_on is not None and recognition not in self.recognitions:
            raise RegistryConflictError.because(
                "provider {self_kbo}: its recognition was revoked on "
                "{self_revoked_on}; a revoked provider is not recognised again (for "
                "{recognition_right})",
                self_kbo=self.kbo,
                self_revoked_on=self.revoked_on,
                recognition_right=recognition.right,
            )

    def revoke(self, on: date, reason: str, actor: str) -> Result:
        if self.revoked_on is not None:
            if (self.revoked_on, self.revocation_reason) == (on, reason):
                return Result.EXISTS
            raise RegistryConflictError.because(
                "provider {self_kbo}: already revoked on {self_revoked_on} "
                "({self_revocation_reason!r}); a revocation is not changed",
                self_kbo=self.kbo,
                self_revoked_on=self.revoked_on,
                self_revocation_reason=self.revocation_reason,
            )
        first = min((r.valid_from for r in self.recognitions), default=on)
        if on < first:
            raise RegistryError.because(
                "provider {self_kbo}: a revocation on {on} is before its first "
                "recognition, from {first}",
                self_kbo=self.kbo,
                on=on,
                first=first,
            )
        self.trigger_event(self.Revoked, on=on, actor=actor, reason=reason)
        return Result.APPLIED

    # ------------------------------------------------------------- queries
    def recognised_for(self, right: str, day: date) -> bool:
        if self.revoked_on is not None and day >= self.revoked_on:
            return False
        return any(r.right == right and r.covers(day) for r in self.recognitions)


class Training(Aggregate):
    class Event(RegistryEvent):
        pass

    class Registered(Event, Aggregate.Created):
        code: str
        provider: str
        title: str
        classification: str
        hours: int | None  # hundredths of an hour
        rights: tuple[str, ...]
        valid_from: date
        valid_until: date | None

    class Delisted(Event):
        def apply(self, training: Training) -> None:
            training.delisted_on = self.on

    def __init__(
        self,
        code: str,
        provider: str,
        title: str,
        classification: str,
        hours: int | None,
        rights: Iterable[str],
        valid_from: date,
        valid_until: date | None,
    ) -> None:
        self.code = code
        self.provider = provider
        self.title = title
        self.classification = classification
        self.hours = hours
        self.rights = tuple(rights)  # stored as a JSON list: read back as a tuple
        self.valid_from = valid_from
        self.valid_until = valid_until
        self.delisted_on: date | None = None

    @classmethod
    def register(cls, listing: Listing, actor: str) -> Training:
        return cls._create(
            cls.Registered,
            id=training_id(listing.code),
            on=listing.valid_from,
            actor=actor,
            **listing.fields(),
        )

    def listing(self) -> Listing:
        return Listing(
            self.code, self.provider, self.title, self.classification, self.hours,
            tuple(sorted(self.rights)), self.valid_from, self.valid_until,
        )  # fmt: skip

    def check_same(self, listing: Listing) -> None:
        held = self.listing()
        if held != listing:
            differences = ", ".join(
                f"{name} {held_value!r} (given {given!r})"
                for (name, held_value), given in zip(
                    held.fields().items(), listing.fields().values(), strict=True
                )
                if held_value != given
            )
            raise RegistryConflictError.because(
                "training {self_code} is registered with other content: {differences}; "
                "a registered training is not changed (delist it and register a new "
                "code)",
                self_code=self.code,
                differences=differences,
            )

    def delist(self, on: date, actor: str) -> Result:
        if self.delisted_on is not None:
            if self.delisted_on == on:
                return Result.EXISTS
            raise RegistryConflictError.because(
                "training {self_code}: already delisted on {self_delisted_on}",
                self_code=self.code,
                self_delisted_on=self.delisted_on,
            )
        if on < self.valid_from:
            raise RegistryError.because(
                "training {self_code}: a delisting on {on} is before its registration, "
                "from {self_valid_from}",
                self_code=self.code,
                on=on,
                self_valid_from=self.valid_from,
            )
        self.trigger_event(self.Delisted, on=on, actor=actor)
        return Result.APPLIED

    def offer(self, provider: Provider) -> TrainingOffer:
        return TrainingOffer(
            code=self.code,
            title=self.title,
            provider=provider.kbo,
            provider_name=provider.name,
            provider_public=provider.public,
            classification=self.classification,
            rights=frozenset(self.rights),
            listed_from=self.valid_from,
            listed_until=self.valid_until,
            delisted_on=self.delisted_on,
            recognitions=tuple(provider.recognitions),
            revoked_on=provider.revoked_on,
        )


@dataclass(frozen=True)
class Listing:
    """What a training is registered with: the content that must match on a repeat."""

    code: str
    provider: str
    title: str
    classification: str
    hours: int | None  # hundredths of an hour
    rights: tuple[str, ...]
    valid_from: date
    valid_until: date | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rights", tuple(sorted(set(self.rights))))

    def fields(self) -> dict[str, object]:
        return {field.name: getattr(self, field.name) for field in dataclass_fields(self)}


def check_listing(listing: Listing, provider: Provider | None) -> None:
    """A training is registered at a registered provider, for rights the provider is
    recognised for on the training's first day, and ends (if it does) after it starts."""
    if provider is None:
        raise not_registered("provider", listing.provider)
    if listing.valid_until is not None and listing.valid_until < listing.valid_from:
        raise RegistryError.because(
            "training {listing_code}: --until {listing_valid_until} is before "
            "--from {listing_valid_from}",
            listing_code=listing.code,
            listing_valid_until=listing.valid_until,
            listing_valid_from=listing.valid_from,
        )
    missing = [r for r in listing.rights if not provider.recognised_for(r, listing.valid_from)]
    if missing:
        raise RegistryError.because(
            "training {listing_code}: provider {provider_kbo} ({provider_name}) is "
            "not recognised for {missing} on {listing_valid_from}, the training's "
            "first day; a training qualifies only for rights its provider is "
            "recognised for then ({provider})",
            listing_code=listing.code,
            provider_kbo=provider.kbo,
            provider_name=provider.name,
            missing=", ".join(missing),
            listing_valid_from=listing.valid_from,
            provider=held_recognitions(provider),
        )


def held_recognitions(provider: Provider) -> str:
    held = "; ".join(f"{r.right} {r.period}" for r in provider.recognitions) or "none"
    revoked = f"; revoked on {provider.revoked_on}" if provider.revoked_on else ""
    return f"its recognitions: {held}{revoked}"


def overlap(one: Recognition, other: Recognition) -> bool:
    far = date.max
    return one.valid_from <= (other.valid_until or far) and other.valid_from <= (
        one.valid_until or far
    )


def describe(name: str, public: bool, label: str | None) -> str:
    kind = "public" if public else "private"
    return f"{name!r} ({kind}" + (f", label {label!r})" if label else ")")


def not_registered(what: str, key: str) -> NotRegisteredError:
    hint = "llr registry provider add" if what == "provider" else "llr registry training add"
    return NotRegisteredError(f"no {what} {key} is registered ({hint} registers one)")
