"""Prometheus metrics: requests and latency by route and status, projection lag, imports.

With several worker processes (``llr serve --workers N``) the counters live in files
under ``PROMETHEUS_MULTIPROC_DIR`` (``llr serve`` sets it), so ``/metrics`` of any worker
adds up all of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter("llr_http_requests", "HTTP requests answered", ("method", "route", "status"))
LATENCY = Histogram(
    "llr_http_request_duration_seconds", "Time to answer a request", ("method", "route"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)  # fmt: skip
PROJECTION_LAG = Gauge(
    "llr_projection_lag_events", "Events recorded but not yet in a read model", ("projection",),
    multiprocess_mode="max",
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


def exposition() -> tuple[bytes, str]:
    for refresh in before_scrape:
        refresh()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
