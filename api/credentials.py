"""The credentials the service accepts: API tokens and OpenID Connect bearer JWTs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from api.principal import Authenticator

if TYPE_CHECKING:
    from api.settings import ServiceSettings
    from ledger.application import Ledger


def default_authenticators(settings: ServiceSettings, ledger: Ledger) -> Sequence[Authenticator]:
    """API tokens issued by ``llr token issue``, and OpenID Connect when configured."""
    return []
