"""The ``llr`` command: the top-level group and the table of its commands.

Every command lives in its own module and is imported only when it runs or its help is
shown (``cli.lazy``), so ``llr --help`` and ``llr balance`` pay for what they use and no
more. To add a command or group, write it with ``@pass_ledger_context`` (from
``cli.context``) and add one line to ``COMMANDS`` below: where it is and the first
sentence of its help, which ``llr --help`` lists (tests/cli/test_lazy_commands.py checks
that the two agree). Errors need no handling in the command: ``LedgerGroup`` turns them
into exit 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import click

from cli.errors import CliError, store_message
from cli.lazy import Lazy, LazyGroup
from ledger.domain.errors import LedgerError

__all__ = ["COMMANDS", "LedgerGroup", "cli"]

# Each command: where it is, and the first sentence of its help (what --help lists).
COMMANDS: Mapping[str, Lazy] = MappingProxyType({
    "access-log": Lazy(
        "cli.security:access_log",
        "Who read this citizen's data: when, in which role and why (the right to know).",
    ),
    "approve": Lazy(
        "cli.accounts:approve",
        "Approve another person's reversal request (REQUEST_ID from 'llr reverse' or 'llr "
        "history'); the entry is reversed now.",
    ),
    "audit": Lazy(
        "cli.audit:audit_group",
        "Invariant checks, tamper evidence and digests for auditors.",
    ),
    "balance": Lazy(
        "cli.queries:balance",
        "Usable and suspended balance per right type, with the open lots behind it.",
    ),
    "cancel": Lazy(
        "cli.bookings:cancel",
        "Cancel a reservation: its units go back to their lots and its purchase is refunded.",
    ),
    "catalogue": Lazy(
        "cli.catalogue:catalogue",
        "The rules catalogue: right types, their versions and policies.",
    ),
    "confirm": Lazy(
        "cli.bookings:confirm",
        "The provider redeems RESERVATION (the --ref of llr reserve): its units are used.",
    ),
    "db": Lazy(
        "cli.db:db_group",
        "The read-model schema: ordered SQL migrations (ledger/store/migrations/<backend>/).",
    ),
    "fact": Lazy(
        "cli.careers:fact",
        "Record an eligibility fact: education LEVEL, a pop, or work-experience YEARS.",
    ),
    "eligibility": Lazy(
        "cli.eligibility:eligibility",
        "Every right type: eligible or not on a date, the personal maximum, what is used "
        "in the period, and, when not eligible, the rule and the missing or contrary fact.",
    ),
    "employment": Lazy(
        "cli.careers:employment_group",
        "Employment relationships: start, end, suspend, list.",
    ),
    "expire": Lazy(
        "cli.expiry:expire",
        "Expire, on every account, the lots due on or before a date.",
    ),
    "explain": Lazy(
        "cli.queries:explain",
        "How the balance of RIGHT derives from grants, uses and transitions, step by step.",
    ),
    "grant": Lazy(
        "cli.accounts:grant",
        "Grant a lot of RIGHT (AMOUNT in the right's unit) to a citizen.",
    ),
    "history": Lazy(
        "cli.queries:history",
        "The audit trail: one line per event, with the balance after each.",
    ),
    "import": Lazy(
        "cli.imports:import_command",
        "Import FILE (CSV with a header row, or JSON Lines) from one source.",
    ),
    "init": Lazy(
        "cli.db:init",
        "Create or upgrade the store (event tables, then the read-model migrations); admin "
        "only.",
    ),
    "keygen": Lazy(
        "cli.security:keygen",
        "Print a fresh cipher key (AES-256, base64) for LLR_CIPHER_KEY.",
    ),
    "open": Lazy("cli.accounts:open_account", "Open a citizen's account."),
    "projections": Lazy(
        "cli.projections:projections_group",
        "Read models across citizens (balances, expiring, money, sources, takeup, trail).",
    ),
    "report": Lazy(
        "cli.reports:report_group",
        "Reports across citizens: take-up, expiring rights, sources, the audit trail, money.",
    ),
    "reserve": Lazy(
        "cli.bookings:reserve",
        "Hold AMOUNT of RIGHT for a training, from the lots that expire first.",
    ),
    "registry": Lazy(
        "cli.registry:registry_group",
        "The registry of recognised providers and trainings: add, revoke, delist, show, import.",
    ),
    "reverse": Lazy(
        "cli.accounts:reverse",
        "Request the reversal of a grant, use or forfeit (EVENT_ID from 'llr history').",
    ),
    "review": Lazy(
        "cli.reviews:review_group",
        "Review cases: late facts recorded although they make later entries invalid.",
    ),
    "serve": Lazy(
        "cli.serve:serve",
        "Serve the ledger as a JSON HTTP API (docs/api.md): callers authenticate with a token "
        "or their identity provider's JWT.",
    ),
    "situation": Lazy(
        "cli.careers:situation_group",
        "Situations beside employment: jobseeker, self-employed, student...",
    ),
    "status": Lazy(
        "cli.accounts:change_status",
        "The shorthand of a career change: from DATE the citizen is only STATUS.",
    ),
    "token": Lazy(
        "cli.tokens:token_group",
        "API tokens for llr serve: issue, list, revoke (admin only).",
    ),
    "use": Lazy(
        "cli.accounts:use",
        "Record a use of AMOUNT of RIGHT, drawn from the lots that expire first.",
    ),
})  # fmt: skip


class LedgerGroup(LazyGroup):
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
        except Exception as error:
            # Imported here: the store's errors are only needed once a command has failed.
            from eventsourcing.persistence import PersistenceError

            if not isinstance(error, PersistenceError):
                raise
            from cli.context import LedgerContext

            settings = ctx.ensure_object(LedgerContext).settings
            raise CliError(store_message(error, settings)) from error


@click.group(cls=LedgerGroup, lazy=COMMANDS)
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

    Dates are ISO (2024-09-01); amounts are in the right's unit (2.5 days, 250 euros).
    Exit codes: 0 done, 1 refused by a rule or bad data, 2 usage error. Secrets come from the
    environment only: LLR_ID_KEY, LLR_CIPHER_KEY; who acts from LLR_ACTOR and LLR_ROLE
    (backoffice, auditor, admin or importer:<source>; see docs/security.md).

    \b
    Example:
      LLR_ROLE=admin llr --db sqlite:///ledger.sqlite3 init
      LLR_ROLE=backoffice llr balance 93051822361 --reason "citizen called" --json
    """
    from cli.context import LedgerContext  # needed once a command runs, not for --help

    ctx.obj = LedgerContext(database)


if __name__ == "__main__":  # python -m cli.main
    cli(prog_name="llr")
