"""The page of one postmortem, story first: what happened, then the author's words, then the
record.

The front matter is rendered by the templates of `templates/postmortem/` (autoescaped, a site
may override each part) in one pass per page; the page is cut at the parts' markers into
the header above the author's Markdown body and the sections below it, whose headings come
from `headings`, written once per build. Only the body goes through Markdown (and is
sanitised afterwards by the plugin); a body section that only repeats a field is left out
(`repeats`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from mkdocs_postmortems.core import metrics, recurrence
from mkdocs_postmortems.core.schema import Impact, TestingKind
from mkdocs_postmortems.site import common, repeats, template_cache, templates, urls
from mkdocs_postmortems.site.catalog import Catalog, Published
from mkdocs_postmortems.site.common import Page
from mkdocs_postmortems.site.headings import TITLE_ID

TESTING_KINDS: tuple[TestingKind, ...] = ("unit", "integration", "manual", "staging", "canary")
FOLD = 5
"""A hotfix's list of files longer than this is folded."""

PAGE = "postmortem/page.html"
INLINED = "postmortem/page.html, its parts written in"
"""The name `compiled` gives the page's template (and its cache entry)."""
_INCLUDE = re.compile(r'\{%-?\s*include\s+"(postmortem/[\w.-]+\.html)"\s*-?%\}')
HEADER = "header"
"""The part that goes above the body; every other part goes below it."""
_MARK = "<!--pm-part "

SECTIONS = (
    "Timeline",
    "Action items",
    "Immediate cause",
    "Contributing factors",
    "Why it was not caught earlier",
    "Impact",
    "Hotfix",
    "Approvals",
    "Communication",
    "Review meeting",
    "Links",
    "Details",
    "Related postmortems",
)
"""The headings a postmortem page may have below its body (`headings.render`), in order."""
_HEADINGS = frozenset(SECTIONS)


def impact_sentence(item: Published) -> tuple[str | None, list[str]]:
    """The impact as a sentence: how long (time to resolve, and to mitigate), then each
    figure the postmortem gives, e.g. ("For 1 h 53 min (mitigated after 29 min)",
    ["12,000 users affected", "$18,500 revenue impact", "no data lost"]). With no figure,
    the duration says so: "For 8 h 18 min; no impact recorded" (or "impact described
    below" when the impact has only words, shown below the body)."""
    resolve = item.durations.get("time_to_resolve")
    mitigate = item.durations.get("time_to_mitigate")
    lead = None
    if resolve is not None:
        lead = f"For {metrics.format_minutes(resolve)}"
        if mitigate is not None and round(mitigate) != round(resolve):
            lead += f" (mitigated after {metrics.format_minutes(mitigate)})"
    elif mitigate is not None:
        lead = f"Mitigated after {metrics.format_minutes(mitigate)}"
    impact = item.postmortem.impact
    parts = _figures(impact)
    if lead is not None and not parts:
        # A bare duration ("For 8 h 18 min.") reads as cut short: say what there is.
        words = impact is not None and (impact.data_impact or impact.reputation)
        lead += "; impact described below" if words else "; no impact recorded"
    if lead is None and parts:
        parts[0] = parts[0][:1].upper() + parts[0][1:]
    return lead, parts


def _figures(impact: Impact | None) -> list[str]:
    if impact is None:
        return []
    parts = []
    users = impact.users_affected
    if isinstance(users, int):
        parts.append(f"{users:,} user{'s' * (users != 1)} affected")
    elif users:
        parts.append(f"users affected: {users}")
    if impact.revenue_usd is not None:
        revenue = f"${impact.revenue_usd:,.2f}".removesuffix(".00")
        parts.append(f"{revenue} revenue impact")
    if impact.data_loss is not None:
        parts.append("data lost" if impact.data_loss else "no data lost")
    if impact.customer_facing is not None:
        parts.append("customer-facing" if impact.customer_facing else "not customer-facing")
    return parts


def resolved_time(started: dt.datetime | None, resolved: dt.datetime | None) -> str | None:
    """`11:05 UTC` when the incident was resolved on the day it started, in the same offset:
    the day need not be read twice."""
    if started is None or resolved is None:
        return None
    if started.date() != resolved.date() or started.utcoffset() != resolved.utcoffset():
        return None
    iso = resolved.isoformat()  # as `templates.when` shows a time, without the day
    return (
        f"{iso[11 : 19 if resolved.second else 16]} {iso[-6:] if resolved.utcoffset() else 'UTC'}"
    )


def action_columns(item: Published) -> frozenset[str]:
    """The optional columns of the action items that some item fills."""
    actions = item.postmortem.action_items
    return frozenset(
        name
        for name in ("owner", "due", "ticket")
        if any(getattr(action, name) is not None for action in actions)
    )


@dataclass(frozen=True)
class Seen:
    """One line of *Seen before*: a factor this postmortem shares with an earlier one."""

    factor: tuple[str, str]
    """(href, label) of the factor's page."""
    href: str
    """The earlier postmortem's page."""
    earlier: recurrence.Earlier
    other: Published
    services: list[tuple[str, str]]
    """(href, label) of each service both named."""
    still_open: str
    """`2 of its action items are still open`."""


def _recurrence(catalog: Catalog, item: Published, links: Links) -> dict[str, Any] | None:
    """Earlier published postmortems that named one of this one's factors on one of its
    services and still have open action items (`recurrence`): a line per shared factor."""
    alert = catalog.recurring.alert(item.entry)
    if not alert.earlier:
        return None
    lines: list[Seen] = []
    for earlier in alert.earlier:
        other = catalog.items[links.by_path()[earlier.entry.path]]
        services = [links.term("services", key) for key in earlier.services]
        still_open = recurrence.open_text(earlier)
        lines.extend(
            Seen(
                links.term("factors", factor),
                links.page(other),
                earlier,
                other,
                services,
                still_open,
            )
            for factor in earlier.factors
        )
    return {"lines": lines, "more": alert.more, "limit": recurrence.LIMIT}


def _related(catalog: Catalog, item: Published, links: Links) -> list[dict[str, Any]]:
    """Postmortems sharing services or factors (`Catalog.related`), with what they share."""
    return [
        {
            "item": other,
            "href": links.page(other),
            "shared": [links.term(kind, key)[1] for kind, key in shared],
        }
        for other, shared in catalog.related(item)
    ]


HERE = urls.postmortem("x")
"""Any postmortem page: they all sit in one folder, so a link from one is a link from all."""


class Links:
    """Links and badges of a postmortem page, each made once per build: every postmortem
    page sits in the same folder, so a link to a term, an owner or another postmortem is the
    same from all of them (and thousands of pages link to the same few). Owners' links and
    severity badges are those of the `owner` and `severity` macros of `_common.html`, called
    once per owner and level."""

    def __init__(self, catalog: Catalog, env: jinja2.Environment) -> None:
        self.catalog = weakref.ref(catalog)  # the build lets the catalog go before rendering
        self.env = env
        self.terms: dict[tuple[str, str], tuple[str, str]] = {}
        self.pages: dict[str, str] = {}
        self.made: dict[tuple[str, str | None], Markup] = {}
        self.paths: dict[str, int] | None = None

    def term(self, kind: str, key: str) -> tuple[str, str]:
        """(href, label) of a term's page, from a postmortem page."""
        found = self.terms.get((kind, key))
        if found is None:
            catalog = self._catalog()
            href = catalog.links.rel(HERE, urls.term(kind, key))
            found = self.terms[kind, key] = (href, common.term_label(catalog, kind, key))
        return found

    def page(self, other: Published) -> str:
        """The href of another postmortem's page, from a postmortem page."""
        found = self.pages.get(other.src_uri)
        if found is None:
            rel = self._catalog().links.rel
            found = self.pages[other.src_uri] = rel(HERE, other.src_uri)
        return found

    def by_path(self) -> dict[str, int]:
        """The place in the catalog of each postmortem, by the path of its file (recurrence
        alerts name entries), indexed for the first page that asks. Places, not the items:
        this object outlives the catalog, which must not keep the corpus alive."""
        if self.paths is None:
            self.paths = {item.entry.path: i for i, item in enumerate(self._catalog().items)}
        return self.paths

    def tag(self, name: str) -> str:
        """The href of a tag's page, from a postmortem page."""
        found = self.pages.get(urls.tag(name))
        if found is None:
            target = urls.tag(name)
            found = self.pages[target] = self._catalog().links.rel(HERE, target)
        return found

    def owner(self, name: str | None) -> Markup:
        """An action item owner, linked to their page (`c.owner`)."""
        found = self.made.get(("owner", name))
        if found is None:
            made = self._macros().owner(self._catalog(), HERE, name)
            found = self.made["owner", name] = Markup(made)
        return found

    def severity(self, level: str | None) -> Markup:
        """A severity's badge (`c.severity`)."""
        found = self.made.get(("severity", level))
        if found is None:
            made = self._macros().severity(self._catalog(), level)
            found = self.made["severity", level] = Markup(made)
        return found

    def _macros(self) -> Any:
        return self.env.get_template("_common.html").module

    def _catalog(self) -> Catalog:
        catalog = self.catalog()
        assert catalog is not None  # a page is made while its catalog lives
        return catalog


_links: Links | None = None


def links(catalog: Catalog, env: jinja2.Environment) -> Links:
    """The catalog's `Links`, made for the first page of a build."""
    global _links
    if _links is None or _links.catalog() is not catalog or _links.env is not env:
        _links = Links(catalog, env)
    return _links


def context(
    catalog: Catalog, item: Published, env: jinja2.Environment | None = None
) -> dict[str, Any]:
    """What the page's templates are given: the models, and what is worked out for them."""
    pm = item.postmortem
    page_links = links(catalog, env or templates.environment(tuple(catalog.templates)))
    lead, impact = impact_sentence(item)
    overdue = {id(action): days for action, days in item.overdue}
    return {
        "catalog": catalog,
        "links": page_links,
        "item": item,
        "pm": pm,
        "here": item.src_uri,
        "title_id": TITLE_ID,
        "resolved_time": resolved_time(pm.started_at, pm.resolved_at),
        "impact_lead": lead,
        "impact": impact,
        "timeline_who": any(entry.who is not None for entry in pm.timeline),
        "actions": [(action, overdue.get(id(action))) for action in pm.action_items],
        "columns": action_columns(item),
        "durations": [  # those the impact sentence does not give
            (metrics.DURATION_LABELS[name], item.durations[name]) for name in ("time_to_detect",)
        ],
        "testing_kinds": TESTING_KINDS,
        "fold": FOLD,
        "recurrence": _recurrence(catalog, item, page_links),
        "related": _related(catalog, item, page_links),
    }


@functools.lru_cache(maxsize=8)
def compiled(env: jinja2.Environment) -> jinja2.Template:
    """`page.html` with each part's template written in where it is included, compiled once
    per process and set of override folders: an include costs a context per part per page,
    a fifth of the page's time. Each part is still looked up by name, so a site's override
    of one part is the one written in."""
    assert env.loader is not None

    def source(name: str) -> str:
        text = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        return text.removesuffix("\n")  # as an include writes it (keep_trailing_newline off)

    inlined = _INCLUDE.sub(lambda found: source(found.group(1)), source(PAGE))
    return template_cache.compiled(env, INLINED, inlined)


def parts(html: str) -> list[tuple[str, str]]:
    """The rendered page cut at its markers: (part name, HTML) for each part with content."""
    found = []
    for chunk in html.split(_MARK)[1:]:
        name, _, content = chunk.partition("-->")
        content = content.strip()
        if content:
            found.append((name, content))
    return found


FIELD_PARTS = {
    "trigger": "Immediate cause",
    "contributing_factors": "Contributing factors",
    "gaps": "Why it was not caught earlier",
    "timeline": "Timeline",
    "action_items": "Action items",
    "hotfix": "Hotfix",
    "approvals": "Approvals",
    "communication": "Communication",
    "review": "Review meeting",
    "links": "Links",
}
"""The part of the page that shows each field (`repeats.NAMES`); summary and impact are
in the header."""


def _shown(item: Published, made: dict[str, str]) -> Callable[[str], str]:
    """What the page shows of a field, for `repeats.drop`."""

    def shown(field: str) -> str:
        if field == "summary":
            return item.postmortem.summary or ""
        if field == "impact":
            lead, figures = impact_sentence(item)
            return " ".join([lead or "", *figures, made.get("Impact", "")]).strip()
        return made.get(FIELD_PARTS[field], "")

    return shown


def page(catalog: Catalog, item: Published) -> Page:
    """The page: the header above the body, its Markdown, and the record's sections below."""
    pm = item.postmortem
    env = templates.environment(tuple(catalog.templates))
    made = parts(compiled(env).render(context(catalog, item, env)))
    body = item.entry.body
    markdown = repeats.drop(body.lstrip("\n"), _shown(item, dict(made)))
    result = Page(
        src_uri=item.src_uri,
        title=item.title,
        markdown=markdown.rstrip("\n"),
        source=item.source,
        sanitize=True,
        origin=(item.entry.path, item.entry.body_line + len(body) - len(body.lstrip("\n"))),
        draft=pm.is_draft,
    )
    for name, html in made:
        if name == HEADER:
            result.before.append((None, html))
        else:
            result.after.append((name if name in _HEADINGS else None, html))
    return result
