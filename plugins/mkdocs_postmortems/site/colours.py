"""One colour per severity, everywhere: badges, tables and charts read it from here."""

from __future__ import annotations

SEVERITY = (
    ("#7f1d1d", "#ffffff"),  # most severe: dark red
    ("#e8590c", "#1f1f1f"),  # orange, much lighter than the red
    ("#ffe066", "#1f1f1f"),  # yellow
    ("#4dabf7", "#1f1f1f"),  # blue
    ("#c3fae8", "#1f1f1f"),  # pale mint
    ("#5c636a", "#ffffff"),  # any further level: grey
)
"""(background, text) by severity rank, most severe first. Text contrast is at least 4.5:1
(WCAG AA), and every two backgrounds are at least `MIN_DISTANCE` apart in CIEDE2000 for
normal vision and under a protanopia and a deuteranopia simulation (`colour_vision`): red
and orange of one lightness read as one colour to a red-green colour-blind reader, so the
levels differ in lightness as well as hue."""

MIN_DISTANCE = 20.0
"""ΔE2000 between any two severity colours, under every simulated vision: about ten times
a just-noticeable difference, so two levels are told apart at a glance on a small badge."""
MIN_CONTRAST = 4.5
"""WCAG 2 AA for the badge text on its background."""


DATA = "#6741d9"
"""Charts whose marks are not severities (quarters, factors, ages): violet, a hue no
severity uses, so a colour always means the same thing."""
DATA_MUTED = "#adb5bd"
"""The lesser group beside DATA, such as factors named only once."""


def severity(rank: int) -> tuple[str, str]:
    return SEVERITY[min(rank, len(SEVERITY) - 1)]


def severity_css() -> str:
    return "".join(
        f".pm-sev-{rank} {{ background: {bg}; color: {fg}; }}\n"
        for rank, (bg, fg) in enumerate(SEVERITY)
    )
