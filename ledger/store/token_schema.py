"""The API token tables' names, made by the migration ``0006_api_tokens`` (both backends).

Apart from ``token_tables.py`` so that ``llr db roles`` (``postgres_roles.py``) can name
them without importing the tables' code, which imports it back through the security
tables.
"""

from __future__ import annotations

TOKENS_TABLE, REVOCATIONS_TABLE = "api_tokens", "api_token_revocations"
TOKEN_TABLES = (TOKENS_TABLE, REVOCATIONS_TABLE)
TOKEN_MIGRATION = "0006_api_tokens"
