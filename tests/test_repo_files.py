"""The files that wire the project into GitHub, pre-commit and editors: the workflows, the
pre-commit hook (run exactly as pre-commit runs it), the review checklist and the published
JSON Schema (a golden file)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.json_schema import draft_07, json_schema

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
GOOD = (FIXTURES / "valid" / "minimal-draft.md").read_text(encoding="utf-8")
BAD = GOOD.replace("severity: P3", "severity: p3")


def _yaml(path: str) -> Any:
    return yaml.safe_load((REPO / path).read_text(encoding="utf-8"))


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """`on:`, which a YAML 1.1 reader such as PyYAML reads as the key True."""
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _step(workflow: dict[str, Any], name: str) -> str:
    [script] = [s["run"] for s in _steps(workflow) if s.get("name") == name]
    assert isinstance(script, str)
    return script


@pytest.mark.parametrize("path", [".github/workflows/pr.yml", ".github/workflows/pages.yml"])
def test_actions_are_pinned_to_a_major_version(path: str) -> None:
    uses = [step["uses"] for step in _steps(_yaml(path)) if "uses" in step]
    assert uses
    assert all(re.fullmatch(r"actions/[a-z-]+@v[0-9]+", use) for use in uses), uses


def test_pull_request_workflow() -> None:
    workflow = _yaml(".github/workflows/pr.yml")
    assert set(_triggers(workflow)) == {"pull_request"}
    steps = _steps(workflow)
    [python] = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    assert python["with"]["python-version"] == "3.11"
    runs = [s["run"] for s in steps if "run" in s]
    assert "pip install ." in runs
    assert "mkdocs build --strict" in runs
    validate = _step(workflow, "Validate the changed postmortems")
    # Names as written (no quoting of non-ASCII) and any case of .md: validate refuses them.
    assert (
        "git -c core.quotePath=false diff --name-only --diff-filter=d HEAD^1 HEAD -- postmortems/"
        in validate
    )
    assert "grep -iE '\\.md$'" in validate
    assert "postmortems validate --format github" in validate
    assert workflow["permissions"] == {"contents": "read"}


def test_pages_workflow() -> None:
    workflow = _yaml(".github/workflows/pages.yml")
    triggers = _triggers(workflow)
    assert triggers["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in triggers
    [schedule] = triggers["schedule"]
    assert len(schedule["cron"].split()) == 5 and schedule["cron"].endswith("* * *")
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [s.get("run", "") for s in build["steps"]]
    [built] = [run for run in runs if "mkdocs build --strict" in run]
    assert 'SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"' in built
    assert 'POSTMORTEMS_AS_OF="$(date -u +%F)"' in built  # overdue is judged on the build day
    assert "pip install --require-hashes -r requirements/pages.lock" in runs
    assert "pip install --no-deps ." in runs
    [upload] = [s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


# --- the pull-request step's shell script, run in a scratch repository


@pytest.fixture
def scratch_repo(tmp_path: Path, cli_env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """A Git repository with postmortems/taxonomy.yml and one valid postmortem committed;
    `postmortems` on PATH, as after `pip install .`."""
    env = {
        **cli_env,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{cli_env.get('PATH', '')}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    (tmp_path / "postmortems" / "2026").mkdir(parents=True)
    shutil.copy(FIXTURES / "taxonomy.yml", tmp_path / "postmortems" / "taxonomy.yml")
    (tmp_path / "postmortems" / "2026" / "old.md").write_text(GOOD, encoding="utf-8")
    _git(tmp_path, env, "init", "-q")
    _commit(tmp_path, env)
    return tmp_path, env


def _git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=60)


def _commit(cwd: Path, env: dict[str, str]) -> None:
    _git(cwd, env, "add", "-A")
    _git(cwd, env, "commit", "-q", "--allow-empty", "-m", "change")


def _run_step(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = _step(_yaml(".github/workflows/pr.yml"), "Validate the changed postmortems")
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_pr_step_validates_only_changed_postmortems(
    scratch_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = scratch_repo
    (repo / "postmortems" / "2026" / "old.md").write_text(BAD, encoding="utf-8")
    _commit(repo, env)  # a broken file that this change does not touch
    (repo / "postmortems" / "2026" / "new.md").write_text(
        BAD.replace("PM-2026-102", "PM-2026-103"), encoding="utf-8"
    )
    (repo / "postmortems" / "README.md").write_text("# Not a postmortem\n", encoding="utf-8")
    _commit(repo, env)
    result = _run_step(repo, env)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=postmortems/2026/new.md,line=4,col=11,title=severity::severity: "
        "expected one of P0, P1, P2, P3; got 'p3' (did you mean 'P3'?)"
    ]


def test_pr_step_with_no_postmortem_changed(scratch_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = scratch_repo
    (repo / "postmortems" / "_templates").mkdir()
    (repo / "postmortems" / "_templates" / "t.md").write_text("id: {ID}\n", encoding="utf-8")
    (repo / "docs.md").write_text("docs\n", encoding="utf-8")
    _commit(repo, env)
    result = _run_step(repo, env)
    assert (result.returncode, result.stdout) == (0, "No postmortem changed.\n")


def test_pr_step_validates_everything_when_the_taxonomy_changes(
    scratch_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = scratch_repo
    vocabulary = repo / "postmortems" / "taxonomy.yml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace(", search,", ","), encoding="utf-8")
    _commit(repo, env)
    result = _run_step(repo, env)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "The taxonomy changed: validating every postmortem."
    assert "::error file=postmortems/2026/old.md,line=7,col=12,title=services[0]::" in (
        result.stdout
    )


# --- the pre-commit hook


@pytest.fixture(scope="module")
def hook() -> dict[str, Any]:
    hooks = _yaml(".pre-commit-hooks.yaml")
    assert isinstance(hooks, list)
    [only] = hooks
    assert isinstance(only, dict)
    return only


def test_hook_definition(hook: dict[str, Any]) -> None:
    assert hook["id"] == "postmortems-validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    command = shlex.split(hook["entry"])[0]
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert command in scripts  # installed by pre-commit's `pip install .`


@pytest.mark.parametrize(
    ("path", "selected"),
    [
        ("postmortems/2026/2026-03-14-checkout-5xx.md", True),
        ("postmortems/a.md", True),
        ("postmortems/taxonomy.yml", True),
        ("postmortems/README.md", False),
        ("postmortems/2026/index.md", False),
        ("postmortems/_templates/postmortem.md", False),
        ("postmortems/2026/_draft.md", False),
        ("postmortems/.drafts/a.md", False),
        ("postmortems/taxonomy.yml.orig", False),
        ("docs/writing.md", False),
        ("other/postmortems/a.md", False),
    ],
)
def test_hook_selects_postmortems_and_the_taxonomy(
    hook: dict[str, Any], path: str, selected: bool
) -> None:
    """pre-commit runs a hook on a file when `files` matches (re.search) and `exclude` not."""
    chosen = bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)
    assert chosen is selected


def _run_hook(
    hook: dict[str, Any], repo: Path, env: dict[str, str], *files: str
) -> subprocess.CompletedProcess[str]:
    """As pre-commit runs it: the entry split as by a shell, then the file names."""
    return subprocess.run(
        [*shlex.split(hook["entry"]), *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_hook_on_a_good_and_a_bad_file(
    hook: dict[str, Any], scratch_repo: tuple[Path, dict[str, str]]
) -> None:
    repo, env = scratch_repo
    (repo / "postmortems" / "2026" / "bad.md").write_text(
        BAD.replace("PM-2026-102", "PM-2026-103"), encoding="utf-8"
    )
    good = _run_hook(hook, repo, env, "postmortems/2026/old.md")
    assert (good.returncode, good.stdout) == (0, "")
    bad = _run_hook(hook, repo, env, "postmortems/2026/bad.md")
    assert bad.returncode == 1
    assert bad.stdout == (
        "postmortems/2026/bad.md:4:11: severity: "
        "expected one of P0, P1, P2, P3; got 'p3' (did you mean 'P3'?)\n"
    )


def test_hook_on_a_changed_taxonomy_checks_what_it_governs(
    hook: dict[str, Any], scratch_repo: tuple[Path, dict[str, str]]
) -> None:
    """A file's taxonomy is found above it; a taxonomy passed as a file stands for every
    postmortem in its folder (it is not a postmortem itself)."""
    repo, env = scratch_repo
    vocabulary = repo / "postmortems" / "taxonomy.yml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace(", search,", ","), encoding="utf-8")
    result = _run_hook(hook, repo, env, "postmortems/taxonomy.yml")
    assert result.returncode == 1
    assert result.stdout == (
        "postmortems/2026/old.md:7:12: services[0]: "
        "expected a service listed in the taxonomy, got 'search'\n"
    )


# --- the review checklist and the published JSON Schema


def test_pull_request_template_has_the_review_checklist() -> None:
    text = (REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8").lower()
    for words in [
        "blameless",
        "timeline",
        "offset",
        "impact quantified",
        "severity justified",
        "contributing factors",
        "owner",
        "due date",
        "priority",
        "no secrets or personal data",
        "links work",
        "postmortems validate",
    ]:
        assert words in text, words
    assert text.count("- [ ]") >= 10


def test_published_json_schema_is_current() -> None:
    vocabulary = taxonomy.load(REPO / "postmortems" / "taxonomy.yml")
    schema = json_schema(
        vocabulary, schema_id="https://postmortems.example.com/postmortem.schema.json"
    )
    for name, variant, check in (
        ("postmortem.schema.json", schema, jsonschema.Draft202012Validator),
        ("postmortem.schema.draft-07.json", draft_07(schema), jsonschema.Draft7Validator),
    ):
        expected = json.dumps(variant, indent=2, ensure_ascii=False) + "\n"
        published = REPO / "docs" / name
        assert published.read_text(encoding="utf-8") == expected, (
            f"docs/{name} is stale: run `make schema`"
        )
        check.check_schema(variant)


def test_submit_page_covers_the_workflow() -> None:
    text = (REPO / "docs" / "submit.md").read_text(encoding="utf-8")
    for words in [
        "postmortems new",
        "postmortems validate",
        "pre-commit",
        "postmortems-validate",
        "postmortems: allow-secret",
        "still to fill in (TODO)",
        "postmortem.schema.json",
        "yaml.schemas",
        "make schema",
    ]:
        assert words in text, words
