"""`postmortems init DIR`: the files it writes, what it refuses, and, from a wheel installed
in a clean venv (not editable), a new knowledge base that validates and builds strictly."""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_postmortems import __version__
from mkdocs_postmortems.cli import init
from mkdocs_postmortems.cli.main import main
from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.site import home_marker

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = "postmortems/2026/2026-01-20-checkout-errors-after-a-config-push.md"
EXPECTED = {
    ".github/PULL_REQUEST_TEMPLATE.md",
    ".github/workflows/daily-rebuild.yml",
    ".github/workflows/pages.yml",
    ".github/workflows/pr.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "README.md",
    "docs/index.md",
    "docs/submit.md",
    "mkdocs.yml",
    EXAMPLE,
    "postmortems/taxonomy.yml",
    "requirements.txt",
}


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def kb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    target = tmp_path / "new-kb"
    assert main(["init", str(target)]) == 0
    capsys.readouterr()
    return target


# --- what it writes


GIT_LINE = f"mkdocs-postmortems @ git+{init.REPOSITORY}@" + "0123abcd" * 5


def test_init_writes_the_repository_and_prints_the_next_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(init, "requirement", lambda: GIT_LINE)  # as from a git install
    target = tmp_path / "new-kb"
    assert main(["init", str(target)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert _files(target) == EXPECTED
    lines = out.splitlines()
    assert sorted(lines[: len(EXPECTED)]) == sorted(str(target / p) for p in EXPECTED)
    assert lines[len(EXPECTED) :][:2] == ["", "next:"]
    commands = [line.strip().split("  #")[0].strip() for line in lines[len(EXPECTED) + 2 :]]
    assert commands == [f"cd {target}", "postmortems validate", "mkdocs serve"]
    for name in EXPECTED:
        text = (target / name).read_text(encoding="utf-8")
        assert not re.search(r"@[A-Z_]+@", text), f"{name}: a placeholder was left in"


def test_the_home_page_holds_the_plugins_marker(kb: Path) -> None:
    text = (kb / "docs" / "index.md").read_text(encoding="utf-8")
    assert text.count(home_marker.MARKDOWN) == 1
    assert home_marker.find(text) is not None


def test_the_example_postmortem_validates(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(kb / "postmortems")]) == 0
    assert "1 file checked: all valid" in capsys.readouterr().err


def test_the_commented_taxonomy_examples_are_valid_when_turned_on(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The review gates are on (the example passes them); owners and tickets are commented
    out, and load as they stand once uncommented."""
    path = kb / "postmortems" / "taxonomy.yml"
    gates = taxonomy.load(path).required.before_publishing
    assert (gates.review_held, gates.approvals) == (True, 2)
    heads = ("owners", "tickets")
    lines: list[str] = []
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        found = re.fullmatch(r"(\s*)# (\s*)(\S.*)", line)
        inside = found is not None and (
            found.group(3).split(":")[0] in heads or (inside and bool(found.group(2)))
        )
        lines.append(found.group(1) + found.group(2) + found.group(3) if found and inside else line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = taxonomy.load(path)
    assert loaded.owners and loaded.tickets
    assert main(["validate", str(kb / "postmortems")]) == 0, capsys.readouterr().out


def test_the_review_gates_hold_back_a_postmortem_without_review(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = kb / EXAMPLE
    text = example.read_text(encoding="utf-8")
    example.write_text(text.replace("  held_on: 2026-01-22\n", ""), encoding="utf-8")
    assert main(["validate", str(kb / "postmortems")]) == 1
    assert "status: expected a review (review.held_on) before publishing" in (
        capsys.readouterr().out
    )


def test_mkdocs_yml_has_the_plugin_and_the_example_sites_extensions(kb: Path) -> None:
    config = _yaml(kb / "mkdocs.yml")
    ours = _yaml(REPO / "mkdocs.yml")
    assert config["theme"]["name"] == "material"
    assert config["plugins"][0] == "search"
    assert config["plugins"][1] == {"postmortems": {"dir": "postmortems"}}
    assert config["markdown_extensions"] == ours["markdown_extensions"]
    assert config["strict"] is True


def test_requirements_name_this_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def installs(target: Path) -> list[str]:
        text = (target / "requirements.txt").read_text(encoding="utf-8")
        return [line for line in text.splitlines() if line and not line.startswith("#")]

    assert main(["init", str(tmp_path / "a")]) == 0
    assert installs(tmp_path / "a") == [init.requirement()]
    spec = "mkdocs-postmortems @ git+https://git.example.com/org/postmortems@" + "a" * 40
    assert main(["init", str(tmp_path / "b"), "--requirement", spec]) == 0
    assert installs(tmp_path / "b") == [spec]


@pytest.mark.parametrize("given", [None, f"mkdocs-postmortems=={__version__}"])
def test_a_version_pin_is_warned_about(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    given: str | None,
) -> None:
    """From a folder or a wheel, `init` can only name the version, which pip cannot find
    on PyPI: it says so, and how to name a commit instead."""
    monkeypatch.setattr(init, "requirement", lambda: init.requirement_from(None))
    target = tmp_path / "new-kb"
    assert main(["init", str(target), *(["--requirement", given] if given else [])]) == 0
    out, err = capsys.readouterr()
    pin = f"mkdocs-postmortems=={__version__}"
    assert pin in (target / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert err.startswith(f"postmortems init: warning: requirements.txt names '{pin}'")
    assert "not on PyPI" in err and "--requirement SPEC" in err
    example = shlex.quote(f"mkdocs-postmortems @ git+{init.REPOSITORY}@main")
    assert f"--requirement {example}" in err
    [hint] = [line for line in out.split("next:")[1].splitlines() if "requirements" in line]
    assert "first edit requirements.txt" in hint and init.REPOSITORY in hint


def test_a_git_requirement_is_not_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "kb"), "--requirement", GIT_LINE]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "requirements.txt" not in out.split("next:")[1]


def test_the_example_page_has_no_heading_twice(tmp_path: Path) -> None:
    """The example's body sections and the sections its fields make differ: the built page
    shows each h2 once."""
    assert main(["init", str(tmp_path / "kb"), "--requirement", GIT_LINE]) == 0
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "POSTMORTEMS_AS_OF": "2026-11-24"}
    site = tmp_path / "site"
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=tmp_path / "kb",
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    page = (site / "postmortems" / Path(EXAMPLE).stem / "index.html").read_text(encoding="utf-8")
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    headings = [
        re.sub(r"<[^>]+>|¶", "", found).strip()
        for found in re.findall(r"<h2[^>]*>(.*?)</h2>", article, re.DOTALL)
    ]
    assert len(headings) >= 6, headings
    assert "Why it was not caught earlier" in headings
    assert len(headings) == len(set(headings)), headings


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (None, f"mkdocs-postmortems=={__version__}"),
        ('{"url": "file:///src/postmortems", "dir_info": {"editable": true}}', None),
        ("not json", None),
        ('["a list"]', None),
        (
            '{"url": "https://github.com/org/postmortems", '
            '"vcs_info": {"vcs": "git", "commit_id": "0123abc", "requested_revision": "main"}}',
            "mkdocs-postmortems @ git+https://github.com/org/postmortems@0123abc",
        ),
        ('{"url": "ssh://git@host/org/pm", "vcs_info": {"vcs": "git", "commit_id": "1"}}', None),
        ('{"url": "file:///src/pm", "vcs_info": {"vcs": "git", "commit_id": "1"}}', None),
        (
            '{"url": "file:///dist/mkdocs_postmortems-0.1.0-py3-none-any.whl", "archive_info": {}}',
            None,
        ),
        ('{"url": "https://host/pm", "vcs_info": {"vcs": "hg", "commit_id": "1"}}', None),
    ],
)
def test_requirement_from_what_pip_recorded(direct_url: str | None, expected: str | None) -> None:
    """A git commit over https can be installed again in CI; a local folder cannot."""
    assert init.requirement_from(direct_url) == (expected or f"mkdocs-postmortems=={__version__}")


# --- what it refuses


def test_an_existing_empty_folder_or_one_with_other_files_is_fine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["init", str(empty)]) == 0
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (repo / "docs").mkdir()
    (repo / "docs" / "other.md").write_text("# Other\n", encoding="utf-8")
    assert main(["init", str(repo)]) == 0
    assert _files(repo) == EXPECTED | {".git/HEAD", "docs/other.md"}
    assert (repo / "docs" / "other.md").read_text(encoding="utf-8") == "# Other\n"


def test_existing_files_are_listed_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "kb"
    (target / "postmortems").mkdir(parents=True)
    (target / "README.md").write_text("ours\n", encoding="utf-8")
    (target / "postmortems" / "taxonomy.yml").write_text("severities: {}\n", encoding="utf-8")
    assert main(["init", str(target)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"postmortems init: {target / 'README.md'}: already exists",
        f"postmortems init: {target / 'postmortems' / 'taxonomy.yml'}: already exists",
        "postmortems init: nothing was written; use --force to replace these files",
    ]
    assert _files(target) == {"README.md", "postmortems/taxonomy.yml"}
    assert (target / "README.md").read_text(encoding="utf-8") == "ours\n"

    assert main(["init", str(target), "--force"]) == 0
    assert _files(target) == EXPECTED
    assert (target / "README.md").read_text(encoding="utf-8") != "ours\n"


def test_force_replaces_files_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder where a file goes, or a link on the way (writing through it could land
    anywhere), stops it even with --force, before anything is written."""
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "kb"
    target.mkdir()
    (target / "docs").symlink_to(outside, target_is_directory=True)
    (target / "mkdocs.yml").mkdir()
    assert main(["init", str(target), "--force"]) == 2
    err = capsys.readouterr().err
    assert f"{target / 'docs' / 'index.md'}: not a regular file" in err
    assert f"{target / 'mkdocs.yml'}: not a regular file" in err
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in target.iterdir()) == ["docs", "mkdocs.yml"]


def test_a_folder_it_cannot_write_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    target = tmp_path / "a-file" / "kb"
    assert main(["init", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("postmortems init: ") and "Not a directory" in err, err
    assert "Traceback" not in err and "internal error" not in err


def test_a_file_named_as_the_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "kb"
    target.write_text("", encoding="utf-8")
    assert main(["init", str(target)]) == 2
    assert capsys.readouterr().err == f"postmortems init: {target}: exists and is not a folder\n"


# --- the files that wire it into GitHub and pre-commit


def test_pre_commit_config_runs_the_installed_validator_offline(kb: Path) -> None:
    """A local hook (no repository to fetch, no rev to pin) running `postmortems validate`
    of the environment, selecting files as this repository's published hook does; run as
    pre-commit runs it, on every file of the new repository that it selects."""
    [repo] = _yaml(kb / ".pre-commit-config.yaml")["repos"]
    assert repo["repo"] == "local"
    [hook] = repo["hooks"]
    [published] = _yaml(REPO / ".pre-commit-hooks.yaml")
    assert hook["language"] == "system"
    for key in ("id", "entry", "files", "exclude", "pass_filenames"):
        assert hook[key] == published[key], key
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert shlex.split(hook["entry"])[0] in scripts
    chosen = sorted(
        name
        for name in _files(kb)
        if re.search(hook["files"], name) and not re.search(hook["exclude"], name)
    )
    assert chosen == [EXAMPLE, "postmortems/taxonomy.yml"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [*shlex.split(hook["entry"]), *chosen],
        cwd=kb,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "")


def test_pull_request_check_and_template_match_this_repositorys(kb: Path) -> None:
    """The new repository's copies stay the same as the ones this repository tests."""
    template = ".github/PULL_REQUEST_TEMPLATE.md"
    assert (kb / template).read_text(encoding="utf-8") == (REPO / template).read_text("utf-8")

    def validate_step(path: Path) -> str:
        steps = _yaml(path)["jobs"]["check"]["steps"]
        [step] = [s for s in steps if s.get("name") == "Validate the changed postmortems"]
        return str(step["run"])

    workflows = Path(".github") / "workflows"
    assert validate_step(kb / workflows / "pr.yml") == validate_step(REPO / workflows / "pr.yml")


def _fenced(path: Path, language: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("page", ["README.md", "docs/validating.md", "docs/submit.md"])
def test_pre_commit_instructions_are_the_configuration_init_writes(kb: Path, page: str) -> None:
    """What the instructions say to paste is what init writes and tests; no instruction
    names a tag, since none exists."""
    blocks = [yaml.safe_load(block) for block in _fenced(REPO / page, "yaml")]
    configs = [c for c in blocks if isinstance(c, dict) and "repos" in c]
    local = [c for c in configs if c["repos"][0]["repo"] == "local"]
    assert local == [_yaml(kb / ".pre-commit-config.yaml")]
    for c in configs:
        if c["repos"][0]["repo"] != "local":
            assert c["repos"][0]["rev"] == "main"  # then `pre-commit autoupdate` pins a commit
    for name in (page, ".pre-commit-hooks.yaml"):
        assert not re.search(r"rev: v[0-9]", (REPO / name).read_text(encoding="utf-8")), name


def test_readme_setup_is_what_init_writes(kb: Path) -> None:
    site = next(  # the first: the set-up; the plugin's options come later
        c
        for c in map(yaml.safe_load, _fenced(REPO / "README.md", "yaml"))
        if isinstance(c, dict) and "plugins" in c
    )
    starter = _yaml(kb / "mkdocs.yml")
    for key in ("plugins", "markdown_extensions"):
        assert site[key] == starter[key], key
    assert site["theme"]["name"] == starter["theme"]["name"]
    [home] = _fenced(REPO / "README.md", "markdown")
    found = home_marker.find(home)
    assert found is not None
    assert home[found[0] : found[1]].endswith(home_marker.END)


def test_daily_rebuild_runs_the_pages_workflow(kb: Path) -> None:
    workflows = kb / ".github" / "workflows"
    pages = _yaml(workflows / "pages.yml")
    assert "workflow_call" in pages[True]  # YAML 1.1 reads the key `on` as true
    daily = _yaml(workflows / "daily-rebuild.yml")
    assert daily[True]["schedule"]
    assert daily["jobs"]["publish"]["uses"] == "./.github/workflows/pages.yml"
    assert daily["jobs"]["publish"]["permissions"] == pages["permissions"]


def _actionlint() -> str | None:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    return found or shutil.which("actionlint")


def test_workflows_pass_actionlint(kb: Path) -> None:
    binary = _actionlint()
    if binary is None:
        message = "actionlint is not installed (pip install -e '.[test]' brings it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    workflows = sorted((kb / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 3
    result = subprocess.run(
        [binary, "-no-color", *map(str, workflows)],
        cwd=kb,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, textwrap.indent(result.stdout + result.stderr, "  ")


# --- from a wheel, in a clean venv


def _run(command: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} exited {result.returncode}:\n"
        + textwrap.indent(result.stdout + result.stderr, "  ")
    )
    return result.stdout


def _source_version() -> str:
    """`__version__` as the source file says it, read as setuptools reads it."""
    module = ast.parse((REPO / "plugins" / "mkdocs_postmortems" / "__init__.py").read_text())
    for node in module.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, str)
            return value
    raise AssertionError("no __version__ in mkdocs_postmortems/__init__.py")


def test_a_wheel_in_a_clean_venv_starts_a_knowledge_base_that_builds(tmp_path: Path) -> None:
    """The way a team starts: the package installed from a wheel (package data and entry
    points as shipped, nothing from this checkout), `postmortems init`, then the checks
    and the strict build the workflows run.

    The wheel is built from a copy of the sources with pip's build isolation: setuptools
    comes from the index, and the isolated environment has none of the dependencies, so
    the version can only have been read from the source without importing it. The venv
    is new and empty, and pip installs the wheel's dependencies into it from the index
    (its cache makes that about 20 s after the first time): a dependency missing from
    pyproject.toml fails here, which borrowing this venv's packages would hide."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "plugins",
        source / "plugins",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "POSTMORTEMS_DEBUG")
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "-q", "--no-deps", "-w", tmp_path / "dist", source], tmp_path, env)
    [wheel] = (tmp_path / "dist").glob("mkdocs_postmortems-*.whl")
    assert wheel.name.startswith(f"mkdocs_postmortems-{_source_version()}-")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, env)
    bin_dir = venv / "bin"
    _run([bin_dir / "python", "-m", "pip", "install", "-q", wheel], tmp_path, env)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)

    where = _run(
        [bin_dir / "python", "-c", "import mkdocs_postmortems; print(mkdocs_postmortems.__file__)"],
        tmp_path,
        env,
    )
    assert Path(where.strip()).is_relative_to(venv), where
    version = _run([bin_dir / "postmortems", "--version"], tmp_path, env)
    installed = _run(
        [
            bin_dir / "python",
            "-c",
            "from importlib.metadata import version; print(version('mkdocs-postmortems'))",
        ],
        tmp_path,
        env,
    )
    assert version.strip() == f"postmortems {installed.strip()}"
    assert installed.strip() == _source_version()

    out = _run([bin_dir / "postmortems", "init", "new-kb"], tmp_path, env)
    assert out.splitlines()[-4].strip() == "cd new-kb"
    assert "first edit requirements.txt" in out.splitlines()[-3]  # from a wheel: a version pin
    kb = tmp_path / "new-kb"
    assert _files(kb) == EXPECTED
    env["POSTMORTEMS_AS_OF"] = "2026-11-24"
    env["NO_MKDOCS_2_WARNING"] = "1"
    _run([bin_dir / "postmortems", "validate"], kb, env)
    _run([bin_dir / "mkdocs", "build", "--strict", "--site-dir", "site"], kb, env)

    site = kb / "site"
    stem = Path(EXAMPLE).stem
    page = (site / "postmortems" / stem / "index.html").read_text(encoding="utf-8")
    assert "PM-2026-001" in page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home_marker.NOTICE_TEXT not in home  # the plugin replaced the marker
    assert f'href="postmortems/{stem}/"' in home  # with the home block's latest postmortems
    stats = json.loads((site / "data" / "stats.json").read_text(encoding="utf-8"))
    assert (stats["as_of"], stats["count"]) == ("2026-11-24", 1)
    for analytics in ("analytics", "analytics/severity", "analytics/action-items", "reports"):
        assert (site / analytics / "index.html").is_file(), analytics
    assert (site / "reports" / "2026-Q1" / "index.html").is_file()


def _pip_compile(text: str) -> str:
    [found] = re.findall(r"^pip-compile .*?(?<!\\)$", text, re.MULTILINE | re.DOTALL)
    return " ".join(found.replace("\\\n", " ").split())


def test_the_lock_instructions_agree(kb: Path) -> None:
    """The starter's README and docs/starting.md lock the same way: every dependency with
    its hash, the package itself (a git requirement, which has no hash) left out and
    installed without dependencies."""
    starter = (kb / "README.md").read_text(encoding="utf-8")
    ours = (REPO / "docs" / "starting.md").read_text(encoding="utf-8")
    command = _pip_compile(starter)
    assert command == _pip_compile(ours)
    assert "--generate-hashes" in command and "--unsafe-package mkdocs-postmortems" in command
    for text in (starter, ours):
        assert "pip install --require-hashes -r requirements.lock" in text
        assert "pip install --no-deps -r requirements.txt" in text
