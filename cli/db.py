"""``llr init`` and ``llr db upgrade|status|roles``: create the store and keep its schema current.

``llr init`` makes (or upgrades) the event tables and then applies the read-model
migrations, the same step as ``llr db upgrade``.
"""

from __future__ import annotations

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, table
from cli.parsing import json_option
from cli.security import db_roles
from ledger.projections.migrate import status as migration_status
from ledger.projections.migrate import upgrade


@click.command()
@pass_ledger_context
def init(obj: LedgerContext) -> None:
    """Create or upgrade the store (event tables, then the read-model migrations); admin only.

    Safe to run again: it only adds what is missing. With LLR_CIPHER_KEY set on a new
    store, everything stored is encrypted, and the store keeps refusing any other key.

    \b
    Example:
      LLR_ROLE=admin llr --db postgresql://postgres@127.0.0.1:5432/llr init
    """
    encrypted = obj.open_ledger(create=True).bind_store_key()
    settings = obj.settings
    click.echo(f"ledger ready at {settings.describe_database()} (backend: {settings.backend})")
    create_registry(obj)
    click.echo(f"encryption at rest: {'on (AES-GCM)' if encrypted else 'off'}")
    click.echo(apply_migrations(obj))


def create_registry(obj: LedgerContext) -> None:
    """The registry's own events table and read models (ledger/store/registry_tables.py)."""
    from ledger.registry import open_registry

    open_registry(obj.open_ledger(create=True).store_env).close()


def apply_migrations(obj: LedgerContext) -> str:
    """Create or upgrade the read-model tables; the line that says what was done."""
    applied = upgrade(obj.settings)
    return f"read models: applied {', '.join(applied)}" if applied else "read models: up to date"


@click.group("db")
def db_group() -> None:
    """The read-model schema: ordered SQL migrations (ledger/store/migrations/<backend>/)."""


@db_group.command("upgrade")
@pass_ledger_context
def db_upgrade(obj: LedgerContext) -> None:
    """Apply the pending migrations, each in its own transaction (``llr init`` does too).

    \b
    Example:
      llr db upgrade
    """
    obj.authorise(click.get_current_context())
    obj.require_existing_sqlite_file(obj.settings)
    click.echo(apply_migrations(obj))


@db_group.command("status")
@json_option
@pass_ledger_context
def db_status(obj: LedgerContext, as_json: bool) -> None:
    """Applied and pending migrations.

    \b
    Example:
      llr db status
    """
    obj.authorise(click.get_current_context())
    obj.require_existing_sqlite_file(obj.settings)
    applied, pending = migration_status(obj.settings)
    if as_json:
        echo_json({"applied": applied, "pending": pending})
        return
    rows = [(name, "applied") for name in applied] + [(name, "pending") for name in pending]
    click.echo(table(("migration", "state"), rows))


db_group.add_command(db_roles)  # `llr db roles`, beside `llr db upgrade`
