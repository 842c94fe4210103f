"""The second process of a rebuild (see ``rebuild.py``, ``ApartFill``).

Run as ``python -m ledger.projections.apart``: reads its orders from stdin as JSON (the
store's environment, the projections, the batch size), fills those projections' copies
with ``CatchUp.fill``, and writes how many events each applied to stdout as JSON. An
error ends it with a traceback on stderr, whose last line the parent reports.
"""

from __future__ import annotations

import json
import sys

from ledger.application import Ledger
from ledger.projections.rebuild import NEXT
from ledger.projections.runner import CatchUp
from ledger.projections.store import opened


def main() -> None:
    order = json.load(sys.stdin)
    ledger = Ledger(order["env"], id_key=bytes.fromhex(order["id_key"]), actor="llr:rebuild")
    try:
        with opened(ledger.env) as store:
            counts = CatchUp(ledger, store, order["names"], NEXT, int(order["batch"])).fill()
    finally:
        ledger.close()
    json.dump(counts, sys.stdout)


if __name__ == "__main__":
    main()
