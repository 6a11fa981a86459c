"""A knowledge base written by an attacker, validated, built and loaded page by page in Chromium.

tests/fixtures/kb-hostile/ is the attack. `postmortems/` holds hostile but valid postmortems:
every front-matter field and every taxonomy label carries script, handlers, theme ids, forms
and loads from other hosts (all of it must read as text), and a body holds what a body may:
ids of the theme and of the plugin (moved aside), headings named like them, footnotes and
in-page links. `refused/` holds what the validator must refuse, each problem at its line:
bodies of script and handlers, bad link schemes, names, theme classes, styles, forms, loads
from other hosts, SVG/MathML and parser confusion; front matter with bad links, slugs, ids,
control and bidi characters, YAML tricks and values out of bounds; a hostile taxonomy. The
test adds what cannot be committed: hostile file names, links out of the folder, loops,
FIFOs, duplicates and credentials.

The site is built as a maintainer would build it without `--strict`, with every refused file
added: each is left out with a diagnostic, and exactly those are the ones `postmortems
validate` refuses. Then every HTML page is opened in Chromium, and any dialog, any request to
another origin, any navigation away, any console or page error, any global a payload sets,
and any theme id, name or class an author's element holds fails the test; every problem of
every page is reported at once. Markers the payloads set are built by concatenation
(`'HIJ'+'ACKED'`), so text that shows a payload literally never looks like one that ran.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, Route
from playwright.sync_api import Error as PlaywrightError

from e2e.support import AS_OF, REPO, RunCli, mkdocs_build, serve

FIXTURE = REPO / "tests" / "fixtures" / "kb-hostile"
REFUSED = FIXTURE / "refused"
TAXONOMY = FIXTURE / "postmortems" / "taxonomy.yml"

# --- what validate must refuse, and where ---------------------------------------------------

REFUSED_AT: dict[str, list[str]] = {
    # file: for each problem, text that starts its line (the first such line, after any
    # leading spaces); the diagnostic must name that line.
    "hostile-front-link-schemes.md": [
        "js:",
        "upper:",
        "data:",
        "vbs:",
        "plain:",
        "relative:",
        "userinfo:",
        "backslash:",
        "spaced:",
        "file:",
    ],
    "hostile-front-slugs.md": ["services:", "teams:", "tags:", "contributing_factors:"],
    "hostile-front-id-severity.md": ["id:", "severity:", "status:", "type:"],
    "hostile-front-bidi.md": ["title:", "authors:", "summary:"],
    "hostile-front-yaml-tricks.md": [
        "title:",
        "severity:",
        "authors:",
        "resolved_at: 2026-03-01T12",
        "<<:",
    ],
    "hostile-front-bounds.md": ["date:", "users_affected:", "revenue_usd:", "port:", "closed_on:"],
    "hostile-front-positions.md": ["title:", "summary:", "contributing_factors:"],
    "hostile-front-vertical-tab.md": ["title:"],
    "hostile-first-line.md": ["<script>"],
}
TAXONOMY_REFUSED_AT = ['"P1', 'label: "Moderate', "services:", "teams:", '"a<b":']

HOSTILE_NAMES = [
    '2026-03-20-x"><img src=x onerror=alert(1)>.md',
    "2026-03-20-a b.md",
    "2026-03-20-caf\u00e9.md",
    "2026-03-20-#frag.md",
    "2026-03-20-q?x=1&y=2.md",
    "2026-03-20-%2e%2e%2fup.md",
    "2026-03-20-\u202egnp.md",
    "2026-03-20-tab\tname.md",
    "2026-03-20-new\nline.md",
    "2026-03-20-'quote'.md",
]
"""File names outside the safe set; each is an error naming the file."""

HOSTILE_FOLDER = "x<y"
"""A folder name outside the safe set, holding an otherwise valid postmortem."""


def _secret_values() -> dict[str, str]:
    """Credentials the secret scan flags, made here so that no file in the repository holds
    one (a push-protection scanner would rightly complain)."""
    alnum = "aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW3xY5zA7bC9dE1fG"
    return {
        "github": "gh" + "p_" + alnum[:36],
        "aws": "AK" + "IA" + "Q3EGRZ7UMW4NXT2P",
        "slack": "xo" + "xb-1234567890-1234567890-" + alnum[:24],
    }


def _line_of(text: str, start: str) -> int:
    """The 1-based number of the first line that starts with `start` (after indentation),
    counting lines as editors do: at line feeds only."""
    for number, line in enumerate(text.split("\n"), 1):
        if line.lstrip(" -").startswith(start):
            return number
    raise AssertionError(f"no line starts with {start!r}")


def _validate_json(run_cli: RunCli, *args: str | Path, cwd: Path = REPO) -> list[dict[str, Any]]:
    """`postmortems validate --format json ARGS`: its diagnostics (run_cli fails on a
    traceback or an internal error)."""
    result = run_cli("validate", "--format", "json", *args, cwd=cwd)
    assert result.returncode == 1, f"exit {result.returncode}: {result.stdout}{result.stderr}"
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


MARKUP = re.compile(r"<[A-Za-z!/?]|\]\(|\{:|^(!!!|\?\?\?|\*\[)")
"""What makes a line of a refused body a payload: HTML, a Markdown link or image, an
attribute list, an admonition or details title, an abbreviation."""
REFERENCE = re.compile(r"^\[([^\]^][^\]]*)\]:\s")


def _body_expectations(text: str) -> list[set[int]]:
    """For a refused body (between its `…BODYSTART` and `…BODYEND` lines): each line of
    markup must be reported, outside fenced code; a reference and the links that use it are
    one problem, reported at the definition or at a use."""
    lines = text.split("\n")
    expected: list[set[int]] = []
    inside = fenced = False
    for number, line in enumerate(lines, 1):
        if "BODYSTART" in line:
            inside = True
        elif "BODYEND" in line:
            break
        elif inside and line.lstrip().startswith("```"):
            fenced = not fenced
        elif inside and not fenced:
            reference = REFERENCE.match(line)
            if reference:
                label = f"[{reference.group(1).casefold()}]"
                uses = {n for n, other in enumerate(lines, 1) if label in other.casefold()}
                expected.append(uses | {number})
            elif MARKUP.search(line) and not re.fullmatch(r"\s*</[a-z]+>\s*", line):
                expected.append({number})
    return expected


REFUSED_FILES = sorted(p.name for p in REFUSED.glob("*.md"))


@pytest.mark.parametrize("name", REFUSED_FILES)
def test_refused_postmortems_are_refused_at_their_lines(run_cli: RunCli, name: str) -> None:
    path = REFUSED / name
    text = path.read_text(encoding="utf-8")
    expected = [{_line_of(text, start)} for start in REFUSED_AT.get(name, [])]
    expected += _body_expectations(text)
    assert expected, f"{name}: nothing to expect (a body needs …BODYSTART/…BODYEND lines)"
    diagnostics = _validate_json(run_cli, "--taxonomy", TAXONOMY, path)
    assert {Path(d["path"]).name for d in diagnostics} == {name}
    assert all(d["line"] >= 1 and d["column"] >= 1 for d in diagnostics), diagnostics
    lines = {d["line"] for d in diagnostics}
    unreported = [
        f"{min(alternatives)}: {text.split(chr(10))[min(alternatives) - 1][:80]}"
        for alternatives in expected
        if not alternatives & lines
    ]
    assert unreported == [], "no diagnostic at:\n" + "\n".join(unreported)
    for fmt, shape in (("text", r"^.+:\d+:\d+: "), ("github", r"^::(error|warning) file=")):
        result = run_cli("validate", "--format", fmt, "--taxonomy", TAXONOMY, path)
        assert result.returncode == 1
        for line in result.stdout.splitlines():
            assert re.match(shape, line), f"{fmt}: {line!r}"


def test_a_hostile_taxonomy_is_refused_at_its_lines(run_cli: RunCli) -> None:
    path = REFUSED / "taxonomy-keys.yml"
    text = path.read_text(encoding="utf-8")
    expected = {_line_of(text, start) for start in TAXONOMY_REFUSED_AT}
    diagnostics = _validate_json(run_cli, "--taxonomy", path, FIXTURE / "postmortems")
    assert {Path(d["path"]).name for d in diagnostics} == {path.name}
    assert expected <= {d["line"] for d in diagnostics}, diagnostics


def _postmortem(pm_id: str, word: str, extra: str = "") -> str:
    return (
        f"---\nid: {pm_id}\ntitle: Made by the test\nseverity: P3\nstatus: published\n"
        "date: 2026-03-21\nauthors: [mallory]\nservices: [checkout]\n"
        "started_at: 2026-03-20T10:00:00Z\ndetected_at: 2026-03-20T10:05:00Z\n"
        f"resolved_at: 2026-03-20T11:00:00Z\ncontributing_factors: [constructor]\n{extra}"
        f"---\n\n{word}\n"
    )


def test_hostile_file_names_are_refused_by_name(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "postmortems"
    (folder / "2026").mkdir(parents=True)
    (folder / HOSTILE_FOLDER).mkdir()
    shutil.copy(TAXONOMY, folder)
    names = [f"2026/{n}" for n in HOSTILE_NAMES] + [f"{HOSTILE_FOLDER}/2026-03-20-ok.md"]
    for number, name in enumerate(names, 300):
        (folder / name).write_text(_postmortem(f"PM-2026-{number}", "NAMEWORD"), encoding="utf-8")
    diagnostics = _validate_json(run_cli, folder, cwd=tmp_path)
    named = {d["path"] for d in diagnostics}
    missing = [n for n in names if f"postmortems/{n}" not in named]
    assert missing == [], f"not refused by name: {missing}; got {sorted(named)}"


def test_credentials_are_refused_and_never_printed(run_cli: RunCli, tmp_path: Path) -> None:
    secrets = _secret_values()
    folder = tmp_path / "postmortems"
    folder.mkdir()
    shutil.copy(TAXONOMY, folder)
    files = {
        "2026-03-22-owner.md": _postmortem(
            "PM-2026-401",
            f"A body with a token: {secrets['slack']}",
            "action_items:\n  - title: Rotate\n    type: prevent\n"
            f"    owner: {secrets['github']}\n    due: 2026-04-01\n    priority: high\n"
            "    status: open\n",
        ),
        # A schema error whose "got" would be the key itself.
        "2026-03-22-schema.md": _postmortem("PM-2026-402", "Body.").replace(
            "severity: P3", f"severity: {secrets['aws']}"
        ),
        # The first line of the file is the credential.
        "2026-03-22-first-line.md": f"{secrets['github']}\n---\nid: PM-2026-403\n---\n",
        # A credential in a link, with a password.
        "2026-03-22-link.md": _postmortem(
            "PM-2026-404", "Body.", "links:\n  db: https://admin:Tr0ub4dor-3xyz@db.example.com/\n"
        ),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    tails = [value[-12:] for value in secrets.values()] + ["Tr0ub4dor-3xyz"]
    for fmt in ("text", "github", "json"):
        result = run_cli("validate", "--format", fmt, folder, cwd=tmp_path)
        assert result.returncode == 1, result.stdout + result.stderr
        shown = result.stdout + result.stderr
        printed = [tail for tail in tails if tail in shown]
        assert printed == [], f"{fmt} prints a credential: {printed}\n{shown}"
        for name in files:
            assert name in shown, f"{fmt}: {name} not reported"


def test_credentials_in_the_taxonomy_or_a_file_name_are_refused_unprinted(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """The taxonomy is hostile input too: a credential in a label would be published on
    every page that shows it. A file name is printed in every diagnostic and becomes a URL."""
    secrets = _secret_values()
    folder = tmp_path / "postmortems"
    folder.mkdir()
    taxonomy = TAXONOMY.read_text(encoding="utf-8").replace(
        'label: "Index <form', f'label: "Index {secrets["github"]} <form'
    )
    assert secrets["github"] in taxonomy
    (folder / "taxonomy.yml").write_text(taxonomy, encoding="utf-8")
    (folder / "2026-03-22-valid.md").write_text(_postmortem("PM-2026-410", "Body."), "utf-8")
    result = run_cli("validate", folder, cwd=tmp_path)
    shown = result.stdout + result.stderr
    assert result.returncode == 1, f"a credential in a taxonomy label is accepted:\n{shown}"
    assert secrets["github"][-12:] not in shown, shown

    (folder / "taxonomy.yml").write_text(TAXONOMY.read_text(encoding="utf-8"), "utf-8")
    named = folder / f"{secrets['github']}.md"
    named.write_text(_postmortem("PM-2026-411", "Body.").replace("P3", "P9"), "utf-8")
    result = run_cli("validate", folder, cwd=tmp_path)
    shown = result.stdout + result.stderr
    assert result.returncode == 1
    assert secrets["github"][-12:] not in shown, f"a file name prints a credential:\n{shown}"


# --- the hostile site: built with everything refused added to it ----------------------------


@dataclass(frozen=True)
class Added:
    """What the test puts into the copy of the knowledge base, beside the fixture."""

    refused: set[str] = field(default_factory=set)
    """Paths (relative to the project) that must be refused and named."""
    secrets: list[str] = field(default_factory=list)
    """Text that must appear nowhere: credentials and the content of a file outside."""
    duplicates: list[set[str]] = field(default_factory=list)
    """Files that share an id or a stem: one diagnostic names them all, and a build that goes
    on may publish one of each group."""


@dataclass(frozen=True)
class HostileSite:
    project: Path
    root: Path
    url: str
    log: str
    added: Added

    def data(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(
            (self.root / "data" / "postmortems.json").read_text(encoding="utf-8")
        )
        return loaded

    def pages(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html"))


OUTSIDE_WORD = "OUTSIDEFOLDERWORD"
BODY_MARKERS = {"2026-02-09-body-ids": "IDSBODY"}
"""Postmortems whose body runs from `<marker>START` to `<marker>END`: the author's part."""


def _add_hostile_files(project: Path) -> Added:
    folder = project / "postmortems"
    year = folder / "2026"
    refused: set[str] = set()

    def bad(path: Path) -> None:
        refused.add(path.relative_to(project).as_posix())

    for source in sorted(REFUSED.glob("*.md")):
        target = year / f"2026-03-01-{source.stem}.md"
        shutil.copyfile(source, target)
        bad(target)
    (folder / HOSTILE_FOLDER).mkdir()
    names = [year / n for n in HOSTILE_NAMES] + [folder / HOSTILE_FOLDER / "2026-03-20-ok.md"]
    for number, path in enumerate(names, 300):
        path.write_text(_postmortem(f"PM-2026-{number}", "NAMEWORD"), encoding="utf-8")
        bad(path)
    secrets = _secret_values()
    path = year / "2026-03-22-secret.md"
    path.write_text(
        _postmortem("PM-2026-401", f"Token {secrets['slack']}").replace(
            "title: Made by the test", f"title: Key {secrets['aws']} {secrets['github']}"
        ),
        encoding="utf-8",
    )
    bad(path)
    outside = project / "outside.md"  # beside the folder, not in it
    outside.write_text(_postmortem("PM-2026-501", OUTSIDE_WORD), encoding="utf-8")
    links = {
        "2026-03-23-outside.md": outside,
        "2026-03-23-dangling.md": project / "nowhere.md",
        "2026-03-23-loop-a.md": year / "2026-03-23-loop-b.md",
        "2026-03-23-loop-b.md": year / "2026-03-23-loop-a.md",
    }
    for name, target in links.items():
        (year / name).symlink_to(target)
        bad(year / name)
    os.mkfifo(year / "2026-03-23-fifo.md")
    bad(year / "2026-03-23-fifo.md")
    # The same file under a second name is published once, under its real name.
    (year / "2026-03-24-alias.md").symlink_to(year / "2026-02-09-body-ids.md")
    duplicates: list[set[str]] = [set(), set()]
    for sub in ("2025", "2026"):
        path = folder / sub / "2026-03-25-same-stem.md"
        path.write_text(_postmortem(f"PM-2026-6{sub[-1]}", "STEMWORD"), encoding="utf-8")
        duplicates[0].add(path.relative_to(project).as_posix())
    for letter in "ab":
        path = year / f"2026-03-26-same-id-{letter}.md"
        path.write_text(_postmortem("PM-2026-700", "IDWORD"), encoding="utf-8")
        duplicates[1].add(path.relative_to(project).as_posix())
    return Added(refused, [*secrets.values(), OUTSIDE_WORD], duplicates)


def mkdocs_build_lenient(project: Path, site: Path) -> str:
    """`mkdocs build` without --strict, as of AS_OF: a maintainer's build that publishes the
    valid postmortems and reports the others. Returns the log."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("POSTMORTEMS_") and key != "SOURCE_DATE_EPOCH"
    }
    env.update(POSTMORTEMS_AS_OF=AS_OF, NO_MKDOCS_2_WARNING="1", PYTHONUTF8="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
        check=False,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "Traceback" not in log, log
    return log


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileSite]:
    project = tmp_path_factory.mktemp("kb-hostile") / "kb"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("refused", "site"))
    added = _add_hostile_files(project)
    root = project / "site"
    log = mkdocs_build_lenient(project, root)
    with serve(root) as url:
        yield HostileSite(project, root, url, log, added)


def _fixture_postmortems() -> dict[str, dict[str, str]]:
    """The fixture's postmortems: path -> its id and status, read from the front matter."""
    found = {}
    for path in sorted((FIXTURE / "postmortems").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        fields = dict(re.findall(r"^(id|status): (\S+)$", text.split("\n---", 1)[0], re.M))
        found[path.relative_to(FIXTURE).as_posix()] = fields
    return found


def test_the_fixture_is_valid_as_committed(run_cli: RunCli) -> None:
    """The hostile postmortems are valid: what they carry must be escaped or made inert,
    not refused (warnings are allowed: removed markup is reported)."""
    result = run_cli("validate", FIXTURE / "postmortems")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_strict_build_accepts_what_validate_accepts(tmp_path: Path) -> None:
    """`validate` passes the fixture (above), so `mkdocs build --strict` must too: the build
    may refuse nothing that validate accepts (a body's link to a page that does not exist,
    say), or a pull request passes its check and then cannot be published."""
    project = tmp_path / "kb"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("refused", "site"))
    mkdocs_build(project, tmp_path / "site")


@pytest.mark.xfail(
    strict=True,
    reason="known gap (docs/security.md): validate does not resolve a body's relative links "
    "against the site's docs folder; the strict build's own link check refuses them",
)
def test_a_body_link_to_nothing_is_refused_or_built(run_cli: RunCli, tmp_path: Path) -> None:
    """MkDocs checks a page's relative links itself, and warns (failing --strict) with a
    path of its own and no line; validate must refuse what the strict build refuses, at
    the link's line, or the build must accept it."""
    project = tmp_path / "kb"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("refused", "site"))
    body = "Links to nothing: [a page](nowhere.md) and ![an image](missing.png).\n"
    path = project / "postmortems" / "2026" / "2026-03-27-links.md"
    path.write_text(_postmortem("PM-2026-420", body), encoding="utf-8")
    line = _line_of(path.read_text(encoding="utf-8"), "Links to nothing")
    result = run_cli("validate", "--format", "json", "postmortems", cwd=project)
    if result.returncode == 0:
        mkdocs_build(project, tmp_path / "site")  # validate accepts: so must the build
    else:
        lines = {d["line"] for d in json.loads(result.stdout) if d["path"].endswith(path.name)}
        assert line in lines, result.stdout


def _logged(text: str, path: str) -> bool:
    """Whether a build log or a validate output names `path` (as is, or as Python's repr
    when it holds characters that cannot be printed)."""
    return path in text or repr(path) in text


def test_the_build_publishes_what_validate_accepts(
    hostile_site: HostileSite, run_cli: RunCli
) -> None:
    site = hostile_site
    fixture = _fixture_postmortems()
    published = {r["path"]: r["id"] for r in site.data()["postmortems"]}
    expected = {
        path: fields["id"] for path, fields in fixture.items() if fields["status"] != "draft"
    }
    for group in site.added.duplicates:  # at most one of each, reported all the same
        chosen = [path for path in published if path in group]
        assert len(chosen) <= 1, f"duplicates published: {chosen}"
        expected.update({path: published[path] for path in chosen})
    assert published == expected, "the valid postmortems, once each, under their real names"

    diagnostics = _validate_json(run_cli, "postmortems", cwd=site.project)
    errors = {d["path"] for d in diagnostics if d["level"] == "error"}
    flagged = set(errors)
    for group in site.added.duplicates:
        named = [
            d
            for d in diagnostics
            if d["path"] in group and all(other in d["message"] for other in group - {d["path"]})
        ]
        assert named, f"no diagnostic names every one of {sorted(group)}"
        flagged -= group
    missing = sorted(site.added.refused - flagged)
    assert missing == [], f"validate does not refuse {missing}"
    unexpected = sorted(flagged - site.added.refused)
    assert unexpected == [], f"validate refuses files the test did not make bad: {unexpected}"
    warned = [line for line in site.log.splitlines() if line.startswith("WARNING")]
    not_in_build = [p for p in sorted(errors) if not any(_logged(w, p) for w in warned)]
    assert not_in_build == [], f"validate refuses, the build says nothing: {not_in_build}"

    everything = site.log + "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in site.root.rglob("*") if p.is_file()
    )
    leaked = [s for s in site.added.secrets if s in everything]
    assert leaked == [], f"printed or published: {leaked}"
    assert "DRAFTBODYWORD" not in everything, "a draft is published without include_drafts"

    for stem, marker in BODY_MARKERS.items():
        html = (site.root / "postmortems" / stem / "index.html").read_text(encoding="utf-8")
        assert f"{marker}START" in html and f"{marker}END" in html, f"{stem}: body missing"


# --- Chromium -------------------------------------------------------------------------------

THEME_IDS = [
    "__drawer",
    "__search",
    "__toc",
    "__config",
    "__consent",
    "__settings",
    "__analytics",
    "__palette_0",
    "postmortem-title",
    "pm-browse",
]
"""Ids the theme (Material) and the plugin look up; no author element may hold one."""

PROBE = """(themeIds) => {
  const problems = [];
  // An element of the article that the plugin did not write: the browse table and form,
  // the title, and every other plugin element have ids and names of their own.
  const authorOf = (el) => el && el.closest("article") && !el.closest("form[data-pm-browse]")
    && !el.matches("h1#postmortem-title, table#pm-browse") ? el : null;
  if ("__pwned" in window) problems.push("window.__pwned is set");
  if (window.parent !== window) problems.push("the page runs in a frame");
  if (document.documentElement.dataset.pwned) problems.push("<html data-pwned> is set");
  try {
    if (localStorage.getItem("pwned") !== null) problems.push("localStorage.pwned is set");
  } catch (e) { /* storage may be unavailable */ }
  if (document.title.includes("HIJ" + "ACKED")) problems.push("the title was set by a payload");
  for (const name of ["getElementById", "querySelector", "querySelectorAll", "createElement",
                      "getElementsByName", "addEventListener"]) {
    if (typeof document[name] !== "function") problems.push(`document.${name} is clobbered`);
  }
  for (const name of ["cookie", "forms", "body", "location", "scripts", "images", "links"]) {
    const value = document[name];
    if (value instanceof Element && authorOf(value)) problems.push(`document.${name} is clobbered`);
  }
  if (!(window.document$ && typeof window.document$.subscribe === "function"))
    problems.push("window.document$ (Material's page observable) is clobbered");
  if (typeof window.__md_get !== "function" || !(window.__md_scope instanceof URL))
    problems.push("Material's __md_get / __md_scope are clobbered");
  for (const id of themeIds) {
    // The theme's ids on every page; the plugin's where the plugin put one.
    const all = Array.from(document.querySelectorAll(`[id="${id}"]`));
    const el = all[0];
    const looked = id.startsWith("__") || all.some(other => !authorOf(other));
    if (looked && authorOf(el))
      problems.push(`getElementById(${id}) is the author's <${el.localName}>`);
    if (document.querySelectorAll(`[id="${id}"]`).length > 1) problems.push(`#${id} twice`);
  }
  const config = document.querySelector("#__config");
  if (!config || config.localName !== "script") problems.push("#__config is not Material's");
  for (const el of document.querySelectorAll("[name]")) {
    const name = el.getAttribute("name");
    if (authorOf(el)) problems.push(`an author's <${el.localName} name=${name}>`);
  }
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]"))
    seen.set(el.id, (seen.get(el.id) || 0) + 1);
  // An author may repeat an id of their own (it is still theirs); nothing else may repeat.
  for (const [id, count] of seen)
    if (count > 1 && !id.startsWith("user-content-"))
      problems.push(`id ${JSON.stringify(id)} ${count} times`);
  return problems;
}"""
"""Live checks, after the page's scripts ran: anything a payload set, and every theme id or
name found where it should be."""

SOURCE_SCAN = """async (markers) => {
  // The page as served, parsed by Chromium's own parser without running it: the markup
  // the server sent, before Material's scripts add their classes and buttons.
  const response = await fetch(location.href, {cache: "no-store"});
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  const problems = [];
  const here = location.origin;
  const describe = (el) => `<${el.localName}${Array.from(el.attributes).map(
      a => ` ${a.name}="${a.value.slice(0, 60)}"`).join("")}>`;
  const offSite = (value) => {
    const text = value.trim().replace(/[\\u0000-\\u0020]/g, "");
    if (/^(javascript|data|vbscript):/i.test(text)) return true;
    try { return new URL(value.trim(), location.href).origin !== here; }
    catch (e) { return true; }
  };
  const LOADS = {src: 1, srcset: 1, poster: 1, data: 1, background: 1, lowsrc: 1,
                 dynsrc: 1, action: 1, formaction: 1, ping: 1, codebase: 1, archive: 1,
                 "xlink:href": 1, srcdoc: 1};
  for (const el of doc.querySelectorAll("*")) {
    const inArticle = !!el.closest("article");
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      if (name.startsWith("on")) problems.push(`handler ${describe(el)}`);
      const bare = value.replace(/[\\t\\n\\r]/g, "");
      if (name === "href" && /^\\s*(javascript|data|vbscript):/i.test(bare))
        problems.push(`script link ${describe(el)}`);
      if (name === "href" && el.localName !== "a" && el.localName !== "area"
          && !(el.localName === "link" && /^(canonical|alternate)$/i.test(el.rel))
          && offSite(value)) problems.push(`loads from another host: ${describe(el)}`);
      if (name in LOADS) {
        const urls = name === "srcset"
          ? value.split(",").map(part => part.trim().split(/\\s+/)[0]).filter(Boolean) : [value];
        if (name === "srcdoc" || urls.some(offSite))
          problems.push(`loads from another host: ${describe(el)}`);
      }
      if (name === "style" && /url\\s*\\(|@import|expression\\s*\\(/i.test(value))
        problems.push(`loads by style: ${describe(el)}`);
    }
    if (el.localName === "style" && /@import|url\\s*\\(/i.test(el.textContent))
      problems.push(`loads by a <style>: ${el.textContent.slice(0, 80)}`);
    if (el.localName === "base") problems.push(`a <base>: ${describe(el)}`);
    if (el.localName === "meta" && el.httpEquiv)
      problems.push(`a <meta http-equiv>: ${describe(el)}`);
    if (inArticle && ["script", "style", "link", "meta", "iframe", "frame", "frameset", "object",
                      "embed", "portal", "applet"].includes(el.localName))
      problems.push(`<${el.localName}> in the article`);
    if (el.localName === "script" && /__pwned|alert\\(|confirm\\(|prompt\\(/.test(el.textContent))
      problems.push(`a payload script: ${el.textContent.slice(0, 80)}`);
  }
  // The author's part of a postmortem page: from its START marker to its END marker.
  const article = doc.querySelector("article");
  if (!markers || !article) return problems;
  const walker = doc.createTreeWalker(article, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  let inside = false, sawEnd = false, sawStart = false;
  const author = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.nodeType === Node.TEXT_NODE) {
      if (node.data.includes(markers + "START")) { inside = true; sawStart = true; }
      if (node.data.includes(markers + "END")) { inside = false; sawEnd = true; }
    } else if (inside) author.push(node);
  }
  if (!sawStart || !sawEnd) problems.push(`the body's markers ${markers}START/END are missing`);
  const ALLOWED_INPUT = (el) => el.localName === "input" && el.type === "checkbox"
    && el.hasAttribute("disabled");
  for (const el of author) {
    const d = describe(el);
    // Every id is prefixed; a heading keeps its readable one (docs/writing.md) unless the
    // theme's ids look like it (they start with "_").
    const heading = /^h[1-6]$/.test(el.localName);
    if (el.id && !el.id.startsWith("user-content-") && (!heading || el.id.startsWith("_")))
      problems.push(`author id not prefixed: ${d}`);
    if (el.hasAttribute("name")) problems.push(`author name: ${d}`);
    const style = el.getAttribute("style");
    if (style !== null && !/^text-align:\\s*(left|right|center);?$/.test(style.trim()))
      problems.push(`author style: ${d}`);
    for (const cls of el.classList) {
      if (/^(md|pm)-/.test(cls)) problems.push(`author class of the theme: ${d}`);
    }
    for (const attr of el.attributes) {
      if (/^(data-|aria-controls|form$|for$|popover|autofocus|tabindex)/.test(attr.name))
        problems.push(`author attribute ${attr.name}: ${d}`);
    }
    if (["form", "button", "select", "textarea", "dialog", "label", "option", "svg", "math"]
        .includes(el.localName) || (el.localName === "input" && !ALLOWED_INPUT(el)))
      problems.push(`author control: ${d}`);
    if (el.localName === "a" && el.hasAttribute("href")) {
      const href = el.getAttribute("href");
      // As front-matter links: https: or mailto:, else a link within the site (relative,
      // not protocol-relative), as Chromium reads it.
      let url = null;
      try { url = new URL(href, location.href); } catch (e) { /* stays null */ }
      const explicit = /^[a-z][a-z0-9+.-]*:/i.test(href.replace(/[\\x00-\\x20]/g, ""));
      const ok = url && (explicit ? ["https:", "mailto:"].includes(url.protocol)
        : url.origin === here && !/^[\\x00-\\x20]*[\\/\\\\]{2}/.test(href))
        && !url.username && !url.password;
      if (!ok) problems.push(`author link scheme ${url ? url.protocol : "invalid"}: ${d}`);
      if (href.startsWith("#") && href.length > 1) {
        const target = decodeURIComponent(href.slice(1));
        if (!doc.getElementById(target)) problems.push(`in-page link leads nowhere: ${d}`);
      }
    }
  }
  return problems;
}"""
"""Checks of the served markup, as Chromium parses it: script, handlers and loads from other
hosts anywhere; and in the author's part of a postmortem page, ids without `user-content-`,
names, styles, theme classes (`md-`, `pm-`), controls and forms, bad link schemes, and in-page
links to nothing."""

POKE = """(markers) => {
  // Hover, focus and click every element of the author's part that is not a link away.
  const article = document.querySelector("article");
  if (!article || !markers) return 0;
  const all = Array.from(article.querySelectorAll("*"));
  let inside = false, poked = 0;
  for (const el of all) {
    const own = Array.from(el.childNodes).filter(n => n.nodeType === Node.TEXT_NODE)
      .map(n => n.data).join("");
    if (own.includes(markers + "START")) inside = true;
    if (own.includes(markers + "END")) inside = false;
    if (!inside) continue;
    const href = el.closest("a[href]")?.getAttribute("href") || "";
    if (href && !/^\\s*javascript:/i.test(href)) continue;
    for (const type of ["pointerover", "pointerenter", "mouseover", "mouseenter", "focus",
                        "focusin", "pointerdown", "mousedown", "pointerup", "mouseup"]) {
      el.dispatchEvent(new (type.startsWith("pointer") ? PointerEvent
        : type.startsWith("focus") ? FocusEvent : MouseEvent)(type, {bubbles: true}));
    }
    el.click();
    poked += 1;
  }
  return poked;
}"""

SEARCHES = ["pwned", "onerror", "script", "alert", "javascript", "HYPERLINK", "md-dialog"]


@dataclass
class Watch:
    """Everything a page did that the site promises it never does."""

    origin: str
    problems: list[str] = field(default_factory=list)
    where: str = ""

    def note(self, problem: str) -> None:
        line = f"{self.where}: {problem}"
        if line not in self.problems:  # one click can raise the same error a dozen times
            self.problems.append(line)

    def on_request(self, route: Route, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss", "ftp") and (
            f"{parts.scheme}://{parts.netloc}" != self.origin
        ):
            self.note(f"request to another host: {request.resource_type} {request.url[:120]}")
            route.abort()
            return
        route.continue_()

    def on_dialog(self, dialog: Dialog) -> None:
        self.note(f"{dialog.type} dialog: {dialog.message[:80]!r}")
        dialog.dismiss()

    def on_console(self, message: ConsoleMessage) -> None:
        # A resource that failed to load is not a script error: a body's own relative
        # image 404s on the test server, and requests to other hosts are reported above.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.note(f"console error: {message.text[:200]}")

    def on_page_error(self, error: Exception) -> None:
        self.note(f"page error: {str(error)[:200]}")


@pytest.fixture
def watched(browser: Browser, hostile_site: HostileSite) -> Iterator[tuple[Page, Watch]]:
    parts = urlsplit(hostile_site.url)
    watch = Watch(f"{parts.scheme}://{parts.netloc}")
    context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="en-US")
    context.set_default_timeout(15_000)
    context.route("**/*", watch.on_request)
    page = context.new_page()
    page.on("dialog", watch.on_dialog)
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    page.on("popup", lambda popup: watch.note(f"a popup opened: {popup.url}"))
    try:
        yield page, watch
    finally:
        context.close()


def _marker(relative: str) -> str | None:
    parts = relative.split("/")
    return BODY_MARKERS.get(parts[1]) if len(parts) == 3 and parts[0] == "postmortems" else None


def _hover_tooltips(page: Page) -> None:
    """Hover what Material turns into tooltips (`content.tooltips`), as a reader would: the
    page's title in the header, which shows once the page scrolls and gets a tooltip when it
    is cut short, and every element of the article with a title. Material puts a tooltip's
    text into the page as HTML."""
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(300)
    topic = page.locator('[data-md-component="header-topic"] .md-ellipsis')
    box = topic.first.bounding_box() if topic.count() else None
    if box:
        page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
        page.wait_for_timeout(300)
    for element in page.locator("article [title]").all()[:20]:
        try:
            element.hover(timeout=1000)
        except PlaywrightError:  # hidden, or covered: a reader cannot hover it either
            continue
        page.wait_for_timeout(100)


def _visit(page: Page, watch: Watch, url: str, marker: str | None) -> None:
    response = page.goto(url, wait_until="load")
    if response is None or not response.ok:
        watch.note(f"HTTP {response and response.status}")
        return
    page.wait_for_timeout(400)  # animations, autofocus, refreshes and timers
    for problem in page.evaluate(SOURCE_SCAN, marker):
        watch.note(problem)
    page.evaluate(POKE, marker)
    page.wait_for_timeout(200)
    _hover_tooltips(page)
    if page.url.split("#")[0] != url.split("#")[0]:
        watch.note(f"navigated away to {page.url[:120]}")
        return
    for problem in page.evaluate(PROBE, THEME_IDS):
        watch.note(problem)


@pytest.mark.browser
def test_every_page_of_the_hostile_site_is_inert(
    watched: tuple[Page, Watch], hostile_site: HostileSite
) -> None:
    page, watch = watched
    pages = hostile_site.pages()
    assert len(pages) > 20, pages
    for relative in pages:
        watch.where = relative
        _visit(page, watch, hostile_site.url + quote(relative), _marker(relative))
    assert watch.problems == [], "\n".join(watch.problems)


@pytest.mark.browser
def test_hostile_text_reads_literally(
    watched: tuple[Page, Watch], hostile_site: HostileSite
) -> None:
    """Escaped, not stripped: every payload of every front-matter field reads as written."""
    page, watch = watched
    record = next(r for r in hostile_site.data()["postmortems"] if r["id"] == "PM-2026-001")
    watch.where = record["url"]
    page.goto(hostile_site.url + record["url"], wait_until="load")
    shown = page.locator("article").inner_text()

    def texts(value: Any, key: str = "") -> Iterator[str]:
        if isinstance(value, dict):
            for inner_key, inner in value.items():
                if inner_key != "links":
                    yield from texts(inner, inner_key)
        elif isinstance(value, list):
            for inner in value:
                yield from texts(inner, key)
        elif isinstance(value, str) and "<script>" in value:
            yield value

    fields = list(texts(record))
    assert len(fields) > 30, "the payloads are in the export"
    missing = [text[:40] for text in fields if text not in shown]
    assert missing == [], f"not shown as written: {missing}"
    assert watch.problems == [], "\n".join(watch.problems)


@pytest.mark.browser
def test_in_page_links_and_permalinks_of_a_body_still_work(
    watched: tuple[Page, Watch], hostile_site: HostileSite
) -> None:
    page, watch = watched
    url = hostile_site.url + "postmortems/2026-02-09-body-ids/"
    watch.where = url
    page.goto(url, wait_until="load")
    # Material's instant navigation makes every href absolute: in-page links are those to
    # this very page with a fragment.
    hashes: list[str] = page.evaluate(
        """() => Array.from(document.querySelectorAll("article a[href]"))
            .filter(a => a.pathname === location.pathname && a.hash.length > 1)
            .map(a => a.hash)"""
    )
    assert len(hashes) >= 8, f"the body's in-page links and permalinks are gone: {hashes}"
    for fragment in hashes:
        target = page.evaluate(
            "id => document.getElementById(decodeURIComponent(id))?.localName", fragment[1:]
        )
        assert target is not None, f"{fragment} leads nowhere"
    in_page = page.get_by_role("link", name="to this heading")
    in_page.click()
    page.wait_for_timeout(200)
    assert page.evaluate("location.hash") == in_page.evaluate("a => a.hash")
    heading = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    assert page.locator(f"[id='{heading}']").inner_text().startswith("In-page links")
    footnote = page.locator("sup a").first
    footnote.click()
    page.wait_for_timeout(200)
    note = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    assert "footnote" in page.locator(f"[id='{note}']").inner_text().casefold()
    assert watch.problems == [], "\n".join(watch.problems)


@pytest.mark.browser
def test_searching_for_payloads_shows_them_inert(
    watched: tuple[Page, Watch], hostile_site: HostileSite
) -> None:
    page, watch = watched
    watch.where = "search"
    page.goto(hostile_site.url, wait_until="load")
    box = page.locator("input.md-search__input")
    for query in SEARCHES:
        watch.where = f"search for {query!r}"
        box.click()
        box.fill("")
        page.keyboard.type(query, delay=10)
        page.locator(".md-search-result__meta").wait_for()
        page.wait_for_timeout(300)
        hrefs: list[str] = page.eval_on_selector_all(
            "a.md-search-result__link", "links => links.map(a => a.href)"
        )
        outside = [h for h in hrefs if not h.startswith(hostile_site.url)]
        assert outside == [], outside
        for problem in page.evaluate(PROBE, THEME_IDS):
            watch.note(problem)
    # The highlight Material adds to a page found by search, with a payload as the query.
    for query in ('<img src=x onerror="window.__pwned=1">', "script"):
        watch.where = f"highlight of {query!r}"
        target = hostile_site.url + "postmortems/2026-01-05-every-field/"
        page.goto(f"{target}?h={query}", wait_until="load")
        page.wait_for_timeout(300)
        for problem in page.evaluate(PROBE, THEME_IDS):
            watch.note(problem)
    assert watch.problems == [], "\n".join(watch.problems)
