"""``python -m cli``: the same as the installed ``llr`` command."""

from __future__ import annotations

from cli.main import cli

cli(prog_name="llr")
