"""The console's messages as the code marks them: ``_()`` in templates, ``N_()`` in the
Python modules (extracted with Babel, as ``pybabel extract`` would)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file
from jinja2.ext import babel_extract

CONSOLE = Path(__file__).resolve().parents[2] / "console"


def marked_messages() -> set[str]:
    found: set[str] = set()
    for template in sorted((CONSOLE / "templates").glob("*.html")):
        with template.open("rb") as source:
            # _(place.label) translates a message marked in Python: not a literal here.
            found |= {m[2] for m in babel_extract(source, ("_",), [], {}) if isinstance(m[2], str)}
    for module in sorted(CONSOLE.glob("*.py")):
        marks = extract_from_file("python", str(module), keywords={"N_": None})
        found |= {str(m[1]) for m in marks}
    return found
