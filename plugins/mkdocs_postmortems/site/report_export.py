"""The quarterly report outside the site (`postmortems report`): Markdown to paste into
email, chat or a wiki, and one standalone HTML file with its CSS inline. Both are made from
the report's data (`analytics.report_data`) alone; every value from a postmortem is escaped
(HTML through `esc`, Markdown through `md`), since postmortems are hostile input."""

from __future__ import annotations

import re
from typing import Any

from mkdocs_postmortems.analytics import report_data
from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.site.html import esc, table

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")

CSS = (
    "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#1b1b1b}"
    "table{border-collapse:collapse;margin:.5rem 0;max-width:100%}"
    "th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}"
    ".pm-table-wrap{overflow-x:auto}.pm-muted{color:#555;font-size:.9em}"
    "@media print{body{margin:0;max-width:none}}"
)

VERDICTS = {
    "unlikely-chance": "unlikely to be chance",
    "within-noise": "within noise",
    "not-tested": "not tested",
}


def md(value: object) -> str:
    """Text as Markdown shows it literally: its markup characters backslash-escaped and its
    line breaks folded, so no value can start a heading, a link or a table row."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _minutes(value: float | None) -> str:
    return metrics.format_minutes(value)


def _dash(value: object) -> str:
    return "\u2013" if value is None else str(value)


def _p(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.3f}".rstrip("0").rstrip(".")


def _closed(items: dict[str, Any]) -> str:
    return f"at least {items['closed']}" if items["closed_undated"] else str(items["closed"])


def _facts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The report's figures as (label, plain text) lines, shared by both formats."""
    impact, items, lag = data["impact"], data["action_items"], data["publish_lag_days"]
    users, revenue = impact["users_affected"], impact["revenue_usd"]
    change = data["count_change"]
    n = data["count"]
    return [
        ("Postmortems", f"{n} ({data['previous']['count']} in {data['previous']['quarter']})"),
        (
            "Count change",
            f"{VERDICTS[change['verdict']]} (p = {_p(change['p'])}, "
            f"adjusted {_p(change['p_adjusted'])})",
        ),
        (
            " or ".join(data["severe"]["levels"]),
            f"{data['severe']['count']} ({data['severe']['previous']} the quarter before)",
        ),
        ("Customer-facing", f"{impact['customer_facing']} of {n}"),
        ("Data loss", f"{impact['data_loss']} of {n}"),
        ("Users affected", f"{users['total']:,} (recorded by {users['known']} of {n})"),
        ("Revenue lost (USD)", f"{revenue['total']:,} (recorded by {revenue['known']} of {n})"),
        ("Action items opened", str(items["opened"])),
        (
            "Action items closed in the quarter",
            _closed(items)
            + (
                f" ({items['closed_undated']} items of this or earlier quarters closed undated)"
                * bool(items["closed_undated"])
            ),
        ),
        ("Open at the quarter's end", str(items["open_at_end"])),
        ("Overdue at the quarter's end", str(items["overdue_at_end"])),
        (
            "Median days to close",
            "\u2013"
            if items["median_days_to_close"] is None
            else str(items["median_days_to_close"]),
        ),
        (
            "Days from resolution to the postmortem",
            f"median {_dash(lag['median'])} (n = {lag['n']})",
        ),
        (
            "Drafts and in review",
            f"{data['process']['drafts']} draft{'s' * (data['process']['drafts'] != 1)}, "
            f"{data['process']['in_review']} in review "
            f"(as of {data['as_of']})",
        ),
    ]


def _title(data: dict[str, Any]) -> str:
    partial = " (partial: the quarter is not over)" if data["partial"] else ""
    return f"{data['quarter']} postmortem report{partial}"


def _trend_rows(data: dict[str, Any]) -> list[list[str]]:
    lines = list(data["trend"])
    earlier = (data["year_earlier"] or {}).get("quarter", "")
    if earlier and all(line["quarter"] != earlier for line in lines):
        lines.insert(0, data["year_earlier"])
    rows = []
    for line in lines:
        resolve = line["time_to_resolve_minutes"]
        name = line["quarter"]
        if name == earlier:
            name += " (a year earlier)"
        elif name == data["quarter"] and data["partial"]:
            name += " (partial)"
        rows.append(
            [
                name,
                str(line["count"]),
                str(line["severe"]),
                f"{_minutes(resolve['median'])} (n = {resolve['n']})",
            ]
        )
    return rows


def to_markdown(data: dict[str, Any]) -> str:
    out = [f"# {md(_title(data))}", "", md(report_data.headline(data)), ""]
    out += [f"- **{md(label)}:** {md(value)}" for label, value in _facts(data)]
    out += ["", "## Services", ""]
    out += [
        f"- {md(s['service'])}: {s['postmortems']} postmortem{'s' * (s['postmortems'] != 1)}, "
        f"{md(_minutes(s['minutes']))}"
        for s in data["services"]
    ] or ["None."]
    out += ["", "## Repeats", ""]
    out += [
        f"- {md(r['postmortem'])} repeats {md(r['earlier'])} ({r['days_apart']} days apart): "
        f"{md(', '.join(r['services']))}; {md(', '.join(r['factors']))}"
        for r in data["repeats"]
    ] or ["None."]
    severe = " or ".join(data["severe"]["levels"])
    out += [
        "",
        "## Trend",
        "",
        f"| Quarter | Postmortems | {md(severe)} | Median time to resolve |",
    ]
    out += ["|---|---|---|---|"]
    out += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in _trend_rows(data)]
    out += ["", "## Lessons", ""]
    out += [
        f"- {md(q['postmortem'])}, {md(q['section'])}: \u201c{md(q['text'])}\u201d"
        for q in data["lessons"]
    ] or ["None."]
    out += ["", f"_{md(_method(data))}_", ""]
    return "\n".join(out)


def _method(data: dict[str, Any]) -> str:
    period = f"Period: {data['start']} to {data['end']}, as of {data['as_of']}."
    return f"Method: {report_data.METHOD} {period}"


def to_html(data: dict[str, Any]) -> str:
    severe = " or ".join(data["severe"]["levels"])
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(_title(data))}</title><style>{CSS}</style></head><body>",
        f"<h1>{esc(_title(data))}</h1>",
        f"<p><strong>{esc(report_data.headline(data))}</strong></p>",
        table(["", "This quarter"], [[esc(a), esc(b)] for a, b in _facts(data)]),
        "<h2>Services</h2>",
        table(
            ["Service", "Postmortems", "Incident time (sum)"],
            [
                [esc(s["service"]), str(s["postmortems"]), esc(_minutes(s["minutes"]))]
                for s in data["services"]
            ],
        ),
        "<h2>Repeats</h2>",
        table(
            ["Postmortem", "Repeats", "Days apart", "Services", "Contributing factors"],
            [
                [
                    esc(r["postmortem"]),
                    esc(r["earlier"]),
                    str(r["days_apart"]),
                    esc(", ".join(r["services"])),
                    esc(", ".join(r["factors"])),
                ]
                for r in data["repeats"]
            ],
        ),
        "<h2>Trend</h2>",
        table(
            ["Quarter", "Postmortems", esc(severe), "Median time to resolve"],
            [[esc(cell) for cell in row] for row in _trend_rows(data)],
        ),
        "<h2>Lessons</h2>",
        "<ul>"
        + "".join(
            f"<li>{esc(q['postmortem'])}, {esc(q['section'])}: <q>{esc(q['text'])}</q></li>"
            for q in data["lessons"]
        )
        + "</ul>",
        f'<p class="pm-muted">{esc(_method(data))}</p>',
        "</body></html>",
        "",
    ]
    return "\n".join(parts)
