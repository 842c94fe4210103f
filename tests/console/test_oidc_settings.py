"""The settings of the console's sign-in with the identity provider, and the provider's
endpoints: refused at start with a message naming the setting, as the service's are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.settings import OidcSettings
from console.oidc_provider import Endpoints, Provider, ProviderUnavailable
from console.settings import ConsoleOidcSettings, load_oidc_settings
from ledger.domain.errors import InvalidInputError
from tests.api.processes import free_port
from tests.console.oidc_fake import FakeProvider, running
from tests.llr import ADMIN, Llr

ISSUER = "https://login.example.be/realms/llr"
ON = {"LLR_OIDC_ISSUER": ISSUER, "LLR_CONSOLE_OIDC_CLIENT_ID": "llr-console"}


def test_without_a_client_id_the_sign_in_with_a_provider_is_off() -> None:
    assert load_oidc_settings({"LLR_OIDC_ISSUER": ISSUER}) is None


def test_the_settings_are_read_from_the_environment() -> None:
    settings = load_oidc_settings({
        **ON, "LLR_CONSOLE_OIDC_CLIENT_SECRET": "s", "LLR_CONSOLE_OIDC_CLIENT_AUTH":
        "client_secret_post", "LLR_CONSOLE_OIDC_SCOPES": "openid profile roles",
        "LLR_CONSOLE_OIDC_REDIRECT_URI": "https://llr.example.be/sign-in/callback",
        "LLR_CONSOLE_OIDC_MAX_HOURS": "8",
    })  # fmt: skip

    assert settings == ConsoleOidcSettings(
        client_id="llr-console", client_secret="s", client_auth="client_secret_post",
        redirect_uri="https://llr.example.be/sign-in/callback",
        scopes=("openid", "profile", "roles"), max_hours=8,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"LLR_OIDC_ISSUER": ""}, "LLR_CONSOLE_OIDC_CLIENT_ID is set but LLR_OIDC_ISSUER is not"),
        ({"LLR_CONSOLE_OIDC_REDIRECT_URI": "http://llr.example.be/sign-in/callback"},
         "LLR_CONSOLE_OIDC_REDIRECT_URI 'http://llr.example.be/sign-in/callback': must be an "
         "https URL"),
        ({"LLR_CONSOLE_OIDC_TOKEN_ENDPOINT": "login.example.be/token"},
         "LLR_CONSOLE_OIDC_TOKEN_ENDPOINT"),
        ({"LLR_CONSOLE_OIDC_SCOPES": "profile email"}, "must include openid"),
        ({"LLR_CONSOLE_OIDC_CLIENT_AUTH": "private_key_jwt"},
         "must be client_secret_basic or client_secret_post"),
        ({"LLR_CONSOLE_OIDC_MAX_HOURS": "0"}, "LLR_CONSOLE_OIDC_MAX_HOURS '0'"),
    ],
)  # fmt: skip
def test_a_setting_that_cannot_work_is_refused_naming_it(
    changes: dict[str, str], says: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        load_oidc_settings({**ON, **changes})

    assert says in str(refused.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_plain_http_is_taken_on_a_loopback_host_only(host: str) -> None:
    url = f"http://{host}:8080/sign-in/callback"

    settings = load_oidc_settings({**ON, "LLR_CONSOLE_OIDC_REDIRECT_URI": url})

    assert settings is not None and settings.redirect_uri == url


def provider(document: dict[str, Any] | None = None, **console: Any) -> tuple[Provider, list[str]]:
    asked: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        asked.append(url)
        return document or {}

    service = OidcSettings(ISSUER, "llr-api", "/unused/jwks.json")
    return Provider(service, ConsoleOidcSettings("llr-console", **console), fetch), asked


def discovery(**changes: Any) -> dict[str, Any]:
    return {"issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/auth",
            "token_endpoint": f"{ISSUER}/token", **changes}  # fmt: skip


def test_the_endpoints_come_from_the_discovery_document_read_once() -> None:
    found, asked = provider(discovery(end_session_endpoint=f"{ISSUER}/logout"))

    assert found.endpoints() == Endpoints(f"{ISSUER}/auth", f"{ISSUER}/token", f"{ISSUER}/logout")
    assert found.endpoints() == Endpoints(f"{ISSUER}/auth", f"{ISSUER}/token", f"{ISSUER}/logout")
    assert asked == [f"{ISSUER}/.well-known/openid-configuration"]


def test_explicit_endpoints_need_no_discovery() -> None:
    found, asked = provider(authorization_endpoint="https://a.example/auth",
                            token_endpoint="https://a.example/token")  # fmt: skip

    assert found.endpoints() == Endpoints("https://a.example/auth", "https://a.example/token")
    assert asked == []


@pytest.mark.parametrize(
    ("document", "says"),
    [
        (discovery(issuer="https://evil.example"), "names the issuer 'https://evil.example'"),
        (discovery(code_challenge_methods_supported=["plain"]), "PKCE with S256"),
        (discovery(token_endpoint="http://login.example.be/token"), "token_endpoint"),
        (discovery(authorization_endpoint=None), "no usable endpoint"),
    ],
)
def test_a_discovery_document_the_console_cannot_trust_or_use_is_refused(
    document: dict[str, Any], says: str
) -> None:
    found, _ = provider(document)

    with pytest.raises(ProviderUnavailable) as refused:
        found.endpoints()

    assert says in str(refused.value)


def test_llr_serve_refuses_a_console_client_without_the_services_identity_provider(
    ready: Llr,
) -> None:
    message = ready.refused("serve", "--port", str(free_port()), **ADMIN,
                            LLR_CONSOLE_OIDC_CLIENT_ID="llr-console")  # fmt: skip

    assert "LLR_CONSOLE_OIDC_CLIENT_ID is set but LLR_OIDC_ISSUER is not" in message


def test_llr_serve_refuses_a_provider_whose_endpoints_it_cannot_read_before_starting(
    ready: Llr, tmp_path: Path
) -> None:
    with running(FakeProvider()) as fake:
        env = fake.env(tmp_path)
    # The provider has stopped: its discovery document cannot be read.
    message = ready.refused("serve", "--port", str(free_port()), **ADMIN, **env)

    assert "LLR_CONSOLE_OIDC_CLIENT_ID: the identity provider's endpoints cannot be read" in message
