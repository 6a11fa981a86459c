"""The figures of `postmortems stats --json` and the site's `/data/stats.json`, one function."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from mkdocs_postmortems.analytics.frames import Frames
from mkdocs_postmortems.analytics.summary import distribution
from mkdocs_postmortems.core import metrics

JSON_PATH = "data/stats.json"
STATUSES = {"open": "open", "in-progress": "in_progress", "done": "done", "wont-do": "wont_do"}


def duration_key(name: str) -> str:
    """`time_to_detect` -> `time_to_detect_minutes`, the JSON's name: the unit in the key."""
    return f"{name}_minutes"


def by_severity(frames: Frames, incidents: pd.DataFrame) -> dict[str, int]:
    """Counts per level, most severe first; levels without postmortems left out."""
    counts = incidents.groupby(["rank", "severity"], sort=True).size()
    levels = counts.index.get_level_values("severity")
    return {str(level): int(n) for level, n in zip(levels, counts, strict=True)}


def durations(incidents: pd.DataFrame) -> dict[str, Any]:
    return {duration_key(name): distribution(incidents[name]) for name in metrics.DURATIONS}


def quarters(frames: Frames) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    dated = frames.incidents.dropna(subset=["quarter"])
    for quarter, rows in dated.groupby("quarter", sort=True):
        out[str(quarter)] = {
            "count": len(rows),
            "by_severity": by_severity(frames, rows),
            **durations(rows),
        }
    return out


def factors(frames: Frames) -> list[dict[str, Any]]:
    """Factors named at least once, most named first; recurring when two or more name one."""
    known = frames.taxonomy.contributing_factors or {}
    out: list[dict[str, Any]] = []
    for key, rows in frames.factors.groupby("factor", sort=True):
        ids = sorted(str(i) for i in rows["postmortem"])
        factor = known.get(str(key))
        out.append(
            {
                "key": str(key),
                "label": factor.label if factor else str(key),
                "count": len(ids),
                "recurring": len(ids) >= 2,
                "postmortems": ids,
            }
        )
    out.sort(key=lambda f: (-f["count"], f["key"]))
    return out


def completion_rate(items: pd.DataFrame) -> float | None:
    """Done items out of all but won't do (a decision, not work left); None for none."""
    doable = int((items["status"] != "wont-do").sum())
    return round(int((items["status"] == "done").sum()) / doable, 3) if doable else None


def action_items(frames: Frames) -> dict[str, Any]:
    items = frames.items
    counts = {name: int((items["status"] == status).sum()) for status, name in STATUSES.items()}
    return {
        "total": len(items),
        **counts,
        "overdue": int(items["days_overdue"].notna().sum()),
        "completion_rate": completion_rate(items),
    }


def overdue_items(frames: Frames) -> pd.DataFrame:
    """Open or in-progress items past due, most overdue first, then by postmortem and title."""
    rows = frames.items[frames.items["days_overdue"].notna()]
    return rows.sort_values(
        ["days_overdue", "postmortem", "title"], ascending=[False, True, True], kind="stable"
    )


def overdue(frames: Frames) -> list[dict[str, Any]]:
    return [
        {
            "postmortem": row["postmortem"],
            "title": row["title"],
            "owner": row["owner"],
            "due": row["due"].isoformat(),
            "days_overdue": int(row["days_overdue"]),
            "status": row["status"],
        }
        for row in overdue_items(frames).to_dict("records")
    ]


def stats(frames: Frames) -> dict[str, Any]:
    """Every figure of the stats JSON, in its documented order."""
    return {
        "as_of": frames.as_of.isoformat(),
        "count": len(frames.incidents),
        "drafts_left_out": frames.drafts,
        "undated": int(frames.incidents["quarter"].isna().sum()),
        "by_severity": by_severity(frames, frames.incidents),
        "quarters": quarters(frames),
        **durations(frames.incidents),
        "contributing_factors": factors(frames),
        "action_items": action_items(frames),
        "overdue_action_items": overdue(frames),
    }


def to_json(figures: dict[str, Any]) -> str:
    """The one serialisation, so the CLI's output and the site's file are equal as text."""
    return json.dumps(figures, indent=2, ensure_ascii=False) + "\n"
