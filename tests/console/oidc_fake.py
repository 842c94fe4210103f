"""A fake identity provider the OpenID Connect tests run themselves: a threaded
``http.server`` on a free loopback port, with keys made by joserfc.

It does what a real provider does for the authorization code flow with PKCE, and checks
what a real one checks: discovery, ``/authorize`` (the configured user approved at once,
sent back with a code and the state), ``/token`` (the client's authentication, the code
once, the redirect URI, the PKCE verifier against the challenge), ``/jwks`` and
``/logout`` (RP-initiated logout). A test changes its answers through its attributes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

KEY = RSAKey.generate_key(2048, parameters={"kid": "fake-1"}, private=True)
# Another key under the same kid: what it signs must not verify.
IMPOSTOR = RSAKey.generate_key(2048, parameters={"kid": "fake-1"}, private=True)
CLIENT_ID = "llr-console"
SECRET = "s3cret&more"  # a character Basic authentication must form-encode
APPROVAL_PAGE = """<!doctype html><html lang="en"><title>Fake IdP</title><main>
<h1>Fake IdP</h1><form method="post" action="/approve">
<input type="hidden" name="request" value="{request}"><button>Approve</button></form></main>"""


@dataclass
class FakeProvider:
    host: str = "127.0.0.1"
    client_id: str = CLIENT_ID
    client_secret: str | None = SECRET
    client_auth: str = "client_secret_basic"  # or client_secret_post, or none
    redirect_uri: str = "https://testserver/sign-in/callback"
    name: str = "Fake IdP"
    # The approved user's claims; a value None leaves the claim out of the ID token.
    user: dict[str, Any] = field(default_factory=lambda: {"sub": "u-42", "llr_role": "backoffice"})
    token_changes: dict[str, Any] = field(default_factory=dict)  # changes to the ID token
    sign_with: Any = field(default_factory=lambda: KEY)
    deny: str | None = None  # an error code /authorize answers with instead of a code
    # A page with an "Approve" button first, as a real provider's sign-in page: the way
    # back then starts on the provider's site (auto-approval starts it on the console's).
    interactive: bool = False
    waiting: dict[str, dict[str, str]] = field(default_factory=dict)  # requests on that page
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)  # why /token refused, in order
    logouts: list[dict[str, str]] = field(default_factory=list)
    port: int = 0

    @property
    def issuer(self) -> str:
        return f"http://{self.host}:{self.port}"

    def discovery(self) -> dict[str, Any]:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "end_session_endpoint": f"{self.issuer}/logout",
                "response_types_supported": ["code"], "code_challenge_methods_supported": ["S256"],
                "id_token_signing_alg_values_supported": ["RS256"]}  # fmt: skip

    def jwks_file(self, folder: Path) -> Path:
        """The key set as a file: the service reads ``LLR_OIDC_JWKS`` from a file or https."""
        path = folder / "fake-idp-jwks.json"
        path.write_text(json.dumps({"keys": [KEY.as_dict(private=False)]}), encoding="utf-8")
        return path

    def env(self, folder: Path) -> dict[str, str]:
        """The settings of a service and console that sign in with this provider."""
        env = {"LLR_OIDC_ISSUER": self.issuer, "LLR_OIDC_AUDIENCE": "llr-api",
               "LLR_OIDC_JWKS": str(self.jwks_file(folder)),
               "LLR_CONSOLE_OIDC_CLIENT_ID": self.client_id,
               "LLR_CONSOLE_OIDC_PROVIDER_NAME": self.name}  # fmt: skip
        if self.client_secret is not None:
            env["LLR_CONSOLE_OIDC_CLIENT_SECRET"] = self.client_secret
        if self.client_auth != "none":
            env["LLR_CONSOLE_OIDC_CLIENT_AUTH"] = self.client_auth
        return env

    # ------------------------------------------------------------------------ endpoints
    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        wrong = self.authorize_problem(query)
        if wrong:
            return 400, {}, wrong
        if self.interactive:
            request = secrets.token_urlsafe(16)
            self.waiting[request] = query
            return 200, {"Content-Type": "text/html"}, APPROVAL_PAGE.format(request=request)
        return self.approved(query)

    def approve(self, form: dict[str, str]) -> tuple[int, dict[str, str], str]:
        query = self.waiting.pop(form.get("request", ""), None)
        return (400, {}, "no such request") if query is None else self.approved(query)

    def approved(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        back: dict[str, str] = {"state": query["state"]}
        if self.deny:
            back |= {"error": self.deny, "error_description": "Call 0800 to unlock your account"}
        else:
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"challenge": query["code_challenge"], "nonce": query["nonce"],
                                "redirect_uri": query["redirect_uri"]}  # fmt: skip
            back["code"] = code
        return 302, {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}, ""

    def authorize_problem(self, query: dict[str, str]) -> str:
        checks = {
            "response_type": query.get("response_type") == "code",
            "client_id": query.get("client_id") == self.client_id,
            "redirect_uri": query.get("redirect_uri") == self.redirect_uri,
            "scope": "openid" in query.get("scope", "").split(),
            "code_challenge_method": query.get("code_challenge_method") == "S256",
            "code_challenge": len(query.get("code_challenge", "")) == 43,
            "state": bool(query.get("state")),
            "nonce": bool(query.get("nonce")),
        }
        return ", ".join(name for name, good in checks.items() if not good)

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        why = self.client_problem(form, authorization)
        if why:
            self.refusals.append(why)
            return 401, {"error": "invalid_client"}
        granted = self.codes.pop(form.get("code", ""), None)  # a code serves once
        why = self.grant_problem(form, granted)
        if why or granted is None:
            self.refusals.append(why)
            return 400, {"error": "invalid_grant"}
        return 200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                     "expires_in": 300, "id_token": self.id_token(granted["nonce"])}  # fmt: skip

    def client_problem(self, form: dict[str, str], authorization: str | None) -> str:
        if self.client_auth == "client_secret_basic":
            if not (authorization or "").startswith("Basic "):
                return "no Basic authentication"
            raw = base64.b64decode((authorization or "")[6:]).decode()
            client, _, secret = raw.partition(":")
            given = (unquote_plus(client), unquote_plus(secret))
        elif self.client_auth == "client_secret_post":
            given = (form.get("client_id", ""), form.get("client_secret", ""))
        else:
            given = (form.get("client_id", ""), "")
        expected = (self.client_id, self.client_secret or "")
        return "" if given == expected else f"client authentication {given[0]!r} refused"

    def grant_problem(self, form: dict[str, str], granted: dict[str, str] | None) -> str:
        if form.get("grant_type") != "authorization_code":
            return "grant_type"
        if granted is None:
            return "unknown or used code"
        if form.get("redirect_uri") != granted["redirect_uri"]:
            return "redirect_uri"
        verifier = form.get("code_verifier", "").encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        return "" if digest.decode() == granted["challenge"] else "code_verifier"

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.issuer, "aud": self.client_id, "iat": now,
                                  "exp": now + 300, "nonce": nonce, **self.user,
                                  **self.token_changes}  # fmt: skip
        claims = {name: value for name, value in claims.items() if value is not None}
        header = {"alg": "RS256", "kid": self.sign_with.kid}
        return jwt.encode(header, claims, self.sign_with, algorithms=["RS256"])

    def logout(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        self.logouts.append(query)
        return 302, {"Location": query.get("post_logout_redirect_uri", self.issuer)}, ""


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the tests say what went wrong

    def do_GET(self) -> None:
        provider = self.server.provider
        parts = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        if parts.path == "/.well-known/openid-configuration":
            self.answer(200, {"Content-Type": "application/json"}, json.dumps(provider.discovery()))
        elif parts.path == "/jwks":
            self.answer(200, {"Content-Type": "application/json"},
                        json.dumps({"keys": [KEY.as_dict(private=False)]}))  # fmt: skip
        elif parts.path == "/authorize":
            self.answer(*provider.authorize(query))
        elif parts.path == "/logout":
            self.answer(*provider.logout(query))
        else:
            self.answer(404, {}, "not found")

    def do_POST(self) -> None:
        provider = self.server.provider
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        form = {name: values[0] for name, values in parse_qs(body).items()}
        if urlsplit(self.path).path == "/approve":
            self.answer(*provider.approve(form))
            return
        if urlsplit(self.path).path != "/token":
            self.answer(404, {}, "not found")
            return
        status, answer = provider.token(form, self.headers.get("Authorization"))
        self.answer(status, {"Content-Type": "application/json"}, json.dumps(answer))

    def answer(self, status: int, headers: dict[str, str], body: str) -> None:
        data = body.encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, provider: FakeProvider) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.provider = provider


@contextmanager
def running(provider: FakeProvider) -> Iterator[FakeProvider]:
    """The provider, answering on a free loopback port until the block ends."""
    server = Server(provider)
    provider.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="fake-idp", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
