"""The drawing behind `charts`: matplotlib, imported only where a chart is drawn.

The site builder defers its charts to worker processes (`background`), so the process that
builds the pages need not import matplotlib, which takes longer than many pages.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.axis import Axis
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator
from matplotlib.transforms import Bbox
from matplotlib.typing import RcKeyType

from mkdocs_postmortems.analytics.summary import SMALL_N
from mkdocs_postmortems.site.charts import (
    BLUE,
    DPI,
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

_RC: dict[RcKeyType, Any] = {
    # Without a salt every render gets fresh uuid4-based ids for clip paths and markers.
    "svg.hashsalt": "mkdocs-postmortems",
    # Text stays <text>: small files, selectable and searchable labels.
    "svg.fonttype": "none",
    # User labels such as `$x_1$` or `p_99` must come out literally, not as mathtext.
    "text.parse_math": False,
    "text.usetex": False,
    # Metrics come from the DejaVu Sans bundled with matplotlib (first in the list, always
    # found); the rest is only the CSS fallback for browsers without it, similar in width.
    "font.family": ["sans-serif"],
    "font.sans-serif": ["DejaVu Sans", "Bitstream Vera Sans", "Verdana"],
    "font.size": 10.0,
    "axes.labelsize": 10.0,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "legend.fontsize": 9.0,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "axes.facecolor": "white",
    "axes.edgecolor": GREY,
    "axes.labelcolor": TEXT,
    "axes.axisbelow": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.color": TEXT,
    "xtick.color": GREY,
    "ytick.color": GREY,
    "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "svg.image_inline": True,
    "svg.id": None,
}

_METADATA: dict[str, str | None] = {"Date": None, "Creator": "mkdocs-postmortems"}
"""No date (not even from SOURCE_DATE_EPOCH) and no matplotlib version in the file."""


@contextmanager
def _style() -> Iterator[None]:
    """Starts from matplotlib's defaults so a user's matplotlibrc cannot change the output."""
    with matplotlib.style.context("default"), matplotlib.rc_context(_RC):
        yield


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(WIDTH, height), dpi=DPI)
    FigureCanvasSVG(figure)  # no pyplot: no global figure registry, no GUI backend
    return figure


def _save(figure: Figure, *, tight: bool = True) -> bytes:
    """The figure as SVG, drawn once. A tight box is the drawing's own extent plus
    PAD_INCHES, set as the file's size and `viewBox` after the one draw: matplotlib's
    `bbox_inches="tight"` draws the whole figure twice to find it, which was half the cost
    of a chart. The white background reaches well past the figure, so whatever the box takes
    in (a long label left of it, a legend above it) stands on white, as it did."""
    box: list[Bbox] = []
    if tight:
        figure.patch.set_bounds(-1.0, -1.0, 3.0, 3.0)  # in figure fractions; not in layout

        def measure(event: Any) -> None:  # just after the draw, with its renderer (72 dpi)
            box.append(figure.get_tightbbox(event.renderer).padded(PAD_INCHES))

        watch = figure.canvas.mpl_connect("draw_event", measure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", dpi=DPI, bbox_inches=None, metadata=_METADATA)
    svg = buffer.getvalue()
    if not tight:
        return svg
    figure.canvas.mpl_disconnect(watch)
    return _crop(svg, box[0], figure.get_figheight())


_SIZE = re.compile(rb'width="[^"]*" height="[^"]*" viewBox="[^"]*"')
"""The root element's size, as matplotlib writes it first in the file."""


def _points(value: float) -> str:
    """matplotlib's own short form of a coordinate (`%f`, trailing zeros dropped)."""
    return f"{value:f}".rstrip("0").rstrip(".")


def _crop(svg: bytes, inches: Bbox, figure_height: float) -> bytes:
    """`svg` showing only `inches` (a box in figure inches, origin bottom left) of the figure;
    SVG's origin is top left, in points."""
    width, height = _points(inches.width * 72), _points(inches.height * 72)
    left, top = _points(inches.x0 * 72), _points((figure_height - inches.y1) * 72)
    size = f'width="{width}pt" height="{height}pt" viewBox="{left} {top} {width} {height}"'
    cropped, found = _SIZE.subn(size.encode("ascii"), svg, count=1)
    if not found:
        raise ValueError("matplotlib wrote no SVG size to crop")
    return cropped


def _no_data() -> bytes:
    """An empty chart is still an image, so the page layout does not change."""
    figure = _figure(1.2)
    figure.text(0.5, 0.5, "No data", ha="center", va="center", fontsize=12, color=GREY)
    return _save(figure, tight=False)  # a tight box would shrink to the text alone


def _height(rows: int, *, per_row: float, base: float, minimum: float = 2.0) -> float:
    return max(minimum, base + per_row * min(rows, MAX_ROWS))


def _row_fontsize(rows: int, per_row: float, largest: float = 9.0) -> float:
    """Past MAX_ROWS the figure stops growing, so the labels shrink to keep rows apart."""
    row_points = per_row * 72 * min(rows, MAX_ROWS) / max(rows, 1)
    return max(4.0, min(largest, round(row_points * 0.6 * 2) / 2))


def _rotate_categories(axis: Axis, count: int) -> None:
    """Quarter labels collide once there are more than a couple of years of them."""
    if count > 20:
        axis.set_tick_params(labelrotation=90, labelsize=max(5.0, 9.0 - (count - 20) / 8))
    elif count > 8:
        axis.set_tick_params(labelrotation=45)
        for label in axis.get_ticklabels():
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")


def _number(value: float) -> str:
    """Counts read as `3`, not `3.0`."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def _plain_ticks() -> FuncFormatter:
    """`3`, not `3.0`, on axes; a fresh one per axis, as formatters hold on to their axis."""
    return FuncFormatter(lambda value, _pos: f"{value:g}")


def _check_lengths(what: str, expected: int, actual: int) -> None:
    if expected != actual:
        raise ValueError(f"{what}: expected {expected} values, got {actual}")


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
    figure = _figure(3.6)
    ax = figure.add_subplot()
    positions = np.arange(count, dtype=float)
    bottom = np.zeros(count)
    handles: list[Patch] = []
    for label, values, colour in series:
        heights = np.asarray(values, dtype=float)
        ax.bar(
            positions,
            heights,
            width=0.7,
            bottom=bottom,
            color=colour,
            edgecolor="white",
            linewidth=0.5,
            zorder=2,
        )
        bottom = bottom + heights
        handles.append(Patch(facecolor=colour, edgecolor="white", label=label))
    labels = list(categories)
    names = [label for label, _values, _colour in series]
    if partial in categories:
        _mark_partial(ax, categories.index(partial), len(series))
        labels[categories.index(partial)] = f"{partial}\n(partial)"
        handles.append(Patch(facecolor=GREY, edgecolor="white", hatch=PARTIAL_HATCH))
        names.append("running quarter (partial)")

    ax.set_xticks(positions, labels=labels)
    ax.set_xlim(-0.6, count - 0.4)
    _rotate_categories(ax.xaxis, count)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    top = float(bottom.max()) if count else 0.0
    ax.set_ylim(0, top * 1.05 if top > 0 else 1)
    ax.grid(axis="y")
    ax.set_ylabel(ylabel)
    if handles:
        # Explicit labels: a label starting with "_" would otherwise be dropped silently.
        ax.legend(
            handles,
            names,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.01),
            ncols=min(len(handles), 6),
            frameon=False,
            handlelength=1.2,
            borderaxespad=0.0,
        )
    return _save(figure)


PARTIAL_HATCH = "////"
"""The running quarter's bars: white stripes over a lighter fill, told apart without colour."""


def _mark_partial(ax: Any, index: int, stacked: int) -> None:
    """Hatch and lighten the bars at `index` (one per series, drawn in order)."""
    for container in ax.containers[-stacked:]:
        bar = container.patches[index]
        bar.set_hatch(PARTIAL_HATCH)
        bar.set_alpha(0.6)


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


def _jitter(count: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Golden-ratio offsets: spread evenly, no random state, the first point centred."""
    index = np.arange(count, dtype=float)
    return ((index * _GOLDEN + 0.5) % 1.0 - 0.5) * 2 * _JITTER


def _strip(ax: Any, values: list[float], row: int, colour: str, fontsize: float, note: str) -> None:
    """One row's points (every one up to MAX_POINTS) and its n at the right edge."""
    shown = _quantiles(values, MAX_POINTS)
    ax.scatter(
        shown,
        row + _jitter(len(shown)),
        s=max(6.0, 16.0 * fontsize / 9.0),
        color=colour,
        alpha=0.75,
        edgecolors="white",
        linewidths=0.4,
        zorder=3,
    )
    ax.text(
        1.01,
        row,
        note,
        transform=ax.get_yaxis_transform(),
        va="center",
        ha="left",
        fontsize=fontsize,
        color=GREY,
    )


def _boxes(ax: Any, boxed: list[tuple[int, list[float], str]]) -> None:
    """The rows' boxes, in one call (each call costs as much again as its boxes), then each
    given its row's colour."""
    parts = ax.boxplot(
        [values for _row, values, _colour in boxed],
        positions=[row for row, _values, _colour in boxed],
        orientation="horizontal",
        whis=1.5,
        widths=0.55,
        patch_artist=True,
        showfliers=False,  # every value is drawn as a point already
        manage_ticks=False,
        boxprops={"linewidth": 1.2},
        whiskerprops={"linewidth": 1.2},
        capprops={"linewidth": 1.2},
        medianprops={"color": TEXT, "linewidth": 2.4, "solid_capstyle": "butt"},
        zorder=2,
    )
    for index, (_row, _values, colour) in enumerate(boxed):
        parts["boxes"][index].set(facecolor=to_rgba(colour, 0.22), edgecolor=colour)
        pair = slice(2 * index, 2 * index + 2)  # two whiskers and two caps a box
        for line in (*parts["whiskers"][pair], *parts["caps"][pair]):
            line.set_color(colour)
    for median in parts["medians"]:
        median.set_zorder(4)  # above the points, so it stays readable in a dense strip


def distributions(
    groups: list[tuple[str, list[float], str]], *, xlabel: str, log: bool = True
) -> bytes:
    if not groups:
        return _no_data()

    count = len(groups)
    per_row = 0.42
    figure = _figure(_height(count, per_row=per_row, base=0.9))
    ax = figure.add_subplot()
    fontsize = _row_fontsize(count, per_row)

    cleaned: list[list[float]] = []
    for _label, values, _colour in groups:
        finite = sorted(float(v) for v in values if math.isfinite(v))  # order-independent
        cleaned.append([max(v, LOG_FLOOR) for v in finite] if log else finite)

    boxed: list[tuple[int, list[float], str]] = []
    for row, ((_label, _values, colour), values) in enumerate(zip(groups, cleaned, strict=True)):
        if not values:
            continue
        if len(values) < SMALL_N:  # a box of so few says nothing: the points alone
            _strip(ax, values, row, colour, fontsize, f"n = {len(values)}\ntoo few")
            continue
        boxed.append((row, values, colour))
        _strip(ax, values, row, colour, fontsize, f"n = {len(values)}")
    if boxed:
        _boxes(ax, boxed)

    everything = [v for values in cleaned for v in values]
    if log:
        ax.set_xscale("log")
        if everything:
            low, high = min(everything) / 1.6, max(everything) * 1.6
        else:
            low, high = 1.0, 1440.0
        ax.set_xlim(low, high)
        ax.xaxis.set_major_locator(FixedLocator(_duration_ticks(low, high)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _duration(value)))
        ax.xaxis.set_minor_locator(NullLocator())
    else:
        high = max(everything, default=0.0)
        ax.set_xlim(min(0.0, *everything) if everything else 0.0, high * 1.05 if high > 0 else 1)
        ax.xaxis.set_major_formatter(_plain_ticks())

    ax.set_yticks(range(count), labels=[label for label, _values, _colour in groups])
    ax.tick_params(axis="y", length=0, labelsize=fontsize)
    ax.set_ylim(count - 0.5, -0.5)  # the first group on top
    ax.grid(axis="x")
    ax.set_xlabel(xlabel)
    return _save(figure)


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
    figure = _figure(_height(count, per_row=per_row, base=0.8, minimum=1.4))
    ax = figure.add_subplot()
    fontsize = _row_fontsize(count, per_row)
    container = ax.barh(range(count), values, height=0.65, color=fills, zorder=2)
    ax.bar_label(
        container, labels=[_number(v) for v in values], padding=3, fontsize=fontsize, color=TEXT
    )
    finite = [float(v) for v in values if math.isfinite(v)]
    low, high = min(0.0, *finite), max(0.0, *finite)
    span = (high - low) or 1.0
    ax.set_xlim(low - (0.12 * span if low < 0 else 0.0), high + 0.12 * span)
    ax.set_yticks(range(count), labels=labels)
    ax.tick_params(axis="y", length=0, labelsize=fontsize)
    ax.set_ylim(count - 0.5, -0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=all(float(v).is_integer() for v in finite)))
    ax.xaxis.set_major_formatter(_plain_ticks())
    ax.grid(axis="x")
    ax.set_xlabel(xlabel)
    return _save(figure)


# --- heat map


def _luminance(rgba: Sequence[float]) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgba[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _text_on(rgba: Sequence[float]) -> str:
    """Whichever of white and near-black has the higher WCAG contrast with the cell."""
    background = _luminance(rgba)
    on_white = 1.05 / (background + 0.05)
    on_dark = (background + 0.05) / (_luminance(to_rgba(TEXT)) + 0.05)
    return "white" if on_white >= on_dark else TEXT


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

    grid = np.asarray(values, dtype=float).reshape(len(rows), len(columns))
    per_row = 0.3
    figure = _figure(_height(len(rows), per_row=per_row, base=1.0))
    ax = figure.add_subplot()
    norm = Normalize(vmin=0.0, vmax=max(1.0, float(np.nanmax(grid))))
    mesh = ax.pcolormesh(  # vector cells: imshow would embed a PNG
        grid, cmap="Blues", norm=norm, edgecolors="white", linewidth=0.8
    )
    cmap = mesh.get_cmap()

    row_size = _row_fontsize(len(rows), per_row)
    column_points = 72 * (WIDTH - 2.0) / len(columns)
    cell_size = max(4.0, min(row_size, round(column_points * 0.4 * 2) / 2))
    for r, cells in enumerate(grid):
        for c, value in enumerate(cells):
            if not value or not math.isfinite(value):
                continue
            ax.text(
                c + 0.5,
                r + 0.5,
                _number(value),
                ha="center",
                va="center",
                fontsize=cell_size,
                color=_text_on(cmap(norm(value))),
            )

    ax.set_xticks(np.arange(len(columns)) + 0.5, labels=columns)
    ax.set_yticks(np.arange(len(rows)) + 0.5, labels=rows)
    ax.set_xlim(0, len(columns))
    ax.set_ylim(len(rows), 0)  # the first row on top
    ax.tick_params(length=0)
    ax.tick_params(axis="y", labelsize=row_size)
    _rotate_categories(ax.xaxis, len(columns))
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return _save(figure)


_DRAWINGS: dict[str, Callable[..., bytes]] = {
    "stacked_bars": stacked_bars,
    "distributions": distributions,
    "bars": bars,
    "heatmap": heatmap,
}


def draw(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> bytes:
    """Chart `name` drawn from its arguments, in the pinned style."""
    with _style():
        return _DRAWINGS[name](*args, **kwargs)
