"""``llr serve``: the HTTP API (``api/``) on uvicorn.

The settings come from the environment (docs/api.md), so every worker process builds the
same application (``api.app:app_from_env``). The store is checked once before the workers
start: a missing or uninitialised store, or a wrong key, stops here with the command
line's message instead of in every worker.
"""

from __future__ import annotations

import os
import tempfile

import click

from cli.context import LedgerContext, pass_ledger_context


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
    """Serve the ledger as a JSON HTTP API under /api/v1 (OpenAPI at /api/v1/openapi.json).

    \b
    Example:
      LLR_DATABASE=postgresql://llr@db/llr llr serve --port 8080
      curl -H "Authorization: Bearer $TOKEN" -H "X-Reason: citizen called" \\
          http://127.0.0.1:8080/api/v1/citizens/93051822361/balance
    """
    import uvicorn

    from api.service import Service
    from api.settings import load_service_settings

    settings = load_service_settings(obj.database)
    Service(settings).open_ledger().close()  # refuse a store we cannot use, once
    if workers is None:
        workers = 1 if not settings.store.backend.is_server else default_workers()
    if obj.database:
        os.environ["LLR_DATABASE"] = obj.database  # the workers read the environment
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="llr-metrics-")
    click.echo(f"llr serve: http://{host}:{port}/api/v1 ({workers} workers)", err=True)
    uvicorn.run(
        "api.app:app_from_env", factory=True, host=host, port=port, workers=workers,
        access_log=False, proxy_headers=forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips, server_header=False,
    )  # fmt: skip
