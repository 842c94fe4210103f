"""Prometheus metrics: requests and latency by route and status, projection lag, imports.

With several worker processes (``llr serve --workers N``) the counters live in files
under ``PROMETHEUS_MULTIPROC_DIR`` (``llr serve`` sets it and empties it at start), so
``/metrics`` of any worker adds up all of them. A worker that starts forgets the gauges of
workers that died before it (prometheus-client's ``mark_process_dead``); their counters
stay, as counted requests stay counted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)

# A ``_created`` series beside every counter and histogram doubles what is scraped and
# says only when a worker first saw a route: left out.
disable_created_metrics()  # type: ignore[no-untyped-call]

REQUESTS = Counter("llr_http_requests", "HTTP requests answered", ("method", "route", "status"))
LATENCY = Histogram(
    "llr_http_request_duration_seconds", "Time to answer a request", ("method", "route"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)  # fmt: skip
# The lag is the store's, read at each scrape or readiness check by whichever worker
# answers it: the most recent reading of a live worker is the true one (``max`` would keep
# an old, larger lag of a worker that has not been asked since).
PROJECTION_LAG = Gauge(
    "llr_projection_lag_events", "Events recorded but not yet in a read model", ("projection",),
    multiprocess_mode="livemostrecent",
)  # fmt: skip
IMPORT_LINES = Gauge(
    "llr_import_lines_done", "Lines of a running import handled so far", ("batch",),
    multiprocess_mode="max",
)  # fmt: skip

# Refreshed just before each scrape (the projection lag is read from the store).
before_scrape: list[Callable[[], None]] = []


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def multiprocess_dir() -> Path | None:
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(given) if given else None


# prometheus-client's file names: ``gauge_livemostrecent_1234.db``, ``counter_1234.db``.
METRIC_FILE = re.compile(r"_(\d+)\.db$")


def forget_dead_workers() -> list[int]:
    """Drop the live gauges of worker processes that no longer run; their pids."""
    folder = multiprocess_dir()
    if folder is None or not folder.is_dir():
        return []
    pids = {int(m.group(1)) for f in folder.glob("*.db") if (m := METRIC_FILE.search(f.name))}
    dead = sorted(pid for pid in pids if not alive(pid))
    for pid in dead:
        multiprocess.mark_process_dead(pid, str(folder))  # type: ignore[no-untyped-call]
    return dead


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def exposition() -> tuple[bytes, str]:
    for refresh in before_scrape:
        refresh()
    if multiprocess_dir() is not None:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
