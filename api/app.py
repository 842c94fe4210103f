"""The ASGI application: ``create_app`` for tests and embedding, ``app_from_env`` for
uvicorn's workers (``llr serve``)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Sequence

from anyio import to_thread
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import problems
from api.deps import permitted
from api.jobs import stop_jobs
from api.middleware import RequestFrame
from api.principal import Authenticator
from api.ratelimit import FailureLimiter
from api.routes import ROUTERS
from api.service import Service
from api.settings import ServiceSettings, load_service_settings
from console import mount as mount_console

API_PREFIX = "/api/v1"
# How often a worker whose follower is not the store's one asks again
# (ledger/store/follower_lock.py).
FOLLOWER_RETRY_SECONDS = 5


def create_app(
    settings: ServiceSettings, authenticators: Sequence[Authenticator] | None = None
) -> FastAPI:
    service = Service(settings, authenticators)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Routes are plain functions run in anyio's thread pool (40 by default): as many
        # threads as the store has connections for them (ServiceSettings.threads).
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        follower = start_follower(service) if settings.follow_projections else None
        try:
            yield
        finally:
            if follower is not None:
                follower.stop()
            stop_jobs(app)
            service.close()

    app = FastAPI(
        title="llr",
        summary="The ledger of individual learning and career accounts",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(permitted)],
    )
    app.state.service = service
    app.state.failure_limiter = FailureLimiter(settings.failed_auth_per_minute)
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    mount_console(app)  # the back-office pages at / (docs/console.md)
    if settings.cors_origins:  # off unless configured
        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type",
            "If-Match", "X-Reason", "X-Request-Id"], expose_headers=["ETag", "X-Request-Id"],
        )  # fmt: skip
    app.add_middleware(
        RequestFrame, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes
    )
    return app


def app_from_env() -> FastAPI:
    """The application as ``llr serve`` runs it in each worker: settings from the
    environment, logging one JSON line per request."""
    from api.metrics import forget_dead_workers
    from api.middleware import log_to_stderr

    log_to_stderr()
    forget_dead_workers()  # a worker that replaces a dead one drops its gauges
    return create_app(load_service_settings())


class Follower:
    """Keeps the read models up to date in a background thread of the service."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="llr-projections", daemon=True)

    def run(self) -> None:
        from ledger.projections.follow import follow
        from ledger.store.follower_lock import follower_lock

        while not self.stopping.is_set():
            try:
                with follower_lock(self.service.store_env()) as leading:
                    if leading:  # else another worker follows: ask again later
                        follow(self.service.ledger, should_stop=self.stopping.is_set)
                if not self.stopping.is_set():
                    self.stopping.wait(FOLLOWER_RETRY_SECONDS)
            except Exception:  # a lost connection: wait, then follow again
                problems.log.exception("projection follower failed; retrying in 5 s")
                self.stopping.wait(FOLLOWER_RETRY_SECONDS)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)


def start_follower(service: Service) -> Follower | None:
    from ledger.store.backend import has_read_models

    if not has_read_models(service.settings.store.store_env()):
        return None
    follower = Follower(service)
    follower.thread.start()
    return follower
