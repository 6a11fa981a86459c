"""What discovery finds on disk, and that `postmortems validate` and the build agree on it.

Everything here is real files in a temporary folder: links that lead outside (to a file
holding a made-up secret), loops, links to nothing, FIFOs (which block for ever when opened:
every command runs in a subprocess with a timeout), sockets, devices, hard links, names in
other cases and outside the safe set, and knowledge bases that `validate` and a real
`mkdocs build --strict` must reject alike, with the same messages.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mkdocs_postmortems.core import discovery, reading, taxonomy
from mkdocs_postmortems.core.corpus import discover, load_corpus
from mkdocs_postmortems.core.taxonomy import TaxonomyError
from mkdocs_postmortems.site import urls

RunCli = Callable[..., subprocess.CompletedProcess[str]]

# Made up, and assembled at run time so that this file holds nothing a scanner would flag.
SECRET = "SECRET-CONTENT-" + "xyz"
AWS_KEY = "AK" + "IAZ7Q4MN2PX8RTB3KW"

TEXT = """\
---
id: {id}
title: Checkout returned 5xx after a config push
severity: P1
status: {status}
authors: [ana.silva]
services: [checkout]
started_at: 2026-03-14T09:12:00+00:00
detected_at: 2026-03-14T09:19:00+00:00
resolved_at: 2026-03-14T10:05:00+00:00
contributing_factors: [config-change]
---

## Summary

A config push disabled the payment client pool.
"""

SECRET_TEXT = f"""\
---
id: {SECRET}
title: {SECRET}
severity: {SECRET}
aws: {AWS_KEY}
---

{SECRET} {AWS_KEY}
"""


def postmortem(ident: str, status: str = "published") -> str:
    return TEXT.format(id=ident, status=status)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site (mkdocs.yml, docs/) whose knowledge base is postmortems/ with one valid
    postmortem; beside it, outside/ holds a postmortem-shaped file full of a secret."""
    project = tmp_path / "site"
    write(project / "docs" / "index.md", "# KB\n")
    write(project / "mkdocs.yml", "site_name: KB\nplugins:\n  - postmortems\n")
    write(project / "postmortems" / "2026" / "good.md", postmortem("PM-2026-001"))
    write(tmp_path / "outside" / "secret.md", SECRET_TEXT)
    return project


def build(project: Path) -> subprocess.CompletedProcess[str]:
    """A real `mkdocs build --strict`, in a subprocess: a FIFO opened would block it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(project / "_site")],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=180,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "PYTHONUTF8": "1"},
        check=False,
    )


PLUGIN = "WARNING -  mkdocs_postmortems: "


def build_errors(result: subprocess.CompletedProcess[str]) -> set[str]:
    """The plugin's errors in a build log (errors are warnings to MkDocs, so --strict fails)."""
    return {line[len(PLUGIN) :] for line in result.stderr.splitlines() if line.startswith(PLUGIN)}


def cli_errors(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {line for line in result.stdout.splitlines() if ": warning: " not in line}


def assert_agree(run_cli: RunCli, project: Path) -> set[str]:
    """`postmortems validate` and `mkdocs build --strict` give the same verdict and the
    same errors; the errors, for the caller to look at."""
    checked = run_cli("validate", cwd=project)
    built = build(project)
    assert "Traceback" not in built.stderr, built.stderr
    assert (checked.returncode == 0) == (built.returncode == 0), (checked.stdout, built.stderr)
    assert cli_errors(checked) == build_errors(built), (checked.stdout, built.stderr)
    for output in (checked.stdout, checked.stderr, built.stdout, built.stderr):
        assert SECRET not in output
        assert AWS_KEY not in output
    return cli_errors(checked)


# --- the same verdict from validate and the build


def _duplicate_stems(kb: Path) -> None:
    write(kb / "2025" / "x.md", postmortem("PM-2025-001"))
    write(kb / "2026" / "x.md", postmortem("PM-2026-002"))


def _stems_differing_in_case(kb: Path) -> None:
    write(kb / "2026" / "Outage.md", postmortem("PM-2026-002"))
    write(kb / "2025" / "outage.md", postmortem("PM-2025-001"))


def _duplicate_stems_of_drafts(kb: Path) -> None:
    # Drafts are not published by `mkdocs build`, but their names are still the same page.
    write(kb / "2025" / "draft.md", postmortem("PM-2025-001", "draft"))
    write(kb / "2026" / "draft.md", postmortem("PM-2026-002", "draft"))


def _duplicate_ids(kb: Path) -> None:
    write(kb / "2026" / "other.md", postmortem("PM-2026-001"))


def _taxonomy(levels: str) -> Callable[[Path], None]:
    def make(kb: Path) -> None:
        write(kb / "taxonomy.yml", f"severities:\n{levels}")

    return make


def _levels(*names: str) -> str:
    return "".join(f"  {name}: {{label: L{n}, description: D}}\n" for n, name in enumerate(names))


def _aliases(kb: Path) -> None:
    # One file, three names: a link inside the folder, a hard link, and its own.
    (kb / "2026" / "alias.md").symlink_to("good.md")
    os.link(kb / "2026" / "good.md", kb / "2026" / "hard.md")
    (kb / "2027").symlink_to("2026", target_is_directory=True)


def _taxonomy_outside(kb: Path) -> None:
    (kb / "taxonomy.yml").symlink_to(kb.parent.parent / "outside" / "secret.md")


def _taxonomy_fifo(kb: Path) -> None:
    os.mkfifo(kb / "taxonomy.yml")


AGREEMENT = {
    "duplicate-stems": (_duplicate_stems, "already used by postmortems/2025/x.md"),
    "stems-in-other-case": (_stems_differing_in_case, "(ignoring case"),
    "duplicate-stems-of-drafts": (_duplicate_stems_of_drafts, "already used by"),
    "duplicate-ids": (_duplicate_ids, "already used by postmortems/2026/good.md"),
    "levels-in-other-case": (_taxonomy(_levels("P0", "P1", "p1")), "the page of 'P1'"),
    "level-index-and-index_": (_taxonomy(_levels("P1", "index", "index_")), "index_"),
    "level-over-the-index": (_taxonomy(_levels("P1", "INDEX")), "the severity index page"),
    "taxonomy-link-outside": (_taxonomy_outside, "leads outside"),
    "taxonomy-fifo": (_taxonomy_fifo, "got a FIFO"),
    "aliases": (_aliases, None),
}


@pytest.mark.parametrize("case", list(AGREEMENT))
def test_validate_and_build_agree(run_cli: RunCli, site: Path, case: str) -> None:
    make, expected = AGREEMENT[case]
    make(site / "postmortems")
    errors = assert_agree(run_cli, site)
    if expected is None:
        assert errors == set()
    else:
        assert errors, "expected the knowledge base to be rejected"
        assert any(expected in error for error in errors), errors


def test_a_duplicate_names_both_files(run_cli: RunCli, site: Path) -> None:
    _duplicate_stems(site / "postmortems")
    result = run_cli("validate", cwd=site)
    assert result.stdout == (
        "postmortems/2026/x.md:1:1: expected a file name unique in the knowledge base, got 'x', "
        "already used by postmortems/2025/x.md; both would publish at /postmortems/x/\n"
    )


def test_a_file_with_many_names_is_published_once_under_its_real_name(
    run_cli: RunCli, site: Path
) -> None:
    _aliases(site / "postmortems")
    result = run_cli("validate", cwd=site)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "1 file checked: all valid\n"
    built = build(site)
    assert built.returncode == 0, built.stderr
    pages = sorted(p.name for p in (site / "_site" / "postmortems").iterdir() if p.is_dir())
    assert pages == ["good"]


# --- hostile files: reported, never opened, nothing of them printed


@pytest.fixture
def hostile(site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The site's knowledge base with one of each kind of hostile entry beside a valid file."""
    kb = site / "postmortems"
    outside = site.parent / "outside"
    (kb / "2026" / "leak.md").symlink_to(outside / "secret.md")
    (kb / "leak-folder").symlink_to(outside, target_is_directory=True)
    (kb / "2026" / "relative-leak.md").symlink_to("../../../outside/secret.md")
    (kb / "2026" / "loop-a.md").symlink_to("loop-b.md")
    (kb / "2026" / "loop-b.md").symlink_to("loop-a.md")
    (kb / "folder-loop").symlink_to("folder-loop")
    (kb / "2026" / "dangling.md").symlink_to("nowhere.md")
    (kb / "2026" / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(kb / "2026" / "pipe.md")
    monkeypatch.chdir(kb / "2026")  # a socket's path is limited to about 100 bytes
    listener = socket.socket(socket.AF_UNIX)
    listener.bind("socket.md")
    write(kb / "_templates" / "template.md", "---\nid: {ID}\n---\n")
    (kb / "2026" / "to-template.md").symlink_to("../_templates/template.md")
    write(kb / "2026" / "upper.MD", postmortem("PM-2026-002"))
    write(kb / "2026" / "mixed.Md", postmortem("PM-2026-003"))
    write(kb / "2026" / "README.MD", "# Not a postmortem\n")
    write(kb / "2026 Q1" / "space.md", postmortem("PM-2026-004"))
    write(kb / "2026" / "quote'<b>.md", postmortem("PM-2026-005"))
    try:
        yield site
    finally:
        listener.close()


def test_hostile_entries_are_each_reported(run_cli: RunCli, hostile: Path) -> None:
    errors = assert_agree(run_cli, hostile)
    messages = {line.split(": ", 1)[0].removesuffix(":1:1"): line for line in errors}
    kb = "postmortems"
    expected = {
        f"{kb}/2026/leak.md": "leads outside it; nothing was read from it",
        f"{kb}/leak-folder": "leads outside it; nothing was read from it",
        f"{kb}/2026/relative-leak.md": "leads outside it",
        f"{kb}/2026/zero.md": "leads outside it",
        f"{kb}/2026/loop-a.md": "got a loop of links",
        f"{kb}/2026/loop-b.md": "got a loop of links",
        f"{kb}/folder-loop": "got a loop of links",
        f"{kb}/2026/dangling.md": "got a link to nothing",
        f"{kb}/2026/pipe.md": "expected a regular file, got a FIFO",
        f"{kb}/2026/socket.md": "expected a regular file, got a socket",
        f"{kb}/2026/to-template.md": "got a link to '_templates/template.md', which is not one",
        f"{kb}/2026/upper.MD": "expected the extension '.md', got '.MD': rename the file to",
        f"{kb}/2026/mixed.Md": "got '.Md': rename the file to 'mixed.md'",
        f"{kb}/2026 Q1/space.md": "got '2026 Q1'; rename it",
        f"{kb}/2026/quote'<b>.md": 'got "quote\'<b>.md"; rename it',
    }
    assert set(messages) == set(expected), errors
    for where, message in expected.items():
        assert message in messages[where], messages[where]


@pytest.mark.parametrize("output", ["text", "github", "json"])
def test_no_content_of_a_file_outside_is_printed(
    run_cli: RunCli, hostile: Path, output: str
) -> None:
    result = run_cli("validate", "--format", output, cwd=hostile)
    assert result.returncode == 1
    assert SECRET not in result.stdout + result.stderr
    assert AWS_KEY not in result.stdout + result.stderr
    assert "leak.md" in result.stdout


def test_a_device_in_the_folder_is_reported(run_cli: RunCli, site: Path) -> None:
    device = site / "postmortems" / "2026" / "null.md"
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("cannot make a device node here")
    result = run_cli("validate", cwd=site)
    assert result.returncode == 1
    assert "postmortems/2026/null.md:1:1: expected a regular file, got a character device" in (
        result.stdout
    )


def test_named_paths_follow_the_same_rules(run_cli: RunCli, hostile: Path) -> None:
    kb = "postmortems/2026"
    result = run_cli(
        "validate",
        f"{kb}/leak.md",
        f"{kb}/pipe.md",
        f"{kb}/loop-a.md",
        f"{kb}/upper.MD",
        "postmortems/leak-folder",
        cwd=hostile,
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split(":1:1: ")[0] for line in lines] == [
        f"{kb}/leak.md",
        f"{kb}/pipe.md",
        f"{kb}/loop-a.md",
        f"{kb}/upper.MD",
        "postmortems/leak-folder",
    ]
    assert "got a FIFO" in lines[1]
    assert SECRET not in result.stdout + result.stderr


def test_a_named_link_inside_is_checked_under_its_real_name(run_cli: RunCli, site: Path) -> None:
    (site / "postmortems" / "2026" / "alias.md").symlink_to("good.md")
    result = run_cli("validate", "postmortems/2026/alias.md", "--format", "json", cwd=site)
    assert (result.returncode, result.stdout) == (0, "[]\n")
    write(site / "postmortems" / "2026" / "good.md", postmortem("pm-bad"))
    result = run_cli("validate", "postmortems/2026/alias.md", cwd=site)
    assert result.stdout.startswith("postmortems/2026/good.md:2:5: id: ")


def test_a_knowledge_base_folder_that_is_a_link_outside(run_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "outside" / "2026" / "secret.md", SECRET_TEXT)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "postmortems").symlink_to(tmp_path / "outside")
    result = run_cli("validate", cwd=tmp_path / "site")
    assert result.returncode == 1
    assert result.stdout == (
        "postmortems:1:1: expected a link to a file inside the knowledge base, got one that "
        "leads outside it; nothing was read from it\n"
    )


def test_a_huge_file_is_not_read(run_cli: RunCli, site: Path) -> None:
    huge = site / "postmortems" / "2026" / "huge.md"
    with huge.open("wb") as file:  # 10 GiB, sparse: nothing is written
        try:
            file.truncate(10 * 1024**3)
        except OSError:
            pytest.skip("no sparse files here")
    result = run_cli("validate", cwd=site)
    assert result.returncode == 1
    assert result.stdout == (
        "postmortems/2026/huge.md:1:1: expected a file of at most 1024 KiB, got 10485760 KiB\n"
    )


def test_names_that_are_not_utf8(run_cli: RunCli, site: Path) -> None:
    folder = os.fsencode(site / "postmortems" / "2026")
    with open(os.path.join(folder, b"caf\xe9.md"), "w", encoding="utf-8") as file:
        file.write(postmortem("PM-2026-009"))
    for output in ("text", "github"):
        result = run_cli("validate", "--format", output, cwd=site)
        assert result.returncode == 1
        assert "postmortems/2026/caf\\xe9.md" in result.stdout
    result = run_cli("validate", "--format", "json", cwd=site)
    [problem] = json.loads(result.stdout)
    assert problem["path"] == "postmortems/2026/caf\\xe9.md"


def test_a_fifo_named_taxonomy_does_not_block(run_cli: RunCli, site: Path) -> None:
    os.mkfifo(site / "postmortems" / "taxonomy.yml")
    for args in (("validate",), ("validate", "postmortems/taxonomy.yml"), ("stats",)):
        result = run_cli(*args, cwd=site)
        assert result.returncode == 1
        assert "taxonomy.yml:1:1: taxonomy: expected a regular file, got a FIFO" in (
            result.stdout + result.stderr
        )


# --- a few files, checked against the rest of their folder


@pytest.fixture
def folder(site: Path) -> Path:
    kb = site / "postmortems"
    write(kb / "2025" / "first.md", postmortem("PM-2026-007"))
    write(kb / "2026" / "second.md", postmortem("PM-2026-007"))
    write(kb / "2025" / "x.md", postmortem("PM-2025-001"))
    write(kb / "2026" / "x.md", postmortem("PM-2026-002"))
    write(kb / "2026" / "broken.md", postmortem("PM-2026-003").replace("P1", "p1"))
    return site


def test_a_named_file_is_checked_against_its_folder(run_cli: RunCli, folder: Path) -> None:
    later = run_cli("validate", "postmortems/2026/second.md", cwd=folder)
    assert later.returncode == 1
    assert later.stdout == (
        "postmortems/2026/second.md:2:5: id: expected a unique id, got 'PM-2026-007', "
        "already used by postmortems/2025/first.md\n"
    )
    assert later.stderr == "1 file checked: 1 error\n"
    first = run_cli("validate", "postmortems/2025/first.md", cwd=folder)
    assert first.stdout == (
        "postmortems/2025/first.md:2:5: id: expected a unique id, got 'PM-2026-007', "
        "also used by postmortems/2026/second.md\n"
    )
    stem = run_cli("validate", "postmortems/2026/x.md", "--format", "github", cwd=folder)
    assert stem.stdout == (
        "::error file=postmortems/2026/x.md,line=1,col=1,title=postmortem::expected a file "
        "name unique in the knowledge base, got 'x', already used by postmortems/2025/x.md; "
        "both would publish at /postmortems/x/\n"
    )


def test_other_files_own_errors_are_not_reported(run_cli: RunCli, folder: Path) -> None:
    result = run_cli("validate", "postmortems/2026/good.md", cwd=folder)
    assert (result.returncode, result.stdout) == (0, "")
    everything = run_cli("validate", cwd=folder)
    assert "broken.md" in everything.stdout  # the build would reject it: validate does too


def test_the_folder_of_a_file_is_the_nearest_with_a_taxonomy(
    run_cli: RunCli, tmp_path: Path
) -> None:
    kb = tmp_path / "kb"
    write(kb / "taxonomy.yml", "severities:\n" + _levels("P0", "P1"))
    write(kb / "a" / "one.md", postmortem("PM-2026-001"))
    write(kb / "b" / "two.md", postmortem("PM-2026-001"))
    write(tmp_path / "loose" / "one.md", postmortem("PM-2026-001"))
    write(tmp_path / "loose" / "two.md", postmortem("PM-2026-001"))
    result = run_cli("validate", "kb/b/two.md", cwd=tmp_path)
    assert "already used by kb/a/one.md" in result.stdout
    # Outside any knowledge base a file is checked alone.
    result = run_cli("validate", "loose/two.md", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_an_id_spelt_with_escapes_is_the_same_id(run_cli: RunCli, site: Path) -> None:
    escaped = postmortem("PM-2026-001").replace("id: PM-2026-001", 'id: "PM-2026-\\x30\\x301"')
    write(site / "postmortems" / "2025" / "escaped.md", escaped)
    result = run_cli("validate", "postmortems/2026/good.md", cwd=site)
    assert result.stdout == (
        "postmortems/2026/good.md:2:5: id: expected a unique id, got 'PM-2026-001', "
        "already used by postmortems/2025/escaped.md\n"
    )


# --- the rules themselves


def test_walk_order_is_sorted_paths(tmp_path: Path) -> None:
    for name in ("b.md", "a/z.md", "a-b.md", "a.md", "a/b/c.md", "2026.md", "2026/x.md"):
        write(tmp_path / name, "")
    found = [Path(f.path).relative_to(tmp_path) for f in discovery.walk(tmp_path).files]
    assert found == sorted(found)
    assert len(found) == 7


def test_discovery_keeps_one_name_per_file(tmp_path: Path) -> None:
    write(tmp_path / "kb" / "a.md", postmortem("PM-2026-001"))
    os.link(tmp_path / "kb" / "a.md", tmp_path / "kb" / "b.md")
    (tmp_path / "kb" / "c.md").symlink_to("a.md")
    found = discover([tmp_path / "kb", tmp_path / "kb" / "c.md", tmp_path / "kb" / "b.md"])
    assert [f.display.rsplit("/", 1)[-1] for f in found.files] == ["a.md"]
    assert found.problems == []


def test_corpus_drops_the_second_of_two_pages(tmp_path: Path) -> None:
    write(tmp_path / "2025" / "same.md", postmortem("PM-2025-001"))
    write(tmp_path / "2026" / "same.md", postmortem("PM-2026-001"))
    corpus = load_corpus([tmp_path])
    assert [Path(e.path).parent.name for e in corpus.entries] == ["2025"]
    [problem] = corpus.diagnostics
    assert problem.path.endswith("2026/same.md")
    assert "2025/same.md" in problem.message


def test_reading_checks_what_it_opened(tmp_path: Path) -> None:
    """Whatever is put in a found file's place between the walk and the read is refused."""
    first = write(tmp_path / "a.md", "a")
    found = reading.identity(first.stat())
    assert reading.read_regular(first, 10, found) == b"a"
    os.replace(write(tmp_path / "b.md", "b"), first)  # another file under the same name
    with pytest.raises(reading.Unreadable, match="got another one in its place"):
        reading.read_regular(tmp_path / "a.md", 10, found)
    (tmp_path / "link.md").symlink_to("a.md")
    with pytest.raises(reading.Unreadable, match="got a symbolic link"):
        reading.read_regular(tmp_path / "link.md", 10)
    os.mkfifo(tmp_path / "pipe.md")  # opened without blocking, and refused
    with pytest.raises(reading.Unreadable, match="got a FIFO"):
        reading.read_regular(tmp_path / "pipe.md", 10)
    write(tmp_path / "long.md", "x" * 11)
    with pytest.raises(reading.Unreadable, match="at most 0 KiB"):
        reading.read_regular(tmp_path / "long.md", 10)


KEYS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,6}", fullmatch=True) | st.sampled_from(
    ["index", "index_", "Index", "INDEX", "README", "README_", "readme", "P1", "p1"]
)


@given(KEYS, KEYS)
def test_taxonomy_pages_collide_as_the_site_writes_them(first: str, second: str) -> None:
    """The taxonomy's rule and `site.urls` agree on which keys share a page."""
    for kind in urls.KINDS:
        same_page = urls.term(kind, first).casefold() == urls.term(kind, second).casefold()
        assert (taxonomy.page_name(first) == taxonomy.page_name(second)) == same_page
        over_index = urls.term(kind, first).casefold() == urls.term_index(kind).casefold()
        assert (taxonomy.page_name(first) == "index") == over_index


def test_taxonomy_collisions_are_errors_at_their_key(tmp_path: Path) -> None:
    path = write(
        tmp_path / "taxonomy.yml",
        "severities:\n" + _levels("P1", "p1") + "services: [web]\nteams: [ops]\n",
    )
    with pytest.raises(TaxonomyError) as raised:
        taxonomy.load(path, "taxonomy.yml")
    [problem] = raised.value.diagnostics
    assert (problem.line, problem.column, problem.field) == (3, 3, "severities.p1")
    assert problem.message == (
        "expected a key with a page of its own, got 'p1', whose page would overwrite the page "
        "of 'P1' (pages are told apart ignoring case, as case-insensitive file systems do)"
    )
