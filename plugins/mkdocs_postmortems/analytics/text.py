"""The readable summary `postmortems stats` prints, written from the stats JSON itself so
the text and `--json` cannot tell different stories."""

from __future__ import annotations

from typing import Any

from mkdocs_postmortems.analytics.stats import duration_key
from mkdocs_postmortems.core import metrics


def _table(head: list[str], rows: list[list[str]], numeric: tuple[int, ...] = ()) -> list[str]:
    """Columns padded to their widest cell; numbers to the right."""
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    lines = []
    for row in [head, *rows]:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _severities(counts: dict[str, int]) -> str:
    return ", ".join(f"{level} {count}" for level, count in counts.items()) or "none"


def summary(figures: dict[str, Any]) -> str:
    drafts = figures["drafts_left_out"]
    left_out = f" ({drafts} draft{'s' * (drafts != 1)} left out)" if drafts else ""
    lines = [
        f"{figures['count']} postmortems as of {figures['as_of']}{left_out}",
        f"By severity: {_severities(figures['by_severity'])}",
        "",
        "Durations (median and p90 of the n postmortems that record both ends):",
    ]
    rows = []
    for name, label in metrics.DURATION_LABELS.items():
        d = figures[duration_key(name)]
        rows.append(
            [
                label,
                str(d["n"]),
                metrics.format_minutes(d["median"]),
                metrics.format_minutes(d["p90"]),
                metrics.format_minutes(d["mean"]),
            ]
        )
    lines += _table(["", "n", "median", "p90", "mean"], rows, numeric=(1, 2, 3, 4))
    undated = figures["undated"]
    in_none = f"; {undated} without started_at are in none" if undated else ""
    lines += ["", f"By quarter (of started_at, in UTC{in_none}):"]
    rows = []
    for quarter, q in figures["quarters"].items():
        resolve = q[duration_key("time_to_resolve")]
        detect = q[duration_key("time_to_detect")]
        rows.append(
            [
                quarter,
                str(q["count"]),
                _severities(q["by_severity"]),
                f"{metrics.format_minutes(detect['median'])} (n {detect['n']})",
                f"{metrics.format_minutes(resolve['median'])} (n {resolve['n']})",
            ]
        )
    lines += _table(
        ["quarter", "postmortems", "severities", "median to detect", "median to resolve"],
        rows,
        numeric=(1,),
    )
    recurring = [f for f in figures["contributing_factors"] if f["recurring"]]
    lines += ["", f"Recurring contributing factors (named by two or more): {len(recurring)}"]
    if recurring:
        lines += _table(
            ["factor", "postmortems"], [[f["key"], str(f["count"])] for f in recurring], (1,)
        )
    items = figures["action_items"]
    rate = items["completion_rate"]
    lines += [
        "",
        f"Action items: {items['total']}, done {items['done']}, open {items['open']}, "
        f"in progress {items['in_progress']}, won't do {items['wont_do']}; completion "
        + (f"{rate:.0%}" if rate is not None else "n/a")
        + " (done of all but won't do)",
        f"Overdue action items: {len(figures['overdue_action_items'])}",
    ]
    if figures["overdue_action_items"]:
        lines += _table(
            ["postmortem", "days", "due", "owner", "title"],
            [
                [o["postmortem"], str(o["days_overdue"]), o["due"], o["owner"] or "-", o["title"]]
                for o in figures["overdue_action_items"]
            ],
            numeric=(1,),
        )
    return "\n".join(lines) + "\n"
