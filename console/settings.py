"""The console's settings, from the environment like the service's (``api.settings``), so
that every worker of ``llr serve`` reads the same ones."""

from __future__ import annotations

import ipaddress
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from api.settings import whole
from ledger.domain.errors import InvalidInputError

CLIENT_AUTHS = ("client_secret_basic", "client_secret_post")


@dataclass(frozen=True)
class ConsoleOidcSettings:
    """Sign-in with the identity provider (docs/console-oidc.md). The issuer, its keys and
    the role and actor claims are the service's (``LLR_OIDC_*``): one provider for both."""

    client_id: str
    client_secret: str | None = None  # None: a public client, proved by PKCE alone
    client_auth: str = "client_secret_basic"
    redirect_uri: str | None = None  # None: derived from the request (behind the proxy)
    scopes: tuple[str, ...] = ("openid",)
    provider_name: str | None = None  # the button's "Sign in with <name>"
    # Explicit endpoints; those not given come from the provider's discovery document.
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    end_session_endpoint: str | None = None
    max_hours: int = 10  # an OpenID Connect session ends this long after sign-in, used or not


@dataclass(frozen=True)
class ConsoleSettings:
    # Sessions live in a file that every worker of one host shares (console.sessions).
    session_dir: Path
    idle_minutes: int = 30
    # Cookies are Secure unless this is set: only for http on loopback (tests, a laptop).
    insecure_cookies: bool = False
    oidc: ConsoleOidcSettings | None = None


def load_console_settings(environ: Mapping[str, str] | None = None) -> ConsoleSettings:
    environ = os.environ if environ is None else environ
    folder = environ.get("LLR_CONSOLE_SESSION_DIR", "").strip()
    return ConsoleSettings(
        session_dir=Path(folder) if folder else default_session_dir(),
        idle_minutes=whole(environ, "LLR_CONSOLE_IDLE_MINUTES", 30),
        insecure_cookies=environ.get("LLR_CONSOLE_INSECURE_COOKIES", "").strip().lower()
        in {"1", "y", "yes", "true"},
        oidc=load_oidc_settings(environ),
    )


def load_oidc_settings(environ: Mapping[str, str]) -> ConsoleOidcSettings | None:
    """Sign-in with the identity provider, on once ``LLR_CONSOLE_OIDC_CLIENT_ID`` is set."""
    client_id = environ.get("LLR_CONSOLE_OIDC_CLIENT_ID", "").strip()
    if not client_id:
        return None
    if not environ.get("LLR_OIDC_ISSUER", "").strip():
        raise InvalidInputError(
            "LLR_CONSOLE_OIDC_CLIENT_ID is set but LLR_OIDC_ISSUER is not: the console signs "
            "in with the service's identity provider (LLR_OIDC_ISSUER, LLR_OIDC_AUDIENCE, "
            "LLR_OIDC_JWKS)"
        )

    def text(name: str) -> str | None:
        return environ.get(name, "").strip() or None

    return ConsoleOidcSettings(
        client_id=client_id,
        client_secret=text("LLR_CONSOLE_OIDC_CLIENT_SECRET"),
        client_auth=client_auth(text("LLR_CONSOLE_OIDC_CLIENT_AUTH")),
        redirect_uri=url_setting(environ, "LLR_CONSOLE_OIDC_REDIRECT_URI"),
        scopes=scopes(text("LLR_CONSOLE_OIDC_SCOPES")),
        provider_name=text("LLR_CONSOLE_OIDC_PROVIDER_NAME"),
        authorization_endpoint=url_setting(environ, "LLR_CONSOLE_OIDC_AUTHORIZATION_ENDPOINT"),
        token_endpoint=url_setting(environ, "LLR_CONSOLE_OIDC_TOKEN_ENDPOINT"),
        end_session_endpoint=url_setting(environ, "LLR_CONSOLE_OIDC_END_SESSION_ENDPOINT"),
        max_hours=whole(environ, "LLR_CONSOLE_OIDC_MAX_HOURS", 10),
    )


def client_auth(value: str | None) -> str:
    if value is None:
        return CLIENT_AUTHS[0]
    if value not in CLIENT_AUTHS:
        raise InvalidInputError(
            f"LLR_CONSOLE_OIDC_CLIENT_AUTH {value[:40]!r}: must be {' or '.join(CLIENT_AUTHS)}"
        )
    return value


def scopes(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ("openid",)
    found = tuple(dict.fromkeys(value.replace(",", " ").split()))
    if "openid" not in found:
        raise InvalidInputError(
            f"LLR_CONSOLE_OIDC_SCOPES {value[:80]!r}: must include openid (the scope that "
            "asks for an ID token)"
        )
    return found


def url_setting(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return checked_url(name, value) if value else None


def checked_url(name: str, url: str) -> str:
    """An https URL, or http on a loopback host (a provider on the same machine, tests):
    over plain http anyone on the way could read the code or hand over their own answer."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return url
    raise InvalidInputError(
        f"{name} {url[:80]!r}: must be an https URL (http only on a loopback address)"
    )


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_session_dir() -> Path:
    # Per user: another account on the host must not share (or read) the session file.
    return Path(tempfile.gettempdir()) / f"llr-console-{os.getuid()}"
