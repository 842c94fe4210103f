"""``llr token issue|list|revoke``: the API tokens that callers of ``llr serve`` present.

Admin only (``Action.MANAGE_TOKENS``). A token is printed once, when it is issued, alone on
stdout so that it can go straight into a secrets manager; the store keeps only its hash
(ledger/security/tokens.py). See docs/security.md, "The service (llr serve)".
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, table
from cli.parsing import json_option
from ledger.security.tokens import (
    DEFAULT_LIFETIME,
    TokenBook,
    moment,
    now_utc,
    state_of,
    token_book,
)
from ledger.security.tokens import as_json as token_json
from ledger.store.token_tables import TokenRecord

LIST_HEADERS = ("id", "actor", "role", "issued (UTC)", "by", "expires (UTC)", "state")


def book(obj: LedgerContext) -> TokenBook:
    return token_book(obj.ledger)


@click.group("token")
def token_group() -> None:
    """API tokens for llr serve: issue, list, revoke (admin only)."""


@token_group.command("issue")
@click.option("--actor", required=True, help="Who holds the token, as events will name them.")
@click.option(
    "--role",
    required=True,
    help="backoffice, auditor, admin or importer:<source> (bound to that source).",
)
@click.option(
    "--expires",
    default=DEFAULT_LIFETIME,
    show_default=True,
    metavar="LIFETIME",
    help="How long it is valid: days (90d), hours (12h), or never.",
)
@pass_ledger_context
def issue(obj: LedgerContext, actor: str, role: str, expires: str) -> None:
    """Issue a token; it is printed once, on stdout, and only its hash is stored.

    \b
    Example:
      LLR_ROLE=admin llr token issue --actor staff:anna --role backoffice --expires 30d
    """
    issued = book(obj).issue(actor, role, expires, issued_by=obj.settings.actor)
    record = issued.record
    until = moment(record.expires_at) if record.expires_at else "never (revoke it by hand)"
    click.echo(
        f"issued API token {record.token_id} to {record.actor} as {record.role}, valid until "
        f"{until}; it is shown only this once: hand it over through a secrets manager",
        err=True,
    )
    click.echo(issued.text)


@token_group.command("list")
@json_option
@pass_ledger_context
def list_tokens(obj: LedgerContext, as_json: bool) -> None:
    """Every token issued, revoked and expired ones too (never a secret or its hash).

    \b
    Example:
      LLR_ROLE=admin llr token list --json
    """
    tokens, now = book(obj).tokens(), now_utc()
    if as_json:
        echo_json([token_json(t, now) for t in tokens])
        return
    if not tokens:
        click.echo("no API tokens issued: llr token issue --actor ... --role ...")
        return
    click.echo(table(LIST_HEADERS, [token_row(t, now) for t in tokens]))


def when(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if at else "never"


def token_row(token: TokenRecord, now: datetime) -> tuple[str, ...]:
    state = state_of(token, now)
    if token.revoked_at is not None:
        state = f"revoked {when(token.revoked_at)} by {token.revoked_by}"
    return (token.token_id, token.actor, token.role, when(token.issued_at), token.issued_by,
            when(token.expires_at), state)  # fmt: skip


@token_group.command("revoke")
@click.argument("token_id", metavar="ID")
@click.option("--reason", help="Why (kept with the revocation), e.g. 'laptop stolen'.")
@pass_ledger_context
def revoke(obj: LedgerContext, token_id: str, reason: str | None) -> None:
    """Revoke the token ID (from llr token list); the service refuses it within seconds.

    \b
    Example:
      LLR_ROLE=admin llr token revoke 3f9c2a7b1d0e4c55 --reason "left the team"
    """
    token = book(obj).revoke(token_id, revoked_by=obj.settings.actor, reason=reason)
    click.echo(f"revoked API token {token.token_id} of {token.actor} ({token.role})")
