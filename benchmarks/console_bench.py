"""What the citizen page costs: ``GET /citizen`` through ``llr serve`` against the same
Ledger reads in this process.

    python benchmarks/console_bench.py --citizens 300 --views 200

On a fresh PostgreSQL database (dropped at the end), ``--citizens`` employees each hold a
grant of 40 VOV hours. The service runs as the API benchmark runs it
(``benchmarks/api_served.py``: ``llr serve``'s options, one backoffice credential); one
desk person signs in to the console, finds a random citizen with a reason, and opens the
citizen's page, ``--views`` times. Only the page's GET is timed: the session, the reads
through the Ledger (balance, an explain per right, the timeline, what waits for approval,
the access log, each written to the access log first), the SVG and the template. The
first views on either side are not counted (templates, catalogues and caches warm up).

The ceiling, measured in the same run on the same citizens: ``read_citizen``, the page's
Ledger reads and their shaping, in this process. Target: the page at least 0.5 of that
rate (what HTTP, the session and the rendering may cost), p99 under 250 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.api_bench import service
from benchmarks.api_served import TOKEN
from benchmarks.booking_bench import arrange, insz_of, ledger_on
from benchmarks.load_bench import fresh_database
from console.citizen_page import Reading, read_citizen
from console.i18n import speech
from ledger.security.roles import Role, RoleName

REASON = "benchmark: a citizen at the desk"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TARGET_RATIO, TARGET_P99_MS = 0.5, 250.0
WARM_UP = 10  # views not counted on either side: compiled templates, catalogues, caches


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    if found is None:
        raise SystemExit(f"no form on {page.url} ({page.status_code})")
    return found.group(1)


def signed_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    form = client.get("/sign-in")
    done = client.post("/sign-in", data={"token": TOKEN, "csrf": csrf_of(form)})
    if done.status_code != 303:
        raise SystemExit(f"sign-in refused: {done.status_code}")
    return client


def page_views(
    client: httpx.Client, people: list[str], views: int, pick: random.Random
) -> list[float]:
    """Seconds per ``GET /citizen``, each after finding a random citizen."""
    csrf = csrf_of(client.get("/"))
    took = []
    for _ in range(views):
        found = client.post("/find", data={"insz": pick.choice(people), "reason": REASON,
                                           "csrf": csrf})  # fmt: skip
        assert found.status_code == 303, found.text
        start = time.perf_counter()
        page = client.get("/citizen")
        took.append(time.perf_counter() - start)
        assert page.status_code == 200 and "<svg" in page.text, page.status_code
    return took[WARM_UP:]


def in_process(read: Callable[[str], object], people: list[str], views: int,
               pick: random.Random) -> list[float]:  # fmt: skip
    took = []
    for _ in range(views):
        insz = pick.choice(people)
        start = time.perf_counter()
        read(insz)
        took.append(time.perf_counter() - start)
    return took[WARM_UP:]


def summary(took: list[float]) -> tuple[float, float, float]:
    """Views per second, p50 and p99 in ms."""
    cuts = statistics.quantiles(took, n=100)
    return len(took) / sum(took), cuts[49] * 1000, cuts[98] * 1000


def bench(citizens: int, views: int, workdir: Path) -> None:
    database, drop = fresh_database("postgres", workdir)
    os.environ["LLR_CONSOLE_INSECURE_COOKIES"] = "1"  # http on loopback
    os.environ["LLR_CONSOLE_SESSION_DIR"] = str(workdir / "sessions")
    try:
        people = [insz_of(n) for n in range(citizens)]
        arrange(database, people, workdir)
        ledger = ledger_on(database, Role(RoleName.BACKOFFICE))
        nl = speech("nl")
        ceiling = in_process(lambda insz: read_citizen(ledger, insz, REASON, Reading(), nl),
                             people, views, random.Random(15))  # fmt: skip
        with service(database, workdir) as url:
            client = signed_in(url)
            try:
                pages = page_views(client, people, views, random.Random(15))
            finally:
                client.close()
        ledger.close()
        report(summary(pages), summary(ceiling))
    finally:
        drop()


def report(page: tuple[float, float, float], ceiling: tuple[float, float, float]) -> None:
    ratio = page[0] / ceiling[0]
    print(f"citizen page over HTTP: {page[0]:.1f} views/s, p50 {page[1]:.1f} ms, "
          f"p99 {page[2]:.1f} ms")  # fmt: skip
    print(f"ceiling (read_citizen in process): {ceiling[0]:.1f} views/s, "
          f"p50 {ceiling[1]:.1f} ms, p99 {ceiling[2]:.1f} ms")  # fmt: skip
    met = ratio >= TARGET_RATIO and page[2] < TARGET_P99_MS
    print(f"ratio {ratio:.2f} (target >= {TARGET_RATIO}), p99 {page[2]:.1f} ms "
          f"(target < {TARGET_P99_MS:.0f}): {'MET' if met else 'NOT MET'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=300)
    parser.add_argument("--views", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="llr-console-bench-") as folder:
        bench(args.citizens, args.views, Path(folder))


if __name__ == "__main__":
    main()
