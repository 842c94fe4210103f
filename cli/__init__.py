"""The ``llr`` command line: click commands that parse, call the Ledger once and print.

``cli.main`` holds the top-level group; ``cli.context`` what commands share (settings,
the Ledger, the init hook); ``cli.errors`` the exit-code policy.
"""
