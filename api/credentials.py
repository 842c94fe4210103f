"""The credentials the service accepts: API tokens and OpenID Connect bearer JWTs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from api.principal import Authenticator

if TYPE_CHECKING:
    from api.settings import ServiceSettings
    from ledger.application import Ledger


def default_authenticators(settings: ServiceSettings, ledger: Ledger) -> Sequence[Authenticator]:
    """API tokens issued by ``llr token issue``, and OpenID Connect when configured.

    Each looks only at credentials of its own format, so the order does not decide who is
    believed: an API token is never a JWT and a JWT never an API token.
    """
    from api.tokens import TokenAuthenticator
    from ledger.store.token_tables import token_tables_for

    sector_funds = ledger.catalogue.sector_funds
    authenticators: list[Authenticator] = [
        TokenAuthenticator(token_tables_for(ledger.recorder), sector_funds)
    ]
    if settings.oidc is not None:
        from api.oidc import OidcAuthenticator

        authenticators.append(OidcAuthenticator(settings.oidc, sector_funds))
    return authenticators
