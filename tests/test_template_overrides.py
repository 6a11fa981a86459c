"""A site overrides the generated pages' templates from its theme's `custom_dir`, as it
overrides Material's own (`<custom_dir>/postmortems/<name>`, docs/site.md), and an override
cannot turn escaping off by printing a value: Jinja2's autoescape is the environment's.

The builds are real MkDocs builds of a copy of tests/fixtures/analytics-kb: one with an empty
`overrides/` folder, one with two templates overridden. Only the overridden pages (and the
search index, which holds their text) may differ between the two.
"""

from __future__ import annotations

import filecmp
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mkdocs_postmortems.site import template_list, templates

SiteBuilder = Callable[..., Path]
REPO = Path(__file__).resolve().parents[1]
KB = REPO / "tests" / "fixtures" / "analytics-kb"
PACKAGE_TEMPLATES = REPO / "plugins" / "mkdocs_postmortems" / "site" / "templates"
AS_OF = "2026-06-15"
MARKER = "override-marker-7f3a"
HOSTILE = '<img src=x onerror="alert(1)"> & stale heartbeat'
HOSTILE_ESCAPED = "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; stale heartbeat"
"""How Jinja2 (markupsafe) spells `HOSTILE` as text."""


def _project(tmp_path: Path, name: str) -> Path:
    """A copy of the fixture knowledge base with `custom_dir: overrides` and an overdue
    action item whose title is HTML."""
    project = tmp_path / name
    shutil.copytree(KB, project)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    themed = text.replace(
        "theme: {name: material, font: false}",
        "theme: {name: material, font: false, custom_dir: overrides}",
    )
    assert themed != text
    config.write_text(themed, encoding="utf-8")
    (project / "overrides").mkdir()
    source = project / "postmortems" / "2026" / "2026-03-31-heartbeat-silent.md"
    postmortem = source.read_text(encoding="utf-8")
    hostile = postmortem.replace("  - title: Page on a stale heartbeat", f"  - title: '{HOSTILE}'")
    assert hostile != postmortem
    source.write_text(hostile, encoding="utf-8")
    return project


def _override(project: Path, name: str, text: str) -> None:
    path = project / "overrides" / templates.OVERRIDES / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _differing(one: Path, two: Path) -> set[str]:
    """Files (relative paths) that differ between two site folders, or exist in one only."""
    found: set[str] = set()

    def walk(compared: filecmp.dircmp[str], prefix: str) -> None:
        found.update(prefix + name for name in compared.left_only + compared.right_only)
        found.update(prefix + name for name in compared.diff_files)
        for name in compared.common_files:  # dircmp compares by os.stat signature first
            if (Path(compared.left) / name).read_bytes() != (
                Path(compared.right) / name
            ).read_bytes():
                found.add(prefix + name)
        for name, sub in compared.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(one, two), "")
    return found


def test_an_override_in_custom_dir_replaces_one_page_and_stays_escaped(
    build_site: SiteBuilder, tmp_path: Path
) -> None:
    plain = _project(tmp_path, "plain")
    overridden = _project(tmp_path, "overridden")
    package = (PACKAGE_TEMPLATES / "analytics" / "severity.html").read_text(encoding="utf-8")
    heading = '<h1 id="severity-trends">{{ title }}</h1>'
    assert heading in package
    _override(
        overridden,
        "analytics/severity.html",
        package.replace(heading, f'{heading}\n<p class="{MARKER}">{MARKER}</p>'),
    )
    # An override written without a thought for escaping: it prints values as they come.
    _override(
        overridden,
        "analytics/action-items.html",
        '<h1>{{ title }}</h1>\n{% for row in overdue %}<p class="probe">{{ row.title }}'
        "</p>\n{% endfor %}",
    )
    one = build_site(plain / "mkdocs.yml", tmp_path / "one", as_of=AS_OF)
    two = build_site(overridden / "mkdocs.yml", tmp_path / "two", as_of=AS_OF)

    severity = (two / "analytics" / "severity" / "index.html").read_text(encoding="utf-8")
    assert severity.count(MARKER) == 2  # class and text: once, where the override put it
    assert MARKER not in (one / "analytics" / "severity" / "index.html").read_text("utf-8")
    # The rest of the page is the package's: the chart and its numbers are still there.
    assert 'class="pm-table pm-numbers"' in severity and "severity-by-quarter.svg" in severity

    actions = (two / "analytics" / "action-items" / "index.html").read_text(encoding="utf-8")
    probes = re.findall(r'<p class="probe">(.*?)</p>', actions)
    assert HOSTILE_ESCAPED in probes, probes
    assert HOSTILE not in actions and "<img src=x" not in actions
    # The package's own page escapes the same title too.
    plain_actions = (one / "analytics" / "action-items" / "index.html").read_text("utf-8")
    assert HOSTILE_ESCAPED in plain_actions and "<img src=x" not in plain_actions

    assert _differing(one, two) == {
        "analytics/severity/index.html",
        "analytics/action-items/index.html",
        "search/search_index.json",
    }


def test_autoescape_holds_in_an_override_rendered_directly(tmp_path: Path) -> None:
    """The same through `templates.render`, for every way an override might print a value
    without `|safe`: a plain expression, an attribute, a macro argument, a filter's output."""
    folder = tmp_path / "custom"
    (folder / templates.OVERRIDES / "reports").mkdir(parents=True)
    (folder / templates.OVERRIDES / "reports" / "index.html").write_text(
        "{% macro echo(text) %}<b>{{ text }}</b>{% endmacro %}"
        '<p title="{{ value }}">{{ value }}|{{ echo(value) }}|{{ value | upper }}'
        "|{{ value ~ '!' }}</p>",
        encoding="utf-8",
    )
    rendered = templates.render((str(folder),), "reports/index.html", value=HOSTILE)
    assert "<img" not in rendered and "<IMG" not in rendered
    assert rendered.count("&lt;img") == 4 and rendered.count("&lt;IMG") == 1


@pytest.mark.parametrize("name", ["analytics/severity.html", "reports/report.html"])
def test_without_an_override_the_package_template_is_used(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "custom"  # a custom_dir with no postmortems/ folder at all
    folder.mkdir()
    env = templates.environment((str(folder),))
    source = env.loader.get_source(env, name)[1] if env.loader else None
    assert source is not None and Path(source) == PACKAGE_TEMPLATES / name


def test_the_docs_list_every_template_with_its_comment() -> None:
    """docs/site.md lists every template of the package folder, as `template_list` makes the
    list (each name once, in the section on overriding)."""
    doc = (REPO / "docs" / "site.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Overriding the templates") :]
    listed = section[section.index(template_list.START) : section.index(template_list.END)]
    on_disk = sorted(
        path.relative_to(PACKAGE_TEMPLATES).as_posix() for path in PACKAGE_TEMPLATES.rglob("*.html")
    )
    assert on_disk and [name for name, _ in template_list.templates()] == on_disk
    missing = [name for name in on_disk if f"- `{name}`" not in listed]
    assert not missing, (
        f"docs/site.md does not list {missing}: run "
        "python -m mkdocs_postmortems.site.template_list docs/site.md"
    )
    # Deeper folders would not be package data (pyproject globs one level of folders).
    assert all(name.count("/") <= 1 for name in on_disk)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{% if %}broken", "owners/index.html:1: template: expected valid Jinja2, got"),
        ("line one\n{{ no_such_value.attribute }}", "owners/index.html:2: template: Undefined"),
    ],
    ids=["syntax", "undefined"],
)
def test_a_broken_override_is_an_error_at_its_line_not_a_traceback(
    tmp_path: Path, text: str, said: str
) -> None:
    import subprocess
    import sys

    project = _project(tmp_path, "broken")
    _override(project, "owners/index.html", text)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "POSTMORTEMS_AS_OF": AS_OF},
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert said in done.stderr, done.stderr[-2000:]
