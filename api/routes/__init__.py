"""The routers of the service, in the order the OpenAPI document lists them."""

from __future__ import annotations

from api.routes import audit, citizens, imports, ops, problem_types, reports

ROUTERS = (
    citizens.router,
    imports.router,
    reports.router,
    audit.router,
    problem_types.router,
    ops.router,
)
