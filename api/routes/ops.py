"""For operators and their monitoring: liveness, readiness, metrics. No credential: they
show no citizen's data (a reverse proxy keeps them off the public edge, docs/api.md)."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api import metrics

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process answers")
def healthz() -> dict[str, str]:
    # Nothing but the process: a store outage must not make an orchestrator restart
    # workers that would answer again as soon as the store does (that is /readyz).
    return {"status": "ok"}


@router.get("/readyz", summary="The store answers and the read models keep up")
def readyz(request: Request) -> JSONResponse:
    """200 when the store answers and every read model is at most ``LLR_API_READY_LAG``
    events behind; 503 otherwise, saying which."""
    service = request.app.state.service
    try:
        lags = projection_lags(service.ledger)
    except Exception as error:  # the store does not answer: not ready, and say why
        # The class name only: a driver's message can carry the host, user or database.
        return JSONResponse(
            {"status": "unavailable", "store": type(error).__name__}, status_code=503
        )
    record_lags(lags)
    limit: int = service.settings.ready_lag
    behind = sorted(name for name, lag in lags.items() if lag > limit)
    body: dict[str, Any] = {"status": "lagging" if behind else "ready", "store": "ok",
                            "projection_lag": lags, "ready_lag": limit}  # fmt: skip
    if behind:
        body["behind"] = behind
    return JSONResponse(body, status_code=503 if behind else 200)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics_text(request: Request) -> Response:
    service = request.app.state.service
    # Metrics still answer when the store does not; the lag then stays as last read.
    with contextlib.suppress(Exception):
        record_lags(projection_lags(service.ledger))
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)


def record_lags(lags: dict[str, int]) -> None:
    for name, lag in lags.items():
        metrics.PROJECTION_LAG.labels(name).set(lag)


def projection_lags(ledger: Any) -> dict[str, int]:
    """Events each read model still has to apply; {} for a store without read models."""
    from ledger.projections.runner import status
    from ledger.store.backend import has_read_models

    if not has_read_models(ledger.store_env):
        ledger.recorder.max_notification_id()  # still proves the store answers
        return {}
    return {row.name: row.lag for row in status(ledger)}
