"""ProperDocs and Zensical build the example knowledge base from `postmortems generate`
output: every page, with working links; and Zensical, which drops the plugin without a
word, shows on the home page of this repository's own configuration that it did not run.

Each generator lives in a venv of its own (.venv-properdocs, .venv-zensical), which
`make zensical` makes and then runs these tests with POSTMORTEMS_GENERATORS=1 (`make test`
runs it). Without that variable they are skipped: `make unit` does not make the venvs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from crawl import broken_links
from generated_site import REPO, Project, expected_pages, plain, project, run_generate
from mkdocs_postmortems.site import home_marker

PROPERDOCS = REPO / ".venv-properdocs" / "bin" / "properdocs"
ZENSICAL = REPO / ".venv-zensical" / "bin" / "zensical"
PAYLOADS = REPO / "tests" / "fixtures" / "kb-payloads"

pytestmark = pytest.mark.skipif(
    not os.environ.get("POSTMORTEMS_GENERATORS"),
    reason="`make zensical` runs these, in the generators' own venvs (POSTMORTEMS_GENERATORS=1)",
)


def _tool(path: Path) -> str:
    assert path.is_file(), f"{path}: expected the generator's venv (make zensical makes it)"
    return str(path)


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False, env=env
    )


def _built(made: Project, site: Path) -> None:
    for page, built in expected_pages(made.kb).items():
        assert (site / built).is_file(), page
    assert broken_links(site) == []
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home_marker.NOTICE_TEXT not in home
    assert 'class="pm-figures"' in home


def test_properdocs_builds_the_generated_docs(tmp_path: Path) -> None:
    made = project(tmp_path / "properdocs")
    result = run_generate(made, generator="properdocs")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    built = _run(
        [_tool(PROPERDOCS), "build", "--strict", "-f", str(made.config), "-d", str(site)],
        made.root,
    )
    assert built.returncode == 0, built.stderr
    _built(made, site)
    assert '<meta name="generator" content="mkdocs-ProperDocs ' in (site / "index.html").read_text()


def _zensical(made: Project) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`zensical build` of the project; Zensical writes into `site/` beside its config."""
    built = _run([_tool(ZENSICAL), "build", "-f", str(made.config)], made.root)
    return built, made.root / "site"


def test_zensical_builds_the_generated_docs(tmp_path: Path) -> None:
    made = project(tmp_path / "zensical")
    result = run_generate(made, generator="zensical")
    assert result.returncode == 0, result.stderr
    built, site = _zensical(made)  # strict, as this repository's mkdocs.yml asks
    assert built.returncode == 0, plain(built.stdout + built.stderr)
    assert "No issues found" in plain(built.stdout + built.stderr)
    _built(made, site)
    assert '<meta name="generator" content="zensical-' in (site / "index.html").read_text()


def test_zensical_shows_nothing_of_a_payload_that_can_run(tmp_path: Path) -> None:
    from test_site_safety import MARK, Audit

    made = project(tmp_path / "payloads", PAYLOADS)
    result = run_generate(made, generator="zensical")
    assert result.returncode == 0, result.stderr
    built, site = _zensical(made)
    assert built.returncode == 0, plain(built.stdout + built.stderr)
    shown = 0
    for path in sorted(site.rglob("*.html")):
        audit = Audit()
        audit.feed(path.read_text(encoding="utf-8"))
        assert audit.problems == [], path
        shown += MARK in audit.text
    assert shown >= 8


def test_zensical_says_the_plugin_did_not_run(tmp_path: Path) -> None:
    """This repository's mkdocs.yml as it is: Zensical drops the plugin; the home page says
    so. (Under `strict: true` the links of hand-written pages to generated ones fail the
    build as well, but the pages are written first.)"""
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    built, site = _zensical(Project(tmp_path, REPO / "postmortems"))
    output = plain(built.stdout + built.stderr)
    assert built.returncode == 0 or "page does not exist" in output, output
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"<strong>{home_marker.NOTICE_TEXT}</strong>" in home
    assert not (site / "postmortems").exists()  # what the notice is about
