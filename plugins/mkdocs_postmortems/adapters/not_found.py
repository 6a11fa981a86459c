"""The 404 page offers search and the ways into the knowledge base, not a bare "Not found".

Material's `404.html` is replaced by the package's (`site/templates/theme/404.html`, which
extends the theme's `main.html`), put ahead of the theme in the environment's loader; a site
whose custom_dir has its own `404.html` keeps it.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
from mkdocs.structure.files import Files

from mkdocs_postmortems.site import urls

THEME_DIR = Path(__file__).resolve().parents[1] / "site" / "templates" / "theme"
WAYS = (
    ("Home", "index.md"),
    ("Browse all postmortems", urls.BROWSE),
    ("By severity", urls.term_index("severity")),
    ("By service", urls.term_index("services")),
    ("By team", urls.term_index("teams")),
    ("By contributing factor", urls.term_index("factors")),
    ("By owner: open action items", urls.OWNERS),
    ("By tag", urls.TAGS),
    ("Analytics", urls.ANALYTICS),
    ("Quarterly reports", urls.REPORTS),
    ("Feeds and calendars", "subscribe.md"),
)
"""The pages the 404 page links to, those of them the build has, in this order."""


def install(env: jinja2.Environment, custom_dir: str | None, files: Files) -> None:
    """The package's 404 page in `env`, unless the site's custom_dir has one."""
    if custom_dir and os.path.isfile(os.path.join(custom_dir, "404.html")):
        return
    assert env.loader is not None  # MkDocs' theme environment always has one
    env.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(THEME_DIR)), env.loader])
    ways = []
    for label, src_uri in WAYS:
        found = files.get_file_from_path(src_uri)
        if found is not None:
            ways.append((label, found.url.removeprefix("./")))
    env.globals["postmortems_404"] = ways
