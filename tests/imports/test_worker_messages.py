"""Messages to and from import workers: typed values, pickled without global side effects."""

from __future__ import annotations

import pickle
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType

import pytest

from ledger.catalogue import default_catalogue
from ledger.imports import parallel
from ledger.imports.rows import ValidRow, parse_row
from ledger.perf.workers import dumps


def test_a_read_only_mapping_arrives_read_only_and_equal() -> None:
    sent = MappingProxyType({"vov-hours": 1})

    arrived = pickle.loads(dumps(sent))

    assert isinstance(arrived, MappingProxyType) and arrived == sent


def test_the_catalogue_makes_the_trip_to_a_worker() -> None:
    catalogue = default_catalogue()

    assert pickle.loads(dumps(catalogue)) == catalogue


def test_importing_the_parallel_import_registers_nothing_with_the_process_wide_pickler() -> None:
    assert parallel.AHEAD > 0  # the module is loaded
    assert MappingProxyType not in ForkingPickler._extra_reducers


BOOKING_LINES = {
    "reserve": {
        "kind": "reserve", "insz": "93051822361", "on": "2024-10-01", "right": "vov-hours",
        "amount": "8", "training": "OPL-1", "reference": "B-1", "hold_until": "2024-12-31",
        "track": "own-choice", "enrolment": "ENR-1", "employer": "0403170701",
        "provider": "0403170701",
    },
    "confirm": {
        "kind": "confirm", "insz": "93051822361", "on": "2024-10-15", "reference": "B-1",
        "amount": "6",
    },
    "cancel": {
        "kind": "cancel", "insz": "93051822361", "on": "2024-10-15", "reference": "B-1",
        "reason": "training cancelled",
    },
}  # fmt: skip


@pytest.mark.parametrize("fields", BOOKING_LINES.values(), ids=BOOKING_LINES.keys())
def test_a_booking_row_makes_the_trip_to_a_worker_unchanged(fields: dict[str, str]) -> None:
    row = parse_row(fields)
    assert isinstance(row, ValidRow), row

    arrived = pickle.loads(dumps(row))

    assert type(arrived) is type(row) and arrived == row
