"""Pages share one Markdown converter (`adapters.markdown_reuse`) and the site is the same,
byte for byte: ours, and a plain site whose extensions hold state within a document
(footnotes, abbreviations, tabs, heading ids) that must not reach the next page."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import markdown
import pytest
from mkdocs.structure import pages as mkdocs_pages

from conftest import FIXTURES, REPO, SiteBuilder
from mkdocs_postmortems.adapters import markdown_reuse


class _Counting(markdown.Markdown):
    made = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        type(self).made += 1
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Counting]]:
    """Converters made, whether through the stand-in or not; the stand-in put in place anew."""
    _Counting.made = 0
    monkeypatch.setattr(markdown, "Markdown", _Counting)  # the module the stand-in calls
    monkeypatch.setattr(mkdocs_pages, "markdown", markdown)
    yield _Counting


def _without_reuse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mkdocs_pages, "markdown", markdown)
    monkeypatch.setattr(markdown_reuse, "install", lambda: False)


def _files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize(
    "config",
    [REPO / "mkdocs.yml", FIXTURES / "kb-hostile" / "mkdocs.yml"],
    ids=["example", "hostile"],
)
def test_our_sites_are_the_same_with_one_converter(
    config: Path,
    build_site: SiteBuilder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    counted: type[_Counting],
) -> None:
    shared = build_site(config, tmp_path / "shared")
    pages = len(list(shared.rglob("index.html")))
    assert pages > 20
    assert counted.made <= 3  # MkDocs' own checks of the configuration make one or two
    with monkeypatch.context() as inner:
        _without_reuse(inner)
        each = build_site(config, tmp_path / "each")
    assert counted.made > pages  # the same counter: a converter for each page
    assert _files(shared) == _files(each)


STATEFUL = """\
site_name: Stateful
site_url: https://example.com/
theme:
  name: material
plugins:
  - search
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
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.tabbed
  - pymdownx.tasklist
"""

FIRST = """\
# First

The HTML spec[^note] says so.

*[HTML]: Hyper Text Markup Language

[^note]: A footnote of the first page.

=== "One"

    Tab one.

=== "Two"

    Tab two.

## Same

## Same
"""

SECOND = """\
# Second

HTML again, with no abbreviation defined here, and a reference[^note] left undefined.

=== "Three"

    Its tabs start again.

## Same

- [x] done
- [ ] open

```python
print("code")
```
"""


def _stateful(root: Path, extra: str = "") -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(FIRST, encoding="utf-8")
    (docs / "second.md").write_text(SECOND, encoding="utf-8")
    (docs / "third.md").write_text(FIRST.replace("First", "Third"), encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(STATEFUL + extra, encoding="utf-8")
    return config


def _build_plain(config: Path, site: Path) -> Path:
    """A site without our plugin, with the stand-in put in place as our plugin does."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    loaded = load_config(config_file=str(config), site_dir=str(site))
    loaded.plugins.on_startup(command="build", dirty=False)
    markdown_reuse.install()
    build(loaded)
    return site


def test_nothing_of_one_page_reaches_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: type[_Counting]
) -> None:
    config = _stateful(tmp_path / "project")
    shared = _build_plain(config, tmp_path / "shared")
    assert counted.made <= 3
    with monkeypatch.context() as inner:
        _without_reuse(inner)
        each = _build_plain(config, tmp_path / "each")
    assert _files(shared) == _files(each)
    second = (shared / "second" / "index.html").read_text(encoding="utf-8")
    assert "<abbr" not in second  # the first page's abbreviation stayed there
    assert "A footnote of the first page" not in second
    assert 'id="same"' in second and 'id="same_1"' not in second  # heading ids start again


def test_an_extension_not_known_to_keep_clean_gets_a_converter_per_page(
    tmp_path: Path, counted: type[_Counting]
) -> None:
    config = _stateful(tmp_path / "project", "  - pymdownx.magiclink\n")
    _build_plain(config, tmp_path / "site")
    assert counted.made >= 3 + 1  # each of the three pages, and MkDocs' own check


def test_extension_names_as_markdown_reads_them() -> None:
    assert markdown_reuse.module_of("toc") == "markdown.extensions.toc"
    assert markdown_reuse.module_of("markdown.extensions.toc") == "markdown.extensions.toc"
    assert markdown_reuse.module_of("pymdownx.tabbed:TabbedExtension") == "pymdownx.tabbed"
    assert markdown_reuse.module_of(object()) is None
    assert markdown_reuse.kept_clean(["toc", "tables", "pymdownx.superfences"])
    assert not markdown_reuse.kept_clean(["toc", "my_extension"])
    assert not markdown_reuse.kept_clean(["toc", textwrap])  # an object: unknown
