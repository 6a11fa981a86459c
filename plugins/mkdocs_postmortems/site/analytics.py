"""The analytics pages: headline figures, severity trends, durations as distributions,
contributing factors and action items. Figures come from `analytics`, as the CLI's do; the
pages' HTML comes from the templates `analytics/*.html` (`site.templates`), which a site may
override."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mkdocs_postmortems.analytics import actions, burndown, factors, stats
from mkdocs_postmortems.analytics.summary import SMALL_N, distribution
from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.site import charts, colours, templates, urls
from mkdocs_postmortems.site.common import Page, term_label
from mkdocs_postmortems.site.context import Context, quarter_span, window
from mkdocs_postmortems.site.figures import LIST_LIMIT, chart, days_text, severity_colour

FACTOR_BARS = 20
SPREAD_ROWS = 15
SPREAD_QUARTERS = 12
DURATION_QUARTERS = 12
TITLES = {
    "severity": "Severity trends",
    "durations": "Time to detect, mitigate and resolve",
    "factors": "Contributing factors",
    "action-items": "Action items",
}


def _render(ctx: Context, here: str, name: str, **values: Any) -> str:
    """Template `analytics/<name>.html` for page `here`."""
    catalog = ctx.catalog
    return templates.render(
        catalog.templates, f"analytics/{name}.html", catalog=catalog, here=here, **values
    )


def _percent(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.0%}"


def _levels(ctx: Context) -> list[str]:
    used = set(ctx.figures["by_severity"])
    return [level for level in ctx.catalog.taxonomy.severities if level in used] + sorted(
        used - set(ctx.catalog.taxonomy.severities)
    )


def index(ctx: Context) -> Page:
    here = urls.ANALYTICS
    page = Page(src_uri=here, title="Analytics", in_nav=True)
    f = ctx.figures
    resolve = f[stats.duration_key("time_to_resolve")]
    detect = f[stats.duration_key("time_to_detect")]
    recurring = sum(1 for factor in f["contributing_factors"] if factor["recurring"])
    items = f["action_items"]
    tiles = [
        (str(f["count"]), f"postmortems (drafts left out: {f['drafts_left_out']})"),
        (
            metrics.format_minutes(detect["median"]),
            f"median time to detect (p90 {metrics.format_minutes(detect['p90'])}, "
            f"n = {detect['n']})",
        ),
        (
            metrics.format_minutes(resolve["median"]),
            f"median time to resolve (p90 {metrics.format_minutes(resolve['p90'])}, "
            f"n = {resolve['n']})",
        ),
        (str(recurring), "recurring contributing factors (named by two or more)"),
        (str(items["overdue"]), f"overdue action items as of {f['as_of']}"),
        (
            _percent(items["completion_rate"]),
            f"of action items done (n = {items['total'] - items['wont_do']}, won't do left out)",
        ),
    ]
    html = _render(
        ctx, here, "index", figures=f, tiles=tiles, titles=TITLES, stats_json=stats.JSON_PATH
    )
    page.markdown = page.slot("analytics", html)
    return page


def severity(ctx: Context) -> Page:
    here = urls.ANALYTICS_PAGES["severity"]
    page = Page(src_uri=here, title=TITLES["severity"], in_nav=True)
    quarters = ctx.figures["quarters"]
    shown = window(list(quarters))
    levels = _levels(ctx)
    counts = {
        level: [quarters.get(q, {}).get("by_severity", {}).get(level, 0) for q in shown]
        for level in levels
    }
    rows = [
        {
            "key": quarter,
            "label": _marked(ctx, quarter),
            "linked": quarter in quarters,
            "counts": [counts[level][i] for level in levels],
            "total": quarters.get(quarter, {}).get("count", 0),
        }
        for i, quarter in enumerate(shown)
    ]
    running = _running(ctx) if _running(ctx) in shown else ""
    earlier = len([q for q in quarters if shown and q < shown[0]])
    note = (
        f" The {earlier} earlier quarter{'s' * (earlier != 1)} with postmortems "
        "are in the quarterly reports."
        if earlier
        else ""
    )
    made = chart(
        ctx.catalog,
        ctx.files,
        here,
        "analytics/severity-by-quarter.svg",
        charts.stacked_bars(
            shown,
            [
                (
                    term_label(ctx.catalog, "severity", level),
                    counts[level],
                    severity_colour(ctx.catalog, level),
                )
                for level in levels
            ],
            ylabel="Postmortems",
            partial=running,
        ),
        alt=f"Stacked bar chart: postmortems per quarter from {shown[0] if shown else '-'} to "
        f"{shown[-1] if shown else '-'}, oldest first, one colour per severity"
        + (f"; {running} is partial, counted up to {ctx.figures['as_of']}" if running else "")
        + ". The table beside it gives every number.",
        caption="Postmortems per quarter (the quarter of started_at, in UTC), oldest first, "
        "stacked by severity, empty quarters included."
        + (f" {running} is still running, so partial: its bar is hatched." if running else "")
        + note,
    )
    totals = [
        {
            "level": level,
            "count": ctx.figures["by_severity"].get(level, 0),
            "sla": _sla(ctx, level),
        }
        for level in ctx.catalog.taxonomy.severities
    ]
    html = _render(
        ctx,
        here,
        "severity",
        title=TITLES["severity"],
        count=ctx.figures["count"],
        chart=made,
        levels=levels,
        quarters=rows,
        totals=totals,
    )
    page.markdown = page.slot("severity", html)
    return page


def _sla(ctx: Context, level: str) -> str:
    info = ctx.catalog.taxonomy.severities.get(level)
    days = info.action_item_sla_days if info else None
    return days_text(days) if days else "\u2013"


def durations(ctx: Context) -> Page:
    here = urls.ANALYTICS_PAGES["durations"]
    page = Page(src_uri=here, title=TITLES["durations"], in_nav=True)
    incidents = ctx.frames.incidents
    dated = list(ctx.figures["quarters"])[-DURATION_QUARTERS:]
    levels = _levels(ctx)
    sections = []
    for name, label in metrics.DURATION_LABELS.items():
        slug = name.replace("_", "-")
        by_quarter = [
            (q, [float(v) for v in incidents[incidents["quarter"] == q][name].dropna()])
            for q in dated
        ]
        per_quarter = chart(
            ctx.catalog,
            ctx.files,
            here,
            f"analytics/{slug}-by-quarter.svg",
            charts.distributions(
                [(_marked(ctx, q), values, colours.DATA) for q, values in by_quarter],
                xlabel=f"{label} (log scale)",
            ),
            alt=f"Box and strip plot of {label.lower()} per quarter for the last "
            f"{len(dated)} quarters with postmortems; the table beside it gives n, "
            "median, p90 and mean for each.",
            caption=f"{label} per quarter (latest {len(dated)} with postmortems, oldest "
            "first; a running quarter is marked partial).",
        )
        minutes = {level: incidents[incidents["severity"] == level][name] for level in levels}
        by_level = [(level, [float(v) for v in minutes[level].dropna()]) for level in levels]
        per_severity = chart(
            ctx.catalog,
            ctx.files,
            here,
            f"analytics/{slug}-by-severity.svg",
            charts.distributions(
                [
                    (
                        term_label(ctx.catalog, "severity", level),
                        values,
                        severity_colour(ctx.catalog, level),
                    )
                    for level, values in by_level
                ],
                xlabel=f"{label} (log scale)",
            ),
            alt=f"Box and strip plot of {label.lower()} for each severity, one colour per "
            "severity; the table beside it gives n, median, p90 and mean for each.",
            caption=f"{label} by severity, all quarters.",
        )
        sections.append(
            {
                "slug": slug,
                "label": label,
                "overall": ctx.figures[stats.duration_key(name)],
                "by_quarter": per_quarter,
                "quarters": [
                    {
                        "key": q,
                        "label": _marked(ctx, q),
                        "d": ctx.figures["quarters"][q][stats.duration_key(name)],
                    }
                    for q in dated
                ],
                "by_severity": per_severity,
                "severities": [
                    {"level": level, "d": distribution(minutes[level])} for level in levels
                ],
            }
        )
    html = _render(
        ctx,
        here,
        "durations",
        title=TITLES["durations"],
        max_points=charts.MAX_POINTS,
        small_n=SMALL_N,
        sections=sections,
    )
    page.markdown = page.slot("durations", html)
    return page


def factor_page(ctx: Context) -> Page:
    here = urls.ANALYTICS_PAGES["factors"]
    page = Page(src_uri=here, title=TITLES["factors"], in_nav=True)
    catalog = ctx.catalog
    named = ctx.figures["contributing_factors"]
    spread = factors.spread(ctx.frames)
    rows = []
    for f in named:
        seen = (
            [str(q) for q, n in spread.loc[f["key"]].items() if n]
            if f["key"] in spread.index
            else []
        )
        rows.append(
            {
                "key": f["key"],
                "count": f["count"],
                "recurring": f["recurring"],
                "first": seen[0] if seen else None,
                "last": seen[-1] if seen else None,
                "quarters": len(seen),
            }
        )
    top = named[:FACTOR_BARS]
    frequency = chart(
        catalog,
        ctx.files,
        here,
        "analytics/factor-frequency.svg",
        charts.bars(
            [term_label(catalog, "factors", f["key"]) for f in top],
            [float(f["count"]) for f in top],
            [colours.DATA if f["recurring"] else colours.DATA_MUTED for f in top],
            xlabel="Postmortems naming the factor",
        ),
        alt=f"Bar chart of the {len(top)} most named contributing factors; recurring ones in "
        "violet, factors named once in grey. The table beside it lists every factor.",
        caption="How many postmortems name each factor (most named first). A factor recurs "
        "when two or more postmortems name it.",
    )
    quarters = [q for q in window(list(ctx.figures["quarters"])) if q in spread.columns][
        -SPREAD_QUARTERS:
    ]
    keys = [str(k) for k in spread.index[:SPREAD_ROWS]]
    grid = spread.loc[keys, quarters].astype(int).values.tolist() if quarters else []
    spread_chart = chart(
        catalog,
        ctx.files,
        here,
        "analytics/factor-spread.svg",
        charts.heatmap(
            [term_label(catalog, "factors", k) for k in keys],
            [_marked(ctx, q) for q in quarters],
            grid,
            xlabel="Quarter",
        ),
        alt=f"Heat map of the {len(keys)} most named factors over the last {len(quarters)} "
        "quarters with postmortems; darker cells mean more postmortems. The table beside it "
        "gives every count.",
        caption="Spread over quarters: postmortems naming each factor per quarter.",
    )
    pairs, total_pairs = factors.pairs(ctx.frames)
    html = _render(
        ctx,
        here,
        "factors",
        title=TITLES["factors"],
        count=ctx.figures["count"],
        frequency=frequency,
        factors=rows,
        spread=spread_chart,
        spread_quarters=[_marked(ctx, q) for q in quarters],
        spread_rows=[{"key": k, "counts": row} for k, row in zip(keys, grid, strict=True)],
        pairs=pairs,
        total_pairs=total_pairs,
        unused=factors.never_named(ctx.frames),
    )
    page.markdown = page.slot("factors", html)
    return page


def _late_publications(ctx: Context, here: str) -> dict[str, Any] | None:
    """The postmortems past their severity's publish deadline (`deadlines`), drafts too:
    linked only when this build publishes them. None when no severity sets one."""
    catalog = ctx.catalog
    levels = catalog.taxonomy.severities.values()
    if all(level.publish_within_days is None for level in levels):
        return None
    late = catalog.late
    rows = [
        {
            "href": ctx.page_href(here, p.path),
            "postmortem": p.postmortem,
            "title": p.title,
            "severity": p.severity,
            "status": p.status,
            "resolved": p.resolved_at,
            "deadline": p.deadline,
            "days": p.days_late,
        }
        for p in late[:LIST_LIMIT]
    ]
    return {"rows": rows, "total": len(late)}


def _quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _running(ctx: Context) -> str:
    """The quarter of the as-of day: still running, so its figures are partial."""
    return _quarter_of(ctx.catalog.as_of)


def _marked(ctx: Context, quarter: str) -> str:
    """A quarter's label in charts and tables, "(partial)" when it is still running."""
    return f"{quarter} (partial)" if quarter == _running(ctx) else quarter


def _burn_down(ctx: Context, here: str) -> dict[str, Any]:
    """Open items at each quarter's end, oldest first, up to the running quarter (partial)."""
    shown = window(list(ctx.figures["quarters"]))
    if shown:
        shown = quarter_span(shown[0], max(shown[-1], _quarter_of(ctx.catalog.as_of)))
    result = burndown.burn_down(ctx.frames, shown)
    labels = [f"{end.quarter} (partial)" if end.partial else end.quarter for end in result.ends]
    running = [end.quarter for end in result.ends if end.partial]
    partial_note = (
        f" {running[0]} is still running, so partial: its bar is hatched and counts items open on "
        f"{ctx.figures['as_of']}."
        if running
        else ""
    )
    made = chart(
        ctx.catalog,
        ctx.files,
        here,
        "analytics/action-item-burn-down.svg",
        charts.stacked_bars(
            [end.quarter for end in result.ends],
            [("Open action items", [end.open for end in result.ends], colours.DATA)],
            ylabel="Open action items",
            partial=running[0] if running else "",
        ),
        alt="Bar chart of open action items at the end of each quarter from "
        f"{shown[0] if shown else '-'} to {shown[-1] if shown else '-'}, oldest first"
        + (f"; {running[0]} is partial, counted on {ctx.figures['as_of']}" if running else "")
        + ". The table beside it gives every number.",
        caption="Open action items at each quarter's end, oldest quarter first." + partial_note,
    )
    return {
        "chart": made,
        "rows": [(label, end.open) for label, end in zip(labels, result.ends, strict=True)],
        "undated": result.closed_undated,
    }


def _counts(ctx: Context, column: str) -> dict[str, Any]:
    """Items, open, overdue and done per owner or team; `page` says the key has one."""
    frame = actions.counts_by(ctx.frames, column)
    rows = [
        {
            "key": str(r["key"]),
            "page": not str(r["key"]).startswith("("),
            "items": int(r["items"]),
            "open": int(r["open"]),
            "overdue": int(r["overdue"]),
            "done": int(r["done"]),
        }
        for r in frame.head(LIST_LIMIT).to_dict("records")
    ]
    return {"rows": rows, "total": len(frame)}


def action_page(ctx: Context) -> Page:
    here = urls.ANALYTICS_PAGES["action-items"]
    # The item tables need the width the table of contents would take.
    page = Page(src_uri=here, title=TITLES["action-items"], in_nav=True, hide=["toc"])
    catalog = ctx.catalog
    items = ctx.figures["action_items"]
    overdue = stats.overdue_items(ctx.frames)
    overdue_rows = [
        {
            "href": ctx.page_href(here, row["path"]),
            "postmortem": row["postmortem"],
            "title": row["title"],
            "owner": row["owner"],
            "due": row["due"],
            "days": int(row["days_overdue"]),
            "status": row["status"],
            "severity": row["severity"],
        }
        for row in overdue.head(LIST_LIMIT).to_dict("records")
    ]
    by_severity = []
    for level in _levels(ctx):
        rows = ctx.frames.items[ctx.frames.items["severity"] == level]
        by_severity.append(
            {
                "level": level,
                "items": len(rows),
                "done": int((rows["status"] == "done").sum()),
                "wont_do": int((rows["status"] == "wont-do").sum()),
                "completion": _percent(stats.completion_rate(rows)),
            }
        )
    ages = actions.ages(ctx.frames)
    age = chart(
        catalog,
        ctx.files,
        here,
        "analytics/action-item-age.svg",
        charts.bars(
            [label for label, _, _ in ages],
            [float(total) for _, total, _ in ages],
            [colours.DATA] * len(ages),
            xlabel="Open and in-progress action items",
        ),
        alt="Bar chart of open and in-progress action items by days since their postmortem "
        "was written; the table beside it gives the counts and how many are overdue.",
        caption=f"Age of open work: days from the postmortem's date to {ctx.figures['as_of']}.",
    )
    late = actions.past_sla(ctx.frames)
    sla_rows = [
        {
            "href": ctx.page_href(here, p.path),
            "postmortem": p.postmortem,
            "title": p.title,
            "severity": p.severity,
            "sla": p.sla_days,
            "due": p.due,
            "beyond": p.days_beyond,
            "status": p.status,
            "priority": p.priority,
        }
        for p in late[:LIST_LIMIT]
    ]
    html = _render(
        ctx,
        here,
        "action-items",
        title=TITLES["action-items"],
        items=items,
        completion=_percent(items["completion_rate"]),
        doable=items["total"] - items["wont_do"],
        limit=LIST_LIMIT,
        stats_json=stats.JSON_PATH,
        data_json="data/postmortems.json",
        overdue=overdue_rows,
        overdue_total=len(overdue),
        late=_late_publications(ctx, here),
        owners=_counts(ctx, "owner"),
        teams=_counts(ctx, "teams"),
        by_severity=by_severity,
        age=age,
        ages=ages,
        burn_down=_burn_down(ctx, here),
        sla=sla_rows,
        sla_total=len(late),
    )
    page.markdown = page.slot("actions", html)
    return page


def pages(ctx: Context) -> list[Page]:
    return [index(ctx), severity(ctx), durations(ctx), factor_page(ctx), action_page(ctx)]
