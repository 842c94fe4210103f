"""The rules catalogue: its loader (``loader.py``) and its data (``rules/*.toml``).

``load_catalogue(folder)`` reads and checks a folder of rule files; ``default_catalogue()``
is the shipped folder, loaded once per process. Both import the loader on their first call:
its pydantic schema costs start-up time that ``llr --help`` has no use for. The model the
files are built into is ``ledger.domain.catalogue``; the file format is docs/catalogue.md.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from ledger.domain.catalogue import Catalogue

__all__ = ["default_catalogue", "load_catalogue"]


def load_catalogue(directory: Traversable | None = None) -> Catalogue:
    """Read, check and build the catalogue in ``directory`` (default: the shipped one)."""
    from ledger.catalogue.loader import load_catalogue as load_folder  # deferred: docstring

    return load_folder(directory)


@cache
def default_catalogue() -> Catalogue:
    """The catalogue shipped with the package, loaded once per process."""
    return load_catalogue()
