"""What the compatibility store answers, as plain JSON: written by ``make_store.py`` when the
store was made, and compared by the tests against what the current code reads from it."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ledger.application import Ledger
from ledger.config import load_settings

HERE = Path(__file__).parent
STORE = HERE / "store" / "llr.sqlite3"
ANSWERS = HERE / "store" / "answers.json"
ID_KEY = "compat-id-key-not-secret"  # fixed, so the stream ids of the stored citizens repeat
ACTOR = "compat:staff"
AS_OF = date(2025, 6, 30)  # every read is dated, so the answers never depend on the clock
RIGHTS = ("vov-hours", "federal-training-days", "career-vouchers", "sector-training-hours")

CITIZENS = {
    "reversals": "93051822361",
    "expiry": "85073003328",
    "long": "90021415865",
    "imported": "01110308747",
    "opened-by-import": "78042234183",
}


def environment(database: Path) -> dict[str, str]:
    return {"LLR_DATABASE": str(database), "LLR_ID_KEY": ID_KEY, "LLR_ACTOR": ACTOR}


def open_ledger(database: Path, actor: str = ACTOR) -> Ledger:
    settings = load_settings(str(database), {**environment(database), "LLR_ACTOR": actor})
    return Ledger(settings.store_env(), id_key=settings.id_key, actor=settings.actor)


def copied(store: Path, into: Path) -> Path:
    """A copy of a fixture's store file, for one test to open and write."""
    copy = into / "llr.sqlite3"
    shutil.copyfile(store, copy)
    return copy


def opened(database: Path) -> Iterator[Ledger]:
    """A Ledger on ``database`` for one test (a fixture's body), closed afterwards."""
    app = open_ledger(database)
    try:
        yield app
    finally:
        app.close()


def plain(value: Any) -> Any:
    """Reports as JSON values: dataclasses as dicts, dates and times as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return json.loads(json.dumps(value, default=_text, sort_keys=True))


def _text(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)


def answers(ledger: Ledger) -> dict[str, Any]:
    """Balance, history and every right's explanation of every stored citizen."""
    found: dict[str, Any] = {}
    for name, insz in CITIZENS.items():
        found[name] = {
            "balance": plain(ledger.balance(insz, as_of=AS_OF, reason="compat")),
            "history": plain(ledger.history(insz, reason="compat")),
            "explain": {
                right: plain(ledger.explain(insz, right, as_of=AS_OF, reason="compat"))
                for right in RIGHTS
            },
        }
    return found
