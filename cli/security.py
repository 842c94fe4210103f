"""``llr keygen``, ``llr access-log`` and ``llr db roles``: keys, the right to know, roles.

See docs/security.md for the threat model, key handling and what each role may do.
"""

from __future__ import annotations

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, table
from cli.parsing import json_option
from ledger.results import AccessReport
from ledger.security.access_log import as_json as record_json
from ledger.security.db_roles import GRANTS, OWNER
from ledger.security.keys import generate_key
from ledger.security.roles import Action
from ledger.store.database_roles import Hardening

ACCESS_HEADERS = ("when (UTC)", "actor", "role", "read", "reason")


@click.command()
@pass_ledger_context
def keygen(obj: LedgerContext) -> None:
    """Print a fresh cipher key (AES-256, base64) for LLR_CIPHER_KEY.

    Keep it in a secrets manager: a store whose key is lost cannot be read by anyone.

    \b
    Example:
      export LLR_CIPHER_KEY="$(llr keygen)"
    """
    obj.require(Action.MANAGE_KEYS)
    click.echo(generate_key())


@click.command("access-log")
@click.argument("insz")
@json_option
@pass_ledger_context
def access_log(obj: LedgerContext, insz: str, as_json: bool) -> None:
    """Who read this citizen's data: when, in which role and why (the right to know).

    \b
    Example:
      llr access-log 93051822361
    """
    report = obj.ledger.access_log(insz)
    if as_json:
        echo_json(
            {"insz": obj.shown(report.insz), "account_id": str(report.account_id),
             "entries": [record_json(r) for r in report.records]}
        )  # fmt: skip
        return
    click.echo(access_text(report, obj.shown(report.insz)))


def access_text(report: AccessReport, shown: str) -> str:
    reads = len(report.records)
    title = f"Access log of {shown}: {reads} read{'' if reads == 1 else 's'}"
    if not reads:
        return f"{title}\nnobody has read this citizen's data through llr"
    rows = [
        (r.recorded_at.strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.role, r.action, r.reason)
        if r.readable
        else (r.recorded_at.strftime("%Y-%m-%d %H:%M:%S"), "(unreadable: damaged or another key)",
              "", "", "")
        for r in report.records
    ]  # fmt: skip
    return f"{title}\n{table(ACCESS_HEADERS, rows)}"


@click.command("roles")
@pass_ledger_context
def db_roles(obj: LedgerContext) -> None:
    """PostgreSQL: create llr_backoffice, llr_auditor, llr_importer and llr_admin with only
    the grants each needs, and make stored events append-only, even for the owner.

    Run as the tables' owner (or a superuser) after 'llr init', and again after upgrades.
    Then give people their role: GRANT llr_backoffice TO alice;

    \b
    Example:
      LLR_ROLE=admin llr --db postgresql://postgres@127.0.0.1/llr db roles
    """
    click.echo(hardening_text(obj.ledger.harden_database()))


def hardening_text(done: Hardening) -> str:
    created = ", ".join(done.created) or "none (all existed)"
    lines = [f"roles created: {created}", f"owner of every table: {OWNER}"]
    for role, grants in GRANTS.items():
        parts = [f"{kind}: {' '.join(p.lower() for p in privileges)}"
                 for kind, privileges in grants.items() if done.tables.get(kind)]  # fmt: skip
        lines.append(f"{role}: {'; '.join(parts)}")
    lines.append(f"append-only (UPDATE, DELETE, TRUNCATE refused): {', '.join(done.guarded)}")
    return "\n".join(lines)
