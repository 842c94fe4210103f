"""How domain values not known to JSON are stored in events and snapshots."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Transcoding

from ledger.domain.chain import compact_json_encoder
from ledger.domain.lots import Lot


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class LotAsDict(Transcoding):
    """Lots live in the account's snapshot state; their dates go through ``DateAsISO``."""

    type = Lot
    name = "lot"

    def encode(self, obj: Lot) -> dict[str, Any]:
        return asdict(obj)

    def decode(self, data: dict[str, Any]) -> Lot:
        return Lot(**data)


# The names under which the library's DatetimeAsISO and our DateAsISO store these types.
_ISO_NAMES = {datetime: DatetimeAsISO.name, date: DateAsISO.name}


class LedgerTranscoder(JSONTranscoder):
    """The library's JSON transcoder, same bytes, with its C encoder built once, not per call.

    Every event written and every snapshot taken goes through ``encode``.
    """

    def __init__(self) -> None:
        super().__init__()
        self._encode = compact_json_encoder(self._encode_known_first, sort_keys=False)

    def _encode_known_first(self, obj: Any) -> dict[str, Any]:
        # Every event has a timestamp and most have a date: straight to their ISO form.
        name = _ISO_NAMES.get(type(obj))
        if name is not None:
            return {"_type_": name, "_data_": obj.isoformat()}
        return self._encode_obj(obj)

    def encode(self, obj: Any) -> bytes:
        return self._encode(obj).encode("utf8")
