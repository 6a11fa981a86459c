"""Quarterly trend reports: each quarter against the one before, written to be printed
and handed on, with the honest verdict on whether a change is more than noise."""

from __future__ import annotations

from typing import Any

from mkdocs_postmortems.site import charts, colours
from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.analytics import noise, report_data
from mkdocs_postmortems.analytics import quarters as quarter_figures
from mkdocs_postmortems.analytics.quarters import Report
from mkdocs_postmortems.site import report_sections, urls
from mkdocs_postmortems.site.common import Page, day, severity_badge, summary_list, term_label
from mkdocs_postmortems.site.context import Context
from mkdocs_postmortems.site.figures import (
    LIST_LIMIT,
    days_text,
    figure,
    minutes_cell,
    severity_colour,
    small_n,
)
from mkdocs_postmortems.site.html import esc, link, table


def _change(current: int, previous: int) -> str:
    delta = current - previous
    return "no change" if delta == 0 else f"{delta:+d}"


def _count_sentence(report: Report) -> str:
    n, before = report.count, report.previous_count
    direction = (
        f"up from {before}"
        if n > before
        else f"down from {before}"
        if n < before
        else f"the same as the {before}"
    )
    noun = "postmortem" if n == 1 else "postmortems"
    compare = f"{direction} in {esc(report.previous)}"
    if not report.complete:  # a bare "down from" would compare some days with a quarter
        seen = (report.judged_on - report.first).days + 1
        days = (report.last - report.first).days + 1
        compare = f"in its first {seen} of {days} days, against {before} in the whole of "
        compare += esc(report.previous)
        if seen <= 0:  # postmortems dated after the as-of day: no day of it is observed yet
            compare = f"though the quarter starts after the as-of day, {report.judged_on}"
    verdict = report.count_verdict.text
    return (
        f"<p><strong>{n} {noun}</strong>, {compare}. "
        f"Is that a change? {esc(verdict[:1].upper() + verdict[1:])}.</p>"
    )


def _duration_rows(report: Report) -> list[list[str]]:
    rows = []
    for name, label in metrics.DURATION_LABELS.items():
        change = report.durations[name]
        now, then = change.current, change.previous
        rows.append(
            [  # oldest first, as every table of quarters
                esc(label),
                f"{minutes_cell(then['median'])} (p90 {minutes_cell(then['p90'])}, "
                f"n = {then['n']})",
                f"{minutes_cell(now['median'])} (p90 {minutes_cell(now['p90'])}, n = {now['n']}) "
                + small_n(now["n"]),
                esc(change.verdict.text),
            ]
        )
    return rows


def _tests_note(report: Report) -> str:
    """Beside the verdicts: how many tests the report ran and that they were adjusted."""
    labels = {"count": "the count of postmortems"} | {
        name: label.lower() for name, label in metrics.DURATION_LABELS.items()
    }
    return f'<p class="pm-muted">{esc(noise.adjustment_note(report.tests, labels))}</p>'


def page(
    ctx: Context, report: Report, data: dict[str, Any], paths: dict[str, str] | None = None
) -> Page:
    """The report of one quarter: the headline in plain words, the sections, the method.
    `data` is the quarter's `report_data`; `paths` each postmortem's source by id."""
    here = urls.report(report.quarter)
    sections = report_sections.Sections(ctx, here, data, paths or {})
    catalog = ctx.catalog
    title = f"{report.quarter} trend report"
    result = Page(src_uri=here, title=title, hide=["navigation"])
    period = (
        f"{day(report.first)} to {day(report.last)}"
        if report.complete
        else f"{day(report.first)} to {day(report.judged_on)}: the quarter is not over, "
        "so its figures are partial"
    )
    levels = list(report.severities)
    # The running quarter is marked in its charts and tables: its figures are not complete.
    shown = report.quarter if report.complete else f"{report.quarter} (partial)"
    severity_rows = [
        [
            severity_badge(catalog, level),
            str(then),
            str(now),
            esc(_change(now, then)),
        ]
        for level, (now, then) in report.severities.items()
    ]
    severity_html = figure(
        catalog,
        ctx.files,
        here,
        f"reports/{report.quarter}-severity.svg",
        charts.stacked_bars(
            [report.previous, report.quarter],
            [
                (
                    term_label(catalog, "severity", level),
                    [report.severities[level][1], report.severities[level][0]],
                    severity_colour(catalog, level),
                )
                for level in levels
            ],
            ylabel="Postmortems",
            partial="" if report.complete else report.quarter,
        ),
        alt=f"Stacked bars of postmortems by severity in {report.previous} and "
        f"{shown}; the table beside it gives every count.",
        caption=f"Postmortems by severity, {report.previous} and {shown}.",
        numbers=table(
            ["Severity", esc(report.previous), esc(shown), "Change"],
            severity_rows,
            "pm-numbers",
        ),
    )
    incidents = ctx.frames.incidents
    resolve = [
        (
            quarter,
            [
                float(v)
                for v in incidents[incidents["quarter"] == quarter]["time_to_resolve"].dropna()
            ],
        )
        for quarter in (report.previous, report.quarter)
    ]
    durations_html = (
        figure(
            catalog,
            ctx.files,
            here,
            f"reports/{report.quarter}-time-to-resolve.svg",
            charts.distributions(
                [
                    (shown if quarter == report.quarter else quarter, values, colours.DATA)
                    for quarter, values in resolve
                ],
                xlabel="Time to resolve (log scale)",
            ),
            alt=f"Box and strip plot of time to resolve in {report.previous} and "
            f"{shown}; the table beside it gives medians, p90 and n for detect, "
            "mitigate and resolve.",
            caption="Time to resolve, this quarter against the one before; every dot is one "
            "postmortem.",
            numbers=table(
                [
                    "",
                    esc(report.previous),
                    esc(shown),
                    "Shift in distribution (Mann-Whitney)",
                ],
                _duration_rows(report),
                "pm-numbers",
            ),
        )
        + "\n"
        + _tests_note(report)
    )

    def factor_link(key: str) -> str:
        return link(
            catalog.links.rel(here, urls.term("factors", key)), term_label(catalog, "factors", key)
        )

    top = (
        "<ol>"
        + "".join(
            f"<li>{factor_link(k)}: {n} postmortem{'s' * (n != 1)}</li>"
            for k, n in report.top_factors
        )
        + "</ol>"
        if report.top_factors
        else '<p class="pm-empty">No contributing factor named this quarter.</p>'
    )
    newly = (
        "<p>Newly recurring (named by a second postmortem for the first time): "
        + ", ".join(factor_link(k) for k in report.newly_recurring)
        + ".</p>"
        if report.newly_recurring
        else "<p>No factor became recurring this quarter.</p>"
    )
    still_open = report.items_opened - report.items_done - report.items_wont_do
    overdue_rows = [
        [
            ctx.postmortem(here, row["path"], row["postmortem"]),
            esc(row["title"]),
            esc(row["owner"] or "\u2013"),
            day(row["due"]),
            days_text(int(row["days_at_end"])),
            esc(row["status"]),
            day(row["closed_on"]),
        ]
        for row in report.overdue_at_end.head(LIST_LIMIT).to_dict("records")
    ]
    overdue_count = len(report.overdue_at_end)
    overdue_more = (
        f'<p class="pm-muted">The {LIST_LIMIT} longest overdue of {overdue_count:,}; '
        f"{link(catalog.links.rel(here, urls.ANALYTICS_PAGES['action-items']), 'Action items')} "
        "lists those overdue today.</p>"
        if overdue_count > LIST_LIMIT
        else ""
    )
    overdue_html = (
        table(
            [
                "Postmortem",
                "Action item",
                "Owner",
                "Due",
                "Overdue by then",
                "Status today",
                "Closed on",
            ],
            overdue_rows,
            "pm-items",
        )
        + overdue_more
        if overdue_rows
        else '<p class="pm-empty">None.</p>'
    )
    closed = report.items_done + report.items_wont_do
    undated = (
        f" {report.closed_undated} closed item{'s' * (report.closed_undated != 1)} of this "
        "or earlier quarters have no <code>closed_on</code>, so when they closed is unknown: "
        "they count in neither figure."
        if report.closed_undated
        else ""
    )
    items_html = (
        f"<p>Opened this quarter (the action items of its postmortems): "
        f"<strong>{report.items_opened}</strong>. Of them, as of {day(catalog.as_of)}: "
        f"{closed} closed ({report.items_done} done, {report.items_wont_do} won't do), "
        f"{still_open} still open or in progress.</p>\n"
        f"<p>Closed in the quarter (on a day within it): "
        f"<strong>{'at least ' * bool(report.closed_undated)}{report.closed_in_quarter}"
        f"</strong>. Open at the quarter's end: <strong>{data['action_items']['open_at_end']}"
        "</strong>. Median days from the postmortem to an item's closing, of those closed "
        f"in the quarter: {esc(_days_or_dash(data['action_items']['median_days_to_close']))}."
        "</p>\n"
        f"<p>Overdue at the quarter's end ({day(report.judged_on)}): "
        f"<strong>{overdue_count}</strong> items of this or earlier quarters, due before "
        "that day and open then (open or in progress today, or closed after it)."
        f"{undated}</p>\n" + overdue_html
    )
    own = [item for item in (ctx.by_path.get(path) for path in report.paths) if item is not None]
    own.sort(key=lambda item: item.sort_key())
    html = (
        f'<h1 id="report">{esc(title)}</h1>\n'
        f'<p class="pm-muted">{period}. '
        f"{link(catalog.links.rel(here, urls.REPORTS), 'All reports')}.</p>\n"
        + sections.headline()
        + '<h2 id="postmortems">Postmortems and severities</h2>\n'
        + _count_sentence(report)
        + severity_html
        + "\n"
        + sections.impact()
        + sections.services()
        + sections.repeats()
        + '\n<h2 id="durations">Durations</h2>\n'
        + durations_html
        + '\n<h2 id="factors">Contributing factors</h2>\n<p>Most named this quarter:</p>\n'
        + top
        + newly
        + '\n<h2 id="action-items">Action items</h2>\n'
        + items_html
        + "\n"
        + sections.process()
        + sections.trend()
        + sections.lessons()
        + f'\n<h2 id="this-quarter">The quarter\'s postmortems ({report.count})</h2>\n'
        + '<div class="pm-report-postmortems">'
        + summary_list(catalog, here, own)
        + "</div>\n"
        + report_sections.method(ctx, here, report.quarter)
    )
    result.markdown = result.slot("report", html)
    return result


def index(ctx: Context, reports: list[Report]) -> Page:
    here = urls.REPORTS
    result = Page(src_uri=here, title="Quarterly reports", in_nav=True)
    catalog = ctx.catalog
    rows = []
    for report in reports:  # oldest first, as every chart and table of quarters
        resolve = report.durations["time_to_resolve"].current
        label = report.quarter if report.complete else f"{report.quarter} (partial)"
        rows.append(
            [
                link(catalog.links.rel(here, urls.report(report.quarter)), label),
                str(report.count),
                " ".join(
                    f"{severity_badge(catalog, level)}&nbsp;{now}"
                    for level, (now, _) in report.severities.items()
                    if now
                ),
                f"{minutes_cell(resolve['median'])} (n = {resolve['n']})",
                str(len(report.overdue_at_end)),
            ]
        )
    html = (
        '<h1 id="reports">Quarterly reports</h1>\n'
        "<p>One report per quarter with postmortems, oldest first: the quarter against the "
        "one before, with a plain verdict on whether each change is more than chance. A "
        "quarter still running is marked partial: its figures run to the as-of day. They "
        "print cleanly, without the site's navigation.</p>\n"
        + (
            table(
                [
                    "Quarter",
                    "Postmortems",
                    "Severities",
                    "Median time to resolve",
                    "Overdue at end",
                ],
                rows,
                "pm-reports",
            )
            if rows
            else '<p class="pm-empty">No postmortems yet.</p>'
        )
    )
    result.markdown = result.slot("reports", html)
    return result


def pages(ctx: Context) -> list[Page]:
    """The index and every quarter's report; each report's data goes to
    `/data/reports/<YYYY-Qn>.json` as `postmortems report --format json` prints it."""
    reports = [quarter_figures.report(ctx.frames, q) for q in quarter_figures.quarters(ctx.frames)]
    book = report_data.Book(ctx.frames)
    paths = {str(row["id"]): str(row["path"]) for row in book.incidents}
    made = [index(ctx, reports)]
    for report in reports:
        data = book.data(report)
        ctx.files[report_data.json_path(report.quarter)] = report_data.to_json(data).encode()
        made.append(page(ctx, report, data, paths))
    return made


def _days_or_dash(value: float | None) -> str:
    return "\u2013" if value is None else f"{value} days"
