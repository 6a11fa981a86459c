"""`postmortems generate` and the docs folder's own files: a hand-written page at the URL
of a generated one stops it (as an exact-path clash does), `--out` naming a file is a usage
error, and a file is removed only while it still holds what an earlier run wrote.

The knowledge base is the one `postmortems init` writes: small, so each run is quick.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.structure.files import File

from mkdocs_postmortems.adapters import destinations, generate
from mkdocs_postmortems.cli.main import main


def _kb(tmp_path: Path) -> Path:
    assert main(["init", str(tmp_path / "kb"), "--requirement", "mkdocs-postmortems"]) == 0
    (tmp_path / "kb" / "gen.yml").write_text("site_name: T\n", encoding="utf-8")
    return tmp_path / "kb"


def _generate(kb: Path, *args: str, out: str = "out") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mkdocs_postmortems", "generate", "postmortems"]
    command += ["--out", out, "--config", "gen.yml", "--as-of", "2026-06-01", *args]
    result = subprocess.run(
        command, cwd=kb, capture_output=True, text=True, timeout=300, check=False
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.mark.parametrize(
    ("mine", "theirs", "url"),
    [
        ("severity.md", "severity/index.md", "/severity/"),
        ("analytics/README.md", "analytics/index.md", "/analytics/"),
        ("severity/P1/index.md", "severity/P1.md", "/severity/P1/"),
    ],
)
def test_a_hand_written_page_at_a_generated_url_is_refused(
    tmp_path: Path, mine: str, theirs: str, url: str
) -> None:
    kb = _kb(tmp_path)
    page = kb / "out" / mine
    page.parent.mkdir(parents=True)
    page.write_text("# Mine\n", encoding="utf-8")
    result = _generate(kb)
    assert result.returncode == 1
    [line] = [line for line in result.stderr.splitlines() if "expected a URL of its own" in line]
    assert f"out/{mine}:" in line and f"(out/{theirs})" in line and f" {url} " in line
    assert page.read_text(encoding="utf-8") == "# Mine\n"
    assert sorted(p.relative_to(kb / "out").as_posix() for p in (kb / "out").rglob("*")) == sorted(
        {mine, *(p.as_posix() for p in Path(mine).parents if p != Path("."))}
    )


def test_without_directory_urls_other_names_do_not_meet(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    (kb / "gen.yml").write_text("site_name: T\nuse_directory_urls: false\n", encoding="utf-8")
    (kb / "out").mkdir()
    (kb / "out" / "severity.md").write_text("# Mine\n", encoding="utf-8")  # severity.html
    result = _generate(kb)
    assert result.returncode == 0, result.stderr
    assert (kb / "out" / "severity" / "index.md").is_file()


@pytest.mark.parametrize("directory_urls", [True, False])
@pytest.mark.parametrize(
    "src_uri",
    [
        "index.md",
        "README.md",
        "a.md",
        "a/README.md",
        "a/index.md",
        "a/b.markdown",
        "a/readme.md",
        "a/b.MD",
        "data/stats.json",
        "a/b.svg",
        "a.b/c.mkd",
    ],
)
def test_destinations_are_mkdocs_own(src_uri: str, directory_urls: bool) -> None:
    """The rule `generate` keeps without importing MkDocs, held to MkDocs' File."""
    file = File(src_uri, "/docs", "/site", directory_urls)
    assert destinations.dest_uri(src_uri, directory_urls) == file.dest_uri
    expected = "/" + ("" if file.url in ("./", ".") else file.url)
    assert destinations.url(file.dest_uri, directory_urls) == expected


def test_generate_imports_no_mkdocs() -> None:
    code = (
        "import sys; import mkdocs_postmortems.adapters.generate; "
        "print(any(m == 'mkdocs' or m.startswith('mkdocs.') for m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.stdout.strip() == "False", found.stderr


@pytest.mark.parametrize("out", ["docs/index.md", "docs/index.md/more"])
def test_out_naming_a_file_is_a_usage_error(tmp_path: Path, out: str) -> None:
    kb = _kb(tmp_path)
    home = kb / "docs" / "index.md"
    before = home.read_bytes()
    result = _generate(kb, out=out)
    assert result.returncode == 2
    assert f"--out {out}: expected a docs folder, got a file (docs/index.md)" in result.stderr
    assert home.read_bytes() == before


def test_only_files_unchanged_since_written_are_removed(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    out = kb / "out"
    assert _generate(kb).returncode == 0
    hashes = generate.read_hashes(out)
    assert hashes and all(h is not None for h in hashes.values())
    # A hand-written file someone listed, and a generated one edited since.
    (out / "notes.md").write_text("# My notes\n", encoding="utf-8")
    manifest = out / generate.MANIFEST
    listed = manifest.read_text(encoding="utf-8") + "notes.md\n" + "0" * 64 + "  extra.md\n"
    manifest.write_text(listed, encoding="utf-8")
    (out / "extra.md").write_text("# Also mine\n", encoding="utf-8")
    # The example's postmortem goes: its page was written by generate and is unchanged.
    [example] = (kb / "postmortems").rglob("20*.md")
    page = f"postmortems/{example.stem}.md"
    assert (out / page).is_file()
    example.unlink()
    result = _generate(kb)
    assert result.returncode == 0, result.stderr
    assert not (out / page).exists()  # unchanged since written: removed
    assert (out / "notes.md").read_text(encoding="utf-8") == "# My notes\n"
    assert (out / "extra.md").read_text(encoding="utf-8") == "# Also mine\n"
    for kept in ("notes.md", "extra.md"):
        assert f"out/{kept}: kept, though no longer generated" in result.stderr
        assert kept not in generate.read_manifest(out)
    assert page not in generate.read_manifest(out)


def test_a_generated_file_edited_since_is_kept(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    out = kb / "out"
    assert _generate(kb).returncode == 0
    [example] = (kb / "postmortems").rglob("20*.md")
    page = out / "postmortems" / f"{example.stem}.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMy addition.\n", encoding="utf-8")
    example.unlink()
    result = _generate(kb)
    assert result.returncode == 0, result.stderr
    assert page.read_text(encoding="utf-8").endswith("My addition.\n")
    assert f"{page.relative_to(kb)}: kept" in result.stderr
