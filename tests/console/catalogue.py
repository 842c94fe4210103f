"""The console's messages as the code marks them: ``_()`` in templates, ``N_()`` in the
Python modules (extracted with Babel, as ``pybabel extract`` would)."""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.extract import extract_from_file
from jinja2.ext import babel_extract

CONSOLE = Path(__file__).resolve().parents[2] / "console"
LEDGER = CONSOLE.parent / "ledger"


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


def refusal_templates() -> set[str]:
    """The templates of the Ledger's refusals (``SomeError.because(template, ...)``, a
    ``template = ...`` an error's own constructor fills, and the ``Phrase`` parts of some):
    the console says them in Dutch."""
    found: set[str] = set()
    for module in sorted(LEDGER.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and called(node) in ("because", "Phrase"):
                found.add(literal(node.args[0], module))
            elif isinstance(node, ast.Assign) and [
                getattr(t, "id", None) for t in node.targets
            ] == ["template"]:
                found.add(literal(node.value, module))
    return found - {""}  # the phrase that is not there


def called(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def literal(node: ast.expr, module: Path) -> str:
    assert isinstance(node, ast.Constant) and isinstance(node.value, str), (
        f"{module}:{node.lineno}: a refusal's template must be a literal string"
    )
    return node.value
