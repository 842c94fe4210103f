"""The browser journey of the sign-in with the identity provider: Chromium against
``llr serve`` as operators run it, with the fake provider of ``oidc_fake``, on SQLite and
PostgreSQL; each page checked with axe-core and photographed at 1366x768
(``tests/console/screenshots/<store>/oidc/``).

The provider answers at ``localhost``, the console at ``127.0.0.1``: two sites to the
browser, as a provider and a console on different domains are. The person approves on the
provider's page, so the way back starts on the provider's site: a cross-site navigation,
on which the browser does not send the Strict session cookie (the flow's own Lax cookie
and the page that moves on to ``/`` are what make it work)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.processes import free_port, llr_serve, server_env, serving
from tests.console.browser import SCREENSHOTS, VIEWPORT, Journey, store_name
from tests.console.oidc_fake import FakeProvider, running
from tests.llr import Llr


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with running(FakeProvider(host="localhost", interactive=True)) as started:
        yield started


@pytest.fixture
def oidc_console_url(
    with_account: Llr, database_url: str, tmp_path: Path, provider: FakeProvider
) -> Iterator[str]:
    """``llr serve`` on a free port, signing in with the fake provider."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    provider.redirect_uri = f"{url}/sign-in/callback"
    env = server_env(database_url, LLR_CONSOLE_INSECURE_COOKIES="1",
                     LLR_CONSOLE_SESSION_DIR=str(tmp_path / "sessions"),
                     LLR_CONSOLE_OIDC_REDIRECT_URI=provider.redirect_uri,
                     **provider.env(tmp_path))  # fmt: skip
    with serving(llr_serve(port), env, tmp_path / "serve.log", port) as server:
        assert server.url == url
        yield url


def test_sign_in_at_the_identity_provider_find_page_and_sign_out_there_too(
    oidc_console_url: str, provider: FakeProvider, database_url: str, browser: Any
) -> None:
    page = browser.new_page(viewport=VIEWPORT, locale="nl-BE")
    journey = Journey(page, SCREENSHOTS / store_name(database_url) / "oidc")

    page.goto(oidc_console_url + "/")
    assert page.url == oidc_console_url + "/sign-in"
    journey.check("sign-in")
    provider.deny = "access_denied"  # the person cancels at the provider first
    page.get_by_role("link", name="Aanmelden met Fake IdP").click()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(oidc_console_url + "/sign-in/callback?*")
    assert (
        page.get_by_role("alert")
        .inner_text()
        .startswith("De identiteitsprovider heeft u niet aangemeld")
    )
    journey.check("provider-refused")

    provider.deny = None
    page.get_by_role("link", name="Aanmelden met Fake IdP").click()
    page.get_by_role("button", name="Approve").click()  # on the provider's own page

    page.wait_for_url(oidc_console_url + "/")  # back from the provider's site
    assert page.get_by_text("oidc:u-42").is_visible()
    assert page.get_by_label("INSZ (rijksregisternummer)").is_visible()
    journey.check("find")

    cookie = next(c for c in page.context.cookies() if c["name"] == "llr_session")
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url(oidc_console_url + "/sign-in")  # through the provider's sign-out
    assert page.get_by_role("link", name="Aanmelden met Fake IdP").is_visible()
    journey.check("signed-out")
    assert journey.csp_reports == []

    assert [logout["post_logout_redirect_uri"] for logout in provider.logouts] == [
        oidc_console_url + "/sign-in"
    ]
    assert provider.refusals == []
    replayed = httpx.get(oidc_console_url + "/", cookies={"llr_session": cookie["value"]})
    assert (replayed.status_code, replayed.headers["location"]) == (303, "/sign-in")
