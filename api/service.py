"""One Ledger per process, and per request a view of it acting as the caller."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from api.principal import Authenticator, Principal
from api.settings import ServiceSettings

if TYPE_CHECKING:
    from ledger.application import Ledger

# The service's own actor on the Ledger it opens: trusted code; no request acts as it.
SERVICE_ACTOR = "service:llr-serve"


class Service:
    """What every request shares: settings, the Ledger, the authenticators."""

    def __init__(
        self, settings: ServiceSettings, authenticators: Sequence[Authenticator] | None = None
    ) -> None:
        self.settings = settings
        self._authenticators = authenticators
        self._ledger: Ledger | None = None
        self._lock = threading.Lock()

    @property
    def ledger(self) -> Ledger:
        """The process's Ledger, opened on first use (trusted: requests take views)."""
        if self._ledger is None:
            with self._lock:
                if self._ledger is None:
                    self._ledger = self.open_ledger()
        return self._ledger

    def open_ledger(self) -> Ledger:
        from ledger.application import Ledger
        from ledger.security.keys import check_key_format

        store = self.settings.store
        if store.cipher_key:
            check_key_format(store.cipher_key)
        ledger = Ledger(self.store_env(), id_key=store.id_key, actor=SERVICE_ACTOR)
        try:
            ledger.check_store_key()
        except BaseException:
            ledger.close()
            raise
        return ledger

    def store_env(self) -> dict[str, str]:
        """The store's environment, with a connection pool sized to the request threads.

        The command line's pool (2, up to 6) is for one caller: here every request thread
        holds a connection while it runs, and a thread left waiting for one past the
        connect timeout failed its request with 503 under load. Two more serve readiness
        checks and scrapes (the follower listens on a connection of its own)."""
        env = self.settings.store.store_env(create_tables=False)
        if "POSTGRES_POOL_SIZE" in env:
            env["POSTGRES_POOL_SIZE"] = str(self.settings.threads)
            env["POSTGRES_MAX_OVERFLOW"] = "2"
        return env

    def acting(self, principal: Principal) -> Ledger:
        return self.ledger.acting_as(principal.role, principal.actor)

    @property
    def authenticators(self) -> Sequence[Authenticator]:
        if self._authenticators is None:
            from api.credentials import default_authenticators

            self._authenticators = default_authenticators(self.settings, self.ledger)
        return self._authenticators

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None
