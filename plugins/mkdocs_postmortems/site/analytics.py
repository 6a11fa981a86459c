"""The analytics pages: headline figures, severity trends, durations as distributions,
contributing factors and action items. Figures come from `analytics`, as the CLI's do."""

from __future__ import annotations

import datetime as dt

from mkdocs_postmortems.site import charts, colours
from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.analytics import actions, burndown, factors, stats
from mkdocs_postmortems.analytics.summary import SMALL_N, distribution
from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.common import Page, day, severity_badge, term_label
from mkdocs_postmortems.site.context import Context, quarter_span, window
from mkdocs_postmortems.site.figures import (
    DISTRIBUTION_HEAD,
    LIST_LIMIT,
    days_text,
    distribution_cells,
    figure,
    minutes_cell,
    severity_colour,
)
from mkdocs_postmortems.site.html import esc, link, table

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
WHY_MEDIANS = (
    '<div class="admonition note"><p class="admonition-title">Why medians</p>'
    "<p>Incident durations are heavily skewed: most incidents are short and a few last "
    "days, and one long incident can double a mean on its own. The median (half the "
    "incidents took longer) and the p90 (one in ten took longer) describe what a typical "
    "and a bad incident look like; the mean is shown only beside them. Every figure gives "
    f"its n, the number of postmortems that record both times. Below n = {SMALL_N} a "
    "figure is marked <em>too few to conclude</em>: a single incident moves it.</p></div>"
)


DEFINITIONS = (
    '<h2 id="definitions">How the figures are computed</h2>\n<ul>'
    "<li><strong>Time to detect, mitigate, resolve</strong>: minutes from "
    "<code>started_at</code> to <code>detected_at</code>, <code>mitigated_at</code> and "
    "<code>resolved_at</code>; n counts the postmortems that record both.</li>"
    "<li><strong>Quarter</strong>: that of <code>started_at</code> in UTC.</li>"
    "<li><strong>Median, p90</strong>: linear-interpolated percentiles; the mean only "
    "beside the median.</li>"
    "<li><strong>Overdue</strong>: open or in progress, and due before the as-of day (due "
    "on the day is not overdue; done and won't do never are).</li>"
    "<li><strong>Recurring factor</strong>: named by two or more postmortems.</li>"
    "<li><strong>Completion</strong>: done items out of all items not marked won't do.</li>"
    "<li><strong>Drafts</strong> are left out of every figure.</li></ul>"
)


def _percent(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.0%}"


def _levels(ctx: Context) -> list[str]:
    used = set(ctx.figures["by_severity"])
    return [level for level in ctx.catalog.taxonomy.severities if level in used] + sorted(
        used - set(ctx.catalog.taxonomy.severities)
    )


def _subpage(ctx: Context, here: str, name: str) -> str:
    return link(ctx.rel(here, urls.ANALYTICS_PAGES[name]), TITLES[name])


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
    figures_html = "".join(
        f'<div class="pm-figure"><span class="pm-figure__value">{esc(value)}</span>'
        f'<span class="pm-figure__label">{esc(label)}</span></div>'
        for value, label in tiles
    )
    ways = [
        _subpage(ctx, here, "severity") + ": postmortems per quarter by severity.",
        _subpage(ctx, here, "durations")
        + ": distributions per quarter and per severity, with medians, p90 and n.",
        _subpage(ctx, here, "factors")
        + ": how often each factor is named, which recur, when, and which occur together.",
        _subpage(ctx, here, "action-items")
        + ": overdue items, owners and teams, completion, age and the severity SLAs.",
        link(ctx.rel(here, urls.REPORTS), "Quarterly trend reports")
        + ": each quarter against the one before, ready to print.",
        link(ctx.rel(here, stats.JSON_PATH), "stats.json")
        + ": every figure as JSON, the same as <code>postmortems stats --json</code>.",
    ]
    html = (
        '<h1 id="analytics">Analytics</h1>\n'
        f'<p class="pm-muted">Over {f["count"]} published postmortems; drafts are left out. '
        f"Overdue is judged as of {day(ctx.catalog.as_of)}.</p>\n"
        f'<div class="pm-figures">{figures_html}</div>\n'
        '<h2 id="ways-in">Ways in</h2>\n<ul class="pm-ways">'
        + "".join(f"<li>{w}</li>" for w in ways)
        + "</ul>\n"
        + DEFINITIONS
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
    rows = []
    for i, quarter in enumerate(shown):
        total = quarters.get(quarter, {}).get("count", 0)
        label = _marked(ctx, quarter)
        report = link(ctx.rel(here, urls.report(quarter)), label) if quarter in quarters else label
        rows.append([report, *(str(counts[level][i]) for level in levels), str(total)])
    numbers = table(
        ["Quarter", *(severity_badge(ctx.catalog, level) for level in levels), "Total"],
        rows,
        "pm-numbers",
    )
    running = _running(ctx) if _running(ctx) in shown else ""
    earlier = len([q for q in quarters if shown and q < shown[0]])
    note = (
        f" The {earlier} earlier quarter{'s' * (earlier != 1)} with postmortems "
        "are in the quarterly reports."
        if earlier
        else ""
    )
    chart = figure(
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
        numbers=numbers,
    )
    totals = table(
        ["Severity", "Postmortems", "Action item SLA"],
        [
            [
                link(
                    ctx.rel(here, urls.term("severity", level)),
                    term_label(ctx.catalog, "severity", level),
                ),
                str(ctx.figures["by_severity"].get(level, 0)),
                _sla(ctx, level),
            ]
            for level in ctx.catalog.taxonomy.severities
        ],
    )
    html = (
        f'<h1 id="severity-trends">{esc(TITLES["severity"])}</h1>\n'
        f'<p class="pm-muted">{ctx.figures["count"]} published postmortems; drafts left '
        "out.</p>\n" + chart + '\n<h2 id="all-time">All time</h2>\n' + totals
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
    parts = [
        f'<h1 id="durations">{esc(TITLES["durations"])}</h1>\n',
        '<p class="pm-muted">Minutes from <code>started_at</code> to <code>detected_at</code>, '
        "<code>mitigated_at</code> and <code>resolved_at</code>. Charts use a logarithmic "
        "scale: each box spans the middle half of the incidents, its line is the median, "
        f"and every dot is one postmortem; past {charts.MAX_POINTS} postmortems in a row, "
        f"the dots are {charts.MAX_POINTS} evenly spaced quantiles of them, which keep the "
        "shape.</p>\n",
        WHY_MEDIANS,
    ]
    for name, label in metrics.DURATION_LABELS.items():
        slug = name.replace("_", "-")
        overall = ctx.figures[stats.duration_key(name)]
        parts.append(
            f'\n<h2 id="{slug}">{esc(label)}</h2>\n<p>Median {minutes_cell(overall["median"])}, '
            f"p90 {minutes_cell(overall['p90'])}, n = {overall['n']} "
            f"(mean {minutes_cell(overall['mean'])}).</p>\n"
        )
        by_quarter = [
            (q, [float(v) for v in incidents[incidents["quarter"] == q][name].dropna()])
            for q in dated
        ]
        rows = [
            [
                link(ctx.rel(here, urls.report(q)), _marked(ctx, q)),
                *distribution_cells(ctx.figures["quarters"][q][stats.duration_key(name)]),
            ]
            for q, _ in by_quarter
        ]
        parts.append(
            figure(
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
                numbers=table(["Quarter", *DISTRIBUTION_HEAD], rows, "pm-numbers"),
            )
        )
        minutes = {level: incidents[incidents["severity"] == level][name] for level in levels}
        by_level = [(level, [float(v) for v in minutes[level].dropna()]) for level in levels]
        rows = [
            [severity_badge(ctx.catalog, level), *distribution_cells(distribution(minutes[level]))]
            for level in levels
        ]
        parts.append(
            figure(
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
                numbers=table(["Severity", *DISTRIBUTION_HEAD], rows, "pm-numbers"),
            )
        )
    page.markdown = page.slot("durations", "".join(parts))
    return page


def factor_page(ctx: Context) -> Page:
    here = urls.ANALYTICS_PAGES["factors"]
    page = Page(src_uri=here, title=TITLES["factors"], in_nav=True)
    catalog = ctx.catalog
    named = ctx.figures["contributing_factors"]
    spread = factors.spread(ctx.frames)

    def factor_link(key: str) -> str:
        return link(ctx.rel(here, urls.term("factors", key)), term_label(catalog, "factors", key))

    rows = []
    for f in named:
        seen = (
            [str(q) for q, n in spread.loc[f["key"]].items() if n]
            if f["key"] in spread.index
            else []
        )
        rows.append(
            [
                factor_link(f["key"]),
                str(f["count"]),
                "recurring" if f["recurring"] else "once",
                esc(seen[0]) if seen else "\u2013",
                esc(seen[-1]) if seen else "\u2013",
                str(len(seen)),
            ]
        )
    top = named[:FACTOR_BARS]
    frequency = figure(
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
        numbers=table(
            ["Factor", "Postmortems", "Recurs", "First seen", "Last seen", "Quarters"],
            rows,
            "pm-numbers",
        ),
    )
    quarters = [q for q in window(list(ctx.figures["quarters"])) if q in spread.columns][
        -SPREAD_QUARTERS:
    ]
    keys = [str(k) for k in spread.index[:SPREAD_ROWS]]
    grid = spread.loc[keys, quarters].astype(int).values.tolist() if quarters else []
    spread_html = figure(
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
        numbers=table(
            ["Factor", *(esc(_marked(ctx, q)) for q in quarters)],
            [
                [factor_link(k), *(str(n) if n else "" for n in row)]
                for k, row in zip(keys, grid, strict=True)
            ],
            "pm-numbers pm-grid",
        ),
    )
    pairs, total_pairs = factors.pairs(ctx.frames)
    pairs_html = (
        table(
            ["Factor", "Named with", "Postmortems naming both"],
            [[factor_link(a), factor_link(b), str(n)] for a, b, n in pairs],
        )
        + (
            f'<p class="pm-muted">The {len(pairs)} most frequent of {total_pairs} pairs.</p>'
            if total_pairs > len(pairs)
            else ""
        )
        if pairs
        else '<p class="pm-empty">No postmortem names two factors.</p>'
    )
    unused = factors.never_named(ctx.frames)
    unused_html = (
        "<p>Factors of the taxonomy no published postmortem names: "
        + ", ".join(factor_link(k) for k in unused)
        + ".</p>"
        if unused
        else ""
    )
    html = (
        f'<h1 id="factors">{esc(TITLES["factors"])}</h1>\n'
        f'<p class="pm-muted">Over {ctx.figures["count"]} published postmortems. Each factor '
        "counts once per postmortem.</p>\n"
        + frequency
        + '\n<h2 id="spread">Spread over quarters</h2>\n'
        + spread_html
        + '\n<h2 id="together">Factors that occur together</h2>\n'
        + pairs_html
        + unused_html
    )
    page.markdown = page.slot("factors", html)
    return page


def _more(total: int, noun: str, data_href: str) -> str:
    if total <= LIST_LIMIT:
        return ""
    return (
        f'<p class="pm-muted">The {LIST_LIMIT} most overdue of {total:,} {noun}; all of them '
        f"are in {link(data_href, 'stats.json')} (<code>overdue_action_items</code>).</p>"
    )


def _late_publications(ctx: Context, here: str) -> str:
    """The postmortems past their severity's publish deadline (`deadlines`), drafts too:
    linked only when this build publishes them. Nothing when no severity sets one."""
    catalog = ctx.catalog
    levels = catalog.taxonomy.severities.values()
    if all(level.publish_within_days is None for level in levels):
        return ""
    late = catalog.late
    rows = [
        [
            ctx.postmortem(here, p.path, p.postmortem),
            esc(p.title),
            severity_badge(catalog, p.severity),
            esc(p.status),
            day(p.resolved_at),
            day(p.deadline),
            f'<span class="pm-overdue">{days_text(p.days_late)}</span>',
        ]
        for p in late[:LIST_LIMIT]
    ]
    listed = (
        table(
            ["Postmortem", "Title", "Severity", "Status", "Resolved", "Deadline", "Late by"],
            rows,
            "pm-items pm-late-publications",
        )
        + (
            f'<p class="pm-muted">The {LIST_LIMIT} most late of {len(late):,}; '
            "<code>postmortems overdue</code> lists them all.</p>"
            if len(late) > LIST_LIMIT
            else ""
        )
        if rows
        else '<p class="pm-empty">No postmortem is past its publish deadline.</p>'
    )
    return (
        f'\n<h2 id="late-publications">Past the publish deadline ({len(late)})</h2>\n'
        '<p class="pm-muted">Postmortems still in draft or in review after the days their '
        "severity's <code>publish_within_days</code> in the taxonomy allows from "
        f"<code>resolved_at</code> (its UTC day), as of {day(catalog.as_of)}. Drafts are "
        "listed though their pages are not published.</p>\n" + listed
    )


def _quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _running(ctx: Context) -> str:
    """The quarter of the as-of day: still running, so its figures are partial."""
    return _quarter_of(ctx.catalog.as_of)


def _marked(ctx: Context, quarter: str) -> str:
    """A quarter's label in charts and tables, "(partial)" when it is still running."""
    return f"{quarter} (partial)" if quarter == _running(ctx) else quarter


def _burn_down(ctx: Context, here: str) -> str:
    """Open items at each quarter's end, oldest first, up to the running quarter (partial)."""
    shown = window(list(ctx.figures["quarters"]))
    if shown:
        shown = quarter_span(shown[0], max(shown[-1], _quarter_of(ctx.catalog.as_of)))
    result = burndown.burn_down(ctx.frames, shown)
    labels = [f"{end.quarter} (partial)" if end.partial else end.quarter for end in result.ends]
    running = [end.quarter for end in result.ends if end.partial]
    undated = result.closed_undated
    note = (
        f" {undated} item{'s were' if undated != 1 else ' was'} closed with no "
        "<code>closed_on</code>: when is unknown, so "
        f"{'they count' if undated != 1 else 'it counts'} as closed at every quarter's end, "
        "and the earlier bars may be too low."
        if undated
        else ""
    )
    partial_note = (
        f" {running[0]} is still running, so partial: its bar is hatched and counts items open on "
        f"{ctx.figures['as_of']}."
        if running
        else ""
    )
    return (
        '\n<h2 id="burn-down">Open items at the end of each quarter</h2>\n'
        '<p class="pm-muted">An item is open at the end of a quarter if its postmortem is of that '
        "quarter or an earlier one (the quarter of <code>started_at</code>, else of "
        "<code>date</code>) and it was not closed by then: it is open or in progress today, "
        f"or its <code>closed_on</code> is after that end.{note}</p>\n"
        + figure(
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
            numbers=table(
                ["Quarter", "Open at the end"],
                [
                    [esc(label), str(end.open)]
                    for label, end in zip(labels, result.ends, strict=True)
                ],
                "pm-numbers pm-burn-down",
            ),
        )
    )


def action_page(ctx: Context) -> Page:
    here = urls.ANALYTICS_PAGES["action-items"]
    # The item tables need the width the table of contents would take.
    page = Page(src_uri=here, title=TITLES["action-items"], in_nav=True, hide=["toc"])
    catalog = ctx.catalog
    items = ctx.figures["action_items"]
    overdue = stats.overdue_items(ctx.frames)
    overdue_rows = [
        [
            ctx.postmortem(here, row["path"], row["postmortem"]),
            esc(row["title"]),
            esc(row["owner"] or "\u2013"),
            day(row["due"]),
            f'<span class="pm-overdue">{days_text(int(row["days_overdue"]))}</span>',
            esc(row["status"]),
            severity_badge(catalog, row["severity"]),
        ]
        for row in overdue.head(LIST_LIMIT).to_dict("records")
    ]
    overdue_html = (
        table(
            ["Postmortem", "Action item", "Owner", "Due", "Overdue by", "Status", "Severity"],
            overdue_rows,
            "pm-items pm-overdue-items",
        )
        + _more(len(overdue), "overdue items", ctx.rel(here, stats.JSON_PATH))
        if overdue_rows
        else '<p class="pm-empty">No action item is overdue.</p>'
    )

    def counts_table(column: str, noun: str) -> str:
        frame = actions.counts_by(ctx.frames, column)
        rows = [
            [
                link(ctx.rel(here, urls.term("teams", str(r["key"]))), str(r["key"]))
                if column == "teams" and not str(r["key"]).startswith("(")
                else esc(r["key"]),
                str(int(r["items"])),
                str(int(r["open"])),
                str(int(r["overdue"])),
                str(int(r["done"])),
            ]
            for r in frame.head(LIST_LIMIT).to_dict("records")
        ]
        more = (
            f'<p class="pm-muted">The first {LIST_LIMIT} of {len(frame)} {noun}s.</p>'
            if len(frame) > LIST_LIMIT
            else ""
        )
        return table([noun.capitalize(), "Items", "Open", "Overdue", "Done"], rows) + more

    by_severity = []
    for level in _levels(ctx):
        rows = ctx.frames.items[ctx.frames.items["severity"] == level]
        by_severity.append(
            [
                severity_badge(catalog, level),
                str(len(rows)),
                str(int((rows["status"] == "done").sum())),
                str(int((rows["status"] == "wont-do").sum())),
                _percent(stats.completion_rate(rows)),
            ]
        )
    ages = actions.ages(ctx.frames)
    age_html = figure(
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
        numbers=table(
            ["Age", "Open items", "Overdue"],
            [[esc(label), str(total), str(late)] for label, total, late in ages],
            "pm-numbers",
        ),
    )
    late = actions.past_sla(ctx.frames)
    sla_rows = [
        [
            ctx.postmortem(here, p.path, p.postmortem),
            esc(p.title),
            severity_badge(catalog, p.severity),
            days_text(p.sla_days),
            day(p.due),
            days_text(p.days_beyond) if p.days_beyond is not None else "no due date",
            esc(p.status),
            esc(p.priority),
        ]
        for p in late[:LIST_LIMIT]
    ]
    sla_html = (
        table(
            [
                "Postmortem",
                "Action item",
                "Severity",
                "SLA",
                "Due",
                "Past the SLA by",
                "Status",
                "Priority",
            ],
            sla_rows,
            "pm-items",
        )
        + (
            f'<p class="pm-muted">The first {LIST_LIMIT} of {len(late)}, furthest past first; '
            f"{link(ctx.rel(here, 'data/postmortems.json'), 'the data export')} has every item.</p>"
            if len(late) > LIST_LIMIT
            else ""
        )
        if late
        else '<p class="pm-empty">Every action item is due within its severity\'s SLA.</p>'
    )
    doable = items["total"] - items["wont_do"]
    html = (
        f'<h1 id="action-items">{esc(TITLES["action-items"])}</h1>\n'
        f"<p>{items['total']} action items: {items['done']} done, {items['in_progress']} in "
        f"progress, {items['open']} open, {items['wont_do']} won't do. Completion: "
        f"<strong>{_percent(items['completion_rate'])}</strong> (done of the {doable} not "
        f"marked won't do). <strong>{items['overdue']}</strong> overdue as of "
        f"{day(catalog.as_of)}: open or in progress, due before that day.</p>\n"
        f'<h2 id="overdue">Overdue ({len(overdue_rows)})</h2>\n'
        + overdue_html
        + _late_publications(ctx, here)
        + '\n<h2 id="by-owner">By owner</h2>\n'
        + counts_table("owner", "owner")
        + '\n<h2 id="by-team">By team</h2>\n<p class="pm-muted">An item counts for every team '
        "of its postmortem.</p>\n"
        + counts_table("teams", "team")
        + '\n<h2 id="completion">Completion by severity</h2>\n'
        + table(["Severity", "Items", "Done", "Won't do", "Completion"], by_severity)
        + '\n<h2 id="age">Age of open items</h2>\n'
        + age_html
        + _burn_down(ctx, here)
        + '\n<h2 id="sla">Due later than the severity allows</h2>\n<p class="pm-muted">Items '
        "whose due date is later than the start of their incident (UTC day) plus their "
        "severity's <code>action_item_sla_days</code> in the taxonomy, or that have no due "
        "date; won't-do items are left out.</p>\n" + sla_html
    )
    page.markdown = page.slot("actions", html)
    return page


def pages(ctx: Context) -> list[Page]:
    return [index(ctx), severity(ctx), durations(ctx), factor_page(ctx), action_page(ctx)]
