"""The JSON Schema of postmortem front matter, generated from the models.

It refuses what the validator refuses wherever JSON Schema can say so (tests/test_bounds.py
holds them to it), over the front matter as a YAML 1.2 editor reads it. Each kind of value
(text, slug, timestamp, link ...) is defined once under `$defs`, from the bounds its
validator uses. What lives in the taxonomy is added here: the vocabularies as enums, and the
required fields, which must also hold a value (not null, not an empty list or mapping), as the
validator asks.

What JSON Schema cannot say is left to the validator; `docs/validating.md` lists it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mkdocs_postmortems.core import bounds
from mkdocs_postmortems.core.schema import (
    ACTIVE_ACTION_STATUSES,
    FINAL_STATUSES,
    JSON_SCHEMAS,
    Postmortem,
)
from mkdocs_postmortems.core.taxonomy import DEFAULT, Taxonomy

SCHEMA_ID = "https://json-schema.org/draft/2020-12/schema"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
DEFAULT_ID = "urn:mkdocs-postmortems:postmortem-front-matter"
"""The schema's `$id` when no published address is given (`postmortems schema --id URL`)."""
NOT_EMPTY: dict[str, Any] = {"not": {"type": "null"}, "minItems": 1, "minProperties": 1}
"""A required field's value: not null, and not an empty list or mapping."""
_ANNOTATIONS = frozenset({"title", "description", "examples", "default"})


def json_schema(taxonomy: Taxonomy | None = None, *, schema_id: str = DEFAULT_ID) -> dict[str, Any]:
    """The schema for a knowledge base governed by `taxonomy` (the built-in one when None,
    as for the validator); `schema_id` is where it is published."""
    taxonomy = taxonomy or DEFAULT
    rules = taxonomy.required
    generated = Postmortem.model_json_schema(mode="validation")
    schema: dict[str, Any] = {"$schema": SCHEMA_ID, "$id": schema_id, **generated}
    schema["title"] = "Postmortem front matter"
    schema["required"] = list(rules.always)
    schema["allOf"] = [
        {"properties": _not_empty(rules.always)},
        _when_status(FINAL_STATUSES, rules.unless_draft),
    ]
    gates = _before_publishing(taxonomy)
    if gates is not None:
        schema["allOf"].append(gates)
    item = schema["$defs"]["ActionItem"]
    item["allOf"] = [_when_status(ACTIVE_ACTION_STATUSES, rules.open_action_items)]
    props = schema["properties"]
    props["severity"] = {
        "anyOf": [{"enum": _words(taxonomy.severities)}, {"type": "null"}],
        "default": None,
        "title": "Severity",
    }
    for name, values in (
        ("services", taxonomy.services),
        ("teams", taxonomy.teams),
        ("contributing_factors", taxonomy.contributing_factors),
    ):
        if values is not None:
            props[name]["items"] = {"enum": _words(values)}
    schema = _refer(schema)
    clash = set(JSON_SCHEMAS) & set(schema["$defs"])
    assert not clash, f"a model and a kind of value share a name: {clash}"
    schema["$defs"].update(JSON_SCHEMAS)
    return schema


def _not_empty(names: Iterable[str]) -> dict[str, Any]:
    return {name: NOT_EMPTY for name in names}


def _when_status(statuses: Iterable[str], names: list[str]) -> dict[str, Any]:
    """`names` are required, with a value, while `status` is one of `statuses`."""
    return {
        "if": {"required": ["status"], "properties": {"status": {"enum": sorted(statuses)}}},
        "then": {"required": names, "properties": _not_empty(names)},
    }


def _before_publishing(taxonomy: Taxonomy) -> dict[str, Any] | None:
    """The review gates (`required.before_publishing`), when the taxonomy turns them on: a
    published postmortem holds `review.held_on`, and enough approvals with `approved: true`."""
    gates = taxonomy.required.before_publishing
    required: list[str] = []
    properties: dict[str, Any] = {}
    if gates.review_held:
        required.append("review")
        properties["review"] = {"required": ["held_on"], "properties": {"held_on": NOT_EMPTY}}
    if gates.approvals:
        required.append("approvals")
        properties["approvals"] = {
            "contains": {"required": ["approved"], "properties": {"approved": {"const": True}}},
            "minContains": gates.approvals,
        }
    if not required:
        return None
    return {
        "if": {"required": ["status"], "properties": {"status": {"const": "published"}}},
        "then": {"required": required, "properties": properties},
    }


def _words(words: Iterable[str]) -> list[Any]:
    """A vocabulary as an editor may read it: `404` or `true` written plain is a number or a
    boolean to YAML 1.2, and the validator takes it as the word."""
    out: list[Any] = []
    for word in words:
        out.append(word)
        typed = bounds.yaml12(word)
        if not isinstance(typed, str) and typed is not None and typed not in out:
            out.append(typed)
    return out


def _refer(node: Any) -> Any:
    """Every kind of value written out by the models becomes a reference to its one
    definition (the timestamp's bound alone is some 12 KB)."""
    if isinstance(node, list):
        return [_refer(item) for item in node]
    if not isinstance(node, dict):
        return node
    for name, fragment in JSON_SCHEMAS.items():
        rest = {k: v for k, v in node.items() if k not in fragment}
        if all(node.get(k) == v for k, v in fragment.items()) and set(rest) <= _ANNOTATIONS:
            return {"$ref": f"#/$defs/{name}", **rest}
    return {key: _refer(value) for key, value in node.items()}


def draft_07(schema: dict[str, Any]) -> dict[str, Any]:
    """The same schema in draft-07, which yaml-language-server and VS Code read in full.

    `$defs` becomes `definitions`; a `$ref` with other keywords beside it moves into an
    `allOf`, since draft-07 ignores a reference's siblings. `minContains` has no draft-07
    form: the review gates' "at least N approvals" becomes "at least one" there, and the
    validator still asks for N."""

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "minContains":
                continue
            if key == "$ref" and isinstance(value, str):
                value = value.replace("#/$defs/", "#/definitions/")
            out["definitions" if key == "$defs" else key] = convert(value)
        if "$ref" in out and set(out) - {"$ref"} - _ANNOTATIONS:
            ref = out.pop("$ref")
            out["allOf"] = [{"$ref": ref}, *out.get("allOf", [])]
        return out

    converted: dict[str, Any] = convert(schema)
    converted["$schema"] = DRAFT_07
    if "$id" in converted:
        converted["$id"] = _draft_07_id(converted["$id"])
    return converted


def _draft_07_id(schema_id: str) -> str:
    """`.../postmortem.schema.json` -> `.../postmortem.schema.draft-07.json`: its own address."""
    if schema_id.endswith(".json"):
        return schema_id[: -len(".json")] + ".draft-07.json"
    return schema_id + ":draft-07"
