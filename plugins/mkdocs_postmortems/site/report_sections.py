"""The sections of a quarterly report page made from its data (`analytics.report_data`):
customer impact, services, repeats, follow-up process, trend, lessons and the method note.
Every value passes through `esc` or `link`: postmortems are hostile input."""

from __future__ import annotations

from typing import Any

from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.analytics import report_data
from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.context import Context
from mkdocs_postmortems.site.html import esc, link, table


class Sections:
    """One report page's sections; `paths` finds a postmortem's page from its id."""

    def __init__(self, ctx: Context, here: str, data: dict[str, Any], paths: dict[str, str]):
        self.ctx, self.here, self.data, self.paths = ctx, here, data, paths

    def postmortem(self, ident: str) -> str:
        path = self.paths.get(ident)
        return self.ctx.postmortem(self.here, path, ident) if path else esc(ident)

    def terms(self, kind: str, keys: list[str]) -> str:
        return ", ".join(link(self.ctx.rel(self.here, urls.term(kind, key)), key) for key in keys)

    def headline(self) -> str:
        return (
            f'<p class="pm-headline"><strong>{esc(report_data.headline(self.data))}</strong></p>\n'
        )

    def impact(self) -> str:
        impact = self.data["impact"]
        users, revenue = impact["users_affected"], impact["revenue_usd"]
        n = self.data["count"]
        rows = [
            ["Customer-facing incidents", f"{impact['customer_facing']} of {n}"],
            ["Incidents with data loss", f"{impact['data_loss']} of {n}"],
            [
                "Users affected",
                f"{users['total']:,} (recorded as a number by {users['known']} of {n})",
            ],
            [
                "Revenue lost (USD)",
                f"{revenue['total']:,} (recorded by {revenue['known']} of {n})",
            ],
        ]
        return '<h2 id="impact">Customer impact</h2>\n' + table(
            ["", "This quarter"], [[esc(a), esc(b)] for a, b in rows], "pm-numbers"
        )

    def services(self) -> str:
        rows = [
            [
                link(self.ctx.rel(self.here, urls.term("services", s["service"])), s["service"]),
                str(s["postmortems"]),
                esc(metrics.format_minutes(s["minutes"])),
            ]
            for s in self.data["services"]
        ]
        body = (
            table(["Service", "Postmortems", "Incident time (sum)"], rows, "pm-numbers")
            if rows
            else '<p class="pm-empty">No service named this quarter.</p>'
        )
        return (
            '<h2 id="services">Services</h2>\n<p>Ranked by postmortems, then by incident '
            "time (the sum of the known times to resolve), then by name.</p>\n" + body
        )

    def repeats(self) -> str:
        rows = [
            [
                self.postmortem(r["postmortem"]),
                self.postmortem(r["earlier"]),
                esc(str(r["days_apart"])),
                self.terms("services", r["services"]),
                self.terms("factors", r["factors"]),
            ]
            for r in self.data["repeats"]
        ]
        body = (
            table(
                ["Postmortem", "Repeats", "Days apart", "Services", "Contributing factors"],
                rows,
                "pm-items",
            )
            if rows
            else '<p class="pm-empty">None.</p>'
        )
        return (
            '<h2 id="repeats">Repeats</h2>\n<p>Postmortems of the quarter that started within '
            f"{report_data.REPEAT_DAYS} days after an earlier published one on the same service "
            "with the same contributing factor.</p>\n" + body
        )

    def process(self) -> str:
        lag = self.data["publish_lag_days"]
        process = self.data["process"]
        median = "\u2013" if lag["median"] is None else f"{lag['median']} days"
        return (
            '<h2 id="process">Process</h2>\n'
            f"<p>From resolution to the written postmortem: median {esc(median)} "
            f"(n = {lag['n']}). As of {esc(self.data['as_of'])}: {process['drafts']} "
            f"draft{'s' * (process['drafts'] != 1)} and {process['in_review']} in review.</p>\n"
        )

    def trend(self) -> str:
        lines = list(self.data["trend"])
        earlier = self.data["year_earlier"] or {"quarter": ""}
        if earlier["quarter"] and all(line["quarter"] != earlier["quarter"] for line in lines):
            lines.insert(0, earlier)
        rows = []
        for line in lines:
            resolve = line["time_to_resolve_minutes"]
            name = line["quarter"]
            if name == self.data["quarter"] and self.data["partial"]:
                name += " (partial)"
            elif name == earlier["quarter"]:
                name += " (a year earlier)"
            rows.append(
                [
                    esc(name),
                    str(line["count"]),
                    str(line["severe"]),
                    f"{esc(metrics.format_minutes(resolve['median']))} (n = {resolve['n']})",
                ]
            )
        levels = " or ".join(self.data["severe"]["levels"])
        return '<h2 id="trend">Trend</h2>\n' + table(
            ["Quarter", "Postmortems", esc(levels), "Median time to resolve"], rows, "pm-numbers"
        )

    def lessons(self) -> str:
        quotes = self.data["lessons"]
        if not quotes:
            return (
                '<h2 id="lessons">Lessons</h2>\n<p class="pm-empty">No postmortem of the '
                "quarter has a Lessons Learned or Where We Got Lucky section.</p>\n"
            )
        return (
            '<h2 id="lessons">Lessons</h2>\n<ul class="pm-lessons">'
            + "".join(
                f"<li>{self.postmortem(q['postmortem'])}, {esc(q['section'])}: "
                f"<q>{esc(q['text'])}</q></li>"
                for q in quotes
            )
            + "</ul>\n"
        )


def method(ctx: Context, here: str, quarter: str) -> str:
    data_link = link(ctx.rel(here, report_data.json_path(quarter)), "JSON")
    return (
        '<h2 id="method">Method</h2>\n'
        f'<p class="pm-muted pm-method">{esc(report_data.METHOD)} ({data_link}.)</p>\n'
    )
