"""What `mkdocs serve` shows of a knowledge base with problems: a banner on every page, the
page of every problem, and a page in place of each postmortem that is not published.

An author previewing a change should see what `mkdocs build --strict` would refuse where
they look, not only in the terminal. Everything here is escaped: a diagnostic quotes what
the file holds, and the file may be hostile. Only `mkdocs serve` shows these pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.names import is_safe_name
from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.common import Page
from mkdocs_postmortems.site.html import esc, link

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


def problem_list(diagnostics: Sequence[Diagnostic], limit: int | None = None) -> str:
    """The problems as a list, each `path:line:col` then what is wrong, escaped."""
    shown = diagnostics if limit is None else diagnostics[:limit]
    items = [
        f'<li><code class="pm-problem__where">{esc(where(d))}</code> {esc(_what(d))}</li>'
        for d in shown
    ]
    if len(shown) < len(diagnostics):
        items.append(f"<li>and {len(diagnostics) - len(shown):,} more</li>")
    return '<ul class="pm-problems__list">\n' + "\n".join(items) + "\n</ul>"


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
) -> str:
    """The banner atop a page while the knowledge base has problems: how many, a link to
    them all, and the problems of this page's own file (`own`). With `full`, every problem
    up to `BANNER_LIMIT` (the home page). Empty when there is nothing to say."""
    if not diagnostics:
        return ""
    parts = [
        '<div class="admonition failure pm-problems" role="alert">',
        f'<p class="admonition-title">The knowledge base has {esc(_count(diagnostics))}</p>',
        "<p>Files with errors are not published, and <code>mkdocs build --strict</code> "
        f"fails on them. {link(errors_href, 'See every problem')}.</p>",
    ]
    if own:
        parts.append(f"<p>In this page's file: {esc(_count(own))}.</p>")
        parts.append(problem_list(own, BANNER_LIMIT))
    elif full:
        parts.append(problem_list(diagnostics, BANNER_LIMIT))
    parts.append("</div>")
    return "\n".join(parts)


def errors_page(diagnostics: Sequence[Diagnostic]) -> Page:
    """Every problem of the knowledge base, and (filled in after the build) the build's
    other warnings, which `strict` would have stopped it on."""
    page = Page(src_uri=ERRORS, title="Problems in the knowledge base", search=False)
    if diagnostics:
        summary = (
            f"<p>{esc(_count(diagnostics))}, by file and line. Files with errors are not "
            "published. Fix a file and save it: <code>mkdocs serve</code> rebuilds and this "
            "page follows.</p>\n" + problem_list(diagnostics)
        )
    else:
        summary = '<p class="pm-empty">No problems: every postmortem is valid.</p>'
    html = f'<h1 id="problems-title">{esc(page.title)}</h1>\n{summary}\n{OTHERS_MARKER}'
    page.markdown = page.slot("problems", html)
    return page


def other_warnings(messages: Sequence[str]) -> str:
    """The build's other warnings (MkDocs', the theme's, other plugins'), as logged."""
    if not messages:
        return ""
    items = "\n".join(f"<li><code>{esc(message)}</code></li>" for message in messages)
    return (
        f'<h2 id="problems-other">Other warnings of this build</h2>\n'
        "<p>With <code>strict</code>, <code>mkdocs build</code> stops on these too.</p>\n"
        f'<ul class="pm-problems__list">\n{items}\n</ul>'
    )


def by_file(diagnostics: Iterable[Diagnostic]) -> dict[str, list[Diagnostic]]:
    """The problems of each file, in order."""
    grouped: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        grouped.setdefault(diagnostic.path, []).append(diagnostic)
    return grouped


def unpublished_pages(
    grouped: dict[str, list[Diagnostic]], published: set[str], taken: set[str]
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
        html = (
            f'<h1 id="unpublished-title">{esc(page.title)}</h1>\n'
            f"<p><code>{esc(path)}</code> has {esc(_count(problems))}"
            + (", so it is not published" if any(d.level == "error" for d in problems) else "")
            + ". Fix it and save: this page shows the postmortem once it is valid.</p>\n"
            + problem_list(problems)
        )
        page.markdown = page.slot("unpublished", html)
        pages.append((path, page))
    return pages
