"""``llr registry import`` of trainings next to ``llr import`` of as many account lines.

The target (issue 13): a registry import runs at no less than half the line rate of an
account import. Both are timed as the user runs them, the whole command in a fresh
process on a fresh, initialised store (read models included). The account file is the
seeded file of ``benchmarks/import_bench.py`` (one citizen per five lines); the registry
files are generated here: 100 providers, then ``--lines`` trainings spread over them.

    python -m benchmarks.registry_bench --lines 100000 --backend sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.import_bench import SOURCE, fresh_store, generated_file

PROVIDERS = 100
TARGET = 0.5
RIGHTS = "training-vouchers;vov-hours"


def kbo(number: int) -> str:
    """A valid enterprise number: 0 and seven digits, then 97 - (those mod 97)."""
    first = 10_000_000 + number
    return f"0{first:07d}"[-8:] + f"{97 - first % 97:02d}"


def provider_file(folder: Path) -> Path:
    path = folder / "providers.csv"
    lines = ["kbo,name,recognised_for,from,until,public,label"]
    lines += [f"{kbo(n)},Provider {n},{RIGHTS},2024-01-01,,false," for n in range(PROVIDERS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def training_file(folder: Path, count: int) -> Path:
    path = folder / f"trainings-{count}.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("code,provider,title,rights,from,until,classification,hours\n")
        for n in range(count):
            right = "training-vouchers" if n % 2 else "vov-hours"
            out.write(
                f"T-{n:07d},{kbo(n % PROVIDERS)},Training {n},{right},2024-02-01,,"
                f"labour-market,{8 + n % 40}\n"
            )
    return path


def llr(
    database: str, *args: str, role: str = "backoffice", rejects_expected: bool = False
) -> float:
    """Run ``llr`` in a fresh process; its wall time in seconds. The account file holds
    bad lines on purpose (1 %), so its import exits 1 (lines rejected)."""
    env = {**os.environ, "LLR_DATABASE": database, "LLR_ID_KEY": "bench",
           "LLR_ACTOR": "bench", "LLR_ROLE": role}  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", *args], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode not in ((0, 1) if rejects_expected else (0,)):
        raise SystemExit(f"llr {' '.join(args)} failed: {done.stderr[-2000:]}")
    return seconds


def registry_rate(backend: str, lines: int, folder: Path) -> dict[str, Any]:
    providers, trainings = provider_file(folder), training_file(folder, lines)
    with fresh_store(backend, "reg") as database:
        llr(database, "init", role="admin")
        llr(database, "registry", "import", str(providers), "--kind", "providers")
        seconds = llr(database, "registry", "import", str(trainings), "--kind", "trainings",
                      "--rejects", str(folder / "registry.rejects.csv"))  # fmt: skip
        again = llr(database, "registry", "import", str(trainings), "--kind", "trainings",
                    "--rejects", str(folder / "registry.rejects.csv"))  # fmt: skip
    return {"registry_seconds": round(seconds, 1), "registry_lines_per_s": round(lines / seconds),
            "registry_again_seconds": round(again, 1)}  # fmt: skip


def account_rate(backend: str, lines: int, folder: Path) -> dict[str, Any]:
    options = argparse.Namespace(lines=lines, citizens=max(1, lines // 5), seed=7,
                                 interleave=1000)  # fmt: skip
    path = generated_file(options)
    with fresh_store(backend, "acc") as database:
        llr(database, "init", role="admin")
        seconds = llr(database, "import", str(path), "--source", SOURCE,
                      "--rejects", str(folder / "accounts.rejects.csv"),
                      rejects_expected=True)  # fmt: skip
    return {"account_seconds": round(seconds, 1), "account_lines_per_s": round(lines / seconds)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        result = {"backend": args.backend, "lines": args.lines}
        result |= registry_rate(args.backend, args.lines, folder)
        print(json.dumps(result), flush=True)
        result |= account_rate(args.backend, args.lines, folder)
    ratio = result["registry_lines_per_s"] / result["account_lines_per_s"]
    verdict = "met" if ratio >= TARGET else "NOT met"
    result |= {"ratio": round(ratio, 2), "target": TARGET, "verdict": verdict}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
