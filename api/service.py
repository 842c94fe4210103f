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
        ledger = Ledger(store.store_env(create_tables=False), id_key=store.id_key,
                        actor=SERVICE_ACTOR)  # fmt: skip
        try:
            ledger.check_store_key()
        except BaseException:
            ledger.close()
            raise
        return ledger

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
