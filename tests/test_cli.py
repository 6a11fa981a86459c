"""The `postmortems` command, run as a subprocess the way authors and CI run it.

Every run goes through the `run_cli` fixture, which fails on any traceback or internal error.
Exit code 2 (an internal error) has no honest trigger and is not tested here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INVALID = "tests/fixtures/invalid"
RunCli = Callable[..., subprocess.CompletedProcess[str]]

SUMMARY_OK = re.compile(r"^\d+ files? checked: all valid(, \d+ notices?)?\n$")
NOTICE = re.compile(r"^[^:]+:\d+:\d+: notice: ")
"""A valid knowledge base may still print notices (recurrence alerts: test_recurrence)."""


def alone(tmp_path: Path, *paths: str) -> Path:
    """A working folder with copies of fixtures and their taxonomy, at their paths in the
    repository. A file named is checked against the rest of its knowledge base, and
    tests/fixtures (it holds a taxonomy.yml) is one whose files share ids on purpose."""
    for path in (*paths, "tests/fixtures/taxonomy.yml"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / path, tmp_path / path)
    return tmp_path


# --- the example knowledge base and the fixtures


def test_validate_example_knowledge_base_by_default(run_cli: RunCli) -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout
    assert all(NOTICE.match(line) for line in result.stdout.splitlines()), result.stdout
    assert SUMMARY_OK.match(result.stderr), result.stderr
    assert int(result.stderr.split()[0]) >= 10


def test_validate_example_knowledge_base_by_path(run_cli: RunCli) -> None:
    result = run_cli("validate", "postmortems/", "--format", "json")
    assert result.returncode == 0, result.stdout
    assert {d["level"] for d in json.loads(result.stdout)} <= {"notice"}
    assert result.stderr == ""


def test_validate_valid_fixtures(run_cli: RunCli) -> None:
    result = run_cli("validate", "tests/fixtures/valid")
    assert result.returncode == 0, result.stdout
    assert all(NOTICE.match(line) for line in result.stdout.splitlines()), result.stdout
    assert re.fullmatch(r"9 files checked: all valid(, \d+ notices?)?\n", result.stderr)


def test_all_errors_of_a_file_at_once(run_cli: RunCli, tmp_path: Path) -> None:
    path = f"{INVALID}/multi-schema-errors.md"
    result = run_cli("validate", path, cwd=alone(tmp_path, path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ", 2)[0:2] for line in lines] == [
        [f"{path}:2:1", "title"],
        [f"{path}:3:11", "severity"],
        [f"{path}:4:9", "status"],
        [f"{path}:7:22", "services[1]"],
        [f"{path}:9:1", "summry"],
        [f"{path}:10:13", "started_at"],
        [f"{path}:12:14", "resolved_at"],
        [f"{path}:13:24", "contributing_factors[0]"],
    ]
    assert lines[1] == (
        f"{path}:3:11: severity: expected one of P0, P1, P2, P3; got 'p1' (did you mean 'P1'?)"
    )
    assert result.stderr == "1 file checked: 8 errors\n"


def test_all_files_at_once(run_cli: RunCli, tmp_path: Path) -> None:
    paths = [f"{INVALID}/{name}" for name in ("schema-bad-id.md", "yaml-anchor.md")]
    paths.append(f"{INVALID}/encoding-nul-byte.md")
    result = run_cli("validate", *paths, cwd=alone(tmp_path, *paths))
    assert result.returncode == 1
    assert result.stdout == (
        f"{INVALID}/schema-bad-id.md:2:5: id: "
        "expected an id like PM-2026-014 or HOTFIX-231, got 'pm-2026-001'\n"
        f"{INVALID}/yaml-anchor.md:7:10: authors: anchors are not allowed (found &who)\n"
        f"{INVALID}/encoding-nul-byte.md:10:18: expected text, got a NUL byte\n"
    )
    assert result.stderr == "3 files checked: 3 errors\n"


# --- output formats


def test_format_github(run_cli: RunCli, tmp_path: Path) -> None:
    paths = [f"{INVALID}/schema-severity-case.md", f"{INVALID}/encoding-utf16-bom.md"]
    result = run_cli("validate", *paths, "--format", "github", cwd=alone(tmp_path, *paths))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file={INVALID}/schema-severity-case.md,line=4,col=11,title=severity"
        "::severity: expected one of P0, P1, P2, P3; got 'p1' (did you mean 'P1'?)",
        f"::error file={INVALID}/encoding-utf16-bom.md,line=1,col=1,title=postmortem"
        "::expected UTF-8 text, got UTF-16 (byte-order mark); save as UTF-8",
    ]
    assert result.stderr == ""


def test_format_github_escapes_properties(run_cli: RunCli, tmp_path: Path) -> None:
    bad = tmp_path / "a,b:c 100%.md"
    bad.write_text("no front matter\n", encoding="utf-8")
    result = run_cli("validate", bad.name, "--format", "github", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "::error file=a%2Cb%3Ac 100%25.md,line=1,col=1,title=postmortem"
        "::expected a file name of letters, digits, '.', '_' and '-' (it becomes the page's "
        "URL), got 'a,b:c 100%25.md'; rename it\n"
        "::error file=a%2Cb%3Ac 100%25.md,line=1,col=1,title=front matter"
        "::front matter: expected front matter opening with a '---' line, "
        "got 'no front matter'\n"
    )


def test_format_json(run_cli: RunCli, tmp_path: Path) -> None:
    path = f"{INVALID}/multi-action-items.md"
    result = run_cli("validate", path, "--format", "json", cwd=alone(tmp_path, path))
    assert result.returncode == 1
    assert result.stderr == ""
    items = json.loads(result.stdout)
    assert all(
        set(item) == {"path", "line", "column", "field", "message", "level"} for item in items
    )
    assert all(item["path"] == path and item["level"] == "error" for item in items)
    assert [(i["line"], i["column"], i["field"]) for i in items] == [
        (13, 9, "timeline[0].at"),
        (15, 5, "timeline[1].event"),
        (17, 5, "action_items[0].due"),
        (17, 5, "action_items[0].owner"),
        (22, 11, "action_items[1].type"),
        (24, 10, "action_items[1].due"),
        (33, 16, "action_items[2].closed_on"),
    ]
    assert items[4]["message"] == (
        "expected one of prevent, detect, mitigate, respond, process; got 'alert'"
    )


def test_format_json_keeps_non_ascii(run_cli: RunCli) -> None:
    result = run_cli("validate", f"{INVALID}/encoding-latin1-byte.md", "--format", "json")
    assert result.returncode == 1
    [item] = json.loads(result.stdout)
    assert (item["line"], item["column"], item["field"]) == (3, 11, "")
    assert item["message"].startswith("expected UTF-8 text, got byte 0xe9")


# --- taxonomy discovery

KB_TAXONOMY = """\
severities:
  SEV1: {label: Critical, description: Everything is down.}
  SEV2: {label: Minor, description: Something is slow.}
services: [web]
"""

POSTMORTEM = """\
---
id: INC-7
title: The web store was down
severity: SEV1
status: published
authors: [ana.silva]
services: [web]
started_at: 2026-03-14T09:12:00Z
detected_at: 2026-03-14T09:19:00Z
resolved_at: 2026-03-14T10:05:00Z
contributing_factors: [bad-luck]
---
"""


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """tmp_path/kb/ with its own taxonomy (SEV1/SEV2, service `web`), one postmortem in
    kb/2026/, a README and a `_template.md` that must be skipped; and tmp_path/other/ with
    the same postmortem and no taxonomy. Run with cwd=tmp_path, so no postmortems/ fallback."""
    (tmp_path / "kb" / "2026").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    (tmp_path / "kb" / "taxonomy.yml").write_text(KB_TAXONOMY, encoding="utf-8")
    (tmp_path / "kb" / "2026" / "incident.md").write_text(POSTMORTEM, encoding="utf-8")
    (tmp_path / "kb" / "README.md").write_text("# Not a postmortem\n", encoding="utf-8")
    (tmp_path / "kb" / "2026" / "_template.md").write_text("severity: ???\n", encoding="utf-8")
    (tmp_path / "other" / "incident.md").write_text(POSTMORTEM, encoding="utf-8")
    return tmp_path


def test_taxonomy_in_the_folder_given(run_cli: RunCli, kb: Path) -> None:
    result = run_cli("validate", "kb", cwd=kb)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "1 file checked: all valid\n"


def test_taxonomy_nearest_above_a_file(run_cli: RunCli, kb: Path) -> None:
    result = run_cli("validate", "kb/2026/incident.md", cwd=kb)
    assert (result.returncode, result.stdout) == (0, "")


def test_default_taxonomy_without_one(run_cli: RunCli, kb: Path) -> None:
    result = run_cli("validate", "other", cwd=kb)
    assert result.returncode == 1
    assert result.stdout == (
        "other/incident.md:4:11: severity: expected one of P0, P1, P2, P3; "
        "got 'SEV1' (did you mean 'P1'?)\n"
    )


def test_explicit_taxonomy(run_cli: RunCli, kb: Path) -> None:
    result = run_cli("validate", "other", "--taxonomy", "kb/taxonomy.yml", cwd=kb)
    assert (result.returncode, result.stdout) == (0, "")


def test_explicit_taxonomy_wins_over_a_nearer_one(run_cli: RunCli, kb: Path) -> None:
    (kb / "strict.yml").write_text(KB_TAXONOMY.replace("[web]", "[api]"), encoding="utf-8")
    result = run_cli("validate", "kb", "--taxonomy", "strict.yml", cwd=kb)
    assert result.returncode == 1
    assert result.stdout == (
        "kb/2026/incident.md:7:12: services[0]: "
        "expected a service listed in the taxonomy, got 'web'\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "severities:\n  P0:\n    label: Critical\nservices: [Web Store]\n",
            [
                "kb/taxonomy.yml:3:5: severities.P0.description: missing required field",
                "kb/taxonomy.yml:4:12: services[0]: "
                "expected a slug (lowercase letters, digits, hyphens), got 'Web Store'",
            ],
        ),
        (
            "severities:\n  P0: {label: A, description: B}\n"
            "severities:\n  P1: {label: A, description: B}\n",
            [
                "kb/taxonomy.yml:3:1: severities: "
                "duplicate key 'severities' (first defined at line 1, column 1)"
            ],
        ),
        (
            "severities:\n  P0: {label: A, description: B}\nrequired:\n  always: [id, titel]\n",
            [
                "kb/taxonomy.yml:4:16: required.always[1]: "
                "expected a field name of the schema, got 'titel' (did you mean 'title'?)"
            ],
        ),
        (
            "- P0\n- P1\n",
            [
                "kb/taxonomy.yml:1:1: taxonomy: "
                "expected a mapping with severities, services, teams, contributing_factors, "
                "got a list"
            ],
        ),
        (
            "severities:\n  P0: {label: A, description: B}\ncontributing_factors:\n"
            "  a: {label: Alpha, description: x, aliases: [config]}\n"
            "  b: {label: Beta, description: y, aliases: [Config]}\n",
            [
                "kb/taxonomy.yml:5:46: contributing_factors.b.aliases[0]: "
                "expected a spelling of this factor only, got 'Config', which also spells 'a'"
            ],
        ),
    ],
    ids=["schema", "duplicate-key", "required-names", "not-a-mapping", "ambiguous-alias"],
)
def test_broken_taxonomy(run_cli: RunCli, kb: Path, text: str, expected: list[str]) -> None:
    (kb / "kb" / "taxonomy.yml").write_text(text, encoding="utf-8")
    result = run_cli("validate", "kb", cwd=kb)
    assert result.returncode == 1
    assert result.stdout.splitlines() == expected


def test_missing_taxonomy_file(run_cli: RunCli, kb: Path) -> None:
    result = run_cli("validate", "kb", "--taxonomy", "nope.yml", cwd=kb)
    assert result.returncode == 1
    assert result.stdout == "nope.yml:1:1: taxonomy: cannot read: No such file or directory\n"


def test_missing_path(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("validate", "nope.md", "missing-folder/", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "nope.md:1:1: expected a file or folder, found nothing at this path\n"
        "missing-folder:1:1: expected a file or folder, found nothing at this path\n"
    )
    assert result.stderr == "0 files checked: 2 errors\n"


# --- the schema


def test_schema_is_json_schema(run_cli: RunCli) -> None:
    result = run_cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["required"] == [
        "id",
        "title",
        "severity",
        "status",
        "authors",
        "services",
        "started_at",
        "detected_at",
    ]
    unless_draft = schema["allOf"][1]
    assert unless_draft["if"]["properties"]["status"] == {"enum": ["in-review", "published"]}
    assert unless_draft["then"]["required"] == ["resolved_at", "contributing_factors"]
    assert {"ActionItem", "Hotfix", "Impact", "TimelineEntry"} <= set(schema["$defs"])
    assert schema["$defs"]["ActionItem"]["allOf"][0]["then"]["required"] == ["owner", "due"]
    assert {"id", "hotfix", "links", "action_items"} <= set(schema["properties"])


def test_schema_narrowed_to_a_taxonomy(run_cli: RunCli) -> None:
    result = run_cli("schema", "--taxonomy", "tests/fixtures/taxonomy.yml")
    assert result.returncode == 0
    properties = json.loads(result.stdout)["properties"]
    assert properties["severity"]["anyOf"][0]["enum"] == ["P0", "P1", "P2", "P3"]
    assert properties["services"]["items"]["enum"] == [
        "checkout",
        "payments-api",
        "search",
        "identity",
    ]
    assert properties["contributing_factors"]["items"]["enum"] == [
        "config-change",
        "missing-canary",
        "capacity",
        "alerting-gap",
    ]


def test_schema_markdown_is_the_reference_page(
    cli_command: list[str], cli_env: dict[str, str]
) -> None:
    result = subprocess.run(
        [*cli_command, "schema", "--markdown"],
        cwd=REPO,
        env=cli_env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert b"Traceback" not in result.stderr
    golden = (REPO / "docs" / "schema.md").read_bytes()
    assert result.stdout == golden, "docs/schema.md is stale: postmortems schema --markdown"


def test_folders_named_with_underscore_or_dot_are_skipped(run_cli: RunCli, kb: Path) -> None:
    for folder in ("_templates", ".drafts"):
        (kb / "kb" / folder).mkdir()
        (kb / "kb" / folder / "template.md").write_text("id: {ID}\n", encoding="utf-8")
    result = run_cli("validate", "kb", cwd=kb)
    assert result.returncode == 0, result.stdout
    assert result.stderr == "1 file checked: all valid\n"


def test_one_file_however_it_is_reached(run_cli: RunCli, kb: Path) -> None:
    (kb / "kb" / "2026" / "latest.md").symlink_to("incident.md")
    result = run_cli("validate", "kb", "kb/2026/../2026/incident.md", "kb/2026/latest.md", cwd=kb)
    assert result.returncode == 0, result.stdout
    assert result.stderr == "1 file checked: all valid\n"


def test_empty_folder_is_a_warning(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("validate", "empty", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == "empty:1:1: warning: no postmortem files found in this folder\n"
    assert result.stderr == "0 files checked: all valid, 1 warning\n"


def test_not_a_regular_file(run_cli: RunCli, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    result = run_cli("validate", "pipe.md", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        result.stdout
        == "pipe.md:1:1: expected a regular file or a folder, got a FIFO (named pipe)\n"
    )


def test_validate_path_imports_no_heavy_modules(cli_env: dict[str, str]) -> None:
    """`postmortems validate one.md` must stay quick: no MkDocs, pandas or matplotlib."""
    code = (
        "import sys\n"
        "from mkdocs_postmortems.cli.main import main\n"
        "code = main(['validate', 'postmortems/2025/2025-01-22-search-index-backlog.md'])\n"
        "heavy = sorted(m for m in ('mkdocs', 'pandas', 'matplotlib') if m in sys.modules)\n"
        "print(code, heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stderr
