"""The read models' database: the ``Store`` operations (``base.py``), one backend per
database (``sqlite.py``, ``postgres.py``) and the factory that picks one (``opening.py``)."""
