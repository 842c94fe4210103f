"""The database's refusals, told apart without the caller knowing the driver.

PostgreSQL refuses a statement to a database user without the privilege (``llr db roles``
gives each llr role only what it needs); SQLite has no users and never does. The driver is
looked up only once it is loaded: an error cannot come from a driver nobody imported, and
a SQLite store never pays for importing psycopg.
"""

from __future__ import annotations

import sys


def permission_denied(error: BaseException) -> str | None:
    """The database's reason when ``error`` is its refusal for lack of privilege, else None."""
    if "psycopg" not in sys.modules:
        return None
    from psycopg.errors import InsufficientPrivilege

    if not isinstance(error, InsufficientPrivilege):
        return None
    return error.diag.message_primary or str(error)
