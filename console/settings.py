"""The console's settings, from the environment like the service's (``api.settings``), so
that every worker of ``llr serve`` reads the same ones."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from api.settings import whole


@dataclass(frozen=True)
class ConsoleSettings:
    # Sessions live in a file that every worker of one host shares (console.sessions).
    session_dir: Path
    idle_minutes: int = 30
    # Cookies are Secure unless this is set: only for http on loopback (tests, a laptop).
    insecure_cookies: bool = False


def load_console_settings(environ: Mapping[str, str] | None = None) -> ConsoleSettings:
    environ = os.environ if environ is None else environ
    folder = environ.get("LLR_CONSOLE_SESSION_DIR", "").strip()
    return ConsoleSettings(
        session_dir=Path(folder) if folder else default_session_dir(),
        idle_minutes=whole(environ, "LLR_CONSOLE_IDLE_MINUTES", 30),
        insecure_cookies=environ.get("LLR_CONSOLE_INSECURE_COOKIES", "").strip().lower()
        in {"1", "y", "yes", "true"},
    )


def default_session_dir() -> Path:
    # Per user: another account on the host must not share (or read) the session file.
    return Path(tempfile.gettempdir()) / f"llr-console-{os.getuid()}"
