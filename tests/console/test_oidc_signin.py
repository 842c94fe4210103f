"""Sign-in with the identity provider (OpenID Connect, authorization code with PKCE):
the console against the fake provider of ``oidc_fake``, answering on a loopback port.

The test client stands in for the browser: it follows the console's redirect to the
provider itself (``through_provider``) and brings the provider's answer back."""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from api.settings import OidcSettings
from console.oidc_provider import fetched_json
from tests.api.processes import free_port
from tests.api.service import app_for
from tests.console.browsing import form_csrf, text_of
from tests.console.conftest import BASE_URL
from tests.console.oidc_fake import CLIENT_ID, IMPOSTOR, FakeProvider, running
from tests.llr import Llr

NOT_VERIFIED = "Het antwoord van de identiteitsprovider kon niet worden geverifieerd"
UNKNOWN_FLOW = "Deze aanmelding werd niet hier gestart, werd al gebruikt of is verlopen"


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with running(FakeProvider()) as started:
        yield started


@pytest.fixture
def oidc_console(
    ready: Llr, database_url: str, tmp_path: Path, provider: FakeProvider,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[TestClient]:  # fmt: skip
    """The console with the real authenticators and sign-in at the fake provider."""
    env = provider.env(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    oidc = OidcSettings(issuer=env["LLR_OIDC_ISSUER"], audience=env["LLR_OIDC_AUDIENCE"],
                        jwks=env["LLR_OIDC_JWKS"])  # fmt: skip
    app = app_for(database_url, tmp_path, authenticators=None, oidc=oidc)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        yield client


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def through_provider(client: TestClient, change: dict[str, str] | None = None) -> str:
    """Start the sign-in and let the provider answer: the callback URL it sends the
    browser back to. ``change``: parameters altered on the way to the provider."""
    started = client.get("/sign-in/oidc")
    assert started.status_code == 303, started.text
    authorize = started.headers["location"]
    if change:
        query = {**query_of(authorize), **change}
        authorize = str(httpx.URL(authorize.split("?")[0], params=query))
    answered = httpx.get(authorize, follow_redirects=False)
    assert answered.status_code == 302, answered.text
    back: str = answered.headers["location"]
    assert back.startswith(BASE_URL + "/sign-in/callback?")
    return back


def signed_in_page(client: TestClient) -> str:
    home = client.get("/")
    assert home.status_code == 200, home.headers.get("location")
    return text_of(home.text)


def assert_not_signed_in(client: TestClient) -> None:
    home = client.get("/")
    assert (home.status_code, home.headers["location"]) == (303, "/sign-in")


# ---------------------------------------------------------------------------- the way in
def test_the_sign_in_page_offers_the_provider_beside_the_api_token(
    oidc_console: TestClient,
) -> None:
    page = oidc_console.get("/sign-in")

    assert page.status_code == 200
    assert '<a class="button" href="/sign-in/oidc">Aanmelden met Fake IdP</a>' in page.text
    assert 'name="token"' in page.text


def test_without_a_client_id_the_sign_in_page_has_no_provider_and_the_start_leads_back(
    console: TestClient,
) -> None:
    assert "/sign-in/oidc" not in console.get("/sign-in").text
    started = console.get("/sign-in/oidc")
    assert (started.status_code, started.headers["location"]) == (303, "/sign-in")


def test_the_start_sends_the_browser_to_the_provider_with_state_nonce_and_an_s256_challenge(
    oidc_console: TestClient, provider: FakeProvider
) -> None:
    started = oidc_console.get("/sign-in/oidc")

    url = started.headers["location"]
    query = query_of(url)
    assert url.startswith(provider.issuer + "/authorize?")
    expected = {"response_type": "code", "client_id": CLIENT_ID, "scope": "openid",
                "redirect_uri": BASE_URL + "/sign-in/callback",
                "code_challenge_method": "S256"}  # fmt: skip
    assert {name: query[name] for name in expected} == expected
    assert len(query["state"]) >= 43 and len(query["nonce"]) >= 43
    assert len(query["code_challenge"]) == 43
    flow = started.headers.get_list("set-cookie")
    assert any(c.startswith("__Secure-llr_sign_in=") and "Path=/sign-in/callback" in c
               and "HttpOnly" in c and "SameSite=lax" in c and "Secure" in c
               for c in flow), flow  # fmt: skip


def test_a_user_the_provider_approves_is_signed_in_in_a_new_session_as_the_api_names_them(
    oidc_console: TestClient, provider: FakeProvider
) -> None:
    back = through_provider(oidc_console)
    anonymous = oidc_console.cookies.get("__Host-llr_session")

    arrived = oidc_console.get(back)

    assert arrived.status_code == 200, text_of(arrived.text)
    assert '<meta http-equiv="refresh" content="0; url=/">' in arrived.text
    assert "U bent aangemeld." in text_of(arrived.text)
    assert "Aangemeld als oidc:u-42 (backoffice)" in signed_in_page(oidc_console)
    assert oidc_console.cookies.get("__Host-llr_session") != anonymous
    stale = TestClient(oidc_console.app, base_url=BASE_URL, follow_redirects=False)
    stale.cookies.set("__Host-llr_session", str(anonymous))
    assert_not_signed_in(stale)  # the anonymous session ended with the sign-in
    assert provider.refusals == []  # Basic authentication and the verifier were right


@pytest.mark.parametrize("client_auth", ["client_secret_post", "none"])
def test_a_client_that_sends_its_secret_in_the_form_or_is_public_signs_in_too(
    client_auth: str, ready: Llr, database_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    secret = None if client_auth == "none" else "another secret"
    with running(FakeProvider(client_auth=client_auth, client_secret=secret)) as provider:
        for name, value in provider.env(tmp_path).items():
            monkeypatch.setenv(name, value)
        oidc = OidcSettings(provider.issuer, "llr-api", str(provider.jwks_file(tmp_path)))
        app = app_for(database_url, tmp_path, authenticators=None, oidc=oidc)
        with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
            assert client.get(through_provider(client)).status_code == 200
            assert "oidc:u-42" in signed_in_page(client)
        assert provider.refusals == []


def test_the_session_is_refused_once_the_service_no_longer_takes_the_provider(
    oidc_console: TestClient, ready: Llr, database_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    oidc_console.get(through_provider(oidc_console))
    monkeypatch.delenv("LLR_CONSOLE_OIDC_CLIENT_ID")
    other = app_for(database_url, tmp_path, authenticators=None)  # no LLR_OIDC_*: same store
    with TestClient(other, base_url=BASE_URL, follow_redirects=False) as later:
        later.cookies = oidc_console.cookies

        assert_not_signed_in(later)


def test_an_openid_connect_session_ends_at_its_limit_however_busy(
    oidc_console: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    oidc_console.get(through_provider(oidc_console))
    sessions = oidc_console.app.state.console.sessions  # type: ignore[attr-defined]
    start = time.time()
    for minutes in range(20, 10 * 60, 20):  # ten hours of work, a page every 20 minutes
        monkeypatch.setattr(sessions, "clock", lambda m=minutes: start + m * 60)
        assert oidc_console.get("/").status_code == 200, minutes

    monkeypatch.setattr(sessions, "clock", lambda: start + 10 * 3600 + 1)
    assert_not_signed_in(oidc_console)


# ---------------------------------------------------------------------------- refused
def test_a_callback_with_another_state_signs_nobody_in(oidc_console: TestClient) -> None:
    back = through_provider(oidc_console)
    query = query_of(back)

    arrived = oidc_console.get("/sign-in/callback", params={**query, "state": "x" + query["state"]})

    assert arrived.status_code == 400
    assert UNKNOWN_FLOW in text_of(arrived.text)
    assert_not_signed_in(oidc_console)


def test_a_state_serves_once_and_in_the_browser_that_started_it_only(
    oidc_console: TestClient,
) -> None:
    back = through_provider(oidc_console)
    elsewhere = TestClient(oidc_console.app, base_url=BASE_URL, follow_redirects=False)

    taken_away = elsewhere.get(back)  # a forged sign-in: the victim's browser, the attacker's code
    assert (taken_away.status_code, UNKNOWN_FLOW in text_of(taken_away.text)) == (400, True)
    assert_not_signed_in(elsewhere)
    assert oidc_console.get(back).status_code == 200  # the browser that started it
    oidc_console.post("/sign-out", data={"csrf": form_csrf(oidc_console, "/")})

    replayed = oidc_console.get(back)

    assert replayed.status_code == 400
    assert UNKNOWN_FLOW in text_of(replayed.text)
    assert_not_signed_in(oidc_console)


def test_a_flow_started_in_another_tab_does_not_spoil_the_first(
    oidc_console: TestClient,
) -> None:
    first = through_provider(oidc_console)
    through_provider(oidc_console)

    assert oidc_console.get(first).status_code == 200
    assert "oidc:u-42" in signed_in_page(oidc_console)


def in_the_past(seconds: int) -> dict[str, int]:
    now = int(time.time())
    return {"iat": now - seconds - 300, "exp": now - seconds}


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"nonce": "not-the-one-sent"}, id="wrong nonce"),
        pytest.param({"nonce": None}, id="no nonce"),
        pytest.param(in_the_past(3600), id="expired"),
        pytest.param({"aud": "someone-else"}, id="wrong audience"),
        pytest.param({"aud": [CLIENT_ID, "other"]}, id="several audiences, no azp"),
        pytest.param({"aud": [CLIENT_ID, "other"], "azp": "other"}, id="azp another client"),
        pytest.param({"iat": None}, id="no iat"),
        pytest.param({"iss": "https://idp.example"}, id="another issuer"),
    ],
)
def test_an_id_token_that_breaks_a_rule_signs_nobody_in(
    changes: dict[str, Any], oidc_console: TestClient, provider: FakeProvider
) -> None:
    provider.token_changes = changes

    arrived = oidc_console.get(through_provider(oidc_console))

    assert arrived.status_code == 401
    assert NOT_VERIFIED in text_of(arrived.text)
    assert_not_signed_in(oidc_console)


def test_an_id_token_for_several_audiences_is_taken_when_azp_names_this_console(
    oidc_console: TestClient, provider: FakeProvider
) -> None:
    provider.token_changes = {"aud": [CLIENT_ID, "other"], "azp": CLIENT_ID}

    assert oidc_console.get(through_provider(oidc_console)).status_code == 200
    assert "oidc:u-42" in signed_in_page(oidc_console)


def test_an_id_token_expired_within_the_leeway_is_still_taken(
    oidc_console: TestClient, provider: FakeProvider
) -> None:
    provider.token_changes = in_the_past(10)  # the leeway is 30 s, as for the API

    assert oidc_console.get(through_provider(oidc_console)).status_code == 200


def test_an_id_token_signed_with_another_key_signs_nobody_in(
    oidc_console: TestClient, provider: FakeProvider
) -> None:
    provider.sign_with = IMPOSTOR

    arrived = oidc_console.get(through_provider(oidc_console))

    assert (arrived.status_code, NOT_VERIFIED in text_of(arrived.text)) == (401, True)
    assert_not_signed_in(oidc_console)


def test_a_code_whose_challenge_was_not_the_consoles_is_refused_by_the_provider(
    oidc_console: TestClient, provider: FakeProvider
) -> None:
    # An attacker's challenge: the console's verifier does not match it.
    back = through_provider(oidc_console, {"code_challenge": "A" * 43})

    arrived = oidc_console.get(back)

    assert provider.refusals == ["code_verifier"]
    assert (arrived.status_code, NOT_VERIFIED in text_of(arrived.text)) == (401, True)
    assert_not_signed_in(oidc_console)


def test_a_client_with_a_wrong_secret_is_refused_by_the_provider_and_nobody_is_signed_in(
    oidc_console: TestClient, provider: FakeProvider
) -> None:
    provider.client_secret = "the provider's new secret"

    arrived = oidc_console.get(through_provider(oidc_console))

    assert provider.refusals == [f"client authentication {CLIENT_ID!r} refused"]
    assert arrived.status_code == 401
    assert_not_signed_in(oidc_console)


def test_a_refusal_at_the_provider_is_said_in_the_readers_language_without_its_free_text(
    oidc_console: TestClient, provider: FakeProvider
) -> None:
    provider.deny = "access_denied"

    arrived = oidc_console.get(through_provider(oidc_console))

    words = text_of(arrived.text)
    assert arrived.status_code == 401
    assert "De identiteitsprovider heeft u niet aangemeld (u hebt geannuleerd" in words
    assert "0800" not in words
    assert 'href="/sign-in/oidc"' in arrived.text  # the reader may try again at once
    assert_not_signed_in(oidc_console)


def test_another_error_of_the_provider_is_named_by_its_code_in_english_too(
    oidc_console: TestClient, provider: FakeProvider
) -> None:
    oidc_console.post("/language", data={"choice": "en", "back": "/sign-in",
                                         "csrf": form_csrf(oidc_console)})  # fmt: skip
    provider.deny = "temporarily_unavailable"

    words = text_of(oidc_console.get(through_provider(oidc_console)).text)

    assert "The identity provider could not sign you in (temporarily_unavailable)" in words
    assert_not_signed_in(oidc_console)


@pytest.mark.parametrize(
    ("role", "says"),
    [
        (None, "Uw account bij Fake IdP heeft geen rol in dit register (de claim llr_role "
               "ontbreekt)"),
        ("superuser", "Uw account bij Fake IdP heeft een rol die dit register niet kent "
                      "('superuser' in de claim llr_role)"),
    ],
)  # fmt: skip
def test_a_user_without_a_role_the_ledger_knows_is_told_so_and_not_signed_in(
    role: str | None, says: str, oidc_console: TestClient, provider: FakeProvider
) -> None:
    provider.user = {"sub": "u-43", "llr_role": role}

    arrived = oidc_console.get(through_provider(oidc_console))

    assert (arrived.status_code, says in html.unescape(text_of(arrived.text))) == (403, True)
    assert_not_signed_in(oidc_console)


def test_a_provider_that_cannot_be_reached_is_said_so_and_the_token_stays_offered(
    oidc_console: TestClient, provider: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    back = through_provider(oidc_console)
    monkeypatch.setattr(provider, "client_secret", None)
    oidc = oidc_console.app.state.oidc_provider  # type: ignore[attr-defined]
    monkeypatch.setattr(oidc, "_endpoints", type(oidc.endpoints())(
        oidc.endpoints().authorization, "http://127.0.0.1:9/token"))  # fmt: skip

    arrived = oidc_console.get(back)

    assert arrived.status_code == 502
    assert "De identiteitsprovider is nu niet bereikbaar" in text_of(arrived.text)
    assert 'name="token"' in arrived.text
    assert_not_signed_in(oidc_console)


def test_keys_that_cannot_be_read_are_said_to_be_the_providers_problem_not_the_readers(
    oidc_console: TestClient, tmp_path: Path
) -> None:
    (tmp_path / "fake-idp-jwks.json").unlink()  # LLR_OIDC_JWKS, not read yet

    arrived = oidc_console.get(through_provider(oidc_console))

    assert arrived.status_code == 502
    assert "De identiteitsprovider is nu niet bereikbaar" in text_of(arrived.text)
    assert_not_signed_in(oidc_console)


def test_a_provider_whose_endpoints_cannot_be_read_is_said_so_at_the_start(
    oidc_console: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    oidc = oidc_console.app.state.oidc_provider  # type: ignore[attr-defined]
    unreachable = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    monkeypatch.setattr(oidc, "fetch", lambda url: fetched_json(unreachable))

    started = oidc_console.get("/sign-in/oidc")

    assert started.status_code == 502
    assert "De identiteitsprovider is nu niet bereikbaar" in text_of(started.text)


# ---------------------------------------------------------------------------- the way out
def test_signing_out_ends_the_session_and_sends_the_browser_to_the_providers_sign_out(
    oidc_console: TestClient, provider: FakeProvider
) -> None:
    oidc_console.get(through_provider(oidc_console))
    signed_in_page(oidc_console)
    csrf = form_csrf(oidc_console, "/")
    cookie = oidc_console.cookies.get("__Host-llr_session")

    out = oidc_console.post("/sign-out", data={"csrf": csrf})

    assert out.status_code == 200
    onward = query_of(out.text.split('<a href="')[1].split('"')[0].replace("&amp;", "&"))
    assert onward["post_logout_redirect_uri"] == BASE_URL + "/sign-in"
    assert onward["client_id"] == CLIENT_ID and onward["id_token_hint"].count(".") == 2
    assert f'content="0; url={provider.issuer}/logout?' in out.text
    assert "U bent afgemeld bij de console. U gaat nu naar Fake IdP" in text_of(out.text)
    again = TestClient(oidc_console.app, base_url=BASE_URL, follow_redirects=False)
    again.cookies.set("__Host-llr_session", str(cookie))
    assert_not_signed_in(again)
