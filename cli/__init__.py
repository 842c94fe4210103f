"""The ``llr`` command line: click commands that parse, call the Ledger once and print.

``cli.main`` holds the top-level group and the table of commands, each imported only when
it runs (``cli.lazy``); ``cli.context`` what commands share (settings, the Ledger);
``cli.errors`` the exit-code policy.
"""
