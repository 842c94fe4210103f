"""A whole career through the command line, on every backend."""

from __future__ import annotations

from tests.builders import EMPLOYER, INSZ
from tests.llr import Llr


def live_through_a_career(llr: Llr) -> None:
    """Employee with VOV hours and federal days; jobseeker, self-employed, employee again."""
    llr.ok("open", INSZ, "--status", "employee", "--on", "2024-09-01", "--education", "low")
    llr.ok(
        "grant",
        INSZ,
        "vov-hours",
        "125",
        "--source",
        EMPLOYER,
        "--on",
        "2024-09-01",
        "--ref",
        "VOV-1",
    )
    llr.ok(
        "grant",
        INSZ,
        "federal-training-days",
        "5",
        "--source",
        EMPLOYER,
        "--on",
        "2024-09-02",
        "--ref",
        "FED-1",
    )
    llr.ok(
        "use",
        INSZ,
        "vov-hours",
        "20",
        "--on",
        "2024-10-01",
        "--training",
        "OPL-1",
        "--provider",
        "P-1",
        "--ref",
        "USE-1",
    )
    llr.ok("status", INSZ, "jobseeker", "--on", "2025-01-06")
    llr.ok("status", INSZ, "self-employed", "--on", "2025-03-01")
    llr.ok("status", INSZ, "employee", "--on", "2025-05-01")


def test_a_full_career_tour_keeps_every_hour_accounted_for(ready: Llr) -> None:
    live_through_a_career(ready)
    forfeit = next(e for e in ready.history()["entries"] if e["event"] == "RightForfeited")
    ready.ok(
        "reverse",
        INSZ,
        str(forfeit["event_id"]),
        "--reason",
        "still employed: forfeited by mistake",
        "--on",
        "2025-05-02",
    )
    request = ready.history()["entries"][-1]["event_id"]
    ready.ok("approve", INSZ, str(request), "--on", "2025-05-02", LLR_ACTOR="staff:second")
    ready.ok("expire", "--as-of", "2025-09-01")

    balance = ready.json("balance", INSZ)["rights"]
    during_job_search = ready.json("balance", INSZ, "--as-of", "2025-02-01")["rights"]
    events = [e["event"] for e in ready.history()["entries"]]
    vov = ready.json("explain", INSZ, "vov-hours")
    days = ready.json("explain", INSZ, "federal-training-days")
    vov_text = ready.ok("explain", INSZ, "vov-hours").stdout

    assert (balance["vov-hours"]["usable"], balance["vov-hours"]["lots"]) == (0, [])
    assert balance["federal-training-days"]["usable"] == 5
    assert during_job_search["vov-hours"]["suspended"] == 105
    assert during_job_search["federal-training-days"]["usable"] == 0
    assert events == [
        "AccountOpened",
        "RightGranted",
        "RightGranted",
        "RightUsed",
        "StatusChanged",
        "RightSuspended",
        "RightForfeited",
        "StatusChanged",
        "RightSuspended",
        "StatusChanged",
        "RightTransferred",
        "ReversalRequested",
        "ReversalApproved",
        "EntryReversed",
        "RightExpired",
    ]
    assert vov["totals"] == {
        "granted": 125,
        "used": 20,
        "expired": 105,
        "forfeited": 0,
        "usable": 0,
        "suspended": 0,
        "reserved": 0,
    }
    assert days["totals"]["usable"] == 5 and days["totals"]["forfeited"] == 0
    assert vov["balanced"] and days["balanced"]
    assert vov_text.splitlines()[-1] == (
        "granted 125 = used 20 + reserved 0 + expired 105 + forfeited 0 + usable 0 + suspended 0  "
        "(balanced)"
    )
