"""How domain values not known to JSON are stored in events and snapshots.

The Account's typed state (``ledger/domain/state.py``, ``idempotency.py``) is stored as short
JSON lists: one callback and one small list per value, no dict of field names.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Transcoding

from ledger.domain.bookings import Reservation
from ledger.domain.career import Career
from ledger.domain.facts import Facts
from ledger.domain.idempotency import References
from ledger.domain.lots import Lot
from ledger.domain.state import Entries, Movements, ReversalRequest, ReviewCase, RightTotals
from ledger.perf.jsonfast import compact_json_encoder


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
        # The same dict as dataclasses.asdict (a lot's fields are immutable values), read
        # by the encoder at once: asdict copies every field recursively, per lot.
        fields: dict[str, Any] = obj.__dict__
        return fields

    def decode(self, data: dict[str, Any]) -> Lot:
        return Lot(**data)


class RightTotalsAsList(Transcoding):
    type = RightTotals
    name = "right_totals"

    def encode(self, obj: RightTotals) -> list[int]:
        return obj.as_row()

    def decode(self, data: list[int]) -> RightTotals:
        return RightTotals.from_row(data)


class EntriesAsRows(Transcoding):
    type = Entries
    name = "entries"

    def encode(self, obj: Entries) -> list[list[Any]]:
        return obj.as_rows()

    def decode(self, data: list[list[Any]]) -> Entries:
        return Entries.from_rows(data)


class MovementsAsList(Transcoding):
    type = Movements
    name = "movements"

    def encode(self, obj: Movements) -> list[list[Any]]:
        return obj.as_rows()

    def decode(self, data: list[list[Any]]) -> Movements:
        return Movements.from_rows(data)


class ReferencesAsList(Transcoding):
    type = References
    name = "references"

    def encode(self, obj: References) -> list[list[str]]:
        return obj.as_rows()

    def decode(self, data: list[list[str]]) -> References:
        return References.from_rows(data)


class ReversalRequestAsList(Transcoding):
    type = ReversalRequest
    name = "reversal_request"

    def encode(self, obj: ReversalRequest) -> list[Any]:
        return obj.as_row()

    def decode(self, data: list[Any]) -> ReversalRequest:
        return ReversalRequest.from_row(data)


class ReviewCaseAsList(Transcoding):
    type = ReviewCase
    name = "review_case"

    def encode(self, obj: ReviewCase) -> list[Any]:
        return obj.as_row()

    def decode(self, data: list[Any]) -> ReviewCase:
        return ReviewCase.from_row(data)


class CareerAsRows(Transcoding):
    type = Career
    name = "career"

    def encode(self, obj: Career) -> list[list[Any]]:
        return obj.as_rows()

    def decode(self, data: list[list[Any]]) -> Career:
        return Career.from_rows(data)


class FactsAsRows(Transcoding):
    type = Facts
    name = "facts"

    def encode(self, obj: Facts) -> list[list[Any]]:
        return obj.as_rows()

    def decode(self, data: list[list[Any]]) -> Facts:
        return Facts.from_rows(data)


class ReservationAsRow(Transcoding):
    """An account's bookings live in its snapshot state, as lots do."""

    type = Reservation
    name = "reservation"

    def encode(self, obj: Reservation) -> list[Any]:
        return obj.as_row()

    def decode(self, data: list[Any]) -> Reservation:
        return Reservation.from_row(data)


def ledger_transcodings() -> tuple[Transcoding, ...]:
    """Every transcoding the ledger adds to the library's defaults."""
    return (
        DateAsISO(),
        LotAsDict(),
        RightTotalsAsList(),
        EntriesAsRows(),
        MovementsAsList(),
        ReferencesAsList(),
        ReversalRequestAsList(),
        CareerAsRows(),
        ReviewCaseAsList(),
        FactsAsRows(),
        ReservationAsRow(),
    )


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
