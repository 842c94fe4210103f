"""The storage adapter: everything that knows whether the store is SQLite, PostgreSQL or memory.

``backend`` (which backend, can another process open it, the environment of a worker),
``connection`` (from a database location to the event store's environment, and how
messages show it), ``errors`` (the database's refusals, told apart without naming the
driver), ``security_tables`` and ``security_schema`` (the settings and access-log tables
on the event store's own pool), ``database_roles``, ``postgres_roles`` and ``append_only``
(carrying out ``llr db roles`` where the database has roles).

``migrations/<backend>/NNNN_name.sql`` are package data, read through
``importlib.resources``, so a wheel carries them.
"""
