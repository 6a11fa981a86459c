"""The published JSON Schema agrees with the validator on real and broken documents (every
bound, field by field: tests/test_bounds.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.json_schema import DEFAULT_ID, draft_07, json_schema
from yaml12 import editor_view

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "postmortems").rglob("*.md"))


def _as_editor_sees_it(path: Path) -> dict[str, Any]:
    """Front matter typed as a YAML 1.2 editor types it (`yaml12`)."""
    front = path.read_text(encoding="utf-8").split("---\n", 2)[1]
    result = editor_view(front)
    assert isinstance(result, dict)
    return result


@pytest.fixture(scope="module", params=["2020-12", "07"])
def validator(request: pytest.FixtureRequest) -> jsonschema.protocols.Validator:
    """Both published variants must take and refuse the same front matter."""
    schema = json_schema(taxonomy.load(ROOT / "postmortems" / "taxonomy.yml"))
    if request.param == "07":
        schema = draft_07(schema)
    cls = jsonschema.validators.validator_for(schema)
    assert cls is (
        jsonschema.Draft7Validator if request.param == "07" else jsonschema.Draft202012Validator
    )
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_satisfy_the_json_schema(
    path: Path, validator: jsonschema.protocols.Validator
) -> None:
    errors = [e.message for e in validator.iter_errors(_as_editor_sees_it(path))]
    assert errors == []


def test_json_schema_refuses_what_the_validator_refuses(
    validator: jsonschema.protocols.Validator,
) -> None:
    good = _as_editor_sees_it(EXAMPLES[0])
    assert good["status"] != "draft"

    def refused(change: dict[str, Any], drop: tuple[str, ...] = ()) -> bool:
        data = {k: v for k, v in {**good, **change}.items() if k not in drop}
        return not validator.is_valid(data)

    assert refused({}, drop=("resolved_at",))
    assert not refused({"status": "draft"}, drop=("resolved_at", "contributing_factors"))
    assert refused({"severity": "p1"})
    assert refused({"severty": "P1"})
    assert refused({"started_at": "2026-03-14T09:12:00"})
    assert refused({"services": ["not-a-service"]})
    assert refused({"links": {"ticket": "http://example.com"}})
    assert refused(
        {"action_items": [{"title": "x", "type": "prevent", "priority": "high", "status": "open"}]}
    )


def test_cli_schema_is_the_generated_one() -> None:
    import contextlib
    import io

    from mkdocs_postmortems.cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["schema"]) == 0
    assert json.loads(out.getvalue()) == json_schema()


def test_schema_has_an_id_and_the_cli_sets_it() -> None:
    import contextlib
    import io

    from mkdocs_postmortems.cli.main import main

    assert json_schema()["$id"] == DEFAULT_ID
    url = "https://kb.example.com/postmortem.schema.json"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["schema", "--id", url, "--draft", "07"]) == 0
    printed = json.loads(out.getvalue())
    assert printed["$id"] == "https://kb.example.com/postmortem.schema.draft-07.json"
    assert printed["$schema"] == "http://json-schema.org/draft-07/schema#"
    text = out.getvalue()
    assert "$defs" not in text and "minContains" not in text


def test_draft_07_keeps_the_review_gates_it_can_express() -> None:
    gated = taxonomy.Taxonomy.model_validate(
        {
            **taxonomy.DEFAULT.model_dump(exclude_none=True),
            "required": {"before_publishing": {"review_held": True, "approvals": 2}},
        }
    )
    schema = draft_07(json_schema(gated))
    jsonschema.Draft7Validator.check_schema(schema)
    check = jsonschema.Draft7Validator(schema)
    good = _as_editor_sees_it(EXAMPLES[0])
    published = {**good, "status": "published"}
    published.pop("approvals", None)
    published.pop("review", None)
    assert not check.is_valid(published)  # no review, no approval: refused in draft-07 too
    one = {**published, "review": {"held_on": "2026-03-20"}}
    one["approvals"] = [{"name": "Ana", "role": "SRE lead", "approved": True}]
    assert check.is_valid(one)  # "at least 2" has no draft-07 form: the validator asks it


def test_python_m_runs_the_command() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_postmortems", "schema", "--draft", "07"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["$schema"] == "http://json-schema.org/draft-07/schema#"
