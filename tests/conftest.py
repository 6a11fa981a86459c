"""Shared helpers: the fixture taxonomy and a runner for the real `postmortems` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.taxonomy import Taxonomy

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def cli_command() -> list[str]:
    """The installed `postmortems` script beside this Python, else `python -m ...cli`."""
    exe = shutil.which("postmortems", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "mkdocs_postmortems.cli.main"]


@pytest.fixture(scope="session")
def cli_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "POSTMORTEMS_DEBUG"}
    env["PYTHONUTF8"] = "1"
    return env


@pytest.fixture(scope="session")
def fixture_taxonomy() -> Taxonomy:
    """tests/fixtures/taxonomy.yml: P0-P3, four services, three teams, four factors."""
    return taxonomy.load(FIXTURES / "taxonomy.yml")


@pytest.fixture(scope="session")
def run_cli(cli_command: list[str], cli_env: dict[str, str]) -> RunCli:
    """Run `postmortems ARGS...` in a subprocess; never a traceback, never an internal error."""

    def run(
        *args: str | Path, cwd: Path = REPO, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`env`, when given, replaces the environment (start from the `cli_env` fixture)."""
        result = subprocess.run(
            [*cli_command, *(str(a) for a in args)],
            cwd=cwd,
            env=cli_env if env is None else env,
            stdin=subprocess.DEVNULL,  # never a terminal: no command may stop to ask
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
            check=False,
        )
        assert "Traceback" not in result.stderr, result.stderr
        assert "Traceback" not in result.stdout, result.stdout
        assert "internal error" not in result.stderr, result.stderr
        return result

    return run


SiteBuilder = Callable[..., Path]


@pytest.fixture(scope="session")
def build_site() -> SiteBuilder:
    """Build a site like `mkdocs build --strict`, in this process; plugin options as kwargs."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    def run(config_file: Path, site_dir: Path, **plugin: object) -> Path:
        config = load_config(config_file=str(config_file), site_dir=str(site_dir), strict=True)
        options = config.plugins["postmortems"].config
        for key, value in plugin.items():
            options[key] = value
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        return site_dir

    return run
