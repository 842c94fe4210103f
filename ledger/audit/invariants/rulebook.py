"""The catalogue's answers the audit needs for every event, remembered: a ledger of millions
of events asks the same few questions (which rule on this day, where is it usable, which
caps count) over and over."""

from __future__ import annotations

from datetime import date

from ledger.domain.catalogue import Cap, CapCounts, Catalogue, RuleVersion
from ledger.domain.state import MovementKey

# A cap as the audit sums it: where its running sum is kept in a stream, and the cap.
# A cap with the key of its running sum in a stream and the key of what it sums.
KeyedCap = tuple[str, MovementKey, Cap]


class RuleBook:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._on: dict[tuple[str, date], RuleVersion] = {}
        self._usable: dict[str, frozenset[str]] = {}
        self._window: dict[tuple[int, date], tuple[date, date]] = {}
        self._caps: dict[tuple[str, str, CapCounts, str | None], tuple[KeyedCap, ...]] = {}

    def version_on(self, right: str, on: date) -> RuleVersion:
        """The rule of ``right`` in force on ``on`` (errors as the catalogue raises them)."""
        rule = self._on.get((right, on))
        if rule is None:
            rule = self._on[(right, on)] = self.catalogue.right(right).version_on(on)
        return rule

    def usable_in(self, rule: RuleVersion) -> frozenset[str]:
        """The statuses (as text) in which the rule's right is usable."""
        usable = self._usable.get(rule.id)
        if usable is None:
            usable = self._usable[rule.id] = frozenset(s.value for s in rule.usable_in)
        return usable

    def window(self, cap: Cap, on: date) -> tuple[date, date]:
        """The cap's window [start, end) around ``on``."""
        key = (id(cap), on)  # caps live as long as the catalogue this book serves
        window = self._window.get(key)
        if window is None:
            window = self._window[key] = cap.window(on)
        return window

    def caps_counting(
        self, right: str, rule: RuleVersion, counts: CapCounts, track: str | None
    ) -> tuple[KeyedCap, ...]:
        """The rule's caps on ``counts`` that an entry on ``track`` counts against, each
        with the key of its running sum in a stream and the key under which
        ``Account.movements`` keeps what it sums (its track's, or the right's)."""
        found = self._caps.get((right, rule.id, counts, track))
        if found is None:
            found = self._caps[(right, rule.id, counts, track)] = tuple(
                (f"{right}|{counts.value}|{number}", MovementKey(right, counts, cap.track), cap)
                for number, cap in enumerate(rule.caps)
                if cap.counts is counts and cap.applies_to(track)
            )
        return found
