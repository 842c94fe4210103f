"""What every command shares: the settings and one lazily opened Ledger.

Command modules take the context with ``@pass_ledger_context`` and ask it for
``.ledger`` only when they need the store, so ``llr catalogue ...`` and ``--help`` never
touch a database. Import from here, not from ``cli.main``: ``cli.main`` lists every
command module, so importing it back from one of them would be circular.

Opening the store is also where the acting role is checked: ``COMMAND_ACTIONS`` names the
action of every command that uses the store, and a command missing from it is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import click

from cli.errors import CliError, not_initialised_message
from ledger.config import Settings, load_settings, warnings
from ledger.domain.identifiers import Insz, parse_source
from ledger.security.keys import check_key_format
from ledger.security.roles import AccessDeniedError, Action, require
from ledger.store.connection import store_file_missing
from ledger.store.errors import permission_denied

if TYPE_CHECKING:
    from ledger.application import Ledger
    from ledger.domain.catalogue import Catalogue

# The action each command takes, by its path under ``llr``. A store-using command that is
# not here is refused: a new command must say what it does before anyone can run it.
COMMAND_ACTIONS: Mapping[str, Action] = MappingProxyType({
    "init": Action.INIT,
    "open": Action.WRITE_ACCOUNT, "grant": Action.WRITE_ACCOUNT, "use": Action.WRITE_ACCOUNT,
    "reserve": Action.WRITE_ACCOUNT, "confirm": Action.WRITE_ACCOUNT,
    "cancel": Action.WRITE_ACCOUNT,
    "status": Action.WRITE_ACCOUNT, "reverse": Action.WRITE_ACCOUNT,
    "employment start": Action.WRITE_ACCOUNT, "employment end": Action.WRITE_ACCOUNT,
    "employment suspend": Action.WRITE_ACCOUNT, "employment list": Action.READ_ACCOUNT,
    "situation start": Action.WRITE_ACCOUNT, "situation end": Action.WRITE_ACCOUNT,
    "fact": Action.WRITE_ACCOUNT, "eligibility": Action.READ_ACCOUNT,
    "approve": Action.APPROVE_CORRECTION,
    "review list": Action.READ_ACCOUNT, "review show": Action.READ_ACCOUNT,
    "review close": Action.APPROVE_CORRECTION,
    "expire": Action.EXPIRE,
    "balance": Action.READ_ACCOUNT, "history": Action.READ_ACCOUNT,
    "explain": Action.READ_ACCOUNT,
    "access-log": Action.READ_ACCESS_LOG,
    "import": Action.IMPORT,
    "audit verify": Action.AUDIT, "audit digest": Action.AUDIT,
    "report take-up": Action.REPORT, "report expiring": Action.REPORT,
    "report sources": Action.REPORT, "report trail": Action.REPORT,
    "report money": Action.REPORT,
    "projections run": Action.RUN_PROJECTIONS, "projections status": Action.RUN_PROJECTIONS,
    "projections rebuild": Action.RUN_PROJECTIONS,
    "db upgrade": Action.MIGRATE, "db status": Action.MIGRATE,
    "db roles": Action.MANAGE_DB_ROLES,
    "keygen": Action.MANAGE_KEYS,
    "token issue": Action.MANAGE_TOKENS, "token list": Action.MANAGE_TOKENS,
    "token revoke": Action.MANAGE_TOKENS,
    "serve": Action.SERVE,
    "registry provider add": Action.WRITE_REGISTRY,
    "registry provider revoke": Action.WRITE_REGISTRY,
    "registry training add": Action.WRITE_REGISTRY,
    "registry training delist": Action.WRITE_REGISTRY,
    "registry import": Action.WRITE_REGISTRY, "registry rebuild": Action.WRITE_REGISTRY,
    "registry show": Action.READ_REGISTRY,
})  # fmt: skip


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
        from ledger.catalogue import default_catalogue  # parsed on first use, not at start-up

        return default_catalogue()

    @property
    def ledger(self) -> Ledger:
        """The Ledger on an existing store (``llr init`` makes the store)."""
        return self.open_ledger(create=False)

    def refresh_read_models(self) -> None:
        """Bring the read models up to date after a write, so reports show it at once.

        Nothing happens on a store without read models (the in-memory one, or before
        migrations); a bulk import calls this once at its end, not per line.
        """
        from ledger.projections.runner import catch_up_all  # the CLI's only projection use

        try:
            catch_up_all(self.ledger)
        except Exception as error:
            reason = permission_denied(error)
            if reason is None:
                raise
            # The write itself is committed; a role without rights on the read models
            # (an importer) leaves the catch-up to `llr projections run`.
            click.echo(
                f"warning: read models not brought up to date ({reason}); "
                "run 'llr projections run' as admin",
                err=True,
            )

    def open_ledger(self, create: bool) -> Ledger:
        """Build the Ledger once; ``create`` makes (or upgrades) the event tables."""
        if self._ledger is not None:
            return self._ledger
        settings = self.settings
        for warning in warnings(settings):
            click.echo(warning, err=True)
        self.authorise(click.get_current_context())
        if not create:
            self.require_existing_sqlite_file(settings)
        if settings.cipher_key:
            check_key_format(settings.cipher_key)
        from ledger.application import Ledger  # not needed by --help or the catalogue

        ledger = Ledger(
            settings.store_env(create_tables=create),
            id_key=settings.id_key,
            actor=settings.actor,
            role=settings.role,
        )
        click.get_current_context().call_on_close(ledger.close)
        self._ledger = ledger
        if not create:
            self.check_store_key(ledger)
        return ledger

    def check_store_key(self, ledger: Ledger) -> None:
        """Refuse a missing, unexpected or wrong cipher key before the command runs.

        An audit is checked with one allowance: a store whose first record no longer
        decodes (while the key fits the rest) is let through, so that the audit can report
        that record as a finding, naming citizen and event, instead of being refused.
        """
        action = COMMAND_ACTIONS.get(command_path(click.get_current_context()))
        ledger.check_store_key(for_audit=action is Action.AUDIT)

    def authorise(self, ctx: click.Context) -> None:
        """Refuse the running command unless the acting role may take its action."""
        path = command_path(ctx)
        action = COMMAND_ACTIONS.get(path)
        if action is None:
            raise AccessDeniedError(
                f"command {path!r} is not in the access table (cli/context.py "
                "COMMAND_ACTIONS), so no role may run it"
            )
        self.require(action, ctx.params.get("source"))

    def require(self, action: Action, source: str | None = None) -> None:
        role = self.settings.role
        canonical = source
        if role.source is not None and source is not None:
            canonical = parse_source(source, self.catalogue.sector_funds)
        require(role, action, canonical)

    def shown(self, insz: Insz) -> str:
        """The INSZ as the acting role may see it: formatted, or masked."""
        return self.ledger.shown(insz)

    @staticmethod
    def require_existing_sqlite_file(settings: Settings) -> None:
        # sqlite3 would silently create an empty file: a typo in --db must not look like
        # an empty ledger.
        if store_file_missing(settings.database):
            raise CliError(not_initialised_message(settings))


def command_path(ctx: click.Context) -> str:
    """``audit verify`` for ``llr audit verify``: the names below the top-level group."""
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


pass_ledger_context = click.make_pass_decorator(LedgerContext, ensure=True)
