"""The take-up bar chart, drawn on the server: one chart per school year and right, one bar
per education level, its length the share of holders who used the right.

Only geometry and words are computed here; the template writes the SVG (``role="img"``,
with a title and a description that say every number the bars show) and a table with
the same numbers beside it, so no reader depends on seeing the bars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from console.i18n import Speech
from console.words import N_

EDUCATION_ORDER = ("low", "medium", "high", "unknown")
EDUCATION = (N_("low"), N_("medium"), N_("high"), N_("unknown"))
TITLE = N_("Take-up of %(right)s in %(period)s by education level")
BAR_WORDS = N_("%(level)s: %(share)s (%(used)s of %(holders)s holders used it)")
LABEL_WIDTH = 110  # the education level, left of the bars
BAR_AREA = 420  # a share of 100 %
BAR_HEIGHT = 22
GAP = 10
TOP = 24  # room for the axis labels


@dataclass(frozen=True)
class Bar:
    level: str
    share: str  # e.g. "50 %"
    used: str
    holders: str
    y: int
    width: int  # 0 to BAR_AREA

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page, for the title's and description's ids
    title: str
    description: str
    bars: tuple[Bar, ...]
    rows: tuple[Mapping[str, Any], ...]  # the report's rows the bars are drawn from

    @property
    def height(self) -> int:
        return TOP + len(self.bars) * (BAR_HEIGHT + GAP)

    label_width = LABEL_WIDTH
    bar_area = BAR_AREA
    bar_height = BAR_HEIGHT
    width = LABEL_WIDTH + BAR_AREA + 170
    top = TOP


def percent(share: float | None, speech: Speech) -> str:
    if share is None:
        return "–"
    value = (Decimal(str(share)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{speech.number(value.normalize() if value == value.to_integral() else value)} %"


def take_up_charts(rows: Sequence[Mapping[str, Any]], speech: Speech) -> list[Chart]:
    """The charts of the take-up report's rows (``period``, ``right``, ``education``,
    ``holders``, ``holders_who_used``, ``share``, as ``--csv`` writes them)."""
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault((str(row["period"]), str(row["right"])), []).append(row)
    return [chart(period, right, found, speech, n) for n, ((period, right), found) in
            enumerate(sorted(groups.items()), 1)]  # fmt: skip


def chart(period: str, right: str, rows: list[Mapping[str, Any]], speech: Speech, n: int) -> Chart:
    ordered = sorted(rows, key=lambda r: level_order(str(r["education"])))
    bars = tuple(bar(row, speech, TOP + i * (BAR_HEIGHT + GAP)) for i, row in enumerate(ordered))
    words = [speech.gettext(BAR_WORDS) % {"level": b.level, "share": b.share, "used": b.used,
                                          "holders": b.holders} for b in bars]  # fmt: skip
    title = speech.gettext(TITLE) % {"right": right, "period": period}
    return Chart(f"take-up-{n}", title, "; ".join(words) + ".", bars, tuple(ordered))


def bar(row: Mapping[str, Any], speech: Speech, y: int) -> Bar:
    share = row.get("share")
    width = 0 if share is None else round(float(share) * BAR_AREA)
    level = str(row["education"])
    return Bar(
        level=speech.gettext(level) if level in EDUCATION_ORDER else level,
        share=percent(share, speech), used=speech.number(int(row["holders_who_used"])),
        holders=speech.number(int(row["holders"])), y=y, width=width,
    )  # fmt: skip


def level_order(level: str) -> int:
    return EDUCATION_ORDER.index(level) if level in EDUCATION_ORDER else len(EDUCATION_ORDER)
