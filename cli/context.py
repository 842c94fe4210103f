"""What every command shares: the settings, one lazily opened Ledger, and the init hook.

Command modules take the context with ``@pass_ledger_context`` and ask it for
``.ledger`` only when they need the store, so ``llr catalogue ...`` and ``--help`` never
touch a database. Import from here, not from ``cli.main``: ``cli.main`` imports every
command module, so importing it back from one of them would be circular.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from cli.errors import CliError, not_initialised_message
from ledger.application import Ledger
from ledger.config import Settings, load_settings, sqlite_path, warn_if_development_key
from ledger.domain.catalogue import Catalogue
from ledger.rules import default_catalogue


class LedgerContext:
    """The ``ctx.obj`` of every ``llr`` command."""

    def __init__(self, database: str | None = None) -> None:
        self.database = database  # the --db value; None means LLR_DATABASE or the default
        self._settings: Settings | None = None
        self._ledger: Ledger | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.database)
        return self._settings

    @property
    def catalogue(self) -> Catalogue:
        """The rules in force; needs no store."""
        return default_catalogue()

    @property
    def ledger(self) -> Ledger:
        """The Ledger on an existing store (``llr init`` makes the store)."""
        return self.open_ledger(create=False)

    def open_ledger(self, create: bool) -> Ledger:
        """Build the Ledger once; ``create`` makes (or upgrades) the event tables."""
        if self._ledger is not None:
            return self._ledger
        settings = self.settings
        if not create:
            self.require_existing_sqlite_file(settings)
        warn_if_development_key(settings)
        self._ledger = Ledger(
            settings.store_env(create_tables=create), id_key=settings.id_key, actor=settings.actor
        )
        click.get_current_context().call_on_close(self._ledger.close)
        return self._ledger

    @staticmethod
    def require_existing_sqlite_file(settings: Settings) -> None:
        # sqlite3 would silently create an empty file: a typo in --db must not look like
        # an empty ledger.
        if settings.backend != "sqlite":
            return
        path = sqlite_path(settings.database)
        if path != ":memory:" and not Path(path).exists():
            raise CliError(not_initialised_message(settings))


pass_ledger_context = click.make_pass_decorator(LedgerContext, ensure=True)

# What `llr init` does after the event tables exist, in order: read-model migrations and
# the like. A step gets the context (with the Ledger already open on a created store) and
# returns a line to print, or None. Register a step in cli/main.py, next to its commands.
InitStep = Callable[[LedgerContext], "str | None"]
INIT_STEPS: list[InitStep] = []
