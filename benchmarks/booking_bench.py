"""What a booking costs: a reserve and its confirm against a plain use of the same hours.

    python benchmarks/booking_bench.py --citizens 500 --backend sqlite postgres

On a fresh, migrated store, ``2 x --citizens`` employees each hold a grant of 40 VOV hours
(imported in one file, read models brought up to date). Then, as ``llr use``, ``llr
reserve`` and ``llr confirm`` run them, end to end through the Ledger API in the
backoffice role with the read models brought up to date after every command (the CLI's
``refresh_read_models``):

- ``use``: one use of 8 hours on each of the first half of the citizens;
- ``reserve + confirm``: a reservation of 8 hours, then its confirm, on each of the others.

The two alternate citizen by citizen (a use, then a booking, then a use ...), so that a
machine that slows down part-way weighs on both alike. The ceiling, measured in the same
run: a reserve and its confirm may cost at most twice a use (ratio <= 2.0). A booking is
two commands, each loading, checking and saving the account and bringing the read models
up to date, so 2.0 is what two uses cost: the domain's own work is a few percent of it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load_bench import fresh_database
from ledger.application import Ledger
from ledger.config import load_settings
from ledger.domain.command import Result
from ledger.imports import import_file
from ledger.projections.migrate import upgrade
from ledger.projections.runner import catch_up_all
from ledger.security.roles import Role, RoleName

EMPLOYER = "employer:0566988259"
PROVIDER = "0403170701"
GRANTED, ON, CONFIRMED = date(2024, 9, 2), date(2024, 10, 1), date(2024, 10, 15)
CEILING = 2.0


def insz_of(n: int) -> str:
    first9 = f"{60 + n % 40:02d}{1 + n % 12:02d}{1 + n % 28:02d}{100 + n // 480:03d}"
    return f"{first9}{97 - int(first9) % 97:02d}"


def ledger_on(database: str, role: Role | None = None) -> Ledger:
    settings = load_settings(database, {"LLR_ID_KEY": "bench"})
    return Ledger(settings.store_env(), id_key=settings.id_key, actor="bench", role=role)


def arrange(database: str, citizens: list[str], workdir: Path) -> None:
    """Employees with 40 VOV hours each, imported; the read models up to date."""
    upgrade(load_settings(database, {"LLR_ID_KEY": "bench"}))
    ledger = ledger_on(database)
    path = workdir / "booking-bench-grants.csv"
    lines = [f"grant;{insz};{GRANTED};vov-hours;40;G-{n}" for n, insz in enumerate(citizens)]
    path.write_text("\n".join(["kind;insz;on;right;amount;reference", *lines]) + "\n")
    summary = import_file(ledger, path, EMPLOYER)
    assert (summary.applied, summary.rejected) == (len(lines), 0), summary.counts()
    catch_up_all(ledger)
    ledger.close()
    path.unlink()


# Each command must apply: a repeat ("already applied") would be cheaper and mean nothing.
def use(ledger: Ledger, insz: str, n: int) -> None:
    used = ledger.use_right(insz, "vov-hours", "8", ON, "OPL-1", PROVIDER, f"U-{n}")
    assert used.result is Result.APPLIED
    catch_up_all(ledger)


def reserve_and_confirm(ledger: Ledger, insz: str, n: int) -> None:
    held = ledger.reserve(insz, "vov-hours", "8", ON, "OPL-1", f"B-{n}", provider=PROVIDER)
    assert held.result is Result.APPLIED
    catch_up_all(ledger)
    assert ledger.confirm(insz, f"B-{n}", CONFIRMED).result is Result.APPLIED
    catch_up_all(ledger)


def bench(backend: str, citizens: int, workdir: Path) -> None:
    database, drop = fresh_database(backend, workdir)
    try:
        people = [insz_of(n) for n in range(2 * citizens)]
        assert len(set(people)) == len(people), "two citizens with one INSZ"
        arrange(database, people, workdir)
        ledger = ledger_on(database, Role(RoleName.BACKOFFICE))
        using, booking = people[:citizens], people[citizens:]
        use_s = booking_s = 0.0
        for n in range(citizens):
            use_s += timed(use, ledger, using[n], n)
            booking_s += timed(reserve_and_confirm, ledger, booking[n], n)
        ledger.close()
        ratio = booking_s / use_s
        verdict = "within" if ratio <= CEILING else "ABOVE"
        print(
            f"{backend:8} {citizens} uses: {citizens / use_s:6.1f}/s; {citizens} reserve + "
            f"confirm: {citizens / booking_s:6.1f} pairs/s; ratio {ratio:4.2f} "
            f"({verdict} the ceiling {CEILING})"
        )
    finally:
        drop()


def timed(action: Callable[[Ledger, str, int], None], ledger: Ledger, insz: str, n: int) -> float:
    began = time.perf_counter()
    action(ledger, insz, n)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=500)
    parser.add_argument("--backend", nargs="+", default=["sqlite"], choices=["sqlite", "postgres"])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    for backend in args.backend:
        bench(backend, args.citizens, args.workdir)


if __name__ == "__main__":
    main()
