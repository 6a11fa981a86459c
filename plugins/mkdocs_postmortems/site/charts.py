"""Analytics charts as SVG bytes, reproducible to the byte.

The site is rebuilt often and committed or diffed by people, so the same data must give the same
file on every run, in every process and on every hash seed: `chart_drawing` draws without
random ids, dates or a library's version in the file, and jitters points by their rank, not
by chance. Each chart is cached by its data, and can be deferred to a worker (`deferred`).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import numbers
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec

__all__ = [
    "Job",
    "bars",
    "cached",
    "clear_cache",
    "deferred",
    "distributions",
    "draw",
    "draw_count",
    "heatmap",
    "known",
    "pending_key",
    "remember",
    "stacked_bars",
]

GREY = "#5c636a"
"""Axes, ticks and secondary text: the palette's neutral grey."""
BLUE = "#1864ab"
"""Bars that carry no severity."""
TEXT = "#1f1f1f"
GRID = "#dee2e6"

WIDTH = 7.5
"""Inches: the width of a documentation page's content column."""
DPI = 100
PAD_INCHES = 0.1
MAX_ROWS = 40
"""Figures stop growing here; beyond it the rows, and their labels, get smaller."""
MAX_POINTS = 200
"""Dots drawn per row of a strip plot; past it, evenly spaced quantiles stand in."""
LOG_FLOOR = 0.5
"""Minutes: zero or negative durations are drawn here, since a log axis has no zero."""

CACHE_ENTRIES = 1024
CACHE_BYTES = 64 * 1024 * 1024

draws = 0
"""Actual renders so far: cache hits do not count."""

_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_bytes = 0
_lock = threading.RLock()
"""Guards the cache and the deferred jobs, which the build's threads share (`analytics_build`)."""

_P = ParamSpec("_P")

PENDING = b"@@postmortems-chart:"
"""What a deferred chart call returns: this prefix and the chart's key."""


@dataclass(frozen=True)
class Job:
    """A chart still to draw: its cache key, the drawing function's name and its arguments."""

    key: str
    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


_CHARTS: dict[str, Callable[..., bytes]] = {}
"""The public charts by name (`_chart`): what `deferred()` may defer and `draw` draws."""

_jobs: dict[str, Job] | None = None
"""Collects deferred charts inside `deferred()`; None when charts are drawn at once."""


def draw_count() -> int:
    """For tests: tells a cache hit from a render."""
    return draws


def clear_cache() -> None:
    """For tests; `draws` keeps counting so that differences stay meaningful."""
    global _cache_bytes
    with _lock:
        _cache.clear()
        _cache_bytes = 0


# --- caching and rendering


def _plain(value: object) -> object:
    """numpy scalars from pandas callers would otherwise make the cache key fail."""
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"cannot key a chart on {type(value).__name__}")


def _key(name: str, arguments: Mapping[str, object]) -> str:
    canonical = json.dumps(
        [name, arguments],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=True,
        default=_plain,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _remember(key: str, svg: bytes) -> None:
    global _cache_bytes
    _cache[key] = svg
    _cache_bytes += len(svg)
    while _cache and (len(_cache) > CACHE_ENTRIES or _cache_bytes > CACHE_BYTES):
        _, evicted = _cache.popitem(last=False)
        _cache_bytes -= len(evicted)


def _cached(draw: Callable[_P, bytes]) -> Callable[_P, bytes]:
    """`mkdocs serve` rebuilds keep this module imported: unchanged charts are not redrawn."""
    signature = inspect.signature(draw)

    @functools.wraps(draw)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> bytes:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()  # an explicit default and an omitted one share an entry
        key = _key(draw.__name__, bound.arguments)
        with _lock:
            hit = _cache.get(key)
            if hit is not None:
                _cache.move_to_end(key)
                return hit
            if _jobs is not None and draw.__name__ in _CHARTS:
                _jobs.setdefault(key, Job(key, draw.__name__, args, dict(kwargs)))
                return PENDING + key.encode("ascii")
            global draws
            svg = draw(*args, **kwargs)
            draws += 1
            _remember(key, svg)
            return svg

    return wrapper


def _chart(draw: Callable[_P, bytes]) -> Callable[_P, bytes]:
    """A public chart: cached by its data, and deferrable by name."""
    cached = _cached(draw)
    _CHARTS[draw.__name__] = cached
    return cached


@contextmanager
def deferred() -> Iterator[dict[str, Job]]:
    """Inside, a chart call that misses the cache draws nothing: it returns a placeholder
    (`pending_key` reads it) and adds a job, which `draw` renders later, in another process
    while the site builder goes on with the pages."""
    global _jobs
    jobs: dict[str, Job] = {}
    with _lock:
        _jobs = jobs
    try:
        yield jobs
    finally:
        with _lock:
            _jobs = None


def cached(key: str) -> bytes | None:
    """The chart of this key if this process has drawn or been given it (`remember`)."""
    with _lock:
        return _cache.get(key)


def known() -> dict[str, bytes]:
    """Every chart this process has, by key: a copy, which later draws do not change."""
    with _lock:
        return dict(_cache)


def pending_key(content: bytes) -> str | None:
    """The key of the chart a placeholder from `deferred()` stands for; None for a chart."""
    if content.startswith(PENDING):
        return content[len(PENDING) :].decode("ascii")
    return None


def draw(jobs: Sequence[Job]) -> dict[str, bytes]:
    """Render deferred charts (in whichever process runs this): each chart by its key."""
    return {job.key: _CHARTS[job.name](*job.args, **job.kwargs) for job in jobs}


def remember(drawn: Mapping[str, bytes]) -> None:
    """Keep charts drawn elsewhere, so that the next rebuild finds them in the cache."""
    global draws
    with _lock:
        for key, svg in drawn.items():
            _remember(key, svg)
        draws += len(drawn)


def _drawn(name: str, *args: Any, **kwargs: Any) -> bytes:
    from mkdocs_postmortems.site import chart_drawing

    return chart_drawing.draw(name, args, kwargs)


def _quantiles(values: list[float], count: int) -> list[float]:
    """`count` evenly spaced order statistics of sorted `values` (all of them if fewer):
    a strip of thousands of dots is a smear that costs a megabyte of SVG, and this sample
    keeps its shape, ends included."""
    if len(values) <= count:
        return values
    last = len(values) - 1
    return [values[round(i * last / (count - 1))] for i in range(count)]


@_chart
def stacked_bars(
    categories: list[str],
    series: list[tuple[str, list[int], str]],
    *,
    ylabel: str,
    partial: str = "",
) -> bytes:
    """Counts per quarter split by severity: the stack shows both the total and its mix.

    `partial` names the running quarter, if shown: its bars are hatched and lighter and its
    label says "(partial)", since its count is not comparable with a whole quarter's.
    """
    return _drawn("stacked_bars", categories, series, ylabel=ylabel, partial=partial)


@_chart
def distributions(
    groups: list[tuple[str, list[float], str]], *, xlabel: str, log: bool = True
) -> bytes:
    """Durations are few and skewed: a box gives the shape, the points show the incidents
    (every one up to MAX_POINTS a row, evenly spaced quantiles past that). A row of fewer
    than `summary.SMALL_N` values shows its points alone, marked too few for a box."""
    return _drawn("distributions", groups, xlabel=xlabel, log=log)


@_chart
def bars(labels: list[str], values: list[float], colours: list[str], *, xlabel: str) -> bytes:
    """Rankings read top-down, with the exact value beside each bar instead of a gridline hunt.

    An empty `colours` draws every bar in the neutral blue.
    """
    return _drawn("bars", labels, values, colours, xlabel=xlabel)


@_chart
def heatmap(
    rows: list[str],
    columns: list[str],
    values: list[list[int]],
    *,
    xlabel: str = "",
    ylabel: str = "",
) -> bytes:
    """Where counts cluster (factor by quarter): colour for the pattern, numbers for the facts."""
    return _drawn("heatmap", rows, columns, values, xlabel=xlabel, ylabel=ylabel)
