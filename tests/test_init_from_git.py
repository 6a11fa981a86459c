"""The documented way in, as a new user takes it: the package installed from its git
repository with the command the README gives, `postmortems init`, then, on another machine,
the new repository's own `pip install -r requirements.txt` and a strict build.

The published repository cannot be reached from here, so git is told (a global config of
this test's own, `url.<local>.insteadOf`) to fetch `https://github.com/bazaarly/postmortems`
from a local repository holding a commit of these sources. pip sees the published URL and
records it (direct_url.json) as it would on a team's machine, which is what `init` writes
into requirements.txt. Both venvs are new; the dependencies come from the package index
(pip's cache makes that quick after the first time).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from mkdocs_postmortems.cli import init

REPO = Path(__file__).resolve().parents[1]
GIT_SPEC = f"mkdocs-postmortems @ git+{init.REPOSITORY}@main"


def _run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["bash", "-euc", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"{command} exited {result.returncode}:\n" + textwrap.indent(
        result.stdout + result.stderr, "  "
    )
    return result


def _sh_block(page: Path, heading: str) -> list[str]:
    """The commands of the first ```sh block after `heading`, comments dropped."""
    text = page.read_text(encoding="utf-8")
    after = text[text.index(heading) :]
    block = re.search(r"```(?:sh|console)\n(.*?)```", after, re.DOTALL)
    assert block is not None, f"{page}: no commands after {heading}"
    lines = [re.sub(r"\s+#.*$", "", line).removeprefix("$ ") for line in block[1].splitlines()]
    return [line.strip() for line in lines if line.strip()]


def _published_repository(tmp_path: Path, env: dict[str, str]) -> str:
    """A git repository holding these sources on `main`; its commit."""
    source = tmp_path / "published"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "plugins",
        source / "plugins",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
    )
    _run("git init -q -b main . && git add -A && git commit -q -m published", source, env)
    config = tmp_path / "gitconfig"
    config.write_text(
        f'[url "file://{source}"]\n\tinsteadOf = {init.REPOSITORY}\n'
        "[user]\n\tname = Test\n\temail = test@example.com\n",
        encoding="utf-8",
    )
    return _run("git rev-parse HEAD", source, env).stdout.strip()


def _env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "POSTMORTEMS_DEBUG")
        and not key.startswith("GIT_")
    }
    env.update(
        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.com",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        NO_MKDOCS_2_WARNING="1",
        POSTMORTEMS_AS_OF="2026-11-24",
    )
    return env


def _venv(tmp_path: Path, name: str, env: dict[str, str]) -> dict[str, str]:
    venv = tmp_path / name
    _run(f"{sys.executable} -m venv {venv}", tmp_path, env)
    return {**env, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}"}


def test_the_documented_commands_work_as_written(tmp_path: Path) -> None:
    env = _env(tmp_path)
    (tmp_path / "gitconfig").write_text("", encoding="utf-8")
    commit = _published_repository(tmp_path, env)

    readme = _sh_block(REPO / "README.md", "### Start a new knowledge base")
    starting = _sh_block(REPO / "docs" / "starting.md", "# Starting your own knowledge base")
    assert readme == starting
    assert readme[0] == f'pip install "{GIT_SPEC}"'
    assert readme[-1].endswith("mkdocs serve")

    # One machine: the README's commands, a strict build for `mkdocs serve`.
    first = _venv(tmp_path, "venv", env)
    for command in readme:
        command = command.replace("mkdocs serve", "mkdocs build --strict --site-dir site")
        done = _run(command, tmp_path, first)
        assert "postmortems init: warning" not in done.stderr, done.stderr
    kb = tmp_path / "my-postmortems"
    installs = [
        line
        for line in (kb / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert installs == [f"mkdocs-postmortems @ git+{init.REPOSITORY}@{commit}"]
    assert (kb / "site" / "analytics" / "index.html").is_file()

    # Another machine: a clone of the new repository and its README's two commands.
    clone = tmp_path / "clone"
    shutil.copytree(kb, clone, ignore=shutil.ignore_patterns("site"))
    second = _venv(tmp_path, "venv2", env)
    commands = _sh_block(clone / "README.md", "## Two commands")
    assert commands == ["pip install -r requirements.txt", "mkdocs serve"]
    _run(commands[0], clone, second)
    _run("mkdocs build --strict --site-dir site", clone, second)
    page = clone / "site" / "postmortems" / "2026-01-20-checkout-errors-after-a-config-push"
    assert "PM-2026-001" in (page / "index.html").read_text(encoding="utf-8")
    where = _run("python -c 'import mkdocs_postmortems as m; print(m.__file__)'", clone, second)
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "venv2")
