"""The schema reference page, written from the models so it cannot drift from them."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any

from pydantic import BaseModel

from mkdocs_postmortems.core import bounds, schema
from mkdocs_postmortems.core.taxonomy import DEFAULT, Taxonomy

_TYPE_NAMES: dict[Any, str] = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "true/false",
}

DESCRIPTIONS: dict[str, str] = {
    "id": "Unique id, e.g. `PM-2026-014` or `HOTFIX-231`.",
    "title": "One line.",
    "severity": "A level from the taxonomy, most severe first (default P0..P3).",
    "status": "Drafts are left out of analytics and may omit resolution fields.",
    "date": "Date of the document (not of the incident).",
    "authors": "Who wrote it; at least one.",
    "services": "Affected services; checked against the taxonomy when it lists services.",
    "teams": "Teams involved; checked against the taxonomy when it lists teams.",
    "tags": "Free slugs for browsing.",
    "summary": "One or two sentences for indexes.",
    "started_at": "When impact began. Its UTC quarter is the incident's quarter.",
    "detected_at": "When we knew. Time to detect = detected_at - started_at.",
    "mitigated_at": "When impact stopped. Time to mitigate = mitigated_at - started_at.",
    "resolved_at": "When fully resolved. Time to resolve = resolved_at - started_at.",
    "impact": "Users affected, revenue, data and reputation impact.",
    "impact.users_affected": "A count, or text such as `about 4% of EU users`.",
    "impact.revenue_usd": "US dollars, e.g. `18500` or `18500.50`.",
    "trigger": "The immediate cause.",
    "contributing_factors": "Keys of the taxonomy's contributing factors.",
    "gaps": "Why it was not caught earlier.",
    "timeline": "What happened when; `who` is optional.",
    "action_items": "Follow-ups. Open or in-progress items need an owner and a due date.",
    "action_items[].closed_on": "When it was done or dropped: not while open, not before the "
    "incident started, not after the as-of day.",
    "action_items[].horizon": "The hotfix template's prevention horizon.",
    "hotfix": "For hotfix postmortems: the release that fixed it and how it was shipped.",
    "hotfix.testing": "Which testing the hotfix had.",
    "approvals": "Sign-offs, e.g. Engineering Lead, SRE Lead, Security.",
    "communication": "Internal, customer and public communication.",
    "review": "The postmortem review meeting.",
    "links": "Named links (ticket, pr, release, dashboard ...): https:// or mailto: only.",
}


_SLUG = "slug"
_ID = "id"


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, is a list)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        for item in metadata:
            if getattr(item, "func", None) is schema._check_slug:
                return _SLUG, False
            if getattr(item, "func", None) is schema._check_id:
                return _ID, False
        return _unwrap(base)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
        return annotation, False
    if origin is list:
        inner, _ = _unwrap(typing.get_args(annotation)[0])
        return inner, True
    return annotation, False


def _type_name(annotation: Any, inner: Any, is_list: bool) -> str:
    name: str
    if inner == _SLUG:
        name = "slug"
    elif inner == _ID:
        name = "id"
    elif inner is dt.datetime:
        name = "timestamp with offset"
    elif inner is dt.date:
        name = "date YYYY-MM-DD"
    elif typing.get_origin(inner) is typing.Literal:
        name = " \\| ".join(f"`{v}`" for v in typing.get_args(inner))
    elif isinstance(inner, type) and issubclass(inner, BaseModel):
        name = "mapping"
    elif typing.get_origin(inner) is dict:
        name = "mapping of name to https/mailto link"
    elif typing.get_origin(inner) in (typing.Union, types.UnionType):
        name = "integer or text"
    else:
        name = _TYPE_NAMES.get(inner, "text")
    if is_list:
        return "list of slugs" if name == "slug" else f"list of {name}"
    return name


def _example(info: Any) -> str:
    if not info.examples:
        return ""
    value = info.examples[0]
    if isinstance(value, list):
        return "`[" + ", ".join(str(v) for v in value) + "]`"
    if isinstance(value, dict):
        return "`" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "`"
    return f"`{value}`"


def _rows(model: type[BaseModel], prefix: str, taxonomy: Taxonomy) -> list[str]:
    rules = taxonomy.required
    rows = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        inner, is_list = _unwrap(info.annotation)
        if model is schema.Postmortem:
            if name in rules.always:
                required = "yes"
            elif name in rules.unless_draft:
                required = "unless draft"
            else:
                required = "no"
        elif model is schema.ActionItem and name in rules.open_action_items:
            required = "while open"
        else:
            required = "yes" if info.is_required() else "no"
        gated = _before_publishing(path, taxonomy)
        if gated is not None and required == "no":
            required = gated
        kind = _type_name(info.annotation, inner, is_list)
        description = DESCRIPTIONS.get(path, "")
        rows.append(f"| `{path}` | {kind} | {required} | {_example(info)} | {description} |")
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            rows.extend(_rows(inner, f"{path}[]." if is_list else f"{path}.", taxonomy))
    return rows


def _before_publishing(path: str, taxonomy: Taxonomy) -> str | None:
    """What the review gates (`required.before_publishing`) ask of the field at `path`."""
    gates = taxonomy.required.before_publishing
    if gates.review_held and path in ("review", "review.held_on"):
        return "to publish"
    if gates.approvals and path == "approvals":
        return f"to publish ({gates.approvals} with approved: true)"
    return None


def markdown(taxonomy: Taxonomy = DEFAULT) -> str:
    """The schema reference as a Markdown page."""
    header = [
        "# Schema reference",
        "",
        "<!-- Generated by `postmortems schema --markdown`; do not edit by hand. -->",
        "",
        "Every field of postmortem front matter. *Required* follows the default taxonomy;",
        "a knowledge base can change it in the `required` section of its `taxonomy.yml`.",
        "Unknown fields are errors. The same schema is available as JSON Schema from",
        "`postmortems schema`.",
        "",
        "A *slug* is lowercase letters, digits and hyphens (`payments-api`); an *id* is capital",
        "letters and digits, a hyphen, then letters, digits and hyphens (`PM-2026-014`); a",
        "*timestamp* is RFC 3339 with its UTC offset (`2026-03-14T09:12:00+01:00`).",
        "",
        "| field | type | required | example | notes |",
        "| --- | --- | --- | --- | --- |",
    ]
    return "\n".join([*header, *_rows(schema.Postmortem, "", taxonomy), *_bounds()]) + "\n"


def _bounds() -> list[str]:
    """The bounds of each kind of value (`bounds`), and what only the validator checks."""
    return [
        "",
        "## Bounds",
        "",
        "The validator and the JSON Schema hold every value to the same bounds. The JSON Schema",
        "reads front matter as YAML 1.2 does (`1200` is a number, `true` a boolean, `1_000` and",
        '`yes` are text); the validator cannot see quotes, so `"1200"` and `"true"` count as',
        "the number and the boolean there too.",
        "",
        "- *text*: not blank, no control characters or bidi overrides, not just `TODO`; a",
        "  *one-line* text has no line break once trimmed. A number or `true` is taken as text.",
        f"- *timestamp*: a real date and time from year {bounds.EARLIEST_YEAR} to"
        f" {bounds.LATEST_YEAR},",
        "  both as written and in UTC (`1000-01-01T00:30:00+01:00` is still year 999 in UTC).",
        f"- *date*: a real day, YYYY-MM-DD, from year {bounds.EARLIEST_YEAR} on.",
        "- *amount* (`revenue_usd`): digits with cents at most (`18500.50`), from 0 to below"
        f" {bounds.MAX_AMOUNT:,};",
        "  no sign, separator or exponent (`-0`, `+5`, `1_000`, `1,000`, `1e3` are refused).",
        f"- *count* (`users_affected`): digits (`1200`, `1,200`), from 0 to below"
        f" {bounds.MAX_COUNT:,};",
        "  text that looks like another number (`1_000`, `-0`, `1.5`, `true`) is refused, any",
        "  other text is a description.",
        "- *true/false*: `true`, `True`, `TRUE`, `false`, `False`, `FALSE` (not `yes` or `on`).",
        "- *slug*: besides its letters, not a word YAML reads as a boolean or a number other",
        "  than digits (`true`, `1e5`, `0x1f`).",
        "- *link*: `https://` and an ASCII host name (`xn--` form) or IP address, an optional",
        "  port from 1 to 65535, no user name, no white space, control characters or",
        "  backslash; or `mailto:` and an address.",
        "- Lists of authors, services, teams, tags and contributing factors hold each value",
        "  once. A required field needs a value: not empty, not an empty list or mapping.",
        "- Severities, and services, teams and contributing factors where the taxonomy lists",
        "  them, are the taxonomy's words (`postmortems schema --taxonomy FILE` lists them).",
        "",
        "Only the validator checks what JSON Schema cannot express:",
        "",
        "- how a number is written, when YAML reads it as a number: a sign (`-0`, `+5`), an",
        "  exponent (`1e3`), hexadecimal or octal (`0x1F`), a decimal point in a count (`1.0`),",
        "  more than cents in an amount, and NaN;",
        '- list items that are the same text but different YAML values (`[1, "1"]`);',
        "- comparisons across fields and with the as-of day: timestamps in order",
        "  (`started_at` <= `detected_at` <= `mitigated_at` <= `resolved_at`), `closed_on` not",
        "  while the item is open, not before the day `started_at` falls on (as written or in",
        "  UTC, the earlier), and not after the as-of day (`postmortems validate --as-of`,",
        "  `POSTMORTEMS_AS_OF`, the plugin's `as_of`, else today in UTC);",
        "- what the strict YAML reader refuses (duplicate keys, anchors, aliases, tags, a `#`",
        "  that cuts a value), credentials, the body's HTML, and checks across files (unique",
        "  ids and page names).",
    ]
