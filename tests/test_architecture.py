"""The shape of the code: no import cycle, and the storage adapter the only one that knows
the backends.

The import graph is read from the source with ``ast``, not by importing it: every import
counts, at module level, inside a function, or under ``if TYPE_CHECKING:``, and relative
imports are resolved against their package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ledger", "cli", "api", "console")
STORE = "ledger.store"
# Only the storage adapter may use these: what is SQLite, PostgreSQL or memory is its
# question to answer.
BACKEND_MODULES = ("eventsourcing.sqlite", "eventsourcing.postgres", "psycopg")
BACKEND_CLASS_PREFIXES = ("SQLite", "Sqlite", "Postgres", "POPO", "Popo")

Graph = Mapping[str, frozenset[str]]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def sources() -> dict[str, Path]:
    """Every module of ledger/, cli/ and api/, by dotted name."""
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


@cache
def parsed(module: str) -> ast.Module:
    path = sources()[module]
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def is_package(module: str) -> bool:
    return sources()[module].name == "__init__.py"


def imported_names(module: str) -> Iterator[str]:
    """Every module an import statement of ``module`` names, wherever it stands.

    ``from a.b import c`` names the module ``a.b.c`` if there is one, else ``a.b``. Parent
    packages, which Python initialises on the way, do not count: their ``__init__`` imports
    are edges of their own.
    """
    for node in ast.walk(parsed(module)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = resolved(module, node.level, node.module)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if submodule in sources() else base


def resolved(module: str, level: int, name: str | None) -> str:
    """The absolute name of a (possibly relative) ``from`` import in ``module``."""
    if level == 0:
        return name or ""
    package = module if is_package(module) else module.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{name}" if name else package


@cache
def import_graph() -> Graph:
    """Module -> the modules of ledger/ and cli/ it imports."""
    known = sources()
    return {
        module: frozenset(n for n in imported_names(module) if n in known and n != module)
        for module in known
    }


def cycles(graph: Graph) -> list[list[str]]:
    """One cycle through each group of modules that import each other (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # recursion depth: the longest import chain, ~20
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [cycle_within(graph, set(group)) for group in sorted(groups)]


def cycle_within(graph: Graph, group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for other in sorted(graph[node] & group):
                if other == start:
                    return [*paths[node], start]
                if other not in paths:
                    paths[other] = [*paths[node], other]
                    following.append(other)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {sorted(group)}")  # pragma: no cover


def backend_uses(tree: ast.Module) -> list[str]:
    """What in a module knows a backend: imports of a driver or a backend's classes, and
    ``isinstance`` checks against a backend's class."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif is_isinstance_call(node):
            assert isinstance(node, ast.Call)
            classes = [n.id if isinstance(n, ast.Name) else n.attr for n in class_nodes(node)]
            found += [
                f"line {node.lineno}: isinstance(..., {name})"
                for name in classes
                if name.startswith(BACKEND_CLASS_PREFIXES)
            ]
            continue
        else:
            continue
        found += [
            f"line {node.lineno}: import {name}"
            for name in names
            if name.partition(".")[0] == "psycopg" or name in BACKEND_MODULES
        ]
    return found


def is_isinstance_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "isinstance"
        and len(node.args) == 2
    )


def class_nodes(call: ast.Call) -> list[ast.Name | ast.Attribute]:
    classes = call.args[1]
    listed = classes.elts if isinstance(classes, ast.Tuple) else [classes]
    return [c for c in listed if isinstance(c, ast.Name | ast.Attribute)]


def outside_the_store() -> list[str]:
    return [m for m in sources() if m != STORE and not m.startswith(f"{STORE}.")]


# --------------------------------------------------------------------------- the rules
def test_no_module_of_ledger_or_cli_takes_part_in_an_import_cycle() -> None:
    found = cycles(import_graph())

    assert found == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


@pytest.mark.parametrize("module", outside_the_store())
def test_only_the_storage_adapter_imports_a_backend_or_tests_a_backend_class(module: str) -> None:
    assert backend_uses(parsed(module)) == []


# ------------------------------------------------------------- the checks themselves
def graph_of(edges: Mapping[str, str]) -> Graph:
    nodes = set(edges) | {n for targets in edges.values() for n in targets.split()}
    return {n: frozenset(edges.get(n, "").split()) for n in nodes}


def test_a_cycle_is_named_module_by_module_and_a_chain_is_not_one() -> None:
    graph = graph_of({"a": "b", "b": "c", "c": "a d", "d": "", "e": "d"})

    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles(graph_of({"a": "b", "b": "c"})) == []


def test_imports_inside_functions_under_type_checking_and_relative_ones_all_count() -> None:
    uses = [
        ("ledger.application", "ledger.domain.account"),  # module level
        ("cli.context", "ledger.domain.catalogue"),  # under TYPE_CHECKING
        ("cli.reports", "ledger.projections.reports"),  # from a package import a module
        ("cli.context", "ledger.projections.runner"),  # inside a method
        ("ledger.store.security_tables", "ledger.store.postgres_roles"),  # inside a method
    ]

    for module, target in uses:
        assert target in import_graph()[module], (module, target)
    assert resolved("ledger.store.backend", 1, "connection") == "ledger.store.connection"
    assert resolved("ledger.store", 1, "backend") == "ledger.store.backend"
    assert resolved("ledger.store.backend", 2, None) == "ledger"


def test_the_backend_check_sees_driver_imports_and_class_tests() -> None:
    tree = ast.parse(
        "import psycopg.errors\n"
        "from eventsourcing.sqlite import SQLiteDatastore\n"
        "from eventsourcing.persistence import Recorder\n"
        "def f(x):\n"
        "    from psycopg import sql\n"
        "    return isinstance(x, (int, tables.PostgresTables))\n"
    )

    assert backend_uses(tree) == [
        "line 1: import psycopg.errors",
        "line 2: import eventsourcing.sqlite",
        "line 5: import psycopg",
        "line 6: isinstance(..., PostgresTables)",
    ]
