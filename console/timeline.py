"""The citizen's timeline as a drawing: the Ledger's ``Timeline`` (balances over business
dates, marks, bands) laid out in the coordinates of an SVG, with its text equivalent.

A pure function of the timeline and the reader's language, so that what the page draws
can be checked without a browser. The template only writes out what is here: the
geometry is computed once, in Python, and every text is already translated.

Layout (in the SVG's own units; the image scales to the page's width): the employments
and situations as bands on top, then one panel per right with its usable balance as a
step line on the right's own scale (rights have different units), marks on it, and the
date axis and a legend below. Each right's line has its own dash pattern and its name
beside it, so no line is told apart by colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from console.i18n import Speech
from console.words import N_
from ledger.domain import amounts
from ledger.domain.timeline import BalancePoint, Band, Mark, RightLine, Timeline

WIDTH = 1100
LEFT = 190  # the labels' column
RIGHT = 80  # the last balance's label
PLOT = WIDTH - LEFT - RIGHT
TOP = 10
BAND_ROW = 22
PANEL = 90  # a right's panel, its line between PANEL_PAD from the top and the bottom
PANEL_PAD = 14
GAP = 18
AXIS = 34
MIN_TICK_GAP = 80  # no two date labels closer than this
DASHES = ("", "8 4", "2 4", "12 4 2 4", "4 4")  # one per right, in turn

# Each kind of mark: its glyph (a path around 0,0) and its name in the legend.
GLYPHS = {
    "grant": "M0,-6 L6,5 L-6,5 Z",  # triangle up
    "use": "M0,6 L6,-5 L-6,-5 Z",  # triangle down
    "expiry": "M-5,-5 L5,5 M5,-5 L-5,5",  # a cross
    "forfeit": "M-5,-5 H5 V5 H-5 Z",  # a square
    "suspension": "M-6,0 H6 M-6,-4 H6",  # two bars
    "reversal": "M-5,0 A5,5 0 1,1 0,5",  # an open circle, turning back
    "reserve": "M0,-6 L6,0 L0,6 L-6,0 Z",  # a diamond
    "confirm": "M0,-6 L6,0 L0,6 L-6,0 Z M-3,0 H3",  # a diamond, crossed
    "cancel": "M0,-6 L6,0 L0,6 L-6,0 Z M-3,-3 L3,3",  # a diamond, struck
    "lapse": "M0,-6 L6,0 L0,6 L-6,0 Z M0,-3 V3",  # a diamond, split
}
MARK_NAMES = {
    "grant": N_("grant"),
    "use": N_("use"),
    "expiry": N_("expiry"),
    "forfeit": N_("forfeit"),
    "suspension": N_("suspension"),
    "reversal": N_("reversal"),
    "reserve": N_("reservation"),
    "confirm": N_("confirmation"),
    "cancel": N_("cancellation"),
    "lapse": N_("lapse"),
}
BALANCE_CHANGE = N_("balance changes")
NOT_RECORDED = N_("due, not recorded yet")
BAND_KINDS = {"employment": N_("employment"), "situation": N_("situation")}
SITUATIONS = (
    N_("employee"), N_("self-employed"), N_("jobseeker"), N_("civil-servant"),
    N_("inactive"), N_("retired"), N_("self-employed-side"), N_("student"),
)  # fmt: skip
UNNAMED_EMPLOYER = N_("employer not named")
RUNNING = N_("still running")
TITLE = N_("Timeline of citizen")
DESCRIPTION = N_(
    "From {start} to {end}: employments and situations as bands, the usable balance of "
    "{rights} right(s) as step lines, {marks} entries as marks. The table 'Timeline as "
    "text' below gives the same dates and balances."
)


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class BandBar:
    y: float
    x: float
    width: float
    kind: str  # employment or situation: the bar's pattern
    label: str
    period: str  # "1 sep 2024 – 6 jan 2025"


@dataclass(frozen=True)
class Glyph:
    x: float
    y: float
    kind: str
    path: str
    title: str


@dataclass(frozen=True)
class Panel:
    y: float  # its top
    right: str
    unit: str
    dash: str
    path: str  # the step line
    top_label: str  # the scale's top value, with the unit
    base_y: float
    top_y: float
    last_label: str  # the usable balance at the end
    last_y: float
    glyphs: tuple[Glyph, ...]


@dataclass(frozen=True)
class TextRow:
    """One dated line of the text equivalent: what happened to a right, and its usable
    balance after that day."""

    on: date
    day: str
    right: str
    what: str
    amount: str
    usable: str
    unit: str


@dataclass(frozen=True)
class PeriodRow:
    kind: str
    name: str
    start: str
    end: str


@dataclass(frozen=True)
class LegendItem:
    kind: str
    path: str
    label: str


@dataclass(frozen=True)
class Drawing:
    width: int
    height: float
    title: str
    description: str
    start: str
    end: str
    ticks: tuple[Tick, ...]
    axis_y: float
    plot_left: int
    plot_right: int
    end_x: float
    bands: tuple[BandBar, ...]
    panels: tuple[Panel, ...]
    legend: tuple[LegendItem, ...]
    rows: tuple[TextRow, ...]
    periods: tuple[PeriodRow, ...]


def drawing(drawn: Timeline, insz_shown: str, speech: Speech) -> Drawing:
    """The SVG's geometry and texts for ``drawn``, read by a reader speaking ``speech``;
    ``insz_shown`` is the INSZ as the reader's role may see it."""
    _ = speech.gettext
    x = scale(drawn.start, drawn.end)
    bands = tuple(band_bar(b, i, x, drawn.end, speech) for i, b in enumerate(drawn.bands))
    panels_top = TOP + len(bands) * BAND_ROW + (GAP if bands else 0)
    panels = tuple(
        panel(line, panels_top + i * (PANEL + GAP), DASHES[i % len(DASHES)], x, drawn, speech)
        for i, line in enumerate(drawn.lines)
    )
    axis_y = panels_top + len(panels) * (PANEL + GAP)
    description = _(DESCRIPTION).format(
        start=speech.day(drawn.start), end=speech.day(drawn.end),
        rights=speech.number(len(drawn.lines)), marks=speech.number(len(drawn.marks)),
    )  # fmt: skip
    return Drawing(
        width=WIDTH, height=axis_y + AXIS, title=f"{_(TITLE)} {insz_shown}",
        description=description, start=speech.day(drawn.start), end=speech.day(drawn.end),
        ticks=ticks(drawn.start, drawn.end, x, speech), axis_y=axis_y, plot_left=LEFT,
        plot_right=LEFT + PLOT, end_x=x(drawn.end), bands=bands, panels=panels,
        legend=legend(speech), rows=text_rows(drawn, speech),
        periods=tuple(period_row(b, speech) for b in drawn.bands),
    )  # fmt: skip


def scale(start: date, end: date) -> Callable[[date], float]:
    """Business dates onto the plot's width; the end day is drawn as a whole day."""
    days = max((end - start).days + 1, 1)
    return lambda day: round(LEFT + PLOT * (day - start).days / days, 1)


def ticks(start: date, end: date, x: Callable[[date], float], speech: Speech) -> tuple[Tick, ...]:
    """The first and last day, and the first days of months, quarters or years between
    them (as the span allows), never two labels closer than MIN_TICK_GAP."""
    span = (end - start).days
    months = 1 if span <= 200 else 3 if span <= 3 * 365 else 12
    chosen = [Tick(x(start), speech.day(start))]
    day = date(start.year, start.month, 1)
    while day <= end:
        if day > start and day.month % months == 1 % months:
            chosen.append(Tick(x(day), speech.day(day)))
        day = (day + timedelta(days=32)).replace(day=1)
    closing = Tick(x(end), speech.day(end))
    kept = [t for t in chosen if closing.x - t.x >= MIN_TICK_GAP or t is chosen[0]]
    spaced: list[Tick] = []
    for tick in kept:
        if not spaced or tick.x - spaced[-1].x >= MIN_TICK_GAP:
            spaced.append(tick)
    if end != start:
        spaced.append(closing)
    return tuple(spaced)


def band_bar(
    band: Band, row: int, x: Callable[[date], float], end: date, speech: Speech
) -> BandBar:
    left = x(band.start)
    right = x(band.end) if band.end is not None else x(end + timedelta(days=1))
    return BandBar(
        y=TOP + row * BAND_ROW, x=left, width=max(right - left, 2.0), kind=band.kind,
        label=band_label(band, speech), period=period_text(band, speech),
    )  # fmt: skip


def band_label(band: Band, speech: Speech) -> str:
    return f"{speech.gettext(BAND_KINDS[band.kind])} {band_name(band, speech)}"


def band_name(band: Band, speech: Speech) -> str:
    """An employment's employer (KBO), or the situation in the reader's words."""
    if band.kind == "employment":
        return band.name or speech.gettext(UNNAMED_EMPLOYER)
    return speech.gettext(band.name)


def period_text(band: Band, speech: Speech) -> str:
    until = speech.day(band.end) if band.end is not None else speech.gettext(RUNNING)
    return f"{speech.day(band.start)} – {until}"


def period_row(band: Band, speech: Speech) -> PeriodRow:
    _ = speech.gettext
    until = speech.day(band.end) if band.end is not None else _(RUNNING)
    return PeriodRow(
        _(BAND_KINDS[band.kind]), band_name(band, speech), speech.day(band.start), until
    )


def panel(
    line: RightLine, top: float, dash: str, x: Callable[[date], float], drawn: Timeline,
    speech: Speech,
) -> Panel:  # fmt: skip
    unit = line.unit
    base, high = top + PANEL - PANEL_PAD, top + PANEL_PAD
    peak = max(max(p.usable for p in line.points), 1)

    def y(usable: int) -> float:
        return round(base - (base - high) * usable / peak, 1)

    last = line.points[-1]
    glyphs = tuple(
        glyph(mark, x(mark.on), y(usable_on(line.points, mark.on)), unit, speech)
        for mark in drawn.marks
        if mark.right == line.right
    )
    return Panel(
        y=top, right=line.right, unit=speech.gettext(unit), dash=dash,
        path=step_path(line.points, x, y, x(drawn.end + timedelta(days=1))),
        top_label=f"{number(peak, unit, speech)} {speech.gettext(unit)}", base_y=base,
        top_y=high, last_label=number(last.usable, unit, speech), last_y=y(last.usable),
        glyphs=glyphs,
    )  # fmt: skip


def step_path(
    points: Sequence[BalancePoint], x: Callable[[date], float], y: Callable[[int], float],
    end_x: float,
) -> str:  # fmt: skip
    """``M x0,y0 H x1 V y1 H x2 ...``: level until the next point, then straight up or
    down to its value, level again to the end of the last day."""
    first = points[0]
    parts = [f"M{x(first.on)},{y(first.usable)}"]
    for point in points[1:]:
        parts.append(f"H{x(point.on)} V{y(point.usable)}")
    parts.append(f"H{end_x}")
    return " ".join(parts)


def usable_on(points: Sequence[BalancePoint], day: date) -> int:
    """The usable balance at the end of ``day`` (0 before the right's first point)."""
    found = 0
    for point in points:
        if point.on > day:
            break
        found = point.usable
    return found


def glyph(mark: Mark, x: float, y: float, unit: str, speech: Speech) -> Glyph:
    return Glyph(x, y, mark.kind, GLYPHS[mark.kind], mark_title(mark, unit, speech))


def mark_title(mark: Mark, unit: str, speech: Speech) -> str:
    """``use 10 hours, 1 Oct 2024`` in the reader's words (the glyph's tooltip)."""
    _ = speech.gettext
    text = f"{_(MARK_NAMES[mark.kind])} {number(mark.amount, unit, speech)} {_(unit)}, "
    return text + speech.day(mark.on)


def legend(speech: Speech) -> tuple[LegendItem, ...]:
    """The glyphs and their names, written beside the image (where they can wrap)."""
    return tuple(
        LegendItem(kind, path, speech.gettext(MARK_NAMES[kind])) for kind, path in GLYPHS.items()
    )


def text_rows(drawn: Timeline, speech: Speech) -> tuple[TextRow, ...]:
    """Every mark, and every change of a balance no mark explains, by date and right,
    each with the usable balance of its right after that day."""
    _ = speech.gettext
    rows = []
    for line in drawn.lines:
        unit = line.unit
        marked = set()
        for mark in (m for m in drawn.marks if m.right == line.right):
            marked.add(mark.on)
            what = _(MARK_NAMES[mark.kind])
            if mark.event_id is None:
                what = f"{what} ({_(NOT_RECORDED)})"
            rows.append(text_row(mark.on, line, what, number(mark.amount, unit, speech), speech))
        for point in line.points:
            if point.on not in marked:
                rows.append(text_row(point.on, line, _(BALANCE_CHANGE), "", speech))
    return tuple(sorted(rows, key=lambda r: (r.on, r.right)))


def text_row(day: date, line: RightLine, what: str, amount: str, speech: Speech) -> TextRow:
    usable = number(usable_on(line.points, day), line.unit, speech)
    return TextRow(
        day, speech.day(day), line.right, what, amount, usable, speech.gettext(line.unit)
    )


def number(minor: int, unit: str, speech: Speech) -> str:
    return speech.number(amounts.json_number(minor, unit))
