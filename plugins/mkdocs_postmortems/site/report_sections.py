"""What the report template (`templates/reports/report.html`) reads of a quarter's data
(`analytics.report_data`) besides the data itself: the impact figures as sentences, the
trend's rows with their labels, and the pages of the postmortems the data names by id."""

from __future__ import annotations

from typing import Any

from mkdocs_postmortems.analytics import report_data
from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.context import Context
from mkdocs_postmortems.site.figures import LIST_LIMIT


class Sections:
    """One report page's sections; `paths` finds a postmortem's page from its id."""

    repeat_days = report_data.REPEAT_DAYS

    def __init__(self, ctx: Context, here: str, data: dict[str, Any], paths: dict[str, str]):
        self.ctx, self.here, self.data, self.paths = ctx, here, data, paths

    def postmortem(self, ident: str) -> str | None:
        """The href of the postmortem `ident`'s page, if this build publishes it."""
        path = self.paths.get(ident)
        return self.ctx.page_href(self.here, path) if path else None

    def _terms(self, kind: str, keys: list[str]) -> list[tuple[str, str]]:
        return [(key, self.ctx.href(self.here, urls.term(kind, key))) for key in keys]

    @property
    def repeats(self) -> list[dict[str, Any]]:
        """The first `LIST_LIMIT` repeats, each postmortem with the href of its page (None
        when unpublished) and its services and factors as (key, href)."""
        return [
            {
                "postmortem": r["postmortem"],
                "postmortem_href": self.postmortem(r["postmortem"]),
                "earlier": r["earlier"],
                "earlier_href": self.postmortem(r["earlier"]),
                "days_apart": r["days_apart"],
                "services": self._terms("services", r["services"]),
                "factors": self._terms("factors", r["factors"]),
            }
            for r in self.data["repeats"][:LIST_LIMIT]
        ]

    @property
    def lessons(self) -> list[dict[str, Any]]:
        """The quotes, each with the href of its postmortem's page (None if unpublished)."""
        return [
            {**quote, "href": self.postmortem(quote["postmortem"])}
            for quote in self.data["lessons"]
        ]

    @property
    def impact(self) -> list[tuple[str, str]]:
        impact = self.data["impact"]
        users, revenue = impact["users_affected"], impact["revenue_usd"]
        n = self.data["count"]
        return [
            ("Customer-facing incidents", f"{impact['customer_facing']} of {n}"),
            ("Incidents with data loss", f"{impact['data_loss']} of {n}"),
            (
                "Users affected",
                f"{users['total']:,} (recorded as a number by {users['known']} of {n})",
            ),
            ("Revenue lost (USD)", f"{revenue['total']:,} (recorded by {revenue['known']} of {n})"),
        ]

    @property
    def trend(self) -> list[dict[str, Any]]:
        """The quarters of the trend, a year earlier first when the data has it: each with
        its label, count, severe count and time to resolve (`resolve`)."""
        lines = list(self.data["trend"])
        earlier = self.data["year_earlier"] or {"quarter": ""}
        if earlier["quarter"] and all(line["quarter"] != earlier["quarter"] for line in lines):
            lines.insert(0, earlier)
        rows = []
        for line in lines:
            name = line["quarter"]
            if name == self.data["quarter"] and self.data["partial"]:
                name += " (partial)"
            elif name == earlier["quarter"]:
                name += " (a year earlier)"
            rows.append(
                {
                    "label": name,
                    "count": line["count"],
                    "severe": line["severe"],
                    "resolve": line["time_to_resolve_minutes"],
                }
            )
        return rows
