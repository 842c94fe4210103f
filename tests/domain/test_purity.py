"""The domain stays pure: no I/O, database, CLI, clock or randomness (STYLE.md G2).

Walks the syntax tree of every module in ``ledger/domain/``; the checker itself is tested on
small snippets, so a purity test that cannot fail would show up here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ledger.domain

DOMAIN = Path(ledger.domain.__file__).parent
MODULES = sorted(DOMAIN.glob("*.py"))

# Standard-library modules without I/O, clock or randomness.
STDLIB = {
    "__future__", "abc", "collections", "contextlib", "contextvars", "dataclasses",
    "datetime", "decimal", "enum", "functools", "hashlib", "hmac", "itertools", "json",
    "math", "operator", "re", "string", "types", "typing", "unicodedata", "uuid",
}  # fmt: skip
# ledger.perf.jsonfast: the one compact JSON encoder (stdlib only; checked below), which the
# hash chain shares with the store's transcoder.
PURE_PACKAGES = ("eventsourcing.domain", "stdnum", "ledger.domain", "ledger.perf.jsonfast")
# Calls that read the clock, make random ids or do I/O, by the name they are called with.
IMPURE_CALLS = {"today", "now", "utcnow", "uuid1", "uuid4", "open", "print", "input"}


def allowed(module: str) -> bool:
    if module.split(".")[0] in STDLIB:
        return True
    return any(module == p or module.startswith(p + ".") for p in PURE_PACKAGES)


def imported_modules(tree: ast.AST) -> list[str]:
    """Every module a file imports, spelled in full (``from a import b`` counts as ``a.b``
    when ``a`` is only a package, as in ``from eventsourcing import domain``)."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside ledger/domain itself, or above it
                found.append("ledger.domain" if node.level == 1 else "ledger")
            elif node.module in ("eventsourcing", "ledger"):
                found += [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                found.append(node.module or "")
    return found


def impurities(source: str) -> list[str]:
    """What in ``source`` breaks the purity rule, one line each."""
    tree = ast.parse(source)
    problems = [f"imports {m}" for m in imported_modules(tree) if not allowed(m)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            if isinstance(node.func, ast.Name):
                name = node.func.id
            if name in IMPURE_CALLS:
                problems.append(f"calls {name}() on line {node.lineno}")
        elif isinstance(node, ast.alias) and node.name in IMPURE_CALLS:
            problems.append(f"imports {node.name}")
    return problems


# --- the domain ------------------------------------------------------------------------------
def test_the_domain_has_the_modules_this_test_expects_to_walk() -> None:
    assert {"account.py", "catalogue.py", "lots.py", "views.py"} <= {m.name for m in MODULES}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_a_domain_module_imports_only_pure_code_and_never_reads_clock_or_randomness(
    module: Path,
) -> None:
    assert impurities(module.read_text(encoding="utf-8")) == []


# --- the checker -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source",
    [
        "import os",
        "import sqlite3",
        "import random",
        "import time",
        "from pathlib import Path",
        "import psycopg",
        "from click import command",
        "from pydantic import BaseModel",
        "from eventsourcing.persistence import Mapper",
        "from eventsourcing import application",
        "from .. import rules",
        "from ledger.catalogue import default_catalogue",
        "import subprocess, socket, sys",
    ],
)
def test_the_checker_refuses_an_impure_import(source: str) -> None:
    assert impurities(source)


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import date\nx = date.today()",
        "import datetime\nx = datetime.datetime.now()",
        "from datetime import datetime\nx = datetime.utcnow()",
        "from uuid import uuid4",
        "import uuid\nx = uuid.uuid4()",
        "with open('x') as f: pass",
        "print('hello')",
    ],
)
def test_the_checker_refuses_the_clock_random_ids_and_io(source: str) -> None:
    assert impurities(source)


def test_the_checker_accepts_the_pure_imports() -> None:
    source = (
        "from __future__ import annotations\n"
        "from datetime import date, timedelta\n"
        "from uuid import NAMESPACE_URL, uuid5\n"
        "from eventsourcing.domain import Aggregate\n"
        "from stdnum.be import nn\n"
        "from ledger.domain.lots import Lot\n"
        "from . import errors\n"
        "x = uuid5(NAMESPACE_URL, 'x') and date(2024, 1, 1) + timedelta(days=1)\n"
    )

    assert impurities(source) == []


def test_the_json_encoder_the_domain_shares_is_pure_too() -> None:
    import ledger.perf.jsonfast

    source = Path(ledger.perf.jsonfast.__file__).read_text(encoding="utf-8")

    assert impurities(source) == []
    assert all(m.split(".")[0] in STDLIB for m in imported_modules(ast.parse(source)))
