"""What `mkdocs serve` shows of a knowledge base with problems: a banner on every page, the
page of every problem, and a page in place of each postmortem that is not published.

An author previewing a change should see what `mkdocs build --strict` would refuse where
they look, not only in the terminal. Everything here is escaped by the templates
(`problems/*.html`): a diagnostic quotes what the file holds, and the file may be hostile.
Only `mkdocs serve` shows these pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import Any

from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.names import is_safe_name
from mkdocs_postmortems.site import templates, urls
from mkdocs_postmortems.site.common import Page

ERRORS = "postmortems/_errors.md"
"""The page of every problem. No postmortem can take its place: names that start with `_`
are not postmortem files."""
OTHERS_MARKER = "<!-- postmortems:other-warnings -->"
"""Where the errors page lists the build's other warnings, known only once it has ended."""
BANNER_LIMIT = 20
"""Problems a banner lists; the errors page lists them all."""


def where(diagnostic: Diagnostic) -> str:
    """`path:line:col`, as the terminal prints it."""
    path = diagnostic.path if diagnostic.path.isprintable() else repr(diagnostic.path)
    return f"{path}:{diagnostic.line}:{diagnostic.column}"


def _what(diagnostic: Diagnostic) -> str:
    prefix = "" if diagnostic.level == "error" else "warning: "
    field = f"{diagnostic.field}: " if diagnostic.field else ""
    return f"{prefix}{field}{diagnostic.message}"


def listed(diagnostics: Sequence[Diagnostic], limit: int | None = None) -> dict[str, Any]:
    """The problems as the templates list them: (`path:line:col`, what is wrong) each, and
    how many more there are past `limit`."""
    shown = diagnostics if limit is None else diagnostics[:limit]
    return {
        "problems": [(where(d), _what(d)) for d in shown],
        "more": len(diagnostics) - len(shown),
    }


def _count(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(d.level == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    parts = [f"{errors:,} error{'s' * (errors != 1)}"] if errors else []
    if warnings:
        parts.append(f"{warnings:,} warning{'s' * (warnings != 1)}")
    return " and ".join(parts)


def banner(
    diagnostics: Sequence[Diagnostic],
    errors_href: str,
    own: Sequence[Diagnostic] = (),
    *,
    full: bool = False,
    overrides: Sequence[str] = (),
) -> str:
    """The banner atop a page while the knowledge base has problems: how many, a link to
    them all, and the problems of this page's own file (`own`). With `full`, every problem
    up to `BANNER_LIMIT` (the home page). Empty when there is nothing to say. `overrides`
    are the site's template folders (`Catalog.templates`)."""
    if not diagnostics:
        return ""
    shown = own if own else diagnostics if full else None
    return templates.render(
        overrides,
        "problems/banner.html",
        count=_count(diagnostics),
        errors_href=errors_href,
        own_count=_count(own) if own else "",
        listed=None if shown is None else listed(shown, BANNER_LIMIT),
    )


def errors_page(diagnostics: Sequence[Diagnostic], overrides: Sequence[str] = ()) -> Page:
    """Every problem of the knowledge base, and (filled in after the build) the build's
    other warnings, which `strict` would have stopped it on."""
    page = Page(src_uri=ERRORS, title="Problems in the knowledge base", search=False)
    html = templates.render(
        overrides,
        "problems/errors.html",
        title=page.title,
        count=_count(diagnostics),
        listed=listed(diagnostics),
    )
    page.markdown = page.slot("problems", html)
    return page


def other_warnings(messages: Sequence[str], overrides: Sequence[str] = ()) -> str:
    """The build's other warnings (MkDocs', the theme's, other plugins'), as logged."""
    if not messages:
        return ""
    return templates.render(overrides, "problems/other-warnings.html", messages=messages)


def by_file(diagnostics: Iterable[Diagnostic]) -> dict[str, list[Diagnostic]]:
    """The problems of each file, in order."""
    grouped: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        grouped.setdefault(diagnostic.path, []).append(diagnostic)
    return grouped


def unpublished_pages(
    grouped: dict[str, list[Diagnostic]],
    published: set[str],
    taken: set[str],
    overrides: Sequence[str] = (),
) -> list[tuple[str, Page]]:
    """A page at the place of each postmortem file that is not published, naming its
    problems, so that an author who opens it sees why. A name outside the safe set, or a
    place another page holds (a duplicate's), gets none: the errors page still lists it.
    Returns (file path, page) pairs."""
    pages: list[tuple[str, Page]] = []
    for path, problems in grouped.items():
        name = PurePosixPath(path)
        if path in published or name.suffix != ".md" or not is_safe_name(name.stem):
            continue
        src_uri = urls.postmortem(name.stem)
        if src_uri in taken:
            continue
        taken.add(src_uri)
        page = Page(src_uri=src_uri, title=f"Not published: {name.name}", search=False)
        html = templates.render(
            overrides,
            "problems/unpublished.html",
            title=page.title,
            path=path,
            count=_count(problems),
            refused=any(d.level == "error" for d in problems),
            listed=listed(problems),
        )
        page.markdown = page.slot("unpublished", html)
        pages.append((path, page))
    return pages
