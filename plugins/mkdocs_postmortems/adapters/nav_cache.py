"""Material's navigation sidebar, rendered once for all the postmortem pages.

Material renders the whole nav for every page, and with a few sections that is most of a
page's template time. Postmortem pages are not in the nav and all sit at the same depth, so
their nav is the same HTML every time: no item is active, and its relative links are the same.
The theme's own `partials/nav.html` still renders it, wrapped in a cache keyed by the page's
folder and depth; every other page renders it as before. A theme folder (`custom_dir`) with its own
`partials/nav.html` turns the cache off.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jinja2 import ChoiceLoader, DictLoader, Environment, PrefixLoader, TemplateNotFound

NAV = "partials/nav.html"
ORIGINAL = "postmortems-original"
KEY = "postmortems_nav_key"
"""Set in a page's template context when its nav may come from the cache."""

_WRAPPER = (
    "{%- if " + KEY + " is defined -%}"
    "{%- call postmortems_cached_nav(" + KEY + ") -%}"
    '{%- include "' + ORIGINAL + "/" + NAV + '" -%}'
    "{%- endcall -%}"
    "{%- else -%}"
    '{%- include "' + ORIGINAL + "/" + NAV + '" -%}'
    "{%- endif -%}"
)


def install(env: Environment, custom_dir: str | None) -> bool:
    """Wrap the theme's nav partial in the cache; False (and nothing changed) when the theme
    has no such partial or the site overrides it."""
    original = env.loader
    if original is None:
        return False
    try:
        _source, filename, _uptodate = original.get_source(env, NAV)
    except TemplateNotFound:
        return False
    overridden = (
        filename
        and custom_dir
        and Path(filename).resolve().is_relative_to(Path(custom_dir).resolve())
    )
    if overridden:
        return False
    rendered: dict[object, str] = {}

    def cached_nav(key: object, caller: Callable[[], str]) -> str:
        hit = rendered.get(key)
        if hit is None:
            hit = rendered[key] = caller()
        return hit

    env.globals["postmortems_cached_nav"] = cached_nav
    env.loader = ChoiceLoader(
        [DictLoader({NAV: _WRAPPER}), PrefixLoader({ORIGINAL: original}), original]
    )
    return True


def key(url: str) -> tuple[str, int]:
    """Pages in one folder (`postmortems/a/`, `postmortems/b/`) get the same relative links
    to every page outside their own URL, which is where all nav pages are."""
    folder = url.rstrip("/").rpartition("/")[0]
    return folder, url.count("/")
