"""One error policy for every command: exit 1 with ``error: <message>`` on stderr.

A refusal by a ledger rule or bad input (``LedgerError``) and a store that cannot be used
both exit 1; click's own usage errors keep exit 2. Nothing goes to stdout, so ``--json``
output stays parseable even when a command fails. ``cli.main.LedgerGroup`` applies this
to every command.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import click

if TYPE_CHECKING:
    from eventsourcing.persistence import PersistenceError

    from ledger.config import Settings


class CliError(click.ClickException):
    """A refusal or a failure the user can act on: exit 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def store_message(error: PersistenceError, settings: Settings) -> str:
    """Name the database (password hidden) and say what to do."""
    from eventsourcing.persistence import InterfaceError, OperationalError

    reason = hide_password(str(error).splitlines()[0] if str(error) else "", settings.database)
    if "does not exist" in reason and "relation" in reason:
        return not_initialised_message(settings)
    where = settings.describe_database()
    if "pipeline aborted" in reason and settings.backend.is_server:
        from ledger.store.errors import write_refused_after_abort

        reason = write_refused_after_abort(settings.store_env()) or reason
    if "permission denied" in reason or "refused: the table is append-only" in reason:
        return (
            f"the database at {where} refused this to your database user: {reason} "
            "(database roles: see 'llr db roles' in docs/security.md)"
        )
    if isinstance(error, OperationalError | InterfaceError):
        hint = (
            "; is the server up and does the database exist?" if settings.backend.is_server else ""
        )
        return f"cannot use the store at {where} ({settings.backend}): {reason}{hint}"
    return f"store error at {where} ({settings.backend}): {type(error).__name__}: {reason}"


def not_initialised_message(settings: Settings) -> str:
    return f"no ledger at {settings.describe_database()}: run 'llr init' first"


def hide_password(text: str, database: str) -> str:
    password = urlsplit(database).password if "://" in database else None
    for written in {password, unquote(password)} if password else ():
        text = text.replace(written, "***")
    return text
