"""The authenticator of API tokens (``llr token issue``): ``llr_<id>_<secret>``.

A credential in another format is not ours (None: the next authenticator looks at it). The
secret is checked first, in constant time, against the stored hash; only a caller who holds
it is told that the token expired or was revoked. A token found is remembered for
``CACHE_SECONDS`` to spare the database a query per request, so a revocation takes effect
within that time in every worker; expiry is checked on every request.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from datetime import datetime

from api.principal import AuthenticationFailed, Principal
from ledger.domain.errors import LedgerError
from ledger.security.roles import parse_role
from ledger.security.tokens import PREFIX, now_utc, parse_token, refusal, secret_matches
from ledger.store.token_tables import TokenRecord, TokenTables

CACHE_SECONDS = 5.0
CACHE_SIZE = 10_000
UNKNOWN = "the API token is not one this service issued (mistyped, or from another store)"


class TokenCache:
    """Tokens found lately, each for ``CACHE_SECONDS``; unknown ids are never remembered, so
    a token is usable the moment it is issued."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self._found: OrderedDict[str, tuple[float, TokenRecord]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token_id: str) -> TokenRecord | None:
        with self._lock:
            entry = self._found.get(token_id)
            if entry is None or self.monotonic() - entry[0] >= CACHE_SECONDS:
                return None
            return entry[1]

    def put(self, token: TokenRecord) -> None:
        with self._lock:
            self._found[token.token_id] = (self.monotonic(), token)
            self._found.move_to_end(token.token_id)
            while len(self._found) > CACHE_SIZE:
                self._found.popitem(last=False)


class TokenAuthenticator:
    def __init__(
        self,
        tables: TokenTables,
        sector_funds: Collection[str],
        clock: Callable[[], datetime] = now_utc,
        cache: TokenCache | None = None,
    ) -> None:
        self.tables, self.sector_funds, self.clock = tables, sector_funds, clock
        self.cache = cache or TokenCache()

    def __call__(self, credential: str) -> Principal | None:
        presented = parse_token(credential)
        if presented is None:
            if credential.startswith(PREFIX):
                raise AuthenticationFailed(
                    "the API token is garbled: an API token reads llr_<16 hex digits>_<43 "
                    "characters>, as 'llr token issue' printed it"
                )
            return None
        token = self.lookup(presented.token_id)
        if token is None or not secret_matches(presented.secret, token.secret_hash):
            raise AuthenticationFailed(UNKNOWN)
        refused = refusal(token, self.clock())
        if refused is not None:
            raise AuthenticationFailed(refused)
        try:
            role = parse_role(
                token.role, self.sector_funds, name=f"API token {token.token_id}'s role"
            )
        except LedgerError as error:  # a sector fund the catalogue no longer knows
            raise AuthenticationFailed(str(error)) from None
        return Principal(token.actor, role, f"token:{token.token_id}")

    def lookup(self, token_id: str) -> TokenRecord | None:
        token = self.cache.get(token_id)
        if token is None:
            token = self.tables.find(token_id)
            if token is not None:
                self.cache.put(token)
        return token
