"""The storage adapter: everything that knows whether the store is SQLite, PostgreSQL or memory.

``migrations/<backend>/NNNN_name.sql`` are package data, read through
``importlib.resources``, so a wheel carries them.
"""
