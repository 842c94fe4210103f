"""The registry's read-model rows: the current state of a provider or a training as JSON."""

from __future__ import annotations

import json
from typing import Any

from ledger.domain.amounts import text
from ledger.domain.registry_streams import Provider, Training
from ledger.store.registry_tables import ProviderRow, TrainingRow


def provider_state(provider: Provider) -> dict[str, Any]:
    return {
        "kbo": provider.kbo,
        "name": provider.name,
        "public": provider.public,
        "label": provider.label,
        "recognitions": [
            {
                "right": r.right,
                "from": r.valid_from.isoformat(),
                "until": r.valid_until.isoformat() if r.valid_until else None,
            }
            for r in provider.recognitions
        ],
        "revoked_on": provider.revoked_on.isoformat() if provider.revoked_on else None,
        "revocation_reason": provider.revocation_reason,
    }


def training_state(training: Training) -> dict[str, Any]:
    return {
        "code": training.code,
        "provider": training.provider,
        "title": training.title,
        "classification": training.classification,
        "hours": None if training.hours is None else text(training.hours, "hours"),
        "rights": sorted(training.rights),
        "from": training.valid_from.isoformat(),
        "until": training.valid_until.isoformat() if training.valid_until else None,
        "delisted_on": training.delisted_on.isoformat() if training.delisted_on else None,
    }


def provider_row(provider: Provider) -> ProviderRow:
    return (provider.kbo, provider.name, json.dumps(provider_state(provider)))


def training_row(training: Training) -> TrainingRow:
    state = json.dumps(training_state(training))
    return (training.code, training.provider, training.title, state)
