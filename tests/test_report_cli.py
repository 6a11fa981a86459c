"""`postmortems report`: the JSON equal byte for byte to the built site's
`/data/reports/<YYYY-Qn>.json` (a real strict MkDocs build), Markdown and standalone HTML
with hostile text escaped, the running quarter marked partial, and bad input refused with
the right exit code and no traceback."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import RunCli

KB = Path(__file__).parent / "fixtures" / "report-kb"
AS_OF = "2026-08-15"
QUARTERS = ["2026-Q1", "2026-Q2", "2026-Q3"]
HOSTILE = """---
id: RK-8
title: Hostile <script>alert(1)</script>
severity: P3
status: published
date: 2026-08-02
authors: [ana]
services: [web]
teams: [core]
started_at: 2026-08-01T00:00:00Z
detected_at: 2026-08-01T00:05:00Z
resolved_at: 2026-08-01T00:10:00Z
contributing_factors: [bad-deploy]
---

## Lessons Learned

Never trust [a link](https://example.com/x) or **x** or `<img src=x onerror=alert(1)>`.
"""


@pytest.fixture(autouse=True)
def _quiet_mkdocs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("POSTMORTEMS_AS_OF", raising=False)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture knowledge base with one hostile postmortem added."""
    root = tmp_path_factory.mktemp("report") / "kb"
    shutil.copytree(KB, root)
    (root / "postmortems" / "2026-08-01-hostile.md").write_text(HOSTILE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = tmp_path_factory.mktemp("site")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(out), strict=True)
    config.plugins["postmortems"].config["as_of"] = AS_OF
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return out


def _report(run_cli: RunCli, project: Path, quarter: str, *options: str) -> str:
    result = run_cli("report", quarter, project / "postmortems", "--as-of", AS_OF, *options)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_cli_json_is_the_sites_file_byte_for_byte(
    run_cli: RunCli, project: Path, site: Path
) -> None:
    published = sorted(p.name for p in (site / "data" / "reports").iterdir())
    assert published == [f"{q}.json" for q in QUARTERS]
    for quarter in QUARTERS:
        ours = _report(run_cli, project, quarter, "--format", "json")
        assert ours == (site / "data" / "reports" / f"{quarter}.json").read_text(encoding="utf-8")


def test_the_running_quarter_is_partial(run_cli: RunCli, project: Path) -> None:
    data = json.loads(_report(run_cli, project, "2026-Q3", "--format", "json"))
    assert data["partial"] is True and data["as_of"] == AS_OF
    assert data["count"] == 2  # RK-6 and the hostile RK-8
    assert json.loads(_report(run_cli, project, "2026-Q2", "--format", "json"))["partial"] is False
    assert "partial" in _report(run_cli, project, "2026-Q3").splitlines()[0]


def test_the_page_opens_with_the_headline_and_ends_with_the_method(site: Path) -> None:
    page = (site / "reports" / "2026-Q2" / "index.html").read_text(encoding="utf-8")
    body = page[page.index('id="report"') :]
    headline = body.index('class="pm-headline"')
    assert headline < body.index("<h2")
    text = re.sub(r"<[^>]+>", "", body[headline : body.index("</p>", headline)])
    assert "2026-Q2 had 3 incidents" in text and "p =" not in text and "closed_on" not in text
    headings = re.findall(r'<h2 id="([^"]+)"', body)
    for section in ("impact", "services", "repeats", "process", "trend", "lessons"):
        assert section in headings
    assert headings[-1] == "method"
    assert "at least <strong>" not in body or "at least 2" in body


def test_hostile_text_is_escaped_everywhere(run_cli: RunCli, project: Path, site: Path) -> None:
    page = (site / "reports" / "2026-Q3" / "index.html").read_text(encoding="utf-8")
    lessons = page[page.index('id="lessons"') : page.index('id="this-quarter"')]
    assert "&lt;img src=x onerror=alert(1)&gt;" in lessons
    assert "<img" not in lessons and "javascript:" not in lessons.split("<q>")[0]
    assert 'href="javascript' not in page
    html = _report(run_cli, project, "2026-Q3", "--format", "html")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>" not in html
    markdown = _report(run_cli, project, "2026-Q3")
    assert "\\[a link\\]" in markdown and "\\<img" in markdown and "\\*\\*x\\*\\*" in markdown


def test_bad_input_is_refused_plainly(run_cli: RunCli, project: Path, tmp_path: Path) -> None:
    unknown = run_cli("report", "2019-Q1", project / "postmortems", "--as-of", AS_OF)
    assert unknown.returncode == 1 and "no non-draft postmortem started in 2019-Q1" in (
        unknown.stderr
    )
    malformed = run_cli("report", "2026-Q5", project / "postmortems")
    assert malformed.returncode == 2 and "expected a quarter" in malformed.stderr
    bad_day = run_cli("report", "2026-Q1", project / "postmortems", "--as-of", "someday")
    assert bad_day.returncode == 2
    broken = tmp_path / "kb"
    shutil.copytree(project / "postmortems", broken)
    (broken / "2026-03-02-broken.md").write_text(
        "---\nid: RK-9\ntitle: Broken\nseverity: P9\n---\n", encoding="utf-8"
    )
    result = run_cli("report", "2026-Q1", broken, "--as-of", AS_OF, "--format", "json")
    assert result.returncode == 1
    assert "2026-03-02-broken.md" in result.stderr
    assert json.loads(result.stdout)["count"] == 2  # the broken file left out


def test_a_quarter_after_the_as_of_day_compares_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    """Postmortems may start after the as-of day: no day of their quarter is observed."""
    kb = tmp_path / "postmortems"
    shutil.copytree(KB / "postmortems", kb)
    for path in kb.glob("*.md"):  # closed_on after the as-of day would refuse the file
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(x for x in lines if "closed_on:" not in x), encoding="utf-8")
    result = run_cli("report", "2026-Q3", kb, "--as-of", "2026-06-20")
    headline = result.stdout.splitlines()[2]
    assert "starts after the as-of day (2026-06-20)" in headline, result.stdout
    assert "first -" not in result.stdout and "down from" not in headline
