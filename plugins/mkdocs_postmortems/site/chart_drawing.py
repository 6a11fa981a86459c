"""The drawing behind `charts`: each chart laid out here in points and written as SVG by a
template with autoescape (`templates/charts/chart.svg`).

The charts are simple (bars, strips and boxes, a grid of cells), so they are drawn directly
rather than through a plotting library: matplotlib took about 2.5 s of CPU per build to
import and draw 39 charts, this takes a few hundredths of a second, and the SVG is smaller.
Text widths come from the font's own advances (`text_width`), so labels get the room they
need; a row label longer than its column is cut with an ellipsis and kept whole in a tooltip.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mkdocs_postmortems.analytics.summary import SMALL_N
from mkdocs_postmortems.site.charts import (
    BLUE,
    GREY,
    GRID,
    LOG_FLOOR,
    MAX_POINTS,
    MAX_ROWS,
    PAD_INCHES,
    TEXT,
    WIDTH,
    _quantiles,
)
from mkdocs_postmortems.site.text_width import width as text_width

__all__ = ["draw"]

W = WIDTH * 72
"""The chart's width in points (SVG user units are points here)."""
PAD = PAD_INCHES * 72
TICK = 3.5
"""Tick marks' length, in points."""
TICK_SIZE = 9.0
LABEL_SIZE = 10.0
LINE = 1.2
"""Line height, in ems."""
LABEL_SHARE = 0.36
"""The most of the width a row label may take before it is cut."""
PARTIAL_HATCH = "pm-hatch"
"""The pattern over the running quarter's bars: white stripes on a lighter fill."""


# --- the drawing: shapes in points, written by the template


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry, even escaped: one in a label would make the file unreadable."""


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _n(value: float) -> str:
    """A coordinate to a hundredth of a point, trailing zeros dropped: small and exact."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass
class Shape:
    """One SVG element, its attributes already formatted; the template escapes them."""

    kind: str
    attributes: dict[str, str]
    text: list[str] = field(default_factory=list)
    title: str = ""
    """The whole of a label cut short, shown as its tooltip."""
    dy: str = ""
    """The step from one line of `text` to the next."""
    radius: str = ""
    """The radius of `dots`."""
    points: list[tuple[str, str]] = field(default_factory=list)
    """The centres of `dots`."""


@dataclass
class Canvas:
    height: float
    shapes: list[Shape] = field(default_factory=list)
    hatch: bool = False
    """Whether a rectangle is hatched, so the file needs the pattern."""

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        fill: str,
        *,
        opacity: float = 1.0,
        stroke: str = "",
        stroke_width: float = 0.0,
        hatched: bool = False,
    ) -> None:
        """`hatched`: lighter, with the partial quarter's white stripes over it."""
        if hatched:
            opacity = 0.6
        attributes = {"x": _n(x), "y": _n(y), "width": _n(max(w, 0.0)), "height": _n(max(h, 0.0))}
        attributes["fill"] = fill
        if opacity < 1:
            attributes["fill-opacity"] = _n(opacity)
        if stroke:
            attributes["stroke"] = stroke
            attributes["stroke-width"] = _n(stroke_width)
        self.shapes.append(Shape("rect", attributes))
        if hatched:
            self.hatch = True
            self.rect(x, y, w, h, f"url(#{PARTIAL_HATCH})")

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 0.8
    ) -> None:
        attributes = {"x1": _n(x1), "y1": _n(y1), "x2": _n(x2), "y2": _n(y2)}
        attributes |= {"stroke": stroke, "stroke-width": _n(width)}
        self.shapes.append(Shape("line", attributes))

    def dots(self, points: Sequence[tuple[float, float]], r: float, fill: str) -> None:
        """Points of one strip, in one group that holds what they share: a strip has up to
        MAX_POINTS of them, and each attribute written is an escape and bytes in the file."""
        attributes = {"fill": fill, "fill-opacity": "0.75", "stroke": "#ffffff"}
        attributes["stroke-width"] = "0.4"
        shape = Shape("dots", attributes, radius=_n(r))
        shape.points = [(_n(x), _n(y)) for x, y in points]
        self.shapes.append(shape)

    def text(
        self,
        x: float,
        y: float,
        lines: Sequence[str],
        *,
        size: float = TICK_SIZE,
        anchor: str = "start",
        colour: str = TEXT,
        rotate: float = 0.0,
        middle: bool = True,
        title: str = "",
    ) -> None:
        """Text whose first line is centred on `y` (`middle`) or has its top at `y`."""
        baseline = y + (0.35 * size if middle else 0.76 * size)
        if middle and len(lines) > 1:
            baseline -= (len(lines) - 1) * LINE * size / 2
        attributes = {"x": _n(x), "y": _n(baseline), "font-size": _n(size)}
        attributes["style"] = f"fill: {colour}"
        if anchor != "start":
            attributes["text-anchor"] = anchor
        if rotate:
            attributes["transform"] = f"rotate({_n(rotate)} {_n(x)} {_n(y)})"
        shown = [_xml(line) for line in lines]
        self.shapes.append(Shape("text", attributes, shown, _xml(title), _n(LINE * size)))


def _render(canvas: Canvas) -> bytes:
    from mkdocs_postmortems.site.templates import environment

    template = environment().get_template("charts/chart.svg")
    svg = template.render(
        width=_n(W), height=_n(canvas.height), shapes=canvas.shapes, hatch=canvas.hatch
    )
    return svg.encode("utf-8")


# --- text, ticks and scales


def _fit(label: str, size: float, room: float) -> tuple[str, str]:
    """`label` cut with an ellipsis to `room` points, and the whole label when cut."""
    if text_width(label, size) <= room:
        return label, ""
    room -= text_width("\u2026", size)
    used = 0.0
    for end, character in enumerate(label):
        used += text_width(character, size)
        if used > room:
            return label[:end].rstrip() + "\u2026", label
    return label, ""


def _row_labels(labels: Sequence[str], size: float) -> tuple[list[tuple[str, str]], float]:
    """Each row's label as shown (with its tooltip) and the widest one's width."""
    fitted = [_fit(label, size, LABEL_SHARE * W) for label in labels]
    return fitted, max((text_width(shown, size) for shown, _ in fitted), default=0.0)


def _number(value: float) -> str:
    """Counts read as `3`, not `3.0`."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def _tick_label(value: float) -> str:
    return f"{round(value, 10):g}"


def _nice_ticks(low: float, high: float, *, integer: bool, most: int = 7) -> list[float]:
    """Round ticks (1, 2, 2.5 or 5 times a power of ten) covering `low`..`high`."""
    span = high - low
    if span <= 0 or not math.isfinite(span):
        return [low]
    magnitude = 10 ** math.floor(math.log10(span / most))
    step = 10 * magnitude
    for multiple in (1.0, 2.0, 2.5, 5.0, 10.0):
        candidate = multiple * magnitude
        if integer and (candidate < 1 or not float(candidate).is_integer()):
            continue
        if span / candidate <= most:
            step = candidate
            break
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


@dataclass(frozen=True)
class Scale:
    """Data to points along one axis, linear or logarithmic."""

    low: float
    high: float
    start: float
    end: float
    log: bool = False

    def __call__(self, value: float) -> float:
        if self.log:
            low, high = math.log(self.low), math.log(self.high)
            value = math.log(max(value, self.low * 1e-6))
        else:
            low, high = self.low, self.high
        return self.start + (value - low) / ((high - low) or 1.0) * (self.end - self.start)


def _height(rows: int, *, per_row: float, base: float, minimum: float = 2.0) -> float:
    return 72 * max(minimum, base + per_row * min(rows, MAX_ROWS))


def _row_fontsize(rows: int, per_row: float, largest: float = 9.0) -> float:
    """Past MAX_ROWS the figure stops growing, so the labels shrink to keep rows apart."""
    row_points = per_row * 72 * min(rows, MAX_ROWS) / max(rows, 1)
    return max(4.0, min(largest, round(row_points * 0.6 * 2) / 2))


@dataclass(frozen=True)
class Categories:
    """Category labels under an axis: flat, at 45 degrees, or upright as they get many."""

    labels: list[list[str]]
    size: float
    rotate: float

    @classmethod
    def of(cls, labels: list[list[str]], slot: float) -> Categories:
        """Flat while each fits its `slot` (points) and there are few of them."""
        count = len(labels)
        if count > 20:
            return cls(labels, max(5.0, TICK_SIZE - (count - 20) / 8), -90.0)
        widest = max(text_width(line, TICK_SIZE) for lines in labels for line in lines)
        return cls(labels, TICK_SIZE, -45.0 if count > 8 or widest > slot - 4 else 0.0)

    def depth(self) -> float:
        """The points they take below the axis."""
        if self.rotate:  # turned, a label is one line
            widest = max(text_width(" ".join(lines), self.size) for lines in self.labels)
            if self.rotate == -90:
                return widest + 0.5 * self.size
            return widest * math.sqrt(0.5) + self.size
        lines = max(len(lines) for lines in self.labels)
        return lines * LINE * self.size

    def draw(self, canvas: Canvas, xs: Sequence[float], top: float) -> None:
        for x, lines in zip(xs, self.labels, strict=True):
            canvas.line(x, top - TICK, x, top, GREY)
            if not self.rotate:
                canvas.text(x, top + 3.5, lines, size=self.size, anchor="middle", middle=False)
            else:
                canvas.text(
                    x,
                    top + 3.5,
                    [" ".join(lines)],
                    size=self.size,
                    anchor="end",
                    rotate=self.rotate,
                    middle=self.rotate == -90,
                )


def _check_lengths(what: str, expected: int, actual: int) -> None:
    if expected != actual:
        raise ValueError(f"{what}: expected {expected} values, got {actual}")


def _no_data() -> bytes:
    """An empty chart is still an image, so the page layout does not change."""
    canvas = Canvas(1.2 * 72)
    canvas.text(W / 2, canvas.height / 2, ["No data"], size=12.0, anchor="middle", colour=GREY)
    return _render(canvas)


def _value_axis(
    canvas: Canvas,
    scale: Scale,
    ticks: Sequence[float],
    labels: Sequence[str],
    *,
    top: float,
    bottom: float,
    label: str,
) -> None:
    """A horizontal value axis under the plot, with grid lines up through it."""
    for tick, shown in zip(ticks, labels, strict=True):
        x = scale(tick)
        canvas.line(x, top, x, bottom, GRID)
        canvas.line(x, bottom, x, bottom + TICK, GREY)
        canvas.text(x, bottom + TICK + 3.5, [shown], anchor="middle", middle=False)
    canvas.line(scale.start, bottom, scale.end, bottom, GREY)
    canvas.text(
        (scale.start + scale.end) / 2,
        bottom + TICK + 3.5 + LINE * TICK_SIZE + 3,
        [label],
        size=LABEL_SIZE,
        anchor="middle",
        middle=False,
    )


def _axis_title(canvas: Canvas, title: str, top: float, bottom: float) -> None:
    """A vertical axis's title, upright along the left edge."""
    middle = (top + bottom) / 2
    canvas.text(
        PAD + LABEL_SIZE * 0.5, middle, [title], size=LABEL_SIZE, anchor="middle", rotate=-90.0
    )


def _value_axis_depth() -> float:
    return TICK + 3.5 + LINE * TICK_SIZE + 3 + LINE * LABEL_SIZE


def _rows(count: int, top: float, bottom: float) -> Callable[[float], float]:
    """A row index (first on top) to the y of its middle."""
    band = (bottom - top) / count
    return lambda row: top + (row + 0.5) * band


def _row_axis(
    canvas: Canvas,
    labels: list[tuple[str, str]],
    y: Callable[[float], float],
    x: float,
    size: float,
) -> None:
    for row, (shown, whole) in enumerate(labels):
        canvas.text(x - 4, y(row), [shown], size=size, anchor="end", title=whole)


# --- stacked bars


def stacked_bars(
    categories: list[str],
    series: list[tuple[str, list[int], str]],
    *,
    ylabel: str,
    partial: str = "",
) -> bytes:
    if not categories:
        return _no_data()
    for label, values, _colour in series:
        _check_lengths(f"series {label!r}", len(categories), len(values))

    count = len(categories)
    canvas = Canvas(3.6 * 72)
    totals = [sum(float(values[i]) for _label, values, _colour in series) for i in range(count)]
    top_value = max(totals, default=0.0)
    high = top_value * 1.05 if top_value > 0 else 1.0
    ticks = _nice_ticks(0.0, high, integer=True)
    tick_labels = [_tick_label(t) for t in ticks]

    # The legend, flowing into as many lines as it needs, above the plot.
    entries = [(label, colour, False) for label, _values, colour in series]
    if partial in categories:
        entries.append(("running quarter (partial)", GREY, True))
    legend: list[list[tuple[float, str, str, bool]]] = [[]]
    x = PAD
    for label, colour, hatched in entries:
        step = 10.8 + 4 + text_width(label, TICK_SIZE) + 12
        if legend[-1] and x + step > W - PAD:
            legend.append([])
            x = PAD
        legend[-1].append((x, label, colour, hatched))
        x += step
    legend_height = len(legend) * LINE * TICK_SIZE * 1.3 if entries else 0.0

    names = [[c, "(partial)"] if c == partial else [c] for c in categories]
    left = PAD + LINE * LABEL_SIZE + 4 + max(text_width(t, TICK_SIZE) for t in tick_labels) + 4
    left += TICK
    right = W - PAD
    under = Categories.of(names, (right - left) / (count + 0.2))
    top = PAD + legend_height + 6
    bottom = canvas.height - PAD - under.depth() - TICK - 3.5

    for line, entries_on_line in enumerate(legend):
        y = PAD + (line + 0.5) * LINE * TICK_SIZE * 1.3
        for x, label, colour, hatched in entries_on_line:
            canvas.rect(x, y - 3.5, 10.8, 7.0, colour, hatched=hatched)
            canvas.text(x + 10.8 + 4, y, [label])

    scale = Scale(0.0, high, bottom, top)
    for tick, shown in zip(ticks, tick_labels, strict=True):
        y = scale(tick)
        canvas.line(left, y, right, y, GRID)
        canvas.line(left - TICK, y, left, y, GREY)
        canvas.text(left - TICK - 3.5, y, [shown], anchor="end")

    slot = (right - left) / (count + 0.2)
    xs = [left + (i + 0.6) * slot for i in range(count)]
    running = categories.index(partial) if partial in categories else -1
    stacked = [0.0] * count
    for _label, values, colour in series:
        for i, value in enumerate(values):
            if not value:
                continue
            y0, y1 = scale(stacked[i]), scale(stacked[i] + value)
            canvas.rect(
                xs[i] - 0.35 * slot,
                y1,
                0.7 * slot,
                y0 - y1,
                colour,
                stroke="#ffffff",
                stroke_width=0.5,
                hatched=i == running,
            )
            stacked[i] += value

    canvas.line(left, top, left, bottom, GREY)
    canvas.line(left, bottom, right, bottom, GREY)
    under.draw(canvas, xs, bottom + TICK)
    _axis_title(canvas, ylabel, top, bottom)
    return _render(canvas)


# --- distributions

_COARSE_TICKS = (1.0, 10.0, 60.0, 360.0, 1440.0, 10080.0, 43200.0, 525600.0)
_FINE_TICKS = (
    *(0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0),
    *(60.0, 120.0, 180.0, 360.0, 720.0),
    *(1440.0, 2880.0, 4320.0, 10080.0, 20160.0, 43200.0, 129600.0, 525600.0),
)
_GOLDEN = 0.6180339887498949
_JITTER = 0.16


def _duration(minutes: float) -> str:
    """Durations are read in the unit people say them in, not as powers of ten."""
    if minutes < 1:
        return f"{minutes * 60:g} s"
    if minutes < 60:
        return f"{minutes:g} min"
    if minutes < 1440:
        return f"{minutes / 60:g} h"
    if minutes % 525600 == 0:
        return f"{minutes / 525600:g} y"
    if minutes % 10080 == 0 and minutes < 43200:
        return f"{minutes / 10080:g} w"
    return f"{minutes / 1440:g} d"


def _duration_ticks(low: float, high: float) -> list[float]:
    ticks = [t for t in _COARSE_TICKS if low <= t <= high]
    if len(ticks) < 3:
        ticks = [t for t in _FINE_TICKS if low <= t <= high]
        step = math.ceil(len(ticks) / 8) if ticks else 1
        ticks = ticks[::step]
    return ticks


def _jitter(count: int) -> list[float]:
    """Golden-ratio offsets: spread evenly, no random state, the first point centred."""
    return [((index * _GOLDEN + 0.5) % 1.0 - 0.5) * 2 * _JITTER for index in range(count)]


def _percentile(ordered: Sequence[float], share: float) -> float:
    """Linear interpolation between order statistics (numpy's default)."""
    at = share * (len(ordered) - 1)
    below = math.floor(at)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (at - below)


@dataclass(frozen=True)
class Box:
    """A box plot's numbers: quartiles, and whiskers to the furthest values within 1.5 IQR."""

    low: float
    q1: float
    median: float
    q3: float
    high: float

    @classmethod
    def of(cls, ordered: Sequence[float], whis: float = 1.5) -> Box:
        q1, median, q3 = (_percentile(ordered, share) for share in (0.25, 0.5, 0.75))
        reach = whis * (q3 - q1)
        inside_low = [v for v in ordered if v >= q1 - reach]
        inside_high = [v for v in ordered if v <= q3 + reach]
        low = min(inside_low[0], q1) if inside_low else q1
        high = max(inside_high[-1], q3) if inside_high else q3
        return cls(low, q1, median, q3, high)


def distributions(
    groups: list[tuple[str, list[float], str]], *, xlabel: str, log: bool = True
) -> bytes:
    if not groups:
        return _no_data()

    count = len(groups)
    per_row = 0.42
    canvas = Canvas(_height(count, per_row=per_row, base=0.9))
    fontsize = _row_fontsize(count, per_row)

    cleaned: list[list[float]] = []
    for _label, values, _colour in groups:
        finite = sorted(float(v) for v in values if math.isfinite(v))  # order-independent
        cleaned.append([max(v, LOG_FLOOR) for v in finite] if log else finite)
    notes = [
        [f"n = {len(values)}", "too few"] if len(values) < SMALL_N else [f"n = {len(values)}"]
        for values in cleaned
    ]

    everything = [v for values in cleaned for v in values]
    if log:
        if everything:
            low, high = min(everything) / 1.6, max(everything) * 1.6
        else:
            low, high = 1.0, 1440.0
        ticks = _duration_ticks(low, high)
        tick_labels = [_duration(t) for t in ticks]
    else:
        high = max(everything, default=0.0)
        low = min(0.0, *everything) if everything else 0.0
        high = high * 1.05 if high > 0 else 1.0
        ticks = _nice_ticks(low, high, integer=False)
        tick_labels = [_tick_label(t) for t in ticks]

    labels, widest = _row_labels([label for label, _values, _colour in groups], fontsize)
    left = PAD + widest + 4
    note_width = max(text_width(line, fontsize) for lines in notes for line in lines)
    right = W - PAD - note_width - 6
    top = PAD
    bottom = canvas.height - PAD - _value_axis_depth()
    scale = Scale(low, high, left, right, log=log)
    y = _rows(count, top, bottom)
    band = (bottom - top) / count

    _value_axis(canvas, scale, ticks, tick_labels, top=top, bottom=bottom, label=xlabel)
    _row_axis(canvas, labels, y, left, fontsize)
    for row, note in enumerate(notes):
        if cleaned[row]:
            canvas.text(right + 6, y(row), note, size=fontsize, colour=GREY)

    boxes = [
        (row, Box.of(values), colour)
        for row, ((_label, _values, colour), values) in enumerate(zip(groups, cleaned, strict=True))
        if len(values) >= SMALL_N  # a box of so few says nothing: the points alone
    ]
    half = 0.55 * band / 2
    for row, box, colour in boxes:
        middle = y(row)
        canvas.line(scale(box.low), middle, scale(box.q1), middle, colour, LINE)
        canvas.line(scale(box.q3), middle, scale(box.high), middle, colour, LINE)
        for end in (box.low, box.high):
            canvas.line(scale(end), middle - half / 2, scale(end), middle + half / 2, colour, LINE)
        canvas.rect(
            scale(box.q1),
            middle - half,
            scale(box.q3) - scale(box.q1),
            2 * half,
            colour,
            opacity=0.22,
            stroke=colour,
            stroke_width=LINE,
        )
    radius = math.sqrt(max(6.0, 16.0 * fontsize / 9.0)) / 2
    for row, ((_label, _values, colour), values) in enumerate(zip(groups, cleaned, strict=True)):
        shown = _quantiles(values, MAX_POINTS)
        jitter = _jitter(len(shown))
        points = [(scale(v), y(row + o)) for v, o in zip(shown, jitter, strict=True)]
        if points:
            canvas.dots(points, radius, colour)
    for row, box, _colour in boxes:  # above the points, readable in a dense strip
        middle = y(row)
        canvas.line(scale(box.median), middle - half, scale(box.median), middle + half, TEXT, 2.4)
    return _render(canvas)


# --- horizontal bars


def bars(labels: list[str], values: list[float], colours: list[str], *, xlabel: str) -> bytes:
    if not labels:
        return _no_data()
    _check_lengths("values", len(labels), len(values))
    if colours:
        _check_lengths("colours", len(labels), len(colours))
    fills = colours or [BLUE] * len(labels)

    count = len(labels)
    per_row = 0.34
    canvas = Canvas(_height(count, per_row=per_row, base=0.8, minimum=1.4))
    fontsize = _row_fontsize(count, per_row)
    finite = [float(v) for v in values if math.isfinite(v)]
    low, high = min(0.0, *finite), max(0.0, *finite)
    span = (high - low) or 1.0
    low, high = low - (0.12 * span if low < 0 else 0.0), high + 0.12 * span
    ticks = _nice_ticks(low, high, integer=all(v.is_integer() for v in finite))
    shown, widest = _row_labels(labels, fontsize)
    left = PAD + widest + 4
    right = W - PAD
    top = PAD
    bottom = canvas.height - PAD - _value_axis_depth()
    scale = Scale(low, high, left, right)
    y = _rows(count, top, bottom)
    band = (bottom - top) / count

    _value_axis(
        canvas, scale, ticks, [_tick_label(t) for t in ticks], top=top, bottom=bottom, label=xlabel
    )
    _row_axis(canvas, shown, y, left, fontsize)
    zero = scale(0.0)
    for row, (value, fill) in enumerate(zip(values, fills, strict=True)):
        if not math.isfinite(value):
            continue
        end = scale(value)
        canvas.rect(min(zero, end), y(row) - 0.325 * band, abs(end - zero), 0.65 * band, fill)
        canvas.text(
            end + (3 if value >= 0 else -3),
            y(row),
            [_number(value)],
            size=fontsize,
            anchor="start" if value >= 0 else "end",
        )
    canvas.line(zero, top, zero, bottom, GREY)
    return _render(canvas)


# --- heat map

_BLUES = (
    (247, 251, 255),
    (222, 235, 247),
    (198, 219, 239),
    (158, 202, 225),
    (107, 174, 214),
    (66, 146, 198),
    (33, 113, 181),
    (8, 81, 156),
    (8, 48, 107),
)
"""ColorBrewer's sequential Blues, light to dark, as matplotlib's "Blues" map spreads it."""


def _blue(share: float) -> tuple[float, float, float]:
    at = min(max(share, 0.0), 1.0) * (len(_BLUES) - 1)
    below = min(int(at), len(_BLUES) - 2)
    part = at - below
    return tuple(  # type: ignore[return-value]
        (a + (b - a) * part) / 255 for a, b in zip(_BLUES[below], _BLUES[below + 1], strict=True)
    )


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgb)


def _luminance(rgb: Sequence[float]) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


_TEXT_LUMINANCE = _luminance([int(TEXT[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def _text_on(rgb: Sequence[float]) -> str:
    """Whichever of white and near-black has the higher WCAG contrast with the cell."""
    background = _luminance(rgb)
    on_white = 1.05 / (background + 0.05)
    on_dark = (background + 0.05) / (_TEXT_LUMINANCE + 0.05)
    return "#ffffff" if on_white >= on_dark else TEXT


def heatmap(
    rows: list[str],
    columns: list[str],
    values: list[list[int]],
    *,
    xlabel: str = "",
    ylabel: str = "",
) -> bytes:
    if not rows or not columns:
        return _no_data()
    _check_lengths("rows of values", len(rows), len(values))
    for label, counts in zip(rows, values, strict=True):
        _check_lengths(f"row {label!r}", len(columns), len(counts))

    per_row = 0.3
    canvas = Canvas(_height(len(rows), per_row=per_row, base=1.0))
    finite = [float(v) for counts in values for v in counts if math.isfinite(v)]
    most = max(1.0, *finite) if finite else 1.0
    row_size = _row_fontsize(len(rows), per_row)
    column_points = 72 * (WIDTH - 2.0) / len(columns)
    cell_size = max(4.0, min(row_size, round(column_points * 0.4 * 2) / 2))

    shown, widest = _row_labels(rows, row_size)
    left = PAD + (LINE * LABEL_SIZE + 4 if ylabel else 0.0) + widest + 4
    right = W - PAD
    under = Categories.of([[c] for c in columns], (right - left) / len(columns))
    top = PAD
    bottom = canvas.height - PAD - under.depth() - 3.5 - (LINE * LABEL_SIZE + 3 if xlabel else 0)
    cell_width = (right - left) / len(columns)
    y = _rows(len(rows), top, bottom)
    band = (bottom - top) / len(rows)

    for r, counts in enumerate(values):
        for c, value in enumerate(counts):
            number = float(value)
            colour = _blue(number / most if math.isfinite(number) else 0.0)
            x = left + c * cell_width
            canvas.rect(
                x,
                top + r * band,
                cell_width,
                band,
                _hex(colour),
                stroke="#ffffff",
                stroke_width=0.8,
            )
            if number and math.isfinite(number):
                canvas.text(
                    x + cell_width / 2,
                    y(r),
                    [_number(number)],
                    size=cell_size,
                    anchor="middle",
                    colour=_text_on(colour),
                )
    _row_axis(canvas, shown, y, left, row_size)
    xs = [left + (c + 0.5) * cell_width for c in range(len(columns))]
    under.draw(canvas, xs, bottom + TICK)
    if xlabel:
        canvas.text(
            (left + right) / 2,
            canvas.height - PAD - LINE * LABEL_SIZE,
            [xlabel],
            size=LABEL_SIZE,
            anchor="middle",
            middle=False,
        )
    if ylabel:
        _axis_title(canvas, ylabel, top, bottom)
    return _render(canvas)


_DRAWINGS: dict[str, Callable[..., bytes]] = {
    "stacked_bars": stacked_bars,
    "distributions": distributions,
    "bars": bars,
    "heatmap": heatmap,
}


def draw(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> bytes:
    """Chart `name` drawn from its arguments."""
    return _DRAWINGS[name](*args, **kwargs)
