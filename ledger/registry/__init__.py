"""The registry of providers and trainings (being built on its own branch: replaced there)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledger.domain.offers import Offer


class Registry:
    def offer(self, code: str) -> Offer | None:
        return None


def open_registry(env: Mapping[str, str], guard: Any = None) -> Registry:
    return Registry()
