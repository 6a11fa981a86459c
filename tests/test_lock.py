"""The Pages workflow's lock file: every dependency pinned, with hashes, within pyproject's
ranges, and the chart libraries at the versions the tests ran with (charts are compared
byte for byte)."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "pages.lock"
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\]+)", re.MULTILINE)


def _pins() -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in _PIN.findall(LOCK.read_text())}


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in project["dependencies"]]


def test_every_dependency_is_pinned_within_its_range() -> None:
    pins = _pins()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements/pages.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} is outside pyproject's {requirement.specifier}: run `make lock`"
        )


def test_every_pin_has_hashes() -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text().split("\n\n", 1)[-1])
    pinned = [entry for entry in entries if _PIN.match(entry)]
    assert len(pinned) == len(_pins()) > 10
    for entry in pinned:
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_figure_libraries_match_the_tested_versions() -> None:
    pins = _pins()
    for name in ("pandas", "numpy"):
        assert pins[name] == metadata.version(name), (
            f"the Pages workflow would compute figures with {name} {pins[name]}, the tests with "
            f"{metadata.version(name)}: run `make lock`"
        )
