"""The service as the API benchmark runs it: ``llr serve``'s uvicorn options and default
workers, with one fixed bearer credential (``bench``) in the backoffice role.

    python -m benchmarks.api_served --port 8081 [--workers N]

Benchmark only: the product's ``llr serve`` accepts no such credential.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from api.middleware import log_to_stderr
from api.principal import AuthenticationFailed, Principal
from api.settings import load_service_settings
from ledger.security.roles import Role, RoleName

TOKEN = "bench"
ACTOR = "bench:client"


def bench_credential(credential: str) -> Principal:
    if credential != TOKEN:
        raise AuthenticationFailed("not the benchmark's credential")
    return Principal(ACTOR, Role(RoleName.BACKOFFICE), "bench")


def app() -> FastAPI:
    """uvicorn's factory in each worker, as ``api.app:app_from_env`` is for llr serve."""
    from api.metrics import forget_dead_workers

    log_to_stderr()
    forget_dead_workers()
    return create_app(load_service_settings(), authenticators=[bench_credential])


def main() -> None:
    import uvicorn

    from cli.serve import default_workers, uvicorn_options

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    uvicorn.run("benchmarks.api_served:app", host="127.0.0.1", port=args.port,
                workers=args.workers, **uvicorn_options())  # fmt: skip


if __name__ == "__main__":
    main()
