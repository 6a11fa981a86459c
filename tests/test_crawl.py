"""No dead link on the built site: a crawl of a real strict build follows every `href` and
`src` of every HTML page (links between pages, `#anchors` against the ids of the page they
reach, stylesheets, scripts, images, feeds, calendars, data files) and finds each target.

Links to other hosts are not followed. The crawler (`crawl.broken_links`) is shown to fail
first, on a small site broken on purpose in each way it checks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crawl import broken_links

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"


def build(project: Path, site: Path) -> Path:
    """`mkdocs build --strict` of a project into `site`, as of a fixed day."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTMORTEMS_")}
    env.update(POSTMORTEMS_AS_OF="2026-11-24", NO_MKDOCS_2_WARNING="1", PYTHONUTF8="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return site


def page(site: Path, path: str, body: str) -> None:
    target = site / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"<!doctype html><html><body>{body}</body></html>", encoding="utf-8")


def test_the_crawler_finds_each_kind_of_dead_link(tmp_path: Path) -> None:
    site = tmp_path / "site"
    page(
        site,
        "index.html",
        '<h1 id="top">Home</h1>'
        '<a href="a/">fine</a> <a href="a/#here">fine anchor</a> <a href="#top">fine</a>'
        '<a href="https://example.com/gone">other host, not followed</a>'
        '<a href="missing/">dead page</a>'
        '<a href="a/#nowhere">dead anchor</a>'
        '<a href="#nor-here">dead anchor on this page</a>'
        '<img src="img/missing.svg" alt="">'
        '<link rel="alternate" type="application/atom+xml" href="feeds/missing.xml">'
        '<a href="calendars/missing.ics">dead calendar</a>'
        '<script src="/assets/missing.js"></script>',
    )
    page(site, "a/index.html", '<h2 id="here">Here</h2><a href="../index.html#top">back</a>')
    broken = broken_links(site)
    assert sorted(broken) == sorted(
        [
            "index.html: missing/",
            "index.html: a/#nowhere (no id 'nowhere')",
            "index.html: #nor-here (no id 'nor-here')",
            "index.html: img/missing.svg",
            "index.html: feeds/missing.xml",
            "index.html: calendars/missing.ics",
            "index.html: /assets/missing.js",
        ]
    )
    (site / "img").mkdir()
    (site / "img" / "missing.svg").write_text("<svg/>", encoding="utf-8")
    assert "index.html: img/missing.svg" not in broken_links(site)


def test_the_example_knowledge_base_has_no_dead_link(tmp_path: Path) -> None:
    site = build(REPO, tmp_path / "site")
    pages = list(site.rglob("*.html"))
    assert len(pages) > 50
    assert (site / "404.html").is_file()
    assert broken_links(site) == []


def hostile(tmp_path: Path, *, directory_urls: bool = True) -> Path:
    """The hostile knowledge base, with the image one of its bodies shows (`x.png`, beside
    the page): a body's own relative links are its author's, not checked by the build (the
    fixture ships no image); every other link is the plugin's or the theme's."""
    project = tmp_path / "kb"
    shutil.copytree(FIXTURES / "kb-hostile", project, ignore=shutil.ignore_patterns("refused"))
    folder = "postmortems/2026-02-09-body-ids" if directory_urls else "postmortems"
    (project / "docs" / folder).mkdir(parents=True)
    (project / "docs" / folder / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    config = project / "mkdocs.yml"
    setting = f"use_directory_urls: {str(directory_urls).lower()}\n"
    config.write_text(config.read_text(encoding="utf-8") + setting, encoding="utf-8")
    return project


@pytest.mark.parametrize("directory_urls", [True, False])
def test_the_hostile_knowledge_base_has_no_dead_link(tmp_path: Path, directory_urls: bool) -> None:
    """With and without directory URLs: every link the plugin writes follows the setting."""
    site = build(hostile(tmp_path, directory_urls=directory_urls), tmp_path / "site")
    assert len(list(site.rglob("*.html"))) > 20
    assert broken_links(site) == []
