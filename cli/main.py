"""The ``llr`` command: the top-level group, ``llr init`` and the list of commands.

To add a command or group from another module, write it with ``@pass_ledger_context``
(from ``cli.context``) and register it below with one ``cli.add_command(...)`` line; a
step that ``llr init`` must run (read-model migrations) goes into ``INIT_STEPS`` here too.
Errors need no handling in the command: ``LedgerGroup`` turns them into exit 1.
"""

from __future__ import annotations

from typing import Any

import click
from eventsourcing.persistence import PersistenceError

from cli import accounts, queries, security
from cli.audit import audit_group
from cli.catalogue import catalogue
from cli.context import INIT_STEPS, LedgerContext, pass_ledger_context
from cli.errors import CliError, store_message
from cli.expiry import expire
from cli.imports import import_command
from cli.projections import apply_migrations, db_group, projections_group
from cli.reports import report_group
from ledger.domain.errors import LedgerError

__all__ = ["INIT_STEPS", "LedgerContext", "LedgerGroup", "cli", "pass_ledger_context"]


class LedgerGroup(click.Group):
    """The top-level group: one error policy for every command, however deeply nested.

    Subcommands run inside this ``invoke``, so a ``LedgerError`` (a refused rule, bad
    input) or a store failure anywhere becomes ``error: <message>`` on stderr and exit 1.
    Click's usage errors are raised before and keep exit 2.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as error:
            raise CliError(str(error)) from error
        except PersistenceError as error:
            settings = ctx.ensure_object(LedgerContext).settings
            raise CliError(store_message(error, settings)) from error


@click.group(cls=LedgerGroup)
@click.option(
    "--db",
    "database",
    metavar="URL",
    help="The store: a file path or sqlite:///path, or postgresql://user@host/db "
    "(default: $LLR_DATABASE, else ./llr.sqlite3).",
)
@click.pass_context
def cli(ctx: click.Context, database: str | None) -> None:
    """llr: the ledger of individual learning and career accounts.

    Dates are ISO (2024-09-01); amounts are whole numbers in the right's unit. Exit codes:
    0 done, 1 refused by a rule or bad data, 2 usage error. Secrets come from the
    environment only: LLR_ID_KEY, LLR_CIPHER_KEY; who acts from LLR_ACTOR and LLR_ROLE
    (backoffice, auditor, admin or importer:<source>; see docs/security.md).

    \b
    Example:
      LLR_ROLE=admin llr --db sqlite:///ledger.sqlite3 init
      LLR_ROLE=backoffice llr balance 93051822361 --reason "citizen called" --json
    """
    ctx.obj = LedgerContext(database)


@cli.command()
@pass_ledger_context
def init(obj: LedgerContext) -> None:
    """Create or upgrade the store (event tables, then every INIT_STEPS step); admin only.

    Safe to run again: it only adds what is missing. With LLR_CIPHER_KEY set on a new
    store, everything stored is encrypted, and the store keeps refusing any other key.

    \b
    Example:
      LLR_ROLE=admin llr --db postgresql://postgres@127.0.0.1:5432/llr init
    """
    encrypted = obj.open_ledger(create=True).bind_store_key()
    settings = obj.settings
    click.echo(f"ledger ready at {settings.describe_database()} (backend: {settings.backend})")
    click.echo(f"encryption at rest: {'on (AES-GCM)' if encrypted else 'off'}")
    for step in INIT_STEPS:
        line = step(obj)
        if line:
            click.echo(line)


for command in (*accounts.COMMANDS, *queries.COMMANDS):
    cli.add_command(command)
cli.add_command(expire)
cli.add_command(catalogue)
cli.add_command(security.keygen)
cli.add_command(security.access_log)
db_group.add_command(security.db_roles)  # `llr db roles`, beside `llr db upgrade`
cli.add_command(db_group)
cli.add_command(projections_group)
cli.add_command(report_group)
cli.add_command(import_command)
cli.add_command(audit_group)
INIT_STEPS.append(apply_migrations)


if __name__ == "__main__":  # python -m cli.main
    cli(prog_name="llr")
