"""The analytics charts: valid SVG, the same bytes everywhere, cached, and safe with user text."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mkdocs_postmortems.site import chart_drawing, charts
from mkdocs_postmortems.site.text_width import width as text_width

REPO = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
RED, ORANGE, YELLOW, BLUE = "#b3261e", "#c2410c", "#f5c518", "#1864ab"
HOSTILE = "<script>alert(1)</script> & $x_1$"

QUARTERS = ["2025-Q3", "2025-Q4", "2026-Q1"]
SAMPLES: dict[str, tuple[list[Any], dict[str, Any]]] = {
    "stacked_bars": (
        [QUARTERS, [("P0", [1, 0, 2], RED), ("P1_p99", [3, 4, 0], ORANGE)]],
        {"ylabel": "Incidents ($)"},
    ),
    "distributions": (
        [
            [
                ("P0", [0.0, 3.0, 12.5, 45.0, 90.0, 2000.0], RED),
                ("P1", [30.0], ORANGE),
                ("P2_empty", [], YELLOW),
                ("P3", [1.0, 8.0, 60.0, 600.0, 6000.0, 20000.0], BLUE),
            ]
        ],
        {"xlabel": "Time to resolve"},
    ),
    "bars": (
        [["payments-api", "search_svc", "$p_99$ latency"], [12, 2.5, 0], [RED, ORANGE, BLUE]],
        {"xlabel": "Incidents"},
    ),
    "heatmap": (
        [
            ["config-change", "capacity_limit"],
            QUARTERS,
            [[0, 1, 20], [5, 0, 3]],
        ],
        {"xlabel": "Quarter", "ylabel": "Factor"},
    ),
}
"""JSON-able on purpose: a subprocess renders the same arguments from their JSON."""

LABELS = {
    "stacked_bars": [*QUARTERS, "P0", "P1_p99", "Incidents ($)"],
    "distributions": ["P0", "P1", "P2_empty", "P3", "Time to resolve"],
    "bars": ["payments-api", "search_svc", "$p_99$ latency", "Incidents"],
    "heatmap": ["config-change", "capacity_limit", *QUARTERS, "Quarter", "Factor"],
}


def render(name: str) -> bytes:
    args, kwargs = SAMPLES[name]
    chart: Callable[..., bytes] = getattr(charts, name)
    return chart(*args, **kwargs)


def parse(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def texts(svg: bytes) -> list[str]:
    return ["".join(element.itertext()) for element in parse(svg).iter(f"{SVG}text")]


def text_y(svg: bytes, text: str) -> float:
    for element in parse(svg).iter(f"{SVG}text"):
        if "".join(element.itertext()) == text:
            return float(element.attrib["y"])
    raise AssertionError(f"no text {text!r}")


def size_in_points(svg: bytes) -> tuple[float, float]:
    root = parse(svg)
    return float(root.attrib["width"].removesuffix("pt")), float(
        root.attrib["height"].removesuffix("pt")
    )


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    charts.clear_cache()
    yield
    charts.clear_cache()


# --- valid SVG with the labels given


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_renders_valid_svg_with_its_labels(name: str) -> None:
    svg = render(name)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    shown = texts(svg)
    for label in LABELS[name]:
        assert label in shown, (label, shown)
    width, _height = size_in_points(svg)
    assert 5 * 72 < width <= 7.5 * 72 + 1  # a doc page's column, cropped to its content


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_no_date_no_version_and_math_kept_literal(name: str) -> None:
    svg = render(name)
    assert b"dc:date" not in svg
    assert b"Matplotlib v" not in svg
    assert not re.search(rb"20\d\d-\d\d-\d\dT", svg)
    shown = texts(svg)
    assert any("_" in text for text in shown)
    if name in {"stacked_bars", "bars"}:
        assert any("$" in text for text in shown)
    assert b"<text" in svg  # text stays text (svg.fonttype none), not glyph paths


@pytest.mark.parametrize(
    "chart",
    [
        lambda: charts.stacked_bars([], [], ylabel="Incidents"),
        lambda: charts.distributions([], xlabel="Minutes"),
        lambda: charts.bars([], [], [], xlabel="Incidents"),
        lambda: charts.heatmap([], [], []),
        lambda: charts.heatmap(["factor"], [], [[]]),
    ],
)
def test_empty_input_says_no_data(chart: Callable[[], bytes]) -> None:
    svg = chart()
    assert texts(svg) == ["No data"]


# --- determinism


def test_renders_are_byte_identical_in_process() -> None:
    first = {name: render(name) for name in SAMPLES}
    charts.clear_cache()
    before = charts.draw_count()
    second = {name: render(name) for name in SAMPLES}
    assert charts.draw_count() == before + len(SAMPLES)  # really drawn again
    assert first == second


SUBPROCESS = """
import hashlib, json, sys
from mkdocs_postmortems.site import charts
samples = json.loads(sys.argv[1])
for name in sorted(samples):
    args, kwargs = samples[name]
    print(name, hashlib.sha256(getattr(charts, name)(*args, **kwargs)).hexdigest())
"""


@pytest.mark.parametrize("seed", ["1", "4242"])
def test_same_bytes_in_another_process_with_another_hash_seed(seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1700000000"}
    result = subprocess.run(
        [sys.executable, "-c", SUBPROCESS, json.dumps(SAMPLES)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=True,
        timeout=120,
    )
    here = "".join(
        f"{name} {hashlib.sha256(render(name)).hexdigest()}\n" for name in sorted(SAMPLES)
    )
    assert result.stdout == here


def test_drawing_loads_no_plotting_library() -> None:
    """Charts are laid out by hand: matplotlib cost more CPU than the rest of the analytics."""
    code = (
        "import sys\n"
        "from mkdocs_postmortems.site import charts\n"
        "charts.bars(['a'], [1], [], xlabel='x')\n"
        "print(sorted(m for m in ('matplotlib', 'numpy', 'pandas') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "[]"


def test_strip_jitter_does_not_depend_on_value_order() -> None:
    values = [5.0, 1.0, 90.0, 12.0, 12.0, 400.0]
    forward = charts.distributions([("P1", values, RED)], xlabel="Minutes")
    backward = charts.distributions([("P1", values[::-1], RED)], xlabel="Minutes")
    assert forward == backward


# --- cache


def test_identical_call_is_served_from_the_cache() -> None:
    before = charts.draw_count()
    first = render("bars")
    assert charts.draw_count() == before + 1
    second = render("bars")
    assert charts.draw_count() == before + 1
    assert first is second


def test_an_omitted_default_and_an_explicit_one_share_an_entry() -> None:
    groups = [("P1", [1.0, 2.0], RED)]
    charts.distributions(groups, xlabel="Minutes")
    before = charts.draw_count()
    charts.distributions(groups, xlabel="Minutes", log=True)
    assert charts.draw_count() == before


@pytest.mark.parametrize(
    "change",
    [
        lambda: charts.bars(["payments-api"], [13], [RED], xlabel="Incidents"),
        lambda: charts.bars(["payments-api"], [12], [BLUE], xlabel="Incidents"),
        lambda: charts.bars(["payments-api"], [12], [RED], xlabel="Postmortems"),
        lambda: charts.bars(["payments"], [12], [RED], xlabel="Incidents"),
        lambda: charts.stacked_bars(["payments-api"], [("P0", [12], RED)], ylabel="Incidents"),
    ],
)
def test_changed_data_is_drawn_again(change: Callable[[], bytes]) -> None:
    original = charts.bars(["payments-api"], [12], [RED], xlabel="Incidents")
    before = charts.draw_count()
    changed = change()
    assert charts.draw_count() == before + 1
    assert changed != original


def test_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "CACHE_ENTRIES", 2)
    for value in (1, 2, 3):
        charts.bars(["a"], [value], [], xlabel="x")
    before = charts.draw_count()
    charts.bars(["a"], [3], [], xlabel="x")
    charts.bars(["a"], [2], [], xlabel="x")
    assert charts.draw_count() == before  # the newest two are kept
    charts.bars(["a"], [1], [], xlabel="x")
    assert charts.draw_count() == before + 1  # the oldest was evicted


# --- distributions on a log axis


@pytest.mark.parametrize(
    "groups",
    [
        [("zeros", [0.0, 0.0, -3.0], RED)],
        [("one", [42.0], RED)],
        [("empty", [], RED)],
        [("empty", [], RED), ("also empty", [], BLUE)],
        [("odd", [float("nan"), float("inf"), 5.0], RED), ("empty", [], BLUE)],
        [("same", [7.0, 7.0, 7.0], RED)],
    ],
)
def test_log_distributions_survive_awkward_values(
    groups: list[tuple[str, list[float], str]],
) -> None:
    svg = charts.distributions(groups, xlabel="Minutes")
    shown = texts(svg)
    for label, _values, _colour in groups:
        assert label in shown


def test_log_axis_reads_in_durations() -> None:
    svg = render("distributions")
    shown = texts(svg)
    for tick in ("1 min", "10 min", "1 h", "6 h", "1 d"):
        assert tick in shown, shown
    assert not any(re.fullmatch(r"10\^?\d+|1000", text) for text in shown)


def test_linear_axis_is_available() -> None:
    svg = charts.distributions([("P1", [0.0, 5.0, 20.0], RED)], xlabel="Minutes", log=False)
    assert "0" in texts(svg)


def test_first_group_is_on_top() -> None:
    svg = render("distributions")
    assert text_y(svg, "P0") < text_y(svg, "P1") < text_y(svg, "P2_empty") < text_y(svg, "P3")


# --- bars, stacked bars, heat map


def test_bars_first_on_top_with_plain_numbers() -> None:
    svg = render("bars")
    shown = texts(svg)
    assert {"12", "2.5", "0"} <= set(shown)
    assert "12.0" not in shown
    assert text_y(svg, "payments-api") < text_y(svg, "search_svc") < text_y(svg, "$p_99$ latency")


def test_bars_without_colours_use_the_neutral_blue() -> None:
    svg = charts.bars(["a", "b"], [1, 2], [], xlabel="x")
    assert charts.BLUE.encode() in svg


def test_stacked_legend_keeps_the_given_order_even_for_underscore_labels() -> None:
    series = [("_first", [1, 2], RED), ("second", [0, 1], ORANGE), ("third", [4, 0], YELLOW)]
    shown = texts(charts.stacked_bars(["2026-Q1", "2026-Q2"], series, ylabel="Incidents"))
    order = [shown.index(label) for label, _values, _colour in series]
    assert order == sorted(order)


def test_stacked_bars_use_integer_ticks() -> None:
    shown = texts(charts.stacked_bars(["2026-Q1"], [("P0", [1], RED)], ylabel="Incidents"))
    assert "1" in shown
    assert not any(re.fullmatch(r"\d+\.\d+", text) for text in shown)


def test_many_quarters_still_render() -> None:
    quarters = [f"{year}-Q{q}" for year in range(2016, 2027) for q in range(1, 5)]
    svg = charts.stacked_bars(
        quarters, [("P0", [i % 4 for i in range(len(quarters))], RED)], ylabel="Incidents"
    )
    assert set(quarters) <= set(texts(svg))


def test_heatmap_writes_non_zero_counts_with_contrasting_text() -> None:
    svg = render("heatmap")
    root = parse(svg)
    counts = {
        "".join(element.itertext()): element.attrib["style"]
        for element in root.iter(f"{SVG}text")
        if "".join(element.itertext()).isdigit()
    }
    assert set(counts) == {"1", "20", "5", "3"}  # no zeros written
    assert "fill: #ffffff" in counts["20"]  # darkest cell: white text
    assert "fill: #1f1f1f" in counts["1"]  # palest cell: dark text
    assert b"<image" not in svg  # vector cells, no embedded bitmap


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="series 'P0'"):
        charts.stacked_bars(["2026-Q1"], [("P0", [1, 2], RED)], ylabel="x")
    with pytest.raises(ValueError, match="colours"):
        charts.bars(["a", "b"], [1, 2], [RED], xlabel="x")
    with pytest.raises(ValueError, match="row 'a'"):
        charts.heatmap(["a"], ["q1", "q2"], [[1]])


# --- sizes


def test_height_grows_with_rows_and_is_capped() -> None:
    def height(rows: int) -> float:
        labels = [f"service-{i:03d}" for i in range(rows)]
        svg = charts.bars(labels, [float(i) for i in range(rows)], [], xlabel="Incidents")
        return size_in_points(svg)[1]

    few, some, cap, beyond = height(3), height(15), height(charts.MAX_ROWS), height(120)
    assert few < some < cap
    assert beyond <= cap * 1.05


def _extents(svg: bytes) -> list[tuple[str, float, float, float, float]]:
    """Each unrotated text's box (left, top, right, bottom), from the font's advances."""
    boxes = []
    for element in parse(svg).iter(f"{SVG}text"):
        if "transform" in element.attrib:
            continue
        lines = [element.text or ""] + [t.text or "" for t in element.iter(f"{SVG}tspan")]
        size = float(element.attrib["font-size"])
        wide = max(text_width(line, size) for line in lines)
        anchor = element.attrib.get("text-anchor", "start")
        x = float(element.attrib["x"])
        left = {"start": x, "middle": x - wide / 2, "end": x - wide}[anchor]
        baseline = float(element.attrib["y"])
        bottom = baseline + 0.24 * size + (len(lines) - 1) * 1.2 * size
        boxes.append(("".join(lines), left, baseline - 0.76 * size, left + wide, bottom))
    return boxes


STRESS: dict[str, Callable[[], bytes]] = {
    **{name: functools.partial(render, name) for name in SAMPLES},
    "long labels": lambda: charts.bars(
        ["a contributing factor whose name is far longer than any column " * 2, "b"],
        [3, 1],
        [],
        xlabel="Incidents",
    ),
    "negative bars": lambda: charts.bars(["up", "down"], [1200, -300], [], xlabel="Delta"),
    "many rows": lambda: charts.distributions(
        [(f"service-{i:03d}", [float(i + 1)] * 6, BLUE) for i in range(90)], xlabel="Minutes"
    ),
    "many quarters": lambda: charts.stacked_bars(
        [f"{y}-Q{q}" for y in range(2016, 2027) for q in range(1, 5)],
        [("P0", [i % 4 for i in range(44)], RED)],
        ylabel="Incidents",
        partial="2026-Q4",
    ),
    "wide heat map": lambda: charts.heatmap(
        ["config-change" * 6, "capacity"],
        [f"2024-Q{q}" for q in range(1, 5)] * 4,
        [[9] * 16, [0] * 16],
        xlabel="Quarter",
        ylabel="Factor",
    ),
}


@pytest.mark.parametrize("case", sorted(STRESS))
def test_every_text_stays_inside_the_chart(case: str) -> None:
    """The layout makes room for its labels: nothing is cut at the image's edge."""
    svg = STRESS[case]()
    width, height = size_in_points(svg)
    assert parse(svg).attrib["viewBox"] == f"0 0 {width:g} {height:g}"
    for text, left, top, right, bottom in _extents(svg):
        assert left >= 0 and right <= width + 0.01, (text, left, right, width)
        assert top >= 0 and bottom <= height + 0.01, (text, top, bottom, height)


def test_a_label_longer_than_its_column_is_cut_and_whole_in_its_tooltip() -> None:
    label = "a contributing factor whose name is far longer than any column " * 2
    svg = STRESS["long labels"]()
    shown = [t for t in texts(svg) if t.startswith("a contributing")]
    assert len(shown) == 1 and shown[0].endswith("\u2026") and len(shown[0]) < len(label)
    titles = ["".join(t.itertext()) for t in parse(svg).iter(f"{SVG}title")]
    assert titles == [label]
    assert "b" in texts(svg)  # a short label is kept as it is, with no tooltip


def test_text_widths_are_dejavu_sans_advances() -> None:
    """The widths the layout uses are the font's own (matplotlib ships it: a test-only oracle)."""
    ft2font = pytest.importorskip("matplotlib.ft2font")
    font_manager = pytest.importorskip("matplotlib.font_manager")
    font = ft2font.FT2Font(font_manager.findfont("DejaVu Sans"))
    font.set_size(100, 72)
    for text in ("payments-api", "Time to resolve", "Tomáš Dvořák \u2013 ☑", "2026-Q1 (partial)"):
        font.set_text(text, 0.0, flags=ft2font.LoadFlags.NO_HINTING)
        assert text_width(text, 100) == pytest.approx(font.get_width_height()[0] / 64, rel=0.03)


def test_boxes_are_matplotlibs_box_plot_statistics() -> None:
    """Quartiles by linear interpolation, whiskers to the furthest values within 1.5 IQR."""
    cbook = pytest.importorskip("matplotlib.cbook")
    draw = random.Random(7)
    for size in (5, 6, 7, 10, 33, 200):
        values = sorted(draw.lognormvariate(3, 1.5) for _ in range(size))
        ours = chart_drawing.Box.of(values)
        (oracle,) = cbook.boxplot_stats(values, whis=1.5)
        assert ours.q1 == pytest.approx(oracle["q1"])
        assert ours.median == pytest.approx(oracle["med"])
        assert ours.q3 == pytest.approx(oracle["q3"])
        assert ours.low == pytest.approx(oracle["whislo"])
        assert ours.high == pytest.approx(oracle["whishi"])


@pytest.mark.parametrize(
    ("low", "high", "integer", "expected"),
    [
        (0.0, 4.2, True, [0, 1, 2, 3, 4]),
        (0.0, 1.05, True, [0, 1]),
        (0.0, 13.4, True, [0, 2, 4, 6, 8, 10, 12]),
        (0.0, 1.05, False, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (-360.0, 1344.0, True, [-250, 0, 250, 500, 750, 1000, 1250]),
    ],
)
def test_value_ticks_are_round(
    low: float, high: float, integer: bool, expected: list[float]
) -> None:
    assert chart_drawing._nice_ticks(low, high, integer=integer) == expected


# --- user text


@pytest.mark.parametrize(
    "chart",
    [
        lambda: charts.stacked_bars([HOSTILE], [(HOSTILE, [1], RED)], ylabel=HOSTILE),
        lambda: charts.distributions([(HOSTILE, [1.0, 2.0], RED)], xlabel=HOSTILE),
        lambda: charts.bars([HOSTILE], [1], [RED], xlabel=HOSTILE),
        lambda: charts.heatmap([HOSTILE], [HOSTILE], [[1]], xlabel=HOSTILE, ylabel=HOSTILE),
    ],
)
def test_user_text_is_escaped_and_literal(chart: Callable[[], bytes]) -> None:
    svg = chart()
    assert b"<script" not in svg
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; $x_1$" in svg
    root = parse(svg)
    assert not [element for element in root.iter() if element.tag.endswith("script")]
    assert HOSTILE in texts(svg)


def test_characters_xml_cannot_carry_do_not_break_the_file() -> None:
    label = "bad\x00\x01\x1bname"
    svg = charts.bars([label], [1], [], xlabel="x\x0b")
    assert "bad\ufffd\ufffd\ufffdname" in texts(svg)  # parses, and says where they were


# --- kept out of the validator's way


def test_the_cli_does_not_import_matplotlib() -> None:
    code = "import sys, mkdocs_postmortems.cli.main; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "False"


def test_category_labels_turn_when_they_would_touch() -> None:
    """Flat labels while each fits its column; turned when one would run into the next."""
    quarters = [f"2026-Q{q}" for q in range(1, 5)]
    few = charts.heatmap(["f"], quarters, [[1, 2, 3, 4]])
    long = [*quarters[:3], "2026-Q4 (partial)", *[f"2027-Q{q}" for q in range(1, 5)]]
    crowded = charts.heatmap(["a factor named at length"], long, [[1] * len(long)])

    def turned(svg: bytes, label: str) -> bool:
        return any(
            "".join(t.itertext()) == label and "transform" in t.attrib
            for t in parse(svg).iter(f"{SVG}text")
        )

    assert not turned(few, "2026-Q1")
    assert turned(crowded, "2026-Q4 (partial)") and turned(crowded, "2026-Q1")


@pytest.mark.parametrize("case", ["many quarters", "wide heat map"])
def test_turned_labels_have_room_below_the_axis(case: str) -> None:
    """A label turned upright ends at its tick and reads upwards: all of it is in view."""
    svg = STRESS[case]()
    _width, height = size_in_points(svg)
    turned = [
        t for t in parse(svg).iter(f"{SVG}text") if "rotate(-90" in t.attrib.get("transform", "")
    ]
    if case == "many quarters":
        assert turned
    for element in turned:
        length = text_width("".join(element.itertext()), float(element.attrib["font-size"]))
        top = float(element.attrib["transform"].split()[-1].rstrip(")"))
        assert top + length <= height, "".join(element.itertext())
