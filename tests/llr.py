"""The ``llr`` command run in-process, bound to one test's environment.

The fixtures that hand it out (``llr``, ``ready``, ``with_account``) are in
``tests/conftest.py``; import ``Llr`` and ``ADMIN`` from here.
"""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner, Result

from cli.main import cli
from tests.builders import INSZ

READS = ("balance", "history", "explain")
A_REASON = "test: checking the ledger"
ADMIN = {"LLR_ROLE": "admin"}


class Llr:
    """The ``llr`` command bound to one test's environment, acting as backoffice.

    Reads get a ``--reason`` unless the test gives its own (backoffice must give one);
    ``bare`` runs exactly the arguments given. ``init`` needs the admin role: ``**ADMIN``.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self.env = {"LLR_ROLE": "backoffice", **env}
        self.runner = CliRunner()

    def __call__(self, *args: str, **env: str | None) -> Result:
        return self.bare(*with_reason(args), **env)

    def bare(self, *args: str, **env: str | None) -> Result:
        return self.runner.invoke(cli, list(args), env={**self.env, **env}, catch_exceptions=False)

    def ok(self, *args: str, **env: str | None) -> Result:
        result = self(*args, **env)
        assert result.exit_code == 0, f"llr {' '.join(args)}: {result.stderr}"
        return result

    def json(self, *args: str, **env: str | None) -> Any:
        return json.loads(self.ok(*args, "--json", **env).stdout)

    def history(self, insz: str = INSZ) -> Any:
        return self.json("history", insz)

    def refused(self, *args: str, **env: str | None) -> str:
        """Run a command that must be refused (exit 1, nothing on stdout); its message."""
        result = self(*args, **env)
        assert (result.exit_code, result.stdout) == (1, ""), result.output
        assert result.stderr.startswith("error: ")
        return result.stderr


def with_reason(args: tuple[str, ...]) -> tuple[str, ...]:
    if args and args[0] in READS and "--reason" not in args:
        return (*args, "--reason", A_REASON)
    return args
