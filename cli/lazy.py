"""Subcommands that are imported only when they run or their help is shown.

Click's LazyGroup pattern, with one twist: the lazy commands live in the group's own
``commands`` mapping, so everything that reads ``group.commands`` (click itself, tests,
the docs check) still sees every command; only looking one up imports its module. The
group's ``--help`` lists the lazy commands from their summaries, so ``llr --help`` imports
no command module at all.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any, NamedTuple

import click


class Lazy(NamedTuple):
    """Where a command is (``module:attribute``) and the first sentence of its help."""

    place: str
    summary: str

    def short_help(self, limit: int) -> str:
        """What click shows in the group's list, shortened to ``limit`` as click does."""
        return click.Command(None, help=self.summary).get_short_help_str(limit)

    def load(self) -> click.Command:
        module, attribute = self.place.split(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.place} is not a click command")
        return command


class LazyCommands(MutableMapping[str, click.Command]):
    """A group's commands by name; a lazy one is imported on its first lookup."""

    def __init__(self, loaded: Mapping[str, click.Command], lazy: Mapping[str, Lazy]) -> None:
        self.loaded = dict(loaded)  # imported (or given as commands): click's usual mapping
        self.lazy = {name: entry for name, entry in lazy.items() if name not in loaded}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            self.loaded[name] = self.lazy[name].load()  # KeyError for an unknown name
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.lazy.pop(name, None)
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        found = self.lazy.pop(name, None) is not None
        if self.loaded.pop(name, None) is None and not found:
            raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return name in self.loaded or name in self.lazy

    def __iter__(self) -> Iterator[str]:
        # A list, not a generator: looking commands up while iterating loads them.
        return iter([*self.loaded, *(name for name in self.lazy if name not in self.loaded)])

    def __len__(self) -> int:
        return len(self.loaded.keys() | self.lazy.keys())

    def short_help(self, name: str, limit: int) -> str:
        """What click would list for the command, without importing a lazy one."""
        if name in self.loaded:
            return self.loaded[name].get_short_help_str(limit)
        return self.lazy[name].short_help(limit)

    def hidden(self, name: str) -> bool:
        return name in self.loaded and self.loaded[name].hidden


class LazyGroup(click.Group):
    """A group taking ``lazy={name: Lazy(...)}`` besides its ordinary commands."""

    def __init__(self, *args: Any, lazy: Mapping[str, Lazy] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(self.commands, lazy or {})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's command list, reading a lazy command's summary instead of importing it."""
        commands = self.commands
        if not isinstance(commands, LazyCommands):
            super().format_commands(ctx, formatter)
            return
        names = [name for name in self.list_commands(ctx) if not commands.hidden(name)]
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        with formatter.section("Commands"):
            formatter.write_dl([(name, commands.short_help(name, limit)) for name in names])
