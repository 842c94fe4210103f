"""Write a large, realistic, seeded import file: the lines an employer or sector fund sends.

Each citizen's lines come from a small simulation that runs the real Account aggregate as
its oracle, so a line meant to be good is good (caps, balances, statuses and expiries all
hold) and a line meant to be bad fails for the reason it was made for. Bad lines of every
kind are mixed in at ``--bad-share``; a sidecar ``<file>.expected.json`` gives the counts.

    python -m benchmarks.generate /tmp/big.csv --lines 1000000 --citizens 200000 --seed 7
    python -m benchmarks.generate /tmp/cevora.jsonl --source sector-fund:cevora --lines 10000
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from benchmarks.citizens import Citizen, Line, make_insz
from ledger.domain.errors import InvalidIdentifierError
from ledger.domain.identifiers import parse_insz
from ledger.imports.rows import ENTRY_FIELDS

FIELDS_HEADER = ";".join(ENTRY_FIELDS)
BAD_KINDS = (
    "insz-check-digit",
    "unknown-right",
    "negative-amount",
    "bad-date",
    "missing-field",
    "extra-column",
    "use-beyond-balance",
    "reference-conflict",
    "non-utf8",
    "reference-of-another-citizen",
)


def citizen_line_counts(rng: random.Random, lines: int, citizens: int) -> list[int]:
    """Lines per citizen summing to ``lines``: most have a few, 1% have long histories."""
    weights = [
        rng.uniform(40, 120) if rng.random() < 0.01 else rng.uniform(0.5, 1.5)
        for _ in range(citizens)
    ]
    counts = [1] * citizens
    for index in rng.choices(range(citizens), weights=weights, k=max(0, lines - citizens)):
        counts[index] += 1
    return counts


def bad_line(rng: random.Random, kind: str, citizen: Citizen, number: int) -> Line | None:
    """A line of ``kind`` that must be rejected, dated at the citizen's latest fact."""
    good = citizen.template(f"BAD-{number}")
    if kind == "insz-check-digit":
        good.fields["insz"] = wrong_check_digits(good.fields["insz"])
    elif kind == "unknown-right":
        good.fields["right"] = "vov-hourz"
    elif kind == "negative-amount":
        good.fields["amount"] = "-5"
    elif kind == "bad-date":
        good.fields["on"] = good.fields["on"].replace("-", "/")
    elif kind == "missing-field":
        del good.fields["reference"]
    elif kind == "extra-column":
        good.extra = "see attachment"
    elif kind == "use-beyond-balance":
        return citizen.use_beyond_balance(f"BAD-{number}")
    elif kind == "reference-conflict":
        return citizen.conflicting_copy(rng)
    elif kind == "non-utf8":
        good.fields["reference"] = f"CAF\udce9-{number}"  # a Latin-1 "é" byte
    elif kind == "reference-of-another-citizen":
        return citizen.stolen_reference()
    return good


def wrong_check_digits(insz: str) -> str:
    """The INSZ with other check digits that neither century's rule accepts."""
    for step in range(1, 97):
        wrong = f"{insz[:9]}{(int(insz[9:]) + step) % 100:02d}"
        try:
            parse_insz(wrong)
        except InvalidIdentifierError:
            return wrong
    raise AssertionError("some check digits are always wrong")


def citizen_lines(
    rng: random.Random,
    source: str,
    count: int,
    bad_share: float,
    tally: Counter[str],
    taken: set[str],
) -> list[Line]:
    citizen = Citizen(rng, source, make_insz(rng, taken))
    lines: list[Line] = []
    for _ in range(count):
        if rng.random() < bad_share and citizen.account is not None:
            kind = rng.choice(BAD_KINDS)
            bad = bad_line(rng, kind, citizen, sum(tally.values()) + 1)
            if bad is not None:
                tally[kind] += 1
                lines.append(bad)
                continue
        lines.extend(citizen.next_lines())
    Citizen.remember_for_theft(citizen)
    return lines


def ordered(rng: random.Random, args: argparse.Namespace, tally: Counter[str]) -> Iterator[Line]:
    """Citizens in windows of ``--interleave``, each window's lines merged by date."""
    counts = citizen_line_counts(rng, args.lines, args.citizens)
    window: list[Line] = []
    taken: set[str] = set()  # one INSZ per citizen, or two timelines would share an account
    for index, count in enumerate(counts, start=1):
        window.extend(citizen_lines(rng, args.source, count, args.bad_share, tally, taken))
        if index % args.interleave == 0 or index == len(counts):
            window.sort(key=lambda line: line.on)  # stable: a citizen's order is kept
            yield from window
            window = []


def encode(line: Line, file_format: str, delimiter: str) -> bytes:
    values = {k: v for k, v in line.fields.items() if v}
    if file_format == "jsonl":
        if line.extra:
            values["comment"] = line.extra
        text = json.dumps(values, ensure_ascii=False)
    else:
        cells = [values.get(name, "") for name in ENTRY_FIELDS]
        cells += [line.extra] if line.extra else []
        text = delimiter.join(cells)
    return text.encode("utf-8", "surrogateescape") + b"\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--source", default="employer:0566988259")
    parser.add_argument("--bad-share", type=float, default=0.01)
    parser.add_argument(
        "--interleave",
        type=int,
        default=1000,
        help="citizens whose lines are merged by date (1 = grouped by citizen)",
    )
    parser.add_argument("--delimiter", default=";", choices=[";", ","])
    args = parser.parse_args(argv)
    file_format = "jsonl" if args.out.suffix in (".jsonl", ".ndjson") else "csv"
    rng, tally, written = random.Random(args.seed), Counter[str](), 0
    with args.out.open("wb") as out:
        if file_format == "csv":
            out.write(FIELDS_HEADER.replace(";", args.delimiter).encode() + b"\n")
        for line in ordered(rng, args, tally):
            out.write(encode(line, file_format, args.delimiter))
            written += 1
    expected = {
        "lines": written,
        "citizens": args.citizens,
        "bad_lines": sum(tally.values()),
        "bad_by_kind": dict(sorted(tally.items())),
        "source": args.source,
    }
    Path(f"{args.out}.expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    print(json.dumps(expected))


if __name__ == "__main__":
    main()
