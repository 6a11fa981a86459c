"""The generated pages' HTML: Jinja2 templates with autoescape on, overridable by a site.

Page modules hand templates data, never HTML, so escaping is the templates' job and cannot be
forgotten at a call. A site overrides any template by putting a file of the same name in a
`postmortems/` folder of its theme's `custom_dir`, as Material's blog templates are
overridden: the first folder that has the file wins, the package's own come last.
"""

from __future__ import annotations

import datetime as dt
import functools
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import markupsafe
from markupsafe import Markup, escape

from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.core.html_rules import tooltip
from mkdocs_postmortems.site import template_cache, urls

if TYPE_CHECKING:
    from mkdocs_postmortems.site.catalog import Catalog

OVERRIDES = "postmortems"
"""The folder of a theme's `custom_dir` that holds a site's overrides."""


def term_label(catalog: Catalog, kind: str, key: str) -> str:
    from mkdocs_postmortems.site.common import term_label as label  # common renders through here

    return label(catalog, kind, key)


def when(value: dt.datetime | None) -> Markup:
    """A timestamp as its author wrote it (own offset), machine-readable in <time>."""
    if value is None:
        return Markup("\u2013")
    iso = value.isoformat()  # YYYY-MM-DDTHH:MM:SS[.ffffff][+HH:MM]; strftime is slower
    shown = f"{iso[:10]} {iso[11 : 19 if value.second else 16]}"
    offset = iso[-6:] if value.utcoffset() else "UTC"
    # isoformat() writes digits and -:+.T only: nothing to escape (Markup.format is slow,
    # and postmortem pages hold dozens of times each).
    return Markup(f'<time datetime="{iso}">{shown} {offset}</time>')


def day(value: dt.date | None) -> Markup:
    if value is None:
        return Markup("\u2013")
    iso = value.isoformat()  # digits and hyphens: nothing to escape
    return Markup(f'<time datetime="{iso}">{iso}</time>')


_escape_text: Callable[[str], str] | None = getattr(markupsafe, "_escape_inner", None)
"""markupsafe's escaping itself, without the Markup it wraps the result in (None in a
markupsafe without it: `escape` throughout)."""


def escape_output(value: object) -> str:
    """What a template writes for `{{ value }}`: `str(markupsafe.escape(value))`.

    A template's output is only ever joined, so the Markup that `escape` makes of every
    value (a Python-level call and object each, a third of a microsecond) is not needed;
    generated pages write about a million values at 2,000 postmortems. Text is escaped by
    markupsafe's own function, markup is written as it is, anything else goes through
    `escape`: the same characters in every case (`tests/test_templates_escape.py`)."""
    if type(value) is str and _escape_text is not None:
        return _escape_text(value)
    if type(value) is Markup:
        return value
    return escape(value)


class _Template(jinja2.Template):
    """A template whose output goes through `escape_output`: the name `escape` in the
    module Jinja compiles a template into is the one its output is written through."""

    @classmethod
    def from_code(
        cls,
        environment: jinja2.Environment,
        code: Any,
        globals: Any,
        uptodate: Any = None,
    ) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = escape_output
        return template


@functools.lru_cache(maxsize=8)
def environment(custom_dirs: tuple[str, ...] = ()) -> jinja2.Environment:
    """One environment per set of override folders, compiled once per process."""
    loaders: list[jinja2.BaseLoader] = [
        jinja2.FileSystemLoader(str(Path(folder) / OVERRIDES)) for folder in custom_dirs
    ]
    loaders.append(jinja2.PackageLoader("mkdocs_postmortems.site", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        keep_trailing_newline=False,
        bytecode_cache=template_cache.current(),
    )
    env.template_class = _Template
    env.filters["when"] = when
    env.filters["day"] = day
    env.filters["minutes"] = metrics.format_minutes
    env.filters["tooltip"] = tooltip
    env.globals["urls"] = urls
    env.globals["term_label"] = term_label
    return env


def problem(error: BaseException) -> str | None:
    """A template that cannot be rendered (a site's override, most likely), said as
    `path:line: template: ...` instead of a traceback; None for any other error."""
    if not isinstance(error, jinja2.TemplateError):
        return None
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = f"{error.filename or error.name or 'template'}:{error.lineno}"
        return f"{where}: template: expected valid Jinja2, got {error.message}"
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.endswith(".html")
    ]
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "template"
    return f"{where}: template: {type(error).__name__}: {error}"


def render(custom_dirs: Sequence[str], name: str, **context: Any) -> str:
    """Template `name` rendered with `context`: HTML, ready to be placed in a page."""
    return environment(tuple(custom_dirs)).get_template(name).render(**context)


def fragment(custom_dirs: Sequence[str], name: str, **context: Any) -> Markup:
    """A rendered template to hand to another template as HTML, not as text."""
    return Markup(render(custom_dirs, name, **context))
