"""The severity palette stays readable: every pair of colours far apart for normal vision
and under simulated protanopia and deuteranopia, badge text at WCAG AA contrast, and the
colour maths itself checked against published reference values."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pytest

from mkdocs_postmortems.core import colour_vision
from mkdocs_postmortems.core.colour_vision import contrast, delta_e_2000, distance, lab, linear_rgb
from mkdocs_postmortems.site import colours

# Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula: implementation
# notes, supplementary test data": pairs 1, 7, 17-20 and 25 of their table.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_matches_the_published_test_data(
    lab1: tuple[float, float, float], lab2: tuple[float, float, float], expected: float
) -> None:
    assert delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=5e-5)
    assert delta_e_2000(lab2, lab1) == pytest.approx(expected, abs=5e-5)


def test_lab_of_known_colours() -> None:
    assert lab(linear_rgb("#ffffff")) == pytest.approx((100.0, 0.0, 0.0), abs=1e-3)
    assert lab(linear_rgb("#000000")) == pytest.approx((0.0, 0.0, 0.0), abs=1e-9)
    # sRGB red in CIELAB D65 (as published by Lindbloom's and most colour calculators).
    assert lab(linear_rgb("#ff0000")) == pytest.approx((53.24, 80.09, 67.20), abs=0.02)


def test_the_simulations_keep_grey_grey_and_merge_red_and_green() -> None:
    """Machado's matrices map white to white (their rows sum to 1), and a deuteranope sees
    pure red and a green of the same lightness far closer than a normal reader does."""
    for vision, matrix in colour_vision.VISIONS.items():
        if matrix is not None:
            assert all(math.isclose(sum(row), 1.0, abs_tol=1e-3) for row in matrix), vision
        assert distance("#808080", "#808080", vision) == 0.0
    red, green = "#d03030", "#6a7a00"
    assert distance(red, green, "deuteranopia") < distance(red, green, "normal") / 2
    assert distance(red, green, "protanopia") < distance(red, green, "normal") / 2


def test_wcag_contrast_of_known_pairs() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


PAIRS = list(itertools.combinations(range(len(colours.SEVERITY)), 2))


@pytest.mark.parametrize("vision", list(colour_vision.VISIONS))
@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_every_two_severity_colours_stay_apart(vision: str, first: int, second: int) -> None:
    a, b = colours.SEVERITY[first][0], colours.SEVERITY[second][0]
    measured = distance(a, b, vision)
    assert measured >= colours.MIN_DISTANCE, (
        f"severity {first} {a} and {second} {b}: ΔE2000 {measured:.1f} under {vision}"
    )


@pytest.mark.parametrize("rank", range(len(colours.SEVERITY)))
def test_badge_text_contrast_is_wcag_aa(rank: int) -> None:
    background, text = colours.SEVERITY[rank]
    assert contrast(text, background) >= colours.MIN_CONTRAST


def test_badges_and_charts_share_the_palette() -> None:
    """The stylesheet rules come from the same tuples the charts read (`severity_colour`)."""
    css = colours.severity_css()
    for rank, (background, text) in enumerate(colours.SEVERITY):
        assert f".pm-sev-{rank} {{ background: {background}; color: {text}; }}" in css
    figures = Path(colours.__file__).parent / "figures.py"
    assert re.search(r"colours\.severity\(", figures.read_text(encoding="utf-8"))
