"""Quarterly trend reports: each quarter against the one before, written to be printed
and handed on, with the honest verdict on whether a change is more than noise. The pages'
HTML comes from the templates `reports/*.html` (`site.templates`)."""

from __future__ import annotations

from typing import Any

from mkdocs_postmortems.analytics import noise, report_data
from mkdocs_postmortems.analytics import quarters as quarter_figures
from mkdocs_postmortems.analytics.quarters import Report
from mkdocs_postmortems.analytics.summary import SMALL_N
from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.site import charts, colours, report_sections, templates, urls
from mkdocs_postmortems.site.common import Page, term_label
from mkdocs_postmortems.site.context import Context
from mkdocs_postmortems.site.figures import LIST_LIMIT, chart, severity_colour


def _change(current: int, previous: int) -> str:
    delta = current - previous
    return "no change" if delta == 0 else f"{delta:+d}"


def _count_sentence(report: Report) -> dict[str, str]:
    """The count against the quarter before, in words: noun, comparison and verdict."""
    n, before = report.count, report.previous_count
    direction = (
        f"up from {before}"
        if n > before
        else f"down from {before}"
        if n < before
        else f"the same as the {before}"
    )
    compare = f"{direction} in {report.previous}"
    if not report.complete:  # a bare "down from" would compare some days with a quarter
        seen = (report.judged_on - report.first).days + 1
        days = (report.last - report.first).days + 1
        compare = f"in its first {seen} of {days} days, against {before} in the whole of "
        compare += report.previous
        if seen <= 0:  # postmortems dated after the as-of day: no day of it is observed yet
            compare = f"though the quarter starts after the as-of day, {report.judged_on}"
    verdict = report.count_verdict.text
    return {
        "noun": "postmortem" if n == 1 else "postmortems",
        "compare": compare,
        "verdict": verdict[:1].upper() + verdict[1:],
    }


def _tests_note(report: Report) -> str:
    """Beside the verdicts: how many tests the report ran and that they were adjusted."""
    labels = {"count": "the count of postmortems"} | {
        name: label.lower() for name, label in metrics.DURATION_LABELS.items()
    }
    return noise.adjustment_note(report.tests, labels)


def page(
    ctx: Context, report: Report, data: dict[str, Any], paths: dict[str, str] | None = None
) -> Page:
    """The report of one quarter: the headline in plain words, the sections, the method.
    `data` is the quarter's `report_data`; `paths` each postmortem's source by id."""
    here = urls.report(report.quarter)
    catalog = ctx.catalog
    title = f"{report.quarter} trend report"
    result = Page(src_uri=here, title=title, hide=["navigation"])
    levels = list(report.severities)
    # The running quarter is marked in its charts and tables: its figures are not complete.
    shown = report.quarter if report.complete else f"{report.quarter} (partial)"
    severity = chart(
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
    )
    incidents = ctx.frames.incidents
    resolve_values = [
        (
            quarter,
            [
                float(v)
                for v in incidents[incidents["quarter"] == quarter]["time_to_resolve"].dropna()
            ],
        )
        for quarter in (report.previous, report.quarter)
    ]
    resolve = chart(
        catalog,
        ctx.files,
        here,
        f"reports/{report.quarter}-time-to-resolve.svg",
        charts.distributions(
            [
                (shown if quarter == report.quarter else quarter, values, colours.DATA)
                for quarter, values in resolve_values
            ],
            xlabel="Time to resolve (log scale)",
        ),
        alt=f"Box and strip plot of time to resolve in {report.previous} and "
        f"{shown}; the table beside it gives medians, p90 and n for detect, "
        "mitigate and resolve.",
        caption="Time to resolve, this quarter against the one before; every dot is one "
        "postmortem.",
    )
    durations = [  # oldest first, as every table of quarters
        {
            "label": label,
            "then": report.durations[name].previous,
            "now": report.durations[name].current,
            "verdict": report.durations[name].verdict.text,
        }
        for name, label in metrics.DURATION_LABELS.items()
    ]
    overdue = [
        {
            "href": ctx.page_href(here, row["path"]),
            "postmortem": row["postmortem"],
            "title": row["title"],
            "owner": row["owner"],
            "due": row["due"],
            "days": int(row["days_at_end"]),
            "status": row["status"],
            "closed_on": row["closed_on"],
        }
        for row in report.overdue_at_end.head(LIST_LIMIT).to_dict("records")
    ]
    own = [item for item in (ctx.by_path.get(path) for path in report.paths) if item is not None]
    own.sort(key=lambda item: item.sort_key())
    html = templates.render(
        catalog.templates,
        "reports/report.html",
        catalog=catalog,
        here=here,
        title=title,
        report=report,
        data=data,
        shown=shown,
        headline=report_data.headline(data),
        count_sentence=_count_sentence(report),
        severity=severity,
        severities=[
            {"level": level, "then": then, "now": now, "change": _change(now, then)}
            for level, (now, then) in report.severities.items()
        ],
        resolve=resolve,
        durations=durations,
        tests_note=_tests_note(report),
        overdue=overdue,
        overdue_total=len(report.overdue_at_end),
        median_days_to_close=_days_or_dash(data["action_items"]["median_days_to_close"]),
        limit=LIST_LIMIT,
        sections=report_sections.Sections(ctx, here, data, paths or {}),
        postmortems=[{"item": item, "href": ctx.href(here, item.src_uri)} for item in own],
        small_n=SMALL_N,
        method=report_data.METHOD,
        data_path=report_data.json_path(report.quarter),
    )
    result.markdown = result.slot("report", html)
    return result


def index(ctx: Context, reports: list[Report]) -> Page:
    here = urls.REPORTS
    result = Page(src_uri=here, title="Quarterly reports", in_nav=True)
    rows = [  # oldest first, as every chart and table of quarters
        {
            "key": report.quarter,
            "label": report.quarter if report.complete else f"{report.quarter} (partial)",
            "count": report.count,
            "severities": [(level, now) for level, (now, _) in report.severities.items() if now],
            "resolve": report.durations["time_to_resolve"].current,
            "overdue": len(report.overdue_at_end),
        }
        for report in reports
    ]
    html = templates.render(
        ctx.catalog.templates, "reports/index.html", catalog=ctx.catalog, here=here, quarters=rows
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
