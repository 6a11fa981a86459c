"""The JSON Schema of postmortem front matter, generated from the models.

Which fields are required lives in the taxonomy, so it is added here: always-required fields
as `required`, and the draft exemptions as an `if`/`then`.
"""

from __future__ import annotations

from typing import Any

from mkdocs_postmortems.schema import Postmortem
from mkdocs_postmortems.taxonomy import DEFAULT, Taxonomy

SCHEMA_ID = "https://json-schema.org/draft/2020-12/schema"


def json_schema(taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    rules = (taxonomy or DEFAULT).required
    schema = Postmortem.model_json_schema(mode="validation")
    schema = {"$schema": SCHEMA_ID, **schema}
    schema["title"] = "Postmortem front matter"
    schema["required"] = list(rules.always)
    schema["if"] = {"properties": {"status": {"const": "draft"}}, "required": ["status"]}
    schema["else"] = {"required": list(rules.unless_draft)}
    item = schema.get("$defs", {}).get("ActionItem")
    if item is not None:
        item["if"] = {"properties": {"status": {"enum": ["open", "in-progress"]}}}
        item["then"] = {"required": list(rules.open_action_items)}
    if taxonomy is not None:
        props = schema["properties"]
        props["severity"] = {"enum": list(taxonomy.severities), "title": "Severity"}
        for name, values in (
            ("services", taxonomy.services),
            ("teams", taxonomy.teams),
            ("contributing_factors", list(taxonomy.contributing_factors or []) or None),
        ):
            if values is not None:
                props[name] = {"type": "array", "items": {"enum": list(values)}}
    return schema
