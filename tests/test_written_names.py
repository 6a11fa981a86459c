"""`postmortems new` and `postmortems import` write only names the knowledge base accepts.

Whatever a title, id, date or source file name holds (unicode, quotes, `<>"'&%#? `, digits
of other scripts, `..`, `index`), the file written is `YYYY/YYYY-MM-DD-<slug>.md` or
`undated/<slug>.md` in the safe set (`names`), and one that `postmortems validate` reads.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_postmortems.cli import scaffold
from mkdocs_postmortems.cli.importers import dispatch
from mkdocs_postmortems.cli.importers.base import Imported
from mkdocs_postmortems.core import names

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RunCli = Callable[..., subprocess.CompletedProcess[str]]

HOSTILE = [
    '<Café "x"> 50% #1? & y',
    "javascript:alert(1)",
    "../../etc/passwd",
    "決済の障害",
    "index",
    "README",
    "..",
    "_draft",
    ".hidden",
    "٢٠٢٦-٠٣-١٤",
    "\uff12\uff10\uff12\uff16-\uff10\uff13-\uff11\uff14 outage",  # fullwidth digits
    "\u202eevil",
    "straße ½ ﬁ",
    "a\tb\nc",
    "",
]
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=80))


def assert_publishable(path: Path, folder: Path) -> None:
    """Every part of the path below the folder safe, and the file one discovery reads."""
    relative = path.relative_to(folder).as_posix()
    assert names.unsafe_parts(relative) == [], relative
    assert path.suffix == ".md"
    assert path.stem.lower() not in ("index", "readme"), relative  # a folder's page
    assert not any(part.startswith((".", "_")) for part in path.relative_to(folder).parts)
    year, name = path.relative_to(folder).parts
    assert re.fullmatch(r"[0-9]{4}|undated", year), relative
    if year != "undated":
        assert name.startswith(year + "-"), relative


_OFFSET = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))


@given(
    title=TEXT,
    started=st.datetimes(
        min_value=dt.datetime(1001, 1, 1), max_value=dt.datetime(9998, 12, 31), timezones=_OFFSET
    ),
)
def test_new_names_its_file_from_any_title_in_the_safe_set(
    title: str, started: dt.datetime
) -> None:
    folder = Path("/nonexistent-knowledge-base")  # next_id reads no folder that is not there
    answers = scaffold.Answers(
        title=title,
        severity="P1",
        services=("checkout",),
        started_at=started.isoformat(),
        authors=("ana",),
    )
    path, _ = scaffold.target(folder, answers)
    assert_publishable(path, folder)


_DAYISH = st.one_of(
    st.sampled_from(HOSTILE),
    st.dates().map(dt.date.isoformat),
    st.datetimes(timezones=st.just(dt.UTC)).map(dt.datetime.isoformat),
    st.text(max_size=30),
)


@given(
    title=st.one_of(st.none(), TEXT),
    pm_id=st.one_of(st.none(), TEXT),
    started=st.one_of(st.none(), _DAYISH),
    date=st.one_of(st.none(), _DAYISH),
    stem=st.one_of(st.none(), TEXT),
    source=TEXT,
)
@settings(max_examples=300)
def test_import_names_its_file_from_anything_in_the_safe_set(
    title: str | None,
    pm_id: str | None,
    started: str | None,
    date: str | None,
    stem: str | None,
    source: str,
) -> None:
    data = {
        key: value
        for key, value in (("title", title), ("id", pm_id), ("started_at", started), ("date", date))
        if value is not None
    }
    folder = Path("/out")
    source_path = f"in/{source.replace('/', '_') or 'x'}.md"
    path = dispatch.target_path(folder, Imported(data, "", stem=stem), source_path)
    assert_publishable(path, folder)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ('<Café "x"> 50% #1? & y', "2026-03-14-cafe-x-50-1-y.md"),
        ("決済の障害", "2026-03-14-pm-2026-001.md"),
        ("javascript:alert(1)", "2026-03-14-javascript-alert-1.md"),
    ],
)
def test_new_writes_a_safe_name_that_validate_reads(
    run_cli: RunCli, tmp_path: Path, title: str, expected: str
) -> None:
    kb = tmp_path / "postmortems"
    kb.mkdir()
    (kb / "taxonomy.yml").write_bytes((FIXTURES / "taxonomy.yml").read_bytes())
    new = run_cli(
        "new",
        "--dir",
        kb,
        "--title",
        title,
        "--severity",
        "P1",
        "--service",
        "checkout",
        "--started-at",
        "2026-03-14T09:12:00+00:00",
        "--author",
        "ana",
        cwd=tmp_path,
    )
    assert new.returncode == 0, new.stderr
    written = [p for p in kb.rglob("*.md")]
    assert [p.relative_to(kb).as_posix() for p in written] == [f"2026/{expected}"]
    assert_publishable(written[0], kb)
    checked = run_cli("validate", kb, cwd=tmp_path)
    assert f"2026/{expected}" in checked.stdout  # read: its TODOs are reported


def test_import_writes_safe_names_from_hostile_titles_and_file_names(
    run_cli: RunCli, tmp_path: Path
) -> None:
    template = (FIXTURES / "import" / "postmortem-full.md").read_text(encoding="utf-8")
    sources = tmp_path / "in"
    sources.mkdir()
    titles = {
        'a b"<x>%.md': '<Café "x"> 50% #1? & 決済 /../etc',
        "決済 'q'.md": "決済",
    }
    for file_name, title in titles.items():
        text = re.sub(r"(?m)^\*\*Incident:\*\* .*$", f"**Incident:** {title}", template)
        (sources / file_name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("import", sources, "--output", out, cwd=tmp_path)
    assert "imported" in result.stdout, result.stdout + result.stderr
    written = sorted(out.rglob("*.md"))
    assert len(written) == len(titles)
    for path in written:
        assert_publishable(path, out)
    assert sorted(p.name for p in written) == [
        "2026-03-14-cafe-x-50-1-etc.md",
        "2026-03-14-hotfix-231.md",
    ]
