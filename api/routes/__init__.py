"""The routers of the service, in the order the OpenAPI document lists them."""

from __future__ import annotations

from api.routes import (
    audit,
    bookings,
    careers,
    citizen_reads,
    citizens,
    imports,
    ops,
    problem_types,
    registry,
    reports,
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
    imports.router,
    reports.router,
    audit.router,
    problem_types.router,
    ops.router,
)
