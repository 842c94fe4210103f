"""The authenticator of OpenID Connect bearer JWTs, checked with joserfc.

A credential that is not a JWT (three base64url parts, the first a JSON header) is not ours:
None, so API tokens and JWTs live side by side. A JWT is accepted only when all of these
hold: its algorithm is one of the settings' (never ``none``, never a shared-secret HS*),
its signature verifies with the identity provider's key named by its ``kid`` (api/jwks.py),
``iss`` is the configured issuer, ``aud`` names the configured audience (a string or a
list), ``exp`` is present and not past, ``nbf`` and ``iat`` are not in the future (each
with the settings' leeway), and it carries a role claim that ``parse_role`` accepts.

The caller acts as ``oidc:<actor claim>`` (``oidc:<sub>`` by default): the prefix keeps a
subject of the identity provider apart from any actor a token or the command line names
(``llr token issue`` refuses actors starting with ``oidc:``).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)

from api.jwks import JwksSource
from api.principal import AuthenticationFailed, Principal
from api.settings import OidcSettings
from ledger.domain.errors import InvalidInputError, LedgerError
from ledger.security.inputs import checked_text
from ledger.security.roles import Role, parse_role

# Signatures with a public key only: HS* would verify with a shared secret, and a service
# that accepted it could be handed tokens signed with the provider's *public* key.
ASYMMETRIC = frozenset({
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    "EdDSA", "Ed25519",
})  # fmt: skip
ACTOR_PREFIX = "oidc:"
MAX_JWT_CHARS = 16_000


def checked_algorithms(algorithms: Collection[str]) -> list[str]:
    refused = sorted(a for a in algorithms if a not in ASYMMETRIC)
    if refused or not algorithms:
        raise InvalidInputError(
            f"OpenID Connect algorithms {', '.join(refused) or '(none given)'}: only "
            f"signatures with a public key are accepted ({', '.join(sorted(ASYMMETRIC))})"
        )
    return list(algorithms)


def jwt_header(credential: str) -> dict[str, Any] | None:
    """The JOSE header of a compact JWT, or None when ``credential`` is not one."""
    parts = credential.split(".")
    if len(parts) != 3 or len(credential) > MAX_JWT_CHARS:
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4))
        header = json.loads(raw)
    except (ValueError, binascii.Error):
        return None
    return header if isinstance(header, dict) and "alg" in header else None


class OidcAuthenticator:
    def __init__(
        self,
        settings: OidcSettings,
        sector_funds: Collection[str],
        keys: JwksSource | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings, self.sector_funds, self.clock = settings, sector_funds, clock
        self.algorithms = checked_algorithms(settings.algorithms)
        self.keys = keys or JwksSource(settings.jwks)

    def __call__(self, credential: str) -> Principal | None:
        header = jwt_header(credential)
        if header is None:
            return None
        algorithm = header["alg"]
        if algorithm not in self.algorithms:
            raise AuthenticationFailed(
                f"the JWT's algorithm {str(algorithm)[:20]!r} is not accepted (accepted: "
                f"{', '.join(self.algorithms)})"
            )
        kid = header.get("kid")
        key = self.keys.key_for(kid if isinstance(kid, str) else None)
        claims = self.verified_claims(credential, key)
        return Principal(self.actor_of(claims), self.role_of(claims),
                         f"oidc:{self.settings.issuer}")  # fmt: skip

    def verified_claims(self, credential: str, key: Any) -> dict[str, Any]:
        try:
            token = jwt.decode(credential, key, algorithms=self.algorithms)
        except BadSignatureError:
            raise AuthenticationFailed(
                "the JWT's signature does not verify with the identity provider's key"
            ) from None
        except JoseError as error:
            raise AuthenticationFailed(f"the JWT cannot be read: {error.error}") from None
        try:
            self.registry().validate(token.claims)
        except JoseError as error:
            raise AuthenticationFailed(self.claim_message(error, token.claims)) from None
        return token.claims

    def registry(self) -> jwt.JWTClaimsRegistry:
        return jwt.JWTClaimsRegistry(
            now=lambda: int(self.clock()), leeway=self.settings.leeway_seconds,
            iss={"essential": True, "value": self.settings.issuer},
            aud={"essential": True, "value": self.settings.audience},
            exp={"essential": True},
        )  # fmt: skip

    def claim_message(self, error: JoseError, claims: dict[str, Any]) -> str:
        if isinstance(error, ExpiredTokenError):
            return f"the JWT expired on {moment(claims.get('exp'))}"
        if isinstance(error, MissingClaimError):
            return f"the JWT has no {error.claim!r} claim, which this service requires"
        if not isinstance(error, InvalidClaimError):
            return f"the JWT's claims are not valid: {error.error}"
        expected = {
            "iss": f"was issued by {shown(claims.get('iss'))}, not by {self.settings.issuer!r}",
            "aud": f"is meant for {shown(claims.get('aud'))}, not for {self.settings.audience!r}",
            "nbf": f"is not valid before {moment(claims.get('nbf'))}",
            "iat": f"says it was issued in the future ({moment(claims.get('iat'))})",
        }
        return f"the JWT {expected.get(error.claim, f'has an invalid {error.claim!r} claim')}"

    def role_of(self, claims: dict[str, Any]) -> Role:
        name = self.settings.role_claim
        value = claims.get(name)
        if value is None:
            raise AuthenticationFailed(
                f"the JWT has no {name!r} claim: the identity provider must give the user an "
                "llr role (backoffice, auditor, admin or importer:<source>)"
            )
        if not isinstance(value, str):
            raise AuthenticationFailed(f"the JWT's {name!r} claim must be a string")
        try:
            return parse_role(value, self.sector_funds, name=f"the JWT's {name!r} claim")
        except LedgerError as error:
            raise AuthenticationFailed(str(error)) from None

    def actor_of(self, claims: dict[str, Any]) -> str:
        name = self.settings.actor_claim
        value = claims.get(name)
        if not isinstance(value, str) or not value.strip():
            raise AuthenticationFailed(f"the JWT has no {name!r} claim naming the caller")
        try:
            return ACTOR_PREFIX + checked_text(value.strip(), f"the JWT's {name!r} claim")
        except LedgerError as error:
            raise AuthenticationFailed(str(error)) from None


def moment(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        except (OverflowError, OSError, ValueError):
            pass  # a time no calendar holds: shown as given
    return repr(value)[:40]


def shown(value: Any) -> str:
    return repr(value)[:80]
