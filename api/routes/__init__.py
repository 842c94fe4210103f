"""The routers of the service, in the order the OpenAPI document lists them."""

from __future__ import annotations

from api.routes import (
    bookings,
    careers,
    citizen_reads,
    citizens,
    ops,
    problem_types,
    registry,
    reversals,
    reviews,
)

ROUTERS = (
    citizens.router,
    citizen_reads.router,
    bookings.router,
    careers.router,
    reversals.router,
    reviews.router,
    registry.router,
    problem_types.router,
    ops.router,
)
