"""``llr registry show``: a provider or a training, as JSON and as text.

A key that reads as an enterprise number names a provider; anything else a training code.
With ``--as-of`` the streams are folded up to that date and the history stops there.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from cli.output import table
from ledger.domain.errors import LedgerError
from ledger.domain.registry import NotRegisteredError
from ledger.domain.registry_streams import Provider, Training, not_registered
from ledger.registry import Registry
from ledger.registry.inputs import parse_code, parse_kbo
from ledger.registry.views import provider_state, training_state

# Fields every event has; the rest are what the event says.
_COMMON = {"originator_id", "originator_version", "timestamp", "on", "actor", "originator_topic"}


def shown(registry: Registry, key: str, as_of: date | None) -> tuple[dict[str, Any], str]:
    """The JSON document and the text of ``llr registry show``."""
    try:
        kbo = parse_kbo(key)
    except LedgerError:
        return training_shown(registry, parse_code(key), as_of)
    return provider_shown(registry, kbo, as_of)


def provider_shown(registry: Registry, kbo: str, as_of: date | None) -> tuple[dict[str, Any], str]:
    found = registry.find_provider(kbo) if as_of is None else registry.provider_as_of(kbo, as_of)
    if found is None:
        raise not_registered_then("provider", kbo, as_of)
    trainings = [json.loads(state) for _, state in registry.trainings_of(kbo)]
    if as_of is not None:
        trainings = [t for t in trainings if date.fromisoformat(t["from"]) <= as_of]
    events = history(registry, found, as_of)
    document = {"kind": "provider", "as_of": iso(as_of), **provider_state(found),
                "trainings": trainings, "history": events}  # fmt: skip
    return document, provider_text(document)


def training_shown(registry: Registry, code: str, as_of: date | None) -> tuple[dict[str, Any], str]:
    found = registry.find_training(code) if as_of is None else registry.training_as_of(code, as_of)
    if found is None:
        raise not_registered_then("training", code, as_of)
    provider = registry.get_provider(found.provider)
    if as_of is not None:
        provider = registry.provider_as_of(found.provider, as_of) or provider
    document = {"kind": "training", "as_of": iso(as_of), **training_state(found),
                "provider_record": provider_state(provider),
                "history": history(registry, found, as_of)}  # fmt: skip
    return document, training_text(document)


def not_registered_then(what: str, key: str, as_of: date | None) -> LedgerError:
    if as_of is None:
        return not_registered(what, key)
    return NotRegisteredError(f"no {what} {key} was registered on {as_of}")


def history(registry: Registry, stream: Provider | Training, as_of: date | None) -> list[Any]:
    events = registry.history(stream.id)
    return [
        {
            "event": type(e).__name__,
            "on": e.on.isoformat(),
            "actor": e.actor,
            "recorded_at": e.timestamp.isoformat(),
            "details": {k: jsonable(v) for k, v in vars(e).items() if k not in _COMMON},
        }
        for e in events
        if as_of is None or e.on <= as_of
    ]


def jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    return value


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def provider_text(doc: dict[str, Any]) -> str:
    kind = "public" if doc["public"] else "private"
    label = f", label {doc['label']}" if doc["label"] else ""
    when = f" (as of {doc['as_of']})" if doc["as_of"] else ""
    recognitions = [(r["right"], r["from"], r["until"]) for r in doc["recognitions"]]
    revoked = (
        f"revoked on {doc['revoked_on']}: {doc['revocation_reason']}"
        if doc["revoked_on"] else "not revoked"
    )  # fmt: skip
    trainings = [
        (t["code"], t["title"], t["from"], t["until"], t["delisted_on"]) for t in doc["trainings"]
    ]
    return "\n".join([
        f"provider {doc['kbo']} {doc['name']}: {kind}{label}{when}",
        "recognised for:",
        table(("right", "from", "until"), recognitions, "  "),
        revoked,
        f"trainings ({len(trainings)}):",
        table(("code", "title", "from", "until", "delisted on"), trainings, "  "),
        *history_text(doc["history"]),
    ])  # fmt: skip


def training_text(doc: dict[str, Any]) -> str:
    provider = doc["provider_record"]
    when = f" (as of {doc['as_of']})" if doc["as_of"] else ""
    revoked = f"; revoked on {provider['revoked_on']}" if provider["revoked_on"] else ""
    return "\n".join([
        f"training {doc['code']}: {doc['title']}{when}",
        f"provider: {provider['kbo']} {provider['name']} "
        f"({'public' if provider['public'] else 'private'}{revoked})",
        f"classification: {doc['classification']}; hours: {doc['hours'] or '-'}",
        f"rights: {', '.join(doc['rights'])}",
        f"registered from {doc['from']} until {doc['until'] or '(open-ended)'}",
        f"delisted on {doc['delisted_on']}" if doc["delisted_on"] else "not delisted",
        *history_text(doc["history"]),
    ])  # fmt: skip


def history_text(events: list[dict[str, Any]]) -> list[str]:
    rows = [(e["on"], e["event"], e["actor"], e["recorded_at"][:19]) for e in events]
    return ["history:", table(("on", "event", "actor", "recorded at"), rows, "  ")]
