"""The sanitiser alone, in Chromium: hostile bodies published as if the body check missed
every problem in them, and loaded page by page.

`postmortems validate` and the build refuse these bodies (tests/test_body_safety.py); here
the check is switched off, so what reaches the page is what the sanitiser made of them. The
site turns on what makes Material act on a body: tooltips from titles, footnote tooltips,
instant navigation, code copy; and a severity's description (a title the site writes on its
badge) carries HTML for the tooltip to insert. Any dialog, request to another host, script or
page error, global a payload sets, theme element an author's stands in for, or
table-of-contents link to nothing fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import Dialog, Request
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from e2e.support import AS_OF, REPO, Site, Tab, serve
from test_body_safety import FRONT, HOSTILE, MISSED, ORDINARY_PAGE

pytestmark = pytest.mark.browser

FIXTURES = REPO / "tests" / "fixtures"

CUT = "`<img/src/onerror=window.__pwned=1//" + "x" * 60 + ">`"
"""Text of a heading whose table-of-contents entry Material shows in a tooltip, as HTML."""

THEME = """\
BODYSTART

## The theme's ids {#__config}

<div id="__config">{"base": ".", "features": [], "translations":
{"clipboard.copy": "<img src=x onerror=window.__pwned=1>"}}</div>
<p id="__drawer">drawer</p> <p id="__search">search</p> <p id="__md_scope">scope</p>
<input type="checkbox" id="__toc" checked>
<a id="mermaid">mermaid</a> <pre class="mermaid"><code>graph TD; A-->B</code></pre>
<form name="body"><input name="appendChild"></form> <img name="getElementById" src="x.png">

## Tooltips, and a heading long enough for the table of contents to cut it off: {CUT}

<abbr title="<img src=x onerror=window.__pwned=1>">HTML</abbr> and
<span title="<img src=x onerror=window.__pwned=1>">a title</span> and
[a link](#tooltips "<img src=x onerror=window.__pwned=1>") and a footnote.[^1]

*[KB]: Knowledge <img src=x onerror=window.__pwned=1> base

KB is an abbreviation.

[^1]: A footnote <img src=x onerror="window.__pwned=1"> with
    <b title="<img src=x onerror=window.__pwned=1>">a title</b>.

BODYEND
""".replace("{CUT}", CUT)

TOOLTIP = (
    "<img src=x onerror=window.__pwned=1><link rel=stylesheet href=https://evil.example/t.css>"
)
"""A severity's description that Material's tooltip would put into the page as HTML."""

CONFIG = """\
site_name: Sanitiser KB
site_url: https://kb.example.com/
theme:
  name: material
  font: false
  features:
    - content.code.copy
    - content.footnote.tooltips
    - content.tooltips
    - navigation.instant
    - search.suggest
    - toc.follow
plugins:
  - search
  - postmortems
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - pymdownx.tasklist:
      custom_checkbox: true
"""


def _bodies() -> dict[str, str]:
    """Ours, and every body of the hostile fixture's (under our front matter)."""
    bodies = {
        "theme": THEME,
        "hostile": f"BODYSTART\n\n{HOSTILE}\nBODYEND\n",
        "missed": MISSED,
        "ordinary": f"BODYSTART\n\n{ORDINARY_PAGE}\nBODYEND\n",
    }
    for path in sorted((FIXTURES / "kb-hostile").rglob("*body*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n") and "\n---\n" in text[4:]:
            body = text[4:].split("\n---\n", 1)[1]
            bodies[path.stem] = f"BODYSTART\n\n{body}\n\nBODYEND\n"
    return bodies


@pytest.fixture(scope="module")
def sanitised_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from mkdocs_postmortems.core import body_check

    tmp = tmp_path_factory.mktemp("sanitiser-kb")
    project = tmp / "kb"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# KB\n", encoding="utf-8")
    folder = project / "postmortems" / "2026"
    folder.mkdir(parents=True)
    # Titles the site writes itself (a severity's description on its badge) are shown by
    # Material's tooltips too.
    taxonomy = (FIXTURES / "taxonomy.yml").read_text(encoding="utf-8")
    (project / "postmortems" / "taxonomy.yml").write_text(
        taxonomy.replace("description: Partial degradation.", f"description: {TOOLTIP!r}"),
        encoding="utf-8",
    )
    for n, (name, body) in enumerate(_bodies().items(), 1):
        (folder / f"{name}.md").write_text(FRONT.format(n=n) + body, encoding="utf-8")
    (project / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(body_check, "check", lambda *args: [])  # as if it missed everything
        patch.setenv("POSTMORTEMS_AS_OF", AS_OF)
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp / "site"))
        config.plugins.on_startup(command="build", dirty=False)
        build(config)  # not strict: what the sanitiser removed is a warning
    with serve(tmp / "site") as url:
        yield Site(tmp / "site", url)


CHECKS = """() => {
  const bad = [];
  if (typeof window.__pwned !== "undefined") bad.push("window.__pwned is set");
  if (document.documentElement.dataset.pwned) bad.push("data-pwned is set");
  if (/HIJACKED/.test(document.title)) bad.push("the title was changed");
  const theme = {__config: "SCRIPT", __drawer: "INPUT", __search: "INPUT", __toc: "INPUT"};
  for (const [id, tag] of Object.entries(theme)) {
    const found = document.querySelectorAll(`[id="${id}"]`);
    if (found.length > 1 || (found.length === 1 && found[0].tagName !== tag))
      bad.push(`#${id} is not the theme's alone`);
  }
  for (const name of ["appendChild", "getElementById", "querySelector", "createElement"])
    if (typeof document[name] !== "function") bad.push(`document.${name} is not the DOM's`);
  if (document.body.tagName !== "BODY" || typeof document.cookie !== "string")
    bad.push("document.body or document.cookie is not the DOM's");
  for (const name of ["__md_scope", "__md_get", "mermaid", "document$", "location$"])
    if (window[name] instanceof Element) bad.push(`window.${name} is an element`);
  for (const link of document.querySelectorAll('.md-sidebar--secondary a[href^="#"]')) {
    const id = decodeURIComponent(link.hash.slice(1));
    if (!document.getElementById(id)) bad.push(`the TOC links to #${id}, which is nowhere`);
  }
  for (const link of document.querySelectorAll('article a[href^="#"]')) {
    const id = decodeURIComponent(link.hash.slice(1));
    if (id && !document.getElementById(id)) bad.push(`a link to #${id}, which is nowhere`);
  }
  return bad;
}"""
"""What a payload would have done, and links that lead nowhere (the HTML itself is checked
element by element in tests/test_body_safety.py; here Material has run over it)."""


def test_hostile_bodies_are_inert_in_the_browser(tab: Tab, sanitised_site: Site) -> None:
    dialogs: list[str] = []
    elsewhere: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(f"{tab.page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def on_request(request: Request) -> None:
        if urlsplit(request.url).hostname not in ("127.0.0.1", None):
            elsewhere.append(f"{tab.page.url}: {request.url}")

    tab.page.on("dialog", on_dialog)
    tab.page.on("request", on_request)
    # The bodies' own <img src="x.png"> are of this site, and are not there: 404s.
    tab.allow(r"Failed to load resource: the server responded with a status of 404")
    names = sorted(
        p.parent.name for p in (sanitised_site.root / "postmortems").glob("*/index.html")
    )
    assert {"theme", "hostile", "missed", "ordinary"} <= set(names)
    problems: list[str] = []
    for name in names:
        page = tab.open(f"{sanitised_site.url}postmortems/{name}/")
        article = page.locator("article")
        # Material's tooltips and footnote tooltips show on hover and focus.
        for element in article.locator("[title], abbr, .footnote-ref, a").all()[:80]:
            if element.is_visible():
                try:
                    element.hover(timeout=2_000)
                except PlaywrightTimeout:  # hidden since (an empty link, under load): skip it
                    if element.is_visible():
                        raise
                    continue
                element.focus()
        # Material's own tooltips: a table-of-contents entry cut off, shown in full on hover.
        for entry in page.locator(".md-sidebar--secondary .md-ellipsis").all()[:40]:
            if entry.is_visible():
                entry.hover(timeout=2_000)
        page.locator("article .pm-sev").first.hover()
        tooltip = page.locator(".md-tooltip2__inner", has_text="evil.example").first
        shown = (tooltip.text_content() or "").replace("\u2060", "")
        assert shown == TOOLTIP, "the badge's tooltip shows it, as text"
        problems.extend(f"{name}: {problem}" for problem in page.evaluate(CHECKS))
    assert dialogs == []
    assert elsewhere == []
    assert problems == []
