"""How far apart two colours look, to people with normal vision and with the two common
red-green deficiencies: the severity palette is checked with it (tests/test_colours.py),
since P0 and P1 must not read as one colour to one reader in twelve.

sRGB and CIELAB (D65) as IEC 61966-2-1 and CIE 15 define them; the colour-vision simulation is
Machado, Oliveira and Fernandes (2009) at severity 1.0, applied in linear RGB; the distance is
CIEDE2000 (Sharma, Wu and Dalal 2005). Written out here: no colour library is a dependency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["VISIONS", "contrast", "delta_e_2000", "distance", "lab", "linear_rgb", "seen"]

Matrix = tuple[tuple[float, float, float], ...]

VISIONS: dict[str, Matrix | None] = {
    "normal": None,
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
}
"""Machado et al. (2009), severity 1.0: linear RGB in, linear RGB out."""

_XYZ: Matrix = (
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)
"""Linear sRGB to CIE XYZ, D65."""
_WHITE = (0.95047, 1.0, 1.08883)

Triple = tuple[float, float, float]


def _apply(matrix: Matrix, vector: Sequence[float]) -> Triple:
    x, y, z = (sum(m * v for m, v in zip(row, vector, strict=True)) for row in matrix)
    return (x, y, z)


def linear_rgb(hex_colour: str) -> Triple:
    """`#rrggbb` to linear-light RGB in [0, 1] (the sRGB transfer function undone)."""
    digits = hex_colour.lstrip("#")
    if len(digits) != 6:
        raise ValueError(f"expected #rrggbb, got {hex_colour!r}")

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(digits[i : i + 2], 16) / 255) for i in (0, 2, 4))
    return (r, g, b)


def seen(hex_colour: str, vision: str) -> Triple:
    """The linear RGB a reader with this vision perceives, clipped to the gamut."""
    rgb = linear_rgb(hex_colour)
    matrix = VISIONS[vision]
    if matrix is None:
        return rgb
    r, g, b = (min(1.0, max(0.0, c)) for c in _apply(matrix, rgb))
    return (r, g, b)


def lab(rgb: Triple) -> Triple:
    """Linear sRGB to CIELAB under D65."""

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(c / w) for c, w in zip(_apply(_XYZ, rgb), _WHITE, strict=True))
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def delta_e_2000(lab1: Triple, lab2: Triple) -> float:
    """CIEDE2000 colour difference, kL = kC = kH = 1."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl = l2 - l1
    dc = c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    elif h2p - h1p > 180:
        dh = h2p - h1p - 360
    else:
        dh = h2p - h1p + 360
    big_dh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar = (l1 + l2) / 2
    cp_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_bar = (h1p + h2p + 360) / 2
    else:
        h_bar = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt(
        (dl / s_l) ** 2 + (dc / s_c) ** 2 + (big_dh / s_h) ** 2 + r_t * (dc / s_c) * (big_dh / s_h)
    )


def distance(colour1: str, colour2: str, vision: str) -> float:
    """ΔE2000 between two `#rrggbb` colours as a reader with `vision` sees them."""
    return delta_e_2000(lab(seen(colour1, vision)), lab(seen(colour2, vision)))


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""

    def luminance(colour: str) -> float:
        r, g, b = linear_rgb(colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
