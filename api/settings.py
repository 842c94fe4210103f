"""The service's settings: the store's (``ledger.config``) and those of the HTTP edge.

Everything comes from the environment, as the command line's secrets do, so that
``llr serve --workers N`` hands the same settings to every worker process.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ledger.config import Settings, load_settings
from ledger.domain.errors import InvalidInputError

MIB = 1024 * 1024


@dataclass(frozen=True)
class OidcSettings:
    """An identity provider whose bearer JWTs the service accepts."""

    issuer: str
    audience: str
    jwks: str  # a file path or an https URL of the JSON Web Key Set
    role_claim: str = "llr_role"
    actor_claim: str = "sub"
    # Ed25519, not EdDSA: the fully specified name (RFC 9864), which joserfc recommends.
    algorithms: tuple[str, ...] = ("RS256", "ES256", "PS256", "Ed25519")
    leeway_seconds: int = 30


@dataclass(frozen=True)
class ServiceSettings:
    store: Settings
    max_body_bytes: int = 1 * MIB  # a JSON request
    max_upload_bytes: int = 512 * MIB  # an import file
    upload_dir: Path = field(default_factory=lambda: default_upload_dir())
    oidc: OidcSettings | None = None
    cors_origins: tuple[str, ...] = ()
    failed_auth_per_minute: int = 20  # per client address, then 429
    follow_projections: bool = True  # keep the read models up to date in the background
    # /readyz answers 503 once a read model is more than this many events behind.
    ready_lag: int = 10_000
    # Requests a worker runs at once (its thread pool), each with a database connection
    # of its own; more wait their turn in the event loop (docs/api.md, BENCHMARKS.md).
    threads: int = 8


def load_service_settings(
    database: str | None = None, environ: Mapping[str, str] | None = None
) -> ServiceSettings:
    environ = os.environ if environ is None else environ
    issuer = environ.get("LLR_OIDC_ISSUER", "").strip()
    oidc = None
    if issuer:
        oidc = OidcSettings(
            issuer=issuer,
            audience=required(environ, "LLR_OIDC_AUDIENCE"),
            jwks=required(environ, "LLR_OIDC_JWKS"),
            role_claim=environ.get("LLR_OIDC_ROLE_CLAIM") or "llr_role",
            actor_claim=environ.get("LLR_OIDC_ACTOR_CLAIM") or "sub",
        )
    upload_dir = environ.get("LLR_API_UPLOAD_DIR")
    return ServiceSettings(
        store=load_settings(database, environ),
        max_body_bytes=size(environ, "LLR_API_MAX_BODY", 1 * MIB),
        max_upload_bytes=size(environ, "LLR_API_MAX_UPLOAD", 512 * MIB),
        upload_dir=Path(upload_dir) if upload_dir else default_upload_dir(),
        oidc=oidc,
        cors_origins=tuple(
            o.strip() for o in environ.get("LLR_API_CORS_ORIGINS", "").split(",") if o.strip()
        ),
        failed_auth_per_minute=whole(environ, "LLR_API_FAILED_AUTH_PER_MINUTE", 20),
        follow_projections=environ.get("LLR_API_FOLLOW_PROJECTIONS", "y").lower()
        not in {"n", "no", "0", "false"},
        ready_lag=whole(environ, "LLR_API_READY_LAG", 10_000),
        threads=whole(environ, "LLR_API_THREADS", 8),
    )


def default_upload_dir() -> Path:
    return Path(tempfile.gettempdir()) / "llr-uploads"


def required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise InvalidInputError(f"{name} is not set: OpenID Connect (LLR_OIDC_ISSUER) needs it")
    return value


def whole(environ: Mapping[str, str], name: str, default: int) -> int:
    text = environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) == 0:
        raise InvalidInputError(f"{name} {text[:40]!r}: must be a whole number above 0")
    return int(text)


def size(environ: Mapping[str, str], name: str, default: int) -> int:
    """A size in bytes, or with a suffix: ``10M``, ``1G``, ``512K``."""
    text = environ.get(name, "").strip().upper()
    if not text:
        return default
    factor = {"K": 1024, "M": MIB, "G": 1024 * MIB}.get(text[-1], 1)
    digits = text[:-1] if factor != 1 else text
    if not digits.isdigit() or int(digits) == 0:
        raise InvalidInputError(f"{name} {text[:40]!r}: must be a size such as 1048576 or 10M")
    return int(digits) * factor
