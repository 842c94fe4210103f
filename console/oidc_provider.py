"""The identity provider as the console's sign-in talks to it: its endpoints (explicit
settings, or its discovery document), the code exchange at its token endpoint, and the
check of the ID token it returns.

The ID token is checked by the service's own authenticator of bearer JWTs (api/oidc.py:
algorithm, signature with the keys of ``LLR_OIDC_JWKS``, ``iss``, ``exp``/``nbf``/``iat``
with leeway, the role and actor claims), with the console's client id as the audience, and
the checks OpenID Connect Core 3.1.3.7 adds for an ID token: ``iat`` present, ``nonce``
the one this sign-in sent, ``azp`` the client when there are several audiences.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote_plus, urlencode, urljoin, urlsplit

import httpx
from fastapi import Request
from joserfc import jwt

from api.jwks import JwksSource
from api.oidc import OidcAuthenticator
from api.principal import AuthenticationFailed, Principal
from api.settings import OidcSettings, ServiceSettings
from console.settings import ConsoleOidcSettings, ConsoleSettings, checked_url
from ledger.domain.errors import InvalidInputError

log = logging.getLogger("llr.console.oidc")
TIMEOUT_SECONDS = 10.0
MAX_ANSWER_BYTES = 1024 * 1024


class ProviderUnavailable(Exception):
    """The provider cannot be asked now (network, HTTP error, a garbled answer)."""


class ProviderRefused(Exception):
    """The provider or its answer refuses this sign-in; the message is for the log."""


class RoleRefused(AuthenticationFailed):
    """The ID token is good but names no role, or one the ledger does not know."""

    def __init__(self, message: str, value: Any) -> None:
        super().__init__(message)
        self.value = value


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    end_session: str | None = None


def fetched_json(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=TIMEOUT_SECONDS, follow_redirects=False)
        response.raise_for_status()
        document = json.loads(response.content[:MAX_ANSWER_BYTES])
    except (httpx.HTTPError, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {type(error).__name__}") from None
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return document


class Provider:
    """One identity provider: endpoints read once per process, then kept."""

    def __init__(
        self,
        service: OidcSettings,
        console: ConsoleOidcSettings,
        fetch: Callable[[str], dict[str, Any]] = fetched_json,
    ) -> None:
        self.service, self.console, self.fetch = service, console, fetch
        self.keys = JwksSource(service.jwks)
        self._endpoints: Endpoints | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.console.provider_name or urlsplit(self.service.issuer).hostname or "OIDC"

    @property
    def discovery_url(self) -> str:
        return self.service.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def endpoints(self) -> Endpoints:
        with self._lock:
            if self._endpoints is None:
                self._endpoints = self.read_endpoints()
            return self._endpoints

    def read_endpoints(self) -> Endpoints:
        given = self.console
        if given.authorization_endpoint and given.token_endpoint:
            return Endpoints(given.authorization_endpoint, given.token_endpoint,
                             given.end_session_endpoint)  # fmt: skip
        found = self.discovered(self.fetch(self.discovery_url))
        return Endpoints(
            given.authorization_endpoint or found.authorization,
            given.token_endpoint or found.token,
            given.end_session_endpoint or found.end_session,
        )

    def discovered(self, document: dict[str, Any]) -> Endpoints:
        """The discovery document's endpoints, once it proves to be the issuer's own
        (OpenID Connect Discovery 4.3) and to take PKCE with S256."""
        where = self.discovery_url
        if document.get("issuer") != self.service.issuer:
            raise ProviderUnavailable(
                f"{where} names the issuer {str(document.get('issuer'))[:80]!r}, not "
                f"LLR_OIDC_ISSUER {self.service.issuer!r}"
            )
        methods = document.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise ProviderUnavailable(f"{where}: the provider does not take PKCE with S256")
        try:
            return Endpoints(
                checked_url(f"{where} authorization_endpoint", document["authorization_endpoint"]),
                checked_url(f"{where} token_endpoint", document["token_endpoint"]),
                checked_url(f"{where} end_session_endpoint", document["end_session_endpoint"])
                if isinstance(document.get("end_session_endpoint"), str) else None,
            )  # fmt: skip
        except (KeyError, TypeError, InvalidInputError) as error:
            raise ProviderUnavailable(f"{where}: no usable endpoint ({error})") from None

    def authorization_url(self, redirect_uri: str, state: str, nonce: str, challenge: str) -> str:
        endpoint = self.endpoints().authorization
        query = urlencode({
            "response_type": "code", "client_id": self.console.client_id,
            "redirect_uri": redirect_uri, "scope": " ".join(self.console.scopes),
            "state": state, "nonce": nonce,
            "code_challenge": challenge, "code_challenge_method": "S256",
        })  # fmt: skip
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    def id_token_for(self, code: str, redirect_uri: str, verifier: str) -> str:
        """The ID token the token endpoint gives for the code and this sign-in's verifier."""
        form = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": redirect_uri, "code_verifier": verifier}  # fmt: skip
        auth = None
        secret = self.console.client_secret
        if secret is None or self.console.client_auth == "client_secret_post":
            form["client_id"] = self.console.client_id
        if secret is not None and self.console.client_auth == "client_secret_post":
            form["client_secret"] = secret
        elif secret is not None:  # RFC 6749 2.3.1: each part form-encoded, then Basic
            auth = (quote_plus(self.console.client_id), quote_plus(secret))
        endpoint = self.endpoints().token
        try:
            response = httpx.post(
                endpoint, data=form, auth=auth, headers={"Accept": "application/json"},
                timeout=TIMEOUT_SECONDS, follow_redirects=False,
            )  # fmt: skip
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"{endpoint}: {type(error).__name__}") from None
        return id_token_of(endpoint, response)

    def principal(self, id_token: str, nonce: str, sector_funds: Collection[str]) -> Principal:
        """Who the ID token proves, in the role of its claim; AuthenticationFailed (or
        RoleRefused) says why not."""
        check = IdTokenCheck(self.service, self.console.client_id, nonce, sector_funds,
                             self.keys)  # fmt: skip
        signed = check(id_token)
        if signed is None:
            raise AuthenticationFailed("the ID token is not a JWT")
        return signed

    def end_session_url(self, id_token: str | None, after: str) -> str | None:
        """Where the browser ends the provider's own session (RP-initiated logout), or
        None when the provider has no end-session endpoint."""
        endpoint = self.endpoints().end_session
        if endpoint is None:
            return None
        query = {"client_id": self.console.client_id, "post_logout_redirect_uri": after}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


def id_token_of(endpoint: str, response: httpx.Response) -> str:
    try:
        answer = json.loads(response.content[:MAX_ANSWER_BYTES])
    except ValueError:
        answer = None
    if response.status_code >= 500 or not isinstance(answer, dict):
        raise ProviderUnavailable(f"{endpoint}: HTTP {response.status_code}")
    if response.status_code != 200:
        error = str(answer.get("error", "no error code"))[:80]
        raise ProviderRefused(f"the token endpoint refused the code: {error}")
    token = answer.get("id_token")
    if not isinstance(token, str):
        raise ProviderRefused("the token endpoint's answer has no id_token")
    return token


class IdTokenCheck(OidcAuthenticator):
    """The check of one sign-in's ID token: the API's checks of a bearer JWT, with the
    client as the audience, plus those an ID token needs (``nonce``, ``iat``, ``azp``)."""

    def __init__(
        self,
        service: OidcSettings,
        client_id: str,
        nonce: str,
        sector_funds: Collection[str],
        keys: JwksSource,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(replace(service, audience=client_id), sector_funds, keys, clock)
        self.nonce = nonce

    def registry(self) -> jwt.JWTClaimsRegistry:
        return jwt.JWTClaimsRegistry(
            now=lambda: int(self.clock()), leeway=self.settings.leeway_seconds,
            iss={"essential": True, "value": self.settings.issuer},
            aud={"essential": True, "value": self.settings.audience},
            exp={"essential": True}, iat={"essential": True},
            nonce={"essential": True, "value": self.nonce},
        )  # fmt: skip

    def verified_claims(self, credential: str, key: Any) -> dict[str, Any]:
        claims = super().verified_claims(credential, key)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        azp = claims.get("azp")
        if (len(audiences) > 1 or azp is not None) and azp != self.settings.audience:
            raise AuthenticationFailed(
                f"the ID token was issued to {str(azp)[:80]!r} (azp), not to this console"
            )
        return claims

    def role_of(self, claims: dict[str, Any]) -> Any:
        try:
            return super().role_of(claims)
        except AuthenticationFailed as refused:
            raise RoleRefused(str(refused), claims.get(self.settings.role_claim)) from None


def configured(console: ConsoleSettings, service: ServiceSettings) -> Provider | None:
    """The provider the console signs in with, or None when sign-in with one is off."""
    if console.oidc is None:
        return None
    if service.oidc is None:
        raise InvalidInputError(
            "LLR_CONSOLE_OIDC_CLIENT_ID is set but the service has no identity provider: "
            "set LLR_OIDC_ISSUER, LLR_OIDC_AUDIENCE and LLR_OIDC_JWKS"
        )
    return Provider(service.oidc, console.oidc)


def provider_of(request: Request) -> Provider | None:
    provider: Provider | None = getattr(request.app.state, "oidc_provider", None)
    return provider


def callback_url(request: Request, provider: Provider) -> str:
    """The redirect URI: the setting, else this console's callback as the request names
    it (behind a proxy, only right when the proxy passes the host and scheme on)."""
    return provider.console.redirect_uri or str(request.url_for("oidc_callback"))


def sign_in_url(request: Request, provider: Provider) -> str:
    """Where the provider sends the browser back after its sign-out: the sign-in page."""
    return urljoin(callback_url(request, provider), "/sign-in")
