"""The routers of the service, in the order the OpenAPI document lists them."""

from __future__ import annotations

from api.routes import citizens, ops, problem_types

ROUTERS = (
    citizens.router,
    problem_types.router,
    ops.router,
)
