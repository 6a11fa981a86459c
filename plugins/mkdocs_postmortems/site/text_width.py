"""How wide a line of chart text is, without loading a font: the charts lay themselves out
(label margins, legend rows, value labels) from these widths.

The widths are DejaVu Sans's advances, the first font the charts ask for, in thousandths of
an em, read once from the copy matplotlib ships (`tests/test_charts.py` checks them
against it). Kerning is left out: it moves a label by a fraction of a point.
"""

from __future__ import annotations

import functools
import unicodedata

_RUNS: tuple[tuple[int, str], ...] = (
    (
        0x0020,
        "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 "
        "636 636 636 636 636 636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 "
        "752 295 295 656 557 863 748 787 603 787 695 635 611 732 684 989 685 611 685 390 "
        "337 390 838 500 500 613 635 550 635 615 352 635 634 278 278 579 278 974 634 612 "
        "635 635 411 521 392 634 592 818 592 592 525 636 337 636 838",
    ),
    (
        0x00A0,
        "318 401 636 636 636 636 337 500 500 1000 471 612 838 361 1000 500 500 838 401 "
        "401 500 636 636 318 500 401 471 612 969 969 969 531 684 684 684 684 684 684 974 "
        "698 632 632 632 632 295 295 295 295 775 748 787 787 787 787 787 838 787 732 732 "
        "732 732 611 605 630 613 613 613 613 613 613 982 550 615 615 615 615 278 278 278 "
        "278 612 634 612 612 612 612 612 838 612 634 634 634 634 592 635 592 684 613 684 "
        "613 684 613 698 550 698 550 698 550 698 550 770 635 775 635 632 615 632 615 632 "
        "615 632 615 632 615 775 635 775 635 775 635 775 635 752 634 916 695 295 278 295 "
        "278 295 278 295 278 295 278 590 556 295 278 656 579 579 557 278 557 278 557 375 "
        "557 342 562 284 748 634 748 634 748 634 813 748 634 787 612 787 612 787 612 1070 "
        "1023 695 411 695 411 695 411 635 521 635 521 635 521 635 521 611 392 611 392 611 "
        "392 732 634 732 634 732 634 732 634 732 634 732 634 989 818 611 592 611 685 525 "
        "685 525 685 525 352 635 735 686 635 686 635 703 698 550 775 819 686 635 612 632 "
        "787 614 575 352 775 687 984 354 295 746 579 278 592 974 748 634 787 913 612 949 "
        "759 652 635 695 635 521 632 336 392 611 392 611 858 634 764 721 744 730 685 525 "
        "666 666 578 525 636 666 578 510 635 295 492 459 295 1422 1299 1154 835 787 457 "
        "931 924 797 684 613 295 278 787 612 732 634 732 634 732 634 732 634 732 634 615 "
        "684 613 684 613 974 982 775 635 775 635 656 579 787 612 787 612 666 578 278 1422 "
        "1299 1154 775 635 1113 682 748 634 684 613 974 982 787 612 684 613 684 613 632 "
        "615 632 615 295 278 295 278 787 612 787 612 695 411 695 411 732 634 732 634 635 "
        "521 611 392 627 521 752 634 735 838 698 610 685 525 684 613 632 615 787 612 787 "
        "612 787 612 787 612 611 592 475 843 477 278 998 998 684 698 550 557 611 521 525 "
        "603 479 686 732 684 632 615 295 278 781 635 695 411 611 592",
    ),
    (
        0x2010,
        "361 361 636 500 1000 1000 500 500 318 318 318 318 518 518 518 518 500 500 590 "
        "590 334 667 1000 318 0 0 0 0 0 0 0 200",
    ),
    (
        0x2192,
        "838",
    ),
    (
        0x2212,
        "838",
    ),
    (
        0x2610,
        "896 896 896",
    ),
    (
        0x20AC,
        "636",
    ),
    (
        0x2713,
        "838",
    ),
    (
        0x2717,
        "838",
    ),
)
"""Consecutive code points from each start, with their advance widths."""

_WIDTHS: dict[int, int] = {
    start + offset: int(width)
    for start, widths in _RUNS
    for offset, width in enumerate(widths.split())
}
_OTHER = 636
"""A character the table lacks: a digit's width, about the font's average."""


@functools.lru_cache(maxsize=4096)
def _advance(character: str) -> int:
    code = ord(character)
    known = _WIDTHS.get(code)
    if known is not None:
        return known
    if unicodedata.combining(character):
        return 0
    if unicodedata.east_asian_width(character) in ("W", "F"):
        return 1000
    return _OTHER


def width(text: str, size: float) -> float:
    """The width, in points, of `text` set at `size` points."""
    return sum(_advance(character) for character in text) * size / 1000
