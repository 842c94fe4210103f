"""``llr serve``: the HTTP API (``api/``) on uvicorn.

The settings come from the environment (docs/api.md), so every worker process builds the
same application (``api.app:app_from_env``). The store is checked once before the workers
start: a missing or uninitialised store, or a wrong key, stops here with the command
line's message instead of in every worker.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.errors import CliError

if TYPE_CHECKING:
    from api.settings import ServiceSettings

# Seconds a stopping server gives requests in flight before it closes their connections:
# without a bound, one slow client would hold a SIGTERM off for good.
GRACEFUL_SHUTDOWN_SECONDS = 30


def default_workers() -> int:
    """One worker per core, at least two: a worker waiting on the database leaves the
    core to the other."""
    return max(2, os.cpu_count() or 1)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Worker processes (default: one per core, at least 2; 1 on SQLite).",
)
@click.option(
    "--forwarded-allow-ips",
    metavar="IPS",
    help="Addresses of reverse proxies whose X-Forwarded-For to trust (docs/api.md).",
)
@pass_ledger_context
def serve(
    obj: LedgerContext, host: str, port: int, workers: int | None, forwarded_allow_ips: str | None
) -> None:
    """Serve the ledger as a JSON HTTP API (docs/api.md): callers authenticate with a token
    or their identity provider's JWT.

    Under /api/v1, OpenAPI at /api/v1/openapi.json. An admin command (the action
    serve): each request then acts in its caller's role.

    \b
    Example:
      LLR_DATABASE=postgresql://llr@db/llr LLR_ROLE=admin llr serve --port 8080
      curl -H "Authorization: Bearer $TOKEN" -H "X-Reason: citizen called" \\
          http://127.0.0.1:8080/api/v1/citizens/93051822361/balance
    """
    import uvicorn

    from api.settings import load_service_settings

    obj.authorise(click.get_current_context())
    settings = load_service_settings(obj.database)
    check_store(settings)
    if workers is None:
        workers = 1 if not settings.store.backend.is_server else default_workers()
    if obj.database:
        os.environ["LLR_DATABASE"] = obj.database  # the workers read the environment
    click.echo(f"llr serve: http://{host}:{port}/api/v1 ({workers} workers)", err=True)
    with metrics_folder(workers), stopped_by_signal_is_success():
        uvicorn.run(
            "api.app:app_from_env", host=host, port=port, workers=workers,
            **uvicorn_options(forwarded_allow_ips),
        )  # fmt: skip


def uvicorn_options(forwarded_allow_ips: str | None = None) -> dict[str, Any]:
    """How ``llr serve`` runs uvicorn, beside the app, address and workers (the API
    benchmark runs it the same way)."""
    return {
        "factory": True,
        "access_log": False,  # uvicorn's line has the path, and so the INSZ: ours has not
        "proxy_headers": forwarded_allow_ips is not None,
        "forwarded_allow_ips": forwarded_allow_ips,
        "server_header": False,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
    }


def check_store(settings: ServiceSettings) -> None:
    """Refuse, once and before any worker starts, a store the service cannot use: a SQLite
    file that does not exist (sqlite3 would make it, empty), a wrong key, read models not
    migrated. Otherwise every worker would start, answer 503 and log the same failure."""
    from api.service import Service
    from ledger.projections.migrate import check_current
    from ledger.store.backend import has_read_models
    from ledger.store.read_models.opening import opened

    LedgerContext.require_existing_sqlite_file(settings.store)
    check_identity_provider(settings)
    check_console_sign_in(settings)
    ledger = Service(settings).open_ledger()
    try:
        if has_read_models(ledger.store_env):
            with opened(ledger.env) as store:
                check_current(store)
    finally:
        ledger.close()


def check_identity_provider(settings: ServiceSettings) -> None:
    """With OpenID Connect configured: its algorithms and key set location are valid and
    the key set can be read now, rather than at the first caller's request."""
    if settings.oidc is None:
        return
    from api.oidc import OidcAuthenticator
    from api.problems import ApiProblem

    try:
        OidcAuthenticator(settings.oidc, ()).keys.keys()
    except ApiProblem as problem:
        raise CliError(f"LLR_OIDC_JWKS: {problem.detail}") from None


def check_console_sign_in(settings: ServiceSettings) -> None:
    """With the console's sign-in at the identity provider (LLR_CONSOLE_OIDC_*): its
    settings are valid and the provider's endpoints can be read now."""
    from console.oidc_provider import ProviderUnavailable, configured
    from console.settings import load_console_settings

    provider = configured(load_console_settings(), settings)
    try:
        if provider is not None:
            provider.endpoints()
    except ProviderUnavailable as why:
        raise CliError(f"LLR_CONSOLE_OIDC_CLIENT_ID: the identity provider's endpoints "
                       f"cannot be read now: {why}") from None  # fmt: skip


@contextmanager
def stopped_by_signal_is_success() -> Iterator[None]:
    """Exit 0 after a graceful stop on SIGTERM or SIGINT, with one worker as with several.

    One uvicorn server in this process re-raises the signal once it has shut down
    gracefully: the process then died of SIGTERM (status 143 to a supervisor) or printed
    "Aborted!" on SIGINT, although it had stopped as asked. Its supervisor of several
    workers returns instead. uvicorn restores these handlers before it re-raises.
    """

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    previous = {how: signal.signal(how, stop) for how in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for how, handler in previous.items():
            signal.signal(how, handler)


@contextmanager
def metrics_folder(workers: int) -> Iterator[None]:
    """With several workers, a folder for their metrics files (``PROMETHEUS_MULTIPROC_DIR``).

    prometheus-client wants it empty at start: files left by an earlier run would add
    that run's counts to this one's. A folder the operator named is emptied of metrics
    files; one made here is removed at exit.
    """
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if workers == 1 and not given:
        yield  # one process: its own registry, no files
        return
    folder = Path(given) if given else Path(tempfile.mkdtemp(prefix="llr-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    try:
        yield
    finally:
        if not given:
            shutil.rmtree(folder, ignore_errors=True)
