"""``llr registry``: recognised providers and their trainings.

Each command parses its text, makes one call on the ``Registry`` (built on the same store
as the Ledger, after the same role and key checks) and prints; ``show`` is rendered by
``cli/registry_render.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, event_summary, table
from cli.parsing import json_option, parse_optional_day
from ledger.parsing import parse_day

if TYPE_CHECKING:
    from ledger.registry import Registry, RegistryOutcome
    from ledger.registry.importing import RegistryImportSummary

COUNT_HEADERS = ("kind", "read", "applied", "already applied", "rejected")


def registry_of(obj: LedgerContext) -> Registry:
    """The Registry on the Ledger's store, opened once the Ledger's checks have passed."""
    from ledger.registry import open_registry

    ledger = obj.ledger  # the role, the store's existence and its key are checked here
    settings = obj.settings
    registry = open_registry(ledger.store_env, actor=settings.actor, role=settings.role)
    click.get_current_context().call_on_close(registry.close)
    return registry


def echo_written(outcome: RegistryOutcome, as_json: bool) -> None:
    if as_json:
        echo_json({"result": outcome.result.value, "key": outcome.key,
                   "events": list(outcome.events)})  # fmt: skip
    elif outcome.events:
        click.echo(f"applied: {event_summary(outcome.events)} ({outcome.key})")
    else:
        click.echo(f"exists: already applied, nothing changed ({outcome.key})")


@click.group("registry")
def registry_group() -> None:
    """The registry of recognised providers and trainings: add, revoke, delist, show, import."""


@registry_group.group("provider")
def provider_group() -> None:
    """Providers, by KBO number: add (or recognise for a further right), revoke."""


@provider_group.command("add")
@click.argument("kbo")
@click.option("--name", required=True, help="The provider's name.")
@click.option(
    "--recognised-for", "rights", required=True, metavar="RIGHT[,RIGHT...]",
    help="Right types of the catalogue the provider is recognised for.",
)  # fmt: skip
@click.option("--from", "valid_from", required=True, metavar="DATE", help="First day.")
@click.option("--until", metavar="DATE", help="Last day (inclusive); default: open-ended.")
@click.option("--public/--private", default=False, help="A public provider (default private).")
@click.option("--label", metavar="LABEL", help="Its quality label.")
@json_option
@pass_ledger_context
def provider_add(
    obj: LedgerContext,
    kbo: str,
    name: str,
    rights: str,
    valid_from: str,
    until: str | None,
    public: bool,
    label: str | None,
    as_json: bool,
) -> None:
    """Register a provider recognised for rights from a date; again for a registered one,
    recognise it for a further right, or (same --from, with --until) end a recognition.

    \b
    Example:
      llr registry provider add 0403170701 --name "Syntra West" \\
          --recognised-for training-vouchers,vov-hours --from 2024-01-01
    """
    day, last = parse_day(valid_from, "--from"), parse_optional_day(until, "--until")
    outcome = registry_of(obj).add_provider(kbo, name, rights, day, last, public, label)
    echo_written(outcome, as_json)


@provider_group.command("revoke")
@click.argument("kbo")
@click.option("--on", required=True, metavar="DATE", help="From this day: recognised for nothing.")
@click.option("--reason", required=True, metavar="TEXT", help="Why it is revoked.")
@json_option
@pass_ledger_context
def provider_revoke(obj: LedgerContext, kbo: str, on: str, reason: str, as_json: bool) -> None:
    """Revoke a provider's recognition, for every right, from a date.

    \b
    Example:
      llr registry provider revoke 0403170701 --on 2026-09-30 --reason "audit failed"
    """
    outcome = registry_of(obj).revoke_provider(kbo, parse_day(on, "--on"), reason)
    echo_written(outcome, as_json)


@registry_group.group("training")
def training_group() -> None:
    """Trainings, by code: add, delist."""


@training_group.command("add")
@click.argument("code")
@click.option("--provider", required=True, metavar="KBO", help="A registered provider.")
@click.option("--title", required=True, metavar="TEXT", help="The training's title.")
@click.option(
    "--rights", required=True, metavar="RIGHT[,RIGHT...]",
    help="The rights it qualifies for; the provider must be recognised for each on --from.",
)  # fmt: skip
@click.option("--from", "valid_from", required=True, metavar="DATE", help="Registered from.")
@click.option("--until", metavar="DATE", help="Last day (inclusive); default: open-ended.")
@click.option(
    "--classification", metavar="labour-market|career|lifewide",
    help="labour-market (default), career (needs a POP) or lifewide.",
)  # fmt: skip
@click.option("--hours", metavar="N", help="Its length in hours, to 0.01.")
@json_option
@pass_ledger_context
def training_add(
    obj: LedgerContext,
    code: str,
    provider: str,
    title: str,
    rights: str,
    valid_from: str,
    until: str | None,
    classification: str | None,
    hours: str | None,
    as_json: bool,
) -> None:
    """Register a training of a registered provider.

    \b
    Example:
      llr registry training add OPL-7 --provider 0403170701 --title "Welding" \\
          --rights training-vouchers --from 2024-02-01 --hours 40
    """
    day, last = parse_day(valid_from, "--from"), parse_optional_day(until, "--until")
    outcome = registry_of(obj).add_training(
        code, provider, title, rights, day, last, classification or "labour-market", hours
    )
    echo_written(outcome, as_json)


@training_group.command("delist")
@click.argument("code")
@click.option("--on", required=True, metavar="DATE", help="From this day it may not be started.")
@json_option
@pass_ledger_context
def training_delist(obj: LedgerContext, code: str, on: str, as_json: bool) -> None:
    """Delist a training from a date; one started before it may be finished.

    \b
    Example:
      llr registry training delist OPL-7 --on 2026-09-30
    """
    echo_written(registry_of(obj).delist_training(code, parse_day(on, "--on")), as_json)


@registry_group.command("show")
@click.argument("key", metavar="CODE_OR_KBO")
@click.option("--as-of", metavar="DATE", help="As the registry's dated events made it then.")
@json_option
@pass_ledger_context
def show(obj: LedgerContext, key: str, as_of: str | None, as_json: bool) -> None:
    """A provider (by KBO) or a training (by code): its state and the history of its events.

    \b
    Example:
      llr registry show 0403170701 --as-of 2025-01-01
    """
    from cli.registry_render import shown

    day = parse_optional_day(as_of, "--as-of")
    document, text = shown(registry_of(obj), key, day)
    if as_json:
        echo_json(document)
    else:
        click.echo(text)


@registry_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", required=True, type=click.Choice(["providers", "trainings"]))
@click.option("--format", "file_format", type=click.Choice(["csv", "jsonl"]),
              help="csv or jsonl (default: from the file's extension).")  # fmt: skip
@click.option(
    "--rejects", type=click.Path(dir_okay=False, path_type=Path), metavar="OUT",
    help="Where rejected lines go (default: ./<FILE without extension>.rejects.csv).",
)  # fmt: skip
@json_option
@pass_ledger_context
def import_command(
    obj: LedgerContext,
    file: Path,
    kind: str,
    file_format: str | None,
    rejects: Path | None,
    as_json: bool,
) -> None:
    """Import FILE of providers or trainings (CSV with a header row, or JSON Lines).

    Providers: kbo,name,recognised_for,from,until,public,label (recognised_for separated
    by ';'). Trainings: code,provider,title,rights,from,until,classification,hours. Each
    line lands whole or goes to the rejects file; importing it again changes nothing.
    Exit 0 when every line was applied or already applied, 1 when any was rejected.

    \b
    Example:
      llr registry import providers.csv --kind providers
    """
    from ledger.registry.importing import import_registry

    rejects = rejects or Path(f"{file.stem}.rejects.csv")
    summary = import_registry(registry_of(obj), file, kind, file_format, rejects)
    if as_json:
        echo_json(summary.as_json())
    else:
        click.echo(summary_text(summary))
    if summary.rejected:
        lines = "line" if summary.rejected == 1 else "lines"
        click.echo(f"error: {summary.rejected} {lines} rejected; see {rejects}", err=True)
        click.get_current_context().exit(1)


def summary_text(summary: RegistryImportSummary) -> str:
    row = (summary.kind, summary.lines_read, summary.applied, summary.already_applied,
           summary.rejected)  # fmt: skip
    lines = [f"import of {summary.file_name} ({summary.kind})", table(COUNT_HEADERS, [row], "  ")]
    if summary.applied:
        lines.append(f"{summary.events_written} events written")
    else:
        every = summary.already_applied == summary.lines_read
        lines.append("nothing changed" + (": every line was already applied" if every else ""))
    if summary.rejects_file:
        lines.append(f"rejected lines (line, field, reason, original): {summary.rejects_file}")
    return "\n".join(lines)


@registry_group.command("rebuild")
@json_option
@pass_ledger_context
def rebuild(obj: LedgerContext, as_json: bool) -> None:
    """Rebuild the registry's read models (registry_providers, registry_trainings) from its
    events.

    \b
    Example:
      llr registry rebuild
    """
    providers, trainings = registry_of(obj).rebuild_views()
    if as_json:
        echo_json({"providers": providers, "trainings": trainings})
    else:
        click.echo(f"registry read models rebuilt: {providers} providers, {trainings} trainings")
