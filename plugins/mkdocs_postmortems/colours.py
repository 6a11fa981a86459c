"""One colour per severity, everywhere: badges, tables and charts read it from here."""

from __future__ import annotations

SEVERITY = (
    ("#b3261e", "#ffffff"),  # most severe: red
    ("#c2410c", "#ffffff"),  # orange
    ("#f5c518", "#1f1f1f"),  # yellow
    ("#1864ab", "#ffffff"),  # blue
    ("#2b8a3e", "#ffffff"),  # green
    ("#5c636a", "#ffffff"),  # any further level: grey
)
"""(background, text) by severity rank, most severe first; text contrast is at least 4.5:1."""


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
