"""CSV cells a spreadsheet would run as a formula, defused.

Text starting with =, +, -, @, a tab or a carriage return gets a leading apostrophe, so a
crafted reference or name cannot run in the spreadsheet of whoever opens the file. Other
values (whole numbers among them: they cannot carry a formula) pass unchanged.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` as a spreadsheet shows it without running it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
