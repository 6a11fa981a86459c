"""The page of one postmortem: a header card and every front matter field, then its body.

All front matter is rendered here as escaped HTML, in sections around the body; only the
author's Markdown body goes through Markdown (and is sanitised afterwards by the plugin),
and the section headings come from `headings`, written once per build.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from mkdocs_postmortems.core import metrics, recurrence
from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.catalog import Catalog, Published
from mkdocs_postmortems.site.common import (
    Page,
    day,
    severity_badge,
    term_label,
    term_links,
    when,
)
from mkdocs_postmortems.site.headings import TITLE_ID
from mkdocs_postmortems.site.html import definition_list, esc, link, multiline, table, unsearched
from mkdocs_postmortems.core.schema import TestingKind

TESTING_KINDS: tuple[TestingKind, ...] = ("unit", "integration", "manual", "staging", "canary")


def _yes_no(value: bool | None) -> str:
    return "\u2013" if value is None else ("yes" if value else "no")


def _text(value: object) -> str:
    return "\u2013" if value is None else multiline(str(value))


def _card(catalog: Catalog, item: Published) -> str:
    pm = item.postmortem
    here = item.src_uri
    rel = catalog.links.rel
    severity = severity_badge(catalog, pm.severity)
    if pm.severity:
        severity = f'<a href="{esc(rel(here, urls.term("severity", pm.severity)))}">{severity}</a>'
    rows: list[tuple[str, str]] = [
        ("Severity", severity or "\u2013"),
        ("Status", f'<span class="pm-status pm-status-{esc(pm.status)}">{esc(pm.status)}</span>')
        if pm.status
        else ("Status", "\u2013"),
        ("Id", f"<code>{esc(item.id)}</code>"),
        ("Date", day(pm.date)),
        ("Started", when(pm.started_at)),
        ("Detected", when(pm.detected_at)),
        ("Mitigated", when(pm.mitigated_at)),
        ("Resolved", when(pm.resolved_at)),
    ]
    for name, label in metrics.DURATION_LABELS.items():
        minutes = item.durations[name]
        rows.append((label, esc(metrics.format_minutes(minutes))))
    rows.append(("Quarter", esc(item.quarter or "\u2013")))
    rows.append(("Services", term_links(catalog, here, "services", pm.services) or "\u2013"))
    rows.append(("Teams", term_links(catalog, here, "teams", pm.teams) or "\u2013"))
    rows.append(("Authors", esc(", ".join(pm.authors or [])) or "\u2013"))
    if pm.tags:
        rows.append(("Tags", " ".join(f'<span class="pm-tag">{esc(t)}</span>' for t in pm.tags)))
    if pm.hotfix and pm.hotfix.tag:
        rows.append(("Hotfix tag", f"<code>{esc(pm.hotfix.tag)}</code>"))
    if pm.hotfix and pm.hotfix.parent_release:
        rows.append(("Parent release", f"<code>{esc(pm.hotfix.parent_release)}</code>"))
    if pm.links:
        rows.append(
            (
                "Links",
                ", ".join(
                    f'<a href="{esc(url)}" rel="noopener">{esc(name)}</a>'
                    for name, url in pm.links.items()
                ),
            )
        )
    html = definition_list(rows, "pm-card")
    if pm.summary:
        html += f'\n<p class="pm-lede">{multiline(pm.summary)}</p>'
    return html


def _header(catalog: Catalog, item: Published) -> str:
    pm = item.postmortem
    parts = [f'<h1 id="{TITLE_ID}">{esc(item.title)}</h1>']
    if pm.is_draft:
        parts.append(
            '<div class="admonition warning pm-draft"><p class="admonition-title">Draft</p>'
            "<p>This postmortem is a draft: it is shown by <code>mkdocs serve</code> and left "
            "out of the published site and of the figures.</p></div>"
        )
    parts.append(_card(catalog, item))
    return "\n".join(parts)


def _recurrence(catalog: Catalog, item: Published) -> str | None:
    """The earlier published postmortems that named one of this one's factors on one of its
    services and still have open action items (`recurrence`): a line per factor."""
    alert = catalog.recurring.alert(item.entry)
    if not alert.earlier:
        return None
    here = item.src_uri
    rel = catalog.links.rel

    def term(kind: str, key: str) -> str:
        return link(rel(here, urls.term(kind, key)), term_label(catalog, kind, key))

    rows: list[str] = []
    for earlier in alert.earlier:
        other = catalog.items[catalog.ranks[PurePosixPath(earlier.entry.path).stem]]
        said = (
            f"{link(rel(here, other.src_uri), earlier.id)} named the same factor on "
            f"{recurrence.services_text(term('services', s) for s in earlier.services)}; "
            f"{esc(recurrence.open_text(earlier))}"
        )
        rows.extend(
            f'<li>{term("factors", factor)}: {said} <span class="pm-muted">'
            f"({esc(other.title)})</span></li>"
            for factor in earlier.factors
        )
    more = ""
    if alert.more:
        more = (
            f'<p class="pm-muted">Older postmortems with open action items named them too; '
            f"the {recurrence.LIMIT} latest are above.</p>"
        )
    return unsearched(
        '<div class="admonition warning pm-recurrence"><p class="admonition-title">'
        "Seen before: earlier follow-up still open</p>"
        f'<ul class="pm-recurrence-list">{"".join(rows)}</ul>{more}</div>'
    )


def _impact(item: Published) -> str | None:
    impact = item.postmortem.impact
    if impact is None:
        return None
    revenue = None if impact.revenue_usd is None else f"${impact.revenue_usd:,.2f}"
    if revenue and revenue.endswith(".00"):
        revenue = revenue[:-3]
    users = impact.users_affected
    users_text = f"{users:,}" if isinstance(users, int) else users
    return definition_list(
        [
            ("Users affected", _text(users_text)),
            ("Revenue impact (USD)", esc(revenue or "\u2013")),
            ("Data lost", _yes_no(impact.data_loss)),
            ("Data impact", _text(impact.data_impact)),
            ("Reputation", _text(impact.reputation)),
            ("Customer-facing", _yes_no(impact.customer_facing)),
        ],
        "pm-fields",
    )


def _factors(catalog: Catalog, item: Published) -> str | None:
    keys = item.postmortem.contributing_factors
    if not keys:
        return None
    known = catalog.taxonomy.contributing_factors or {}
    rows = []
    for key in keys:
        href = catalog.links.rel(item.src_uri, urls.term("factors", key))
        text = link(href, term_label(catalog, "factors", key))
        factor = known.get(key)
        if factor:
            # Search finds a factor by its name, not by the taxonomy's words on every page.
            text += f' <span class="pm-muted">({esc(key)})</span>' + unsearched(
                f": {esc(factor.description)}"
            )
        rows.append(f"<li>{text}</li>")
    return '<ul class="pm-factors">' + "".join(rows) + "</ul>"


def _gaps(item: Published) -> str | None:
    gaps = item.postmortem.gaps
    if gaps is None:
        return None
    return definition_list(
        [
            ("Testing gap", _text(gaps.testing)),
            ("Monitoring gap", _text(gaps.monitoring)),
            ("Process gap", _text(gaps.process)),
        ],
        "pm-fields",
    )


def _timeline(item: Published) -> str | None:
    entries = item.postmortem.timeline
    if not entries:
        return None
    rows = [[when(e.at), multiline(e.event), _text(e.who)] for e in entries]
    return table(["Time", "Event", "Who"], rows, "pm-timeline")


def _action_items(catalog: Catalog, item: Published) -> str | None:
    actions = item.postmortem.action_items
    if not actions:
        return None
    overdue = {id(a): days for a, days in item.overdue}
    rows = []
    for action in actions:
        status = f'<span class="pm-action-status">{esc(action.status)}</span>'
        if action.closed_on is not None:
            status += f' <span class="pm-muted">on {day(action.closed_on)}</span>'
        if id(action) in overdue:
            days = overdue[id(action)]
            status += (
                f' <strong class="pm-overdue" data-days-overdue="{days}">overdue by {days} '
                f"day{'s' * (days != 1)}</strong>"
            )
        rows.append(
            [
                esc(action.title),
                esc(action.type),
                _text(action.owner),
                day(action.due),
                esc(action.priority),
                status,
                _text(action.ticket),
                _text(action.horizon),
            ]
        )
    head = ["Action", "Type", "Owner", "Due", "Priority", "Status", "Ticket", "Horizon"]
    lede = (
        f'<p class="pm-muted">{item.open_items} open, {len(item.overdue)} overdue '
        f"as of {day(catalog.as_of)}.</p>"
    )
    classes = ["pm-row-overdue" if id(a) in overdue else "" for a in actions]
    return lede + "\n" + table(head, rows, "pm-actions", classes)


def _hotfix(item: Published) -> str | None:
    hotfix = item.postmortem.hotfix
    if hotfix is None:
        return None
    parts = []
    fields = [
        ("Hotfix tag", _text(hotfix.tag)),
        ("Parent release", _text(hotfix.parent_release)),
        (
            "Fix",
            {"full": "full fix", "workaround": "temporary workaround"}.get(
                hotfix.fix or "", "\u2013"
            ),
        ),
    ]
    parts.append(definition_list(fields, "pm-fields"))
    if hotfix.files_modified:
        parts.append("<p><strong>Files modified</strong></p>")
        parts.append(
            '<ul class="pm-files">'
            + "".join(f"<li><code>{esc(f)}</code></li>" for f in hotfix.files_modified)
            + "</ul>"
        )
    checks = "".join(
        f'<li class="{"pm-done" if kind in hotfix.testing else "pm-not-done"}">'
        f"{'☑' if kind in hotfix.testing else '☐'} {esc(kind)}</li>"
        for kind in TESTING_KINDS
    )
    parts.append(f'<p><strong>Testing performed</strong></p><ul class="pm-checklist">{checks}</ul>')
    if hotfix.waivers:
        rows = [
            [esc(w.id), _text(w.type), esc(", ".join(w.gates)) or "\u2013", _text(w.justification)]
            for w in hotfix.waivers
        ]
        parts.append("<p><strong>Waivers used</strong></p>")
        parts.append(table(["Waiver", "Type", "Gates waived", "Justification"], rows, "pm-waivers"))
    if hotfix.proper_fix:
        fix = hotfix.proper_fix
        parts.append("<p><strong>Proper fix</strong></p>")
        parts.append(
            definition_list(
                [
                    ("Story", _text(fix.story)),
                    ("Scheduled for", _text(fix.scheduled)),
                    ("Description", _text(fix.description)),
                ],
                "pm-fields",
            )
        )
    return "\n".join(parts)


def _approvals(item: Published) -> str | None:
    approvals = item.postmortem.approvals
    if not approvals:
        return None
    rows = [
        [esc(a.role), _text(a.name), "☑ approved" if a.approved else "☐ not yet"] for a in approvals
    ]
    return table(["Role", "Name", "Approved"], rows, "pm-approvals")


def _communication(item: Published) -> str | None:
    comms = item.postmortem.communication
    if comms is None:
        return None
    return definition_list(
        [
            ("Internal", _text(comms.internal)),
            ("Customers", _text(comms.customer)),
            ("Public", _text(comms.public)),
        ],
        "pm-fields",
    )


def _review(item: Published) -> str | None:
    review = item.postmortem.review
    if review is None:
        return None
    return definition_list(
        [
            ("Held on", day(review.held_on)),
            ("Attendees", esc(", ".join(review.attendees)) or "\u2013"),
            ("Documented by", _text(review.documented_by)),
        ],
        "pm-fields",
    )


def _related(catalog: Catalog, item: Published) -> str | None:
    related = catalog.related(item)
    if not related:
        return None
    rows = []
    for other, shared in related:
        href = catalog.links.rel(item.src_uri, other.src_uri)
        labels = ", ".join(term_label(catalog, kind, key) for kind, key in shared)
        rows.append(
            f'<li>{link(href, other.title)} <span class="pm-muted">{esc(other.id)} · '
            f"shares {esc(labels)}</span></li>"
        )
    return unsearched('<ul class="pm-related">' + "".join(rows) + "</ul>")


SECTIONS = (
    "Impact",
    "Immediate cause",
    "Contributing factors",
    "Why it was not caught earlier",
    "Timeline",
    "Action items",
    "Hotfix",
    "Approvals",
    "Communication",
    "Review meeting",
    "Related postmortems",
)
"""The headings a postmortem page may have around its body (`headings.render`)."""


def page(catalog: Catalog, item: Published) -> Page:
    """The page: its body is its Markdown; the front matter is HTML in sections around it."""
    pm = item.postmortem
    body = item.entry.body
    markdown = body.lstrip("\n")
    result = Page(
        src_uri=item.src_uri,
        title=item.title,
        markdown=markdown.rstrip("\n"),
        source=item.source,
        sanitize=True,
        origin=(item.entry.path, item.entry.body_line + len(body) - len(markdown)),
        draft=pm.is_draft,
    )
    result.before.append((None, _header(catalog, item)))
    alert = _recurrence(catalog, item)
    if alert is not None:
        result.before.append((None, alert))
    sections = [
        _impact(item),
        f"<p>{multiline(pm.trigger)}</p>" if pm.trigger else None,
        _factors(catalog, item),
        _gaps(item),
        _timeline(item),
        _action_items(catalog, item),
        _hotfix(item),
        _approvals(item),
        _communication(item),
        _review(item),
    ]
    *above, below = SECTIONS  # the front matter's sections, then the related postmortems
    for heading, html in zip(above, sections, strict=True):
        if html is not None:
            result.before.append((heading, html))
    related = _related(catalog, item)
    if related is not None:
        result.after.append((below, related))
    return result
