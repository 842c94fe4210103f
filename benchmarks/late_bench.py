"""What late facts cost: one on a long account, and an import with 10% late lines.

    python benchmarks/late_bench.py --events 1000 --citizens 2000 --backend sqlite postgres

1. ``late fact``: an account of about ``--events`` events (daily vouchers and uses, status
   changes back and forth), then ``llr grant``'s Ledger call for a grant dated in the middle
   of its history, end to end (load, fold to that date, fold the later events again with
   their checks, save, snapshot), as a median of repeated runs; against the ceiling
   measured in the same run, a full replay of the same account (read and decode every
   event, fold them). The goal: at most 2x.
2. ``import``: an employer's file of ``--citizens`` citizens, 10 lines each (a VOV grant,
   eight uses a week apart, one federal-days grant dated 20 September), imported into a
   fresh store twice: with every line in date order, and with the federal line last (after
   the uses it predates: 10% late lines). The goal: the late file keeps at least 80% of
   the in-order line rate.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load_bench import INSZ, build_history, fresh_database, median_seconds
from ledger.application import Ledger
from ledger.config import load_settings
from ledger.domain.views import rebuild
from ledger.imports import import_file

EMPLOYER = "employer:0566988259"
HEADER = "kind;insz;on;right;amount;expires_on;training;provider;status;reference"


def ledger_on(database: str) -> Ledger:
    settings = load_settings(database, {"LLR_ID_KEY": "bench"})
    return Ledger(settings.store_env(), id_key=settings.id_key, actor="bench")


def late_fact(backend: str, events: int, workdir: Path) -> None:
    database, drop = fresh_database(backend, workdir)
    try:
        ledger = ledger_on(database)
        account = build_history(ledger, events)
        middle = account.opened_on + (account.last_on - account.opened_on) / 2
        runs = iter(range(1000))

        def record_late() -> None:
            n = next(runs)
            day = middle + timedelta(days=n % 20)
            ledger.grant_right(INSZ, "training-vouchers", "1", day, "flemish-government", f"L{n}")

        late = median_seconds(record_late, 9)
        replay = median_seconds(lambda: rebuild(ledger.repository.event_store.get(account.id)), 9)
        size = ledger.get_account(account.id).version
        print(
            f"{backend:8} late fact on {size} events: {late * 1000:7.1f} ms; full replay "
            f"{replay * 1000:7.1f} ms; late / replay {late / replay:4.2f} (goal <= 2)"
        )
        ledger.close()
    finally:
        drop()


def citizen_lines(n: int, late: bool) -> list[str]:
    first9 = f"{60 + n % 40:02d}{1 + n % 12:02d}{1 + n % 28:02d}{100 + n % 800:03d}"
    insz = f"{first9}{97 - int(first9) % 97:02d}"
    grant = f"grant;{insz};2024-09-02;vov-hours;40;;;;;V-{n}"
    federal = f"grant;{insz};2024-09-20;federal-training-days;2.5;;;;;F-{n}"
    uses = [
        f"use;{insz};{date(2024, 10, 1) + timedelta(days=7 * k)};vov-hours;1.5;;T-{k};"
        f"0403170701;;U-{n}-{k}"
        for k in range(8)
    ]
    return [grant, *uses, federal] if late else [grant, federal, *uses]


def import_rate(backend: str, citizens: int, late: bool, workdir: Path) -> float:
    database, drop = fresh_database(backend, workdir)
    try:
        ledger = ledger_on(database)
        path = workdir / f"late-bench-{'late' if late else 'ordered'}.csv"
        lines = [line for n in range(citizens) for line in citizen_lines(n, late)]
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        start = time.perf_counter()
        summary = import_file(ledger, path, EMPLOYER)
        seconds = time.perf_counter() - start
        assert (summary.applied, summary.rejected) == (len(lines), 0), summary
        ledger.close()
        return len(lines) / seconds
    finally:
        drop()


def imports(backend: str, citizens: int, workdir: Path) -> None:
    ordered = import_rate(backend, citizens, False, workdir)
    late = import_rate(backend, citizens, True, workdir)
    print(
        f"{backend:8} import of {citizens * 10} lines: in order {ordered:7.0f} lines/s; "
        f"10% late {late:7.0f} lines/s; late / in order {late / ordered:4.2f} (goal >= 0.8)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--citizens", type=int, default=2000)
    parser.add_argument(
        "--backend", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    for backend in args.backend:
        late_fact(backend, args.events, args.workdir)
        imports(backend, args.citizens, args.workdir)


if __name__ == "__main__":
    main()
