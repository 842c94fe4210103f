"""For operators and their monitoring: liveness, readiness, metrics. No credential: they
show no citizen's data (a reverse proxy keeps them off the public edge, docs/api.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api import metrics

router = APIRouter(tags=["operations"])

# Ready while every read model is at most this many events behind the store.
READY_LAG = 10_000


@router.get("/healthz", summary="The process answers")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The store answers and the read models keep up")
def readyz(request: Request) -> JSONResponse:
    service = request.app.state.service
    try:
        lags = projection_lags(service.ledger)
    except Exception as error:  # the store does not answer: not ready, and say why
        return JSONResponse(
            {"status": "unavailable", "store": f"{type(error).__name__}"}, status_code=503
        )
    behind = {name: lag for name, lag in lags.items() if lag > READY_LAG}
    body: dict[str, Any] = {"status": "ready" if not behind else "lagging", "store": "ok",
                            "projection_lag": lags}  # fmt: skip
    return JSONResponse(body, status_code=200 if not behind else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics_text(request: Request) -> Response:
    service = request.app.state.service
    try:
        for name, lag in projection_lags(service.ledger).items():
            metrics.PROJECTION_LAG.labels(name).set(lag)
    except Exception:  # metrics still answer when the store does not
        pass
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)


def projection_lags(ledger: Any) -> dict[str, int]:
    """Events each read model still has to apply; {} for a store without read models."""
    from ledger.projections.runner import status
    from ledger.store.backend import has_read_models

    if not has_read_models(ledger.store_env):
        ledger.recorder.max_notification_id()  # still proves the store answers
        return {}
    return {row.name: row.lag for row in status(ledger)}
