"""Messages to and from import workers: typed values, pickled without global side effects."""

from __future__ import annotations

import pickle
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType

from ledger.catalogue import default_catalogue
from ledger.imports import parallel
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
