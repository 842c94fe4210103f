"""The identity provider's public keys (a JSON Web Key Set), from a file or an https URL.

Read once, then kept. A JWT naming a key id (``kid``) the set lacks makes the set be read
again, since providers rotate their keys, but at most once per ``REFETCH_SECONDS``: a
stream of made-up key ids must not turn into a stream of requests to the provider.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from api.principal import AuthenticationFailed
from api.problems import ApiProblem
from ledger.domain.errors import InvalidInputError

REFETCH_SECONDS = 60.0
FETCH_TIMEOUT_SECONDS = 5.0
MAX_JWKS_BYTES = 1024 * 1024

Key = Any  # one of joserfc's key classes (RSAKey, ECKey, OKPKey)


class JwksUnavailable(ApiProblem):
    """The keys cannot be read: the service, not the caller, has a problem (503)."""

    def __init__(self, location: str, why: str) -> None:
        super().__init__(
            503, "identity-provider-unavailable",
            f"the identity provider's keys ({location}) cannot be read now: {why}",
        )  # fmt: skip


def read_location(location: str) -> bytes:
    """The key set's bytes: an https URL fetched, anything else a file path."""
    if location.startswith("https://"):
        import httpx  # only a service configured with a URL needs it

        response = httpx.get(location, timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False)
        response.raise_for_status()
        return response.content[: MAX_JWKS_BYTES + 1]
    return Path(location).read_bytes()[: MAX_JWKS_BYTES + 1]


def checked_location(location: str) -> str:
    if location.lower().startswith("http://"):
        raise InvalidInputError(
            f"LLR_OIDC_JWKS {location[:80]!r}: keys must come over https (or from a file): "
            "over plain http anyone on the way could hand the service their own keys"
        )
    return location


class JwksSource:
    def __init__(
        self,
        location: str,
        read: Callable[[str], bytes] = read_location,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.location = checked_location(location)
        self.read, self.monotonic = read, monotonic
        self._keys: KeySet | None = None
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def key_for(self, kid: str | None) -> Key:
        """The key that should have signed a JWT with this ``kid``."""
        keys = self.keys()
        found = find(keys, kid)
        if found is None and self.may_refetch():
            found = find(self.refetch(), kid)
        if found is None:
            named = f"key id {kid!r}" if kid else "no key id, and the set has several keys"
            raise AuthenticationFailed(
                f"the JWT names {named}: not a key of the identity provider ({self.location})"
            )
        return found

    def keys(self) -> KeySet:
        with self._lock:
            if self._keys is None:
                self._keys = self.load()
            return self._keys

    def may_refetch(self) -> bool:
        return self.monotonic() - self._read_at >= REFETCH_SECONDS

    def refetch(self) -> KeySet:
        with self._lock:
            if self._keys is None or self.may_refetch():
                self._keys = self.load()
            return self._keys

    def load(self) -> KeySet:
        self._read_at = self.monotonic()
        try:
            raw = self.read(self.location)
        except Exception as error:  # a file missing, a network failure, an HTTP error
            raise JwksUnavailable(self.location, type(error).__name__) from None
        if len(raw) > MAX_JWKS_BYTES:
            raise JwksUnavailable(self.location, "larger than 1 MiB")
        try:
            document = json.loads(raw)
            return KeySet.import_key_set(public_only(document))
        except (ValueError, TypeError, KeyError, JoseError) as error:
            raise JwksUnavailable(self.location, f"not a JSON Web Key Set ({error})") from None


def public_only(document: Any) -> Any:
    """The set without symmetric (``oct``) keys: a key set is public, and a shared secret
    found in one must not become a way to sign tokens."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError('expected {"keys": [...]}')
    return {"keys": [k for k in document["keys"] if isinstance(k, dict) and k.get("kty") != "oct"]}


def find(keys: KeySet, kid: str | None) -> Key | None:
    if kid is None:
        return keys.keys[0] if len(keys.keys) == 1 else None
    return next((key for key in keys.keys if key.kid == kid), None)
