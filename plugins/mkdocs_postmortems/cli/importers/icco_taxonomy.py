"""The taxonomy a corpus imported from icco/postmortems validates against.

The source rates no severity, names no author, team or detection time, and often lacks a
title, times or categories. Rather than invent any of these, the corpus gets its own
taxonomy: a `not-rated` level, the source's categories as contributing factors, and the
required fields cut down to those every imported file has.
"""

from __future__ import annotations

from typing import Any

from mkdocs_postmortems.cli.importers.base import Imported
from mkdocs_postmortems.core.taxonomy import DEFAULT, Required
from mkdocs_postmortems.core.writer import dump_front_matter

NOT_RATED = "not-rated"
NOT_FACTORS = frozenset({"postmortem", "undescriptive"})
"""Source categories that say something about the write-up, not about a cause: tags."""

# The source's own category list (icco/postmortems, postmortem.go), described from the
# patterns its tools match when they suggest a category.
CATEGORIES: dict[str, tuple[str, str]] = {
    "automation": (
        "Automation",
        "Automated tooling or processes (deploys, auto-scaling, self-healing) were involved.",
    ),
    "cascading-failure": (
        "Cascading failure",
        "A failure in one part spread to others (domino effects, thundering herds).",
    ),
    "cloud": (
        "Cloud infrastructure",
        "A cloud provider's infrastructure was involved (AWS, Google Cloud, Azure, Kubernetes).",
    ),
    "config-change": (
        "Configuration change",
        "A configuration change, a misconfiguration, a deployment or a rollout was involved.",
    ),
    "hardware": (
        "Hardware or power",
        "Physical failure: disks, network cards, routers, power or a data centre.",
    ),
    "security": (
        "Security",
        "A vulnerability, an exploit, a breach or a leaked credential was involved.",
    ),
    "time": ("Time handling", "Clocks, NTP, time zones, leap seconds or daylight saving time."),
}

HEADER = """\
# Taxonomy for postmortems imported from the icco/postmortems corpus format.
# The source rates no severity (hence `not-rated`), and names no author, team or detection
# time; `required` lists only the fields every imported file has. Edit freely.
"""


def corpus_taxonomy(imported: list[Imported]) -> str:
    """The YAML text of a taxonomy that every file of `imported` validates against."""
    severities: dict[str, Any] = {
        level: severity.model_dump(exclude_none=True)
        for level, severity in DEFAULT.severities.items()
    }
    severities[NOT_RATED] = {
        "label": "Not rated",
        "description": "The source gives no severity; nobody has rated this incident yet.",
    }
    data: dict[str, Any] = {"severities": severities}
    factors = list(
        dict.fromkeys(f for i in imported for f in i.data.get("contributing_factors", []))
    )
    if factors:
        known = [key for key in CATEGORIES if key in factors]
        data["contributing_factors"] = {
            key: _factor(key) for key in [*known, *sorted(set(factors) - set(known))]
        }
    defaults = Required()
    data["required"] = {
        "always": _held_by_all(defaults.always, imported),
        "unless_draft": _held_by_all(defaults.unless_draft, imported),
        "open_action_items": defaults.open_action_items,
    }
    return HEADER + dump_front_matter(data)


def _factor(key: str) -> dict[str, str]:
    label, description = CATEGORIES.get(
        key,
        (
            key.replace("-", " ").capitalize(),
            f"The source's category '{key}', which its format does not describe.",
        ),
    )
    return {"label": label, "description": description}


def _held_by_all(fields: list[str], imported: list[Imported]) -> list[str]:
    return [name for name in fields if all(name in item.data for item in imported)]
