"""One set of bounds: the published JSON Schema and the validator refuse the same front matter.

Every case writes one value, as YAML text, into a valid postmortem. The validator reads the
file as `postmortems validate` does; the JSON Schema (`postmortems schema`, same taxonomy)
checks the same text as a YAML 1.2 editor reads it (`editor_view`: `1200` a number, `true` a
boolean, `"1200"` and `1_000` text, mapping keys as written). The verdicts must be the same,
but for the differences JSON Schema cannot express, each listed in EXCEPTIONS (and in
docs/validating.md): where one applies, the validator refuses and the schema accepts, never
the other way round.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_postmortems.cli.main import main
from mkdocs_postmortems.core import loader, taxonomy
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.json_schema import json_schema
from mkdocs_postmortems.core.validation import validate
from yaml12 import editor_view

REPO = Path(__file__).resolve().parents[1]
TAXONOMY = taxonomy.load(REPO / "postmortems" / "taxonomy.yml")
AS_OF = dt.date(2026, 6, 30)

EXCEPTIONS = {
    "number spelling": "YAML 1.2 reads the value as a number, which is all JSON Schema sees; "
    "the validator also refuses how it is written: a sign (-0, +5), an exponent (1e3), "
    "hexadecimal or octal (0x1F, 0o17), a decimal point in a count or a slug (1.0), more than "
    "cents in an amount (1.005), and NaN, which JSON has no way to write",
    "repeated text": "list items that are the same text to the validator but different "
    "values to YAML (`[1, '1']`): JSON Schema's uniqueItems compares the values",
    "across fields": "comparisons between fields and with the as-of day: timestamps in order, "
    "closed_on not before started_at, not after the as-of day, and not set while open",
}


# --- a valid postmortem, with one value replaced by YAML text
@dataclass(frozen=True)
class Raw:
    """A scalar exactly as written in the file."""

    text: str


def q(text: str) -> Raw:
    """`text` double-quoted, every character outside printable ASCII escaped."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        else:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return Raw('"' + "".join(out) + '"')


def _raw(value: Any) -> Any:
    if isinstance(value, str):
        return Raw(value)
    if isinstance(value, dict):
        return {k: _raw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_raw(v) for v in value]
    return value


BASE: dict[str, Any] = _raw(
    {
        "id": "PM-2026-900",
        "title": "Checkout returned 5xx after a config push",
        "severity": "P1",
        "status": "published",
        "date": "2026-03-16",
        "authors": ["ana.silva", "li.wei"],
        "services": ["checkout"],
        "teams": ["payments"],
        "tags": ["config"],
        "summary": "Checkout failed for 20 minutes.",
        "started_at": "2026-03-14T09:12:00+01:00",
        "detected_at": "2026-03-14T09:20:00+01:00",
        "mitigated_at": "2026-03-14T09:40:00+01:00",
        "resolved_at": "2026-03-14T10:02:00+01:00",
        "impact": {
            "users_affected": "1200",
            "revenue_usd": "18500.50",
            "data_loss": "false",
            "data_impact": "None lost",
            "reputation": "37 tickets",
            "customer_facing": "true",
        },
        "trigger": "A config push",
        "contributing_factors": ["config-change"],
        "gaps": {"testing": "none", "monitoring": "late", "process": "none"},
        "timeline": [{"at": "2026-03-14T09:12:00+01:00", "event": "Errors rise", "who": "ana"}],
        "action_items": [
            {
                "title": "Validate configs",
                "type": "prevent",
                "owner": "li.wei",
                "due": "2026-04-01",
                "priority": "high",
                "status": "done",
                "closed_on": "2026-03-20",
                "ticket": "PAY-1",
                "horizon": "quarter",
            }
        ],
        "hotfix": {
            "tag": "v4.12.1",
            "parent_release": "v4.12.0",
            "fix": "full",
            "files_modified": ["config.yml"],
            "testing": ["unit", "canary"],
            "waivers": [
                {"id": "W-1", "type": "gate", "gates": ["soak-test"], "justification": "urgent"}
            ],
            "proper_fix": {"story": "PAY-2", "scheduled": "2026-Q2", "description": "rework"},
        },
        "approvals": [{"role": "Engineering Lead", "name": "Bo", "approved": "true"}],
        "communication": {"internal": "Slack", "customer": "Status page", "public": "none"},
        "review": {"held_on": "2026-03-17", "attendees": ["ana"], "documented_by": "li"},
        "links": {"ticket": "https://tracker.example.com/INC-1"},
    }
)

Path_ = tuple[str | int, ...]


def _emit(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, Raw):
                lines.append(f"{pad}{key}: {item.text}")
            elif not item:
                lines.append(f"{pad}{key}: {'{}' if isinstance(item, dict) else '[]'}")
            else:
                lines.extend([f"{pad}{key}:", *_emit(item, indent + 2)])
    else:
        for item in value:
            if isinstance(item, Raw):
                lines.append(f"{pad}- {item.text}")
            elif not item:
                lines.append(f"{pad}- {'{}' if isinstance(item, dict) else '[]'}")
            else:
                inner = _emit(item, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
    return lines


_DROP = object()


def changed(tree: Any, path: Path_, value: Any = _DROP) -> Any:
    """`tree` with the value at `path` replaced by `value` (a Raw, or lists and mappings of
    them), or left out when `value` is not given."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        copy = dict(tree)
        if rest or value is not _DROP:
            copy[head] = changed(tree.get(head, {}), rest, value)
        else:
            copy.pop(head, None)
        return copy
    items = list(tree)
    items[int(head)] = changed(tree[int(head)], rest, value)
    return items


def front(tree: Any) -> str:
    return "\n".join(_emit(tree, 0)) + "\n"


def document(path: Path_, value: Any) -> str:
    return front(changed(BASE, path, value))


@pytest.fixture(scope="module")
def schema_validator() -> jsonschema.protocols.Validator:
    schema = json_schema(TAXONOMY)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@dataclass(frozen=True)
class Verdicts:
    validator: list[Diagnostic]
    schema: list[str]
    editor: Any

    @property
    def validator_accepts(self) -> bool:
        return not [d for d in self.validator if d.level == "error"]

    @property
    def schema_accepts(self) -> bool:
        return not self.schema


def verdicts(text: str, checker: jsonschema.protocols.Validator) -> Verdicts | None:
    """Both verdicts on one front matter; None when YAML cannot read it at all (then the
    validator must refuse it)."""
    try:
        doc = loader.parse("case.md", f"---\n{text}---\n\nBody.\n".encode())
        problems = validate(doc, TAXONOMY, AS_OF)[1]
    except loader.LoadError as error:
        problems = [error.diagnostic]
    try:
        data = editor_view(text)
    except yaml.YAMLError:
        assert problems, "YAML no editor can read passed the validator"
        return None
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in checker.iter_errors(data)]
    return Verdicts(problems, errors, data)


def agree(result: Verdicts | None, exception: str | None = None) -> None:
    if result is None:
        return
    described = f"validator: {[str(d) for d in result.validator]}\nschema: {result.schema}"
    if exception is None:
        assert result.validator_accepts == result.schema_accepts, described
    else:
        assert exception in EXCEPTIONS
        assert not result.validator_accepts and result.schema_accepts, described


def test_the_base_document_is_valid_for_both(
    schema_validator: jsonschema.protocols.Validator,
) -> None:
    result = verdicts(front(BASE), schema_validator)
    assert result is not None
    assert result.validator == []
    assert result.schema == []


# --- the table: each kind of value, valid and just past each bound
TEXT = [
    ("hello", True),
    ("404", True),  # a number to the editor, text to the validator: both take it
    ("1e3", True),
    ("true", True),
    (".nan", True),
    ("NO", True),
    (q(""), False),
    (q("  "), False),
    (q("\t\n"), False),
    (q("\u00a0\u3000"), False),
    (q("\ufeff"), True),  # not white space to Python, nor to ECMA-262's \s-free classes
    (q("a\u0001b"), False),
    (q("a\u202eb"), False),
    (q("a\u0085b"), False),
    (q("TODO"), False),
    (q(" TODO\t"), False),
    (q("TODO later"), True),
    (q("two\nlines"), True),
    ("[a]", False),
    ("{a: b}", False),
]
ONE_LINE = [
    *[(v, ok) for v, ok in TEXT if not (isinstance(v, Raw) and "lines" in v.text)],
    (q("two\nlines"), False),
    (q("two\u2028lines"), False),
    (q("  trimmed \n"), True),
    (q("\nleading"), True),
]
SLUG = [
    ("config", True),
    ("404", True),
    ("007", True),
    (q("404"), True),
    ("a-b", True),
    ("a_b", False),
    ("A", False),
    ("-a", False),
    ("true", False),
    (q("true"), False),
    ("1e-5", False),
    (q("1e5"), False),
    (q("0x1f"), False),
    ("1.5", False),
    ("-5", False),
    (q("config\n"), False),
]
SLUG_TYPED = [("1e5", "number spelling"), ("0x1f", "number spelling"), ("+5", "number spelling")]
ID = [
    ("PM-2026-014", True),
    ("HOTFIX-231", True),
    ("pm-1", False),
    ("PM-", False),
    ("404", False),
    (q("PM-1\n"), False),
    (q(" PM-1"), False),
]
TIMESTAMP = [
    ("2026-03-14T09:12:00+01:00", True),
    ("2026-03-14 09:12:00z", True),
    ("2026-03-14t09:12:00.123456789-05:30", True),
    ("2028-02-29T00:00:00Z", True),
    ("2000-02-29T00:00:00Z", True),
    ("1900-02-29T00:00:00Z", False),
    ("2026-02-29T00:00:00Z", False),
    ("2026-04-31T00:00:00Z", False),
    ("2026-03-14T24:00:00Z", False),
    ("2026-03-14T09:60:00Z", False),
    ("2026-03-14T09:12:60Z", False),
    ("2026-03-14T09:12:00", False),
    ("2026-03-14T09:12Z", False),
    ("2026-03-14T09:12:00+24:00", False),
    ("2026-03-14T09:12:00+0100", False),
    ("1000-01-01T00:30:00+01:00", False),  # 0999-12-31T23:30Z
    ("1000-01-01T00:59:59.999+01:00", False),
    ("1000-01-01T01:00:00+01:00", True),
    ("1000-01-01T00:30:00-01:00", True),
    ("0999-12-31T23:30:00-01:00", False),  # year 1000 in UTC, but not as written
    ("9999-12-31T23:30:00-01:00", False),  # year 10000 in UTC
    ("9999-12-31T22:59:59-01:00", True),
    ("9999-12-31T23:30:00+01:00", True),
    (q("2026-03-14T09:12:00Z\n"), False),
    ("1773476000", False),
]
DATE = [
    ("2026-03-16", True),
    ("1000-01-01", True),
    ("9999-12-31", True),
    ("0999-12-31", False),
    ("2026-02-29", False),
    ("2024-02-29", True),
    ("2026-3-16", False),
    ("16/03/2026", False),
    (q("2026-03-16\n"), False),
]
URL = [
    ("https://tracker.example.com/INC-1", True),
    ("https://host:443/x", True),
    ("https://host:65535", True),
    ("https://host:65536/", False),
    ("https://host:99999/", False),
    ("https://host:0/", False),
    (q("https://host:/"), False),
    ("HTTPS://Example.COM/a?b=c#d", True),
    ("https://[2001:db8::1]/", True),
    ("https://10.0.0.1/", True),
    ("http://example.com", False),
    ("javascript:alert(1)", False),
    ("https://", False),
    ("https://user@example.com/", False),
    (q("https://example.com\\@evil.com/"), False),
    (q("https://exa mple.com/"), False),
    (q("https://example.com/a b"), False),
    (q("https://m\u00fcnchen.de/"), False),
    (q("https://example.com/caf\u00e9"), True),
    (q("https://example.com/\u202e"), False),
    ("mailto:payments@example.com", True),
    ("mailto:payments@example.com?subject=hi", True),
    ("mailto:payments", False),
    ("mailto:@example.com", False),
]
LINK_NAMES = [
    ("ticket", True),
    ("pr_2", True),
    ("Ticket", False),
    ("TRUE", False),
    ("true", True),
    ("404", True),
    (q("tick et"), False),
    (q("-x"), False),
]
BOOLEAN = [
    ("true", True),
    ("False", True),
    ("TRUE", True),
    (q("true"), True),  # the validator cannot see quotes: the schema takes the string too
    ("tRUE", False),
    ("yes", False),
    ("no", False),
    ("1", False),
    ("0", False),
    (q(" true"), False),
    ("~", True),
]
AMOUNT = [
    ("18500", True),
    ("18500.5", True),
    ("18500.50", True),
    ("0", True),
    ("012", True),  # twelve, as YAML 1.2 reads it
    (q("18500.50"), True),
    ("999999999999.99", True),
    ("1000000000000", False),
    ("1_000", False),
    (q("1_000"), False),
    (q("-0"), False),
    ("-5", False),
    ("-.inf", False),
    (".inf", False),
    ("1e999", False),
    (q("1e3"), False),
    ("1,000", False),
    ("lots", False),
    ("true", False),
    ("$18500", False),
    ("~", True),
]
AMOUNT_TYPED = [
    ("-0", "number spelling"),
    ("+5", "number spelling"),
    ("1e3", "number spelling"),
    ("0x10", "number spelling"),
    ("18500.505", "number spelling"),
    (".nan", "number spelling"),
]
COUNT = [
    ("1200", True),
    ("0", True),
    ("012", True),
    (q("1,200"), True),
    ("1,200", True),  # text to YAML, a count to the validator: both take it
    ("999999999999999", True),
    ("1000000000000000", False),
    ("-3", False),
    (q("-3"), False),
    ("1_000", False),
    (q("1_000"), False),
    ("1.5", False),
    (q("1.0"), False),
    ("1,00", False),
    ("true", False),
    (q("true"), False),
    (".inf", False),
    ("about 4% of EU users", True),
    (q("~1,200"), True),
    (q(""), False),
    (q("TODO"), False),
    ("~", True),
]
COUNT_TYPED = [
    ("-0", "number spelling"),
    ("+5", "number spelling"),
    ("1e3", "number spelling"),
    ("1.0", "number spelling"),
    ("0x10", "number spelling"),
]


TABLE: list[tuple[Path_, list[tuple[Any, bool]]]] = [
    (("title",), ONE_LINE),
    (("summary",), TEXT),
    (("action_items", 0, "title"), ONE_LINE),
    (("action_items", 0, "owner"), TEXT),
    (
        ("hotfix", "waivers", 0, "gates"),
        [(v, ok or v == "[a]") for v, ok in TEXT],
    ),  # a lone value is a list of one
    (("hotfix", "waivers", 0, "gates", 0), TEXT),
    (("tags", 0), SLUG),
    (("id",), ID),
    (("timeline", 0, "at"), TIMESTAMP),
    (("date",), DATE),
    (("action_items", 0, "due"), DATE),
    (("links", "ticket"), URL),
    (("impact", "data_loss"), BOOLEAN),
    (("approvals", 0, "approved"), [(v, ok) for v, ok in BOOLEAN if v != "~"]),
    (("impact", "revenue_usd"), AMOUNT),
    (("impact", "users_affected"), COUNT),
]


@pytest.mark.parametrize(
    ("path", "value", "valid"),
    [
        pytest.param(
            path, v if isinstance(v, Raw) else Raw(v), ok, id=f"{'.'.join(map(str, path))}={v}"
        )
        for path, values in TABLE
        for v, ok in values
    ],
)
def test_a_bound_is_the_same_for_both(
    path: Path_, value: Raw, valid: bool, schema_validator: jsonschema.protocols.Validator
) -> None:
    result = verdicts(document(path, value), schema_validator)
    assert result is not None
    agree(result)
    assert result.validator_accepts is valid, [str(d) for d in result.validator]


@pytest.mark.parametrize(
    ("path", "text", "exception"),
    [
        *[(("impact", "revenue_usd"), v, e) for v, e in AMOUNT_TYPED],
        *[(("impact", "users_affected"), v, e) for v, e in COUNT_TYPED],
        *[(("tags", 0), v, e) for v, e in SLUG_TYPED],
        (("authors",), "[1, '1']", "repeated text"),
        (("started_at",), "2026-03-14T09:30:00+01:00", "across fields"),  # after detected_at
        (("action_items", 0, "closed_on"), "2026-03-13", "across fields"),  # before the start
        (("action_items", 0, "closed_on"), "2026-07-01", "across fields"),  # after the as-of day
        (("action_items", 0, "status"), "open", "across fields"),  # closed_on while open
    ],
)
def test_what_json_schema_cannot_say_the_validator_still_refuses(
    path: Path_, text: str, exception: str, schema_validator: jsonschema.protocols.Validator
) -> None:
    agree(verdicts(document(path, Raw(text)), schema_validator), exception)


@pytest.mark.parametrize(
    ("path", "value", "valid"),
    [
        (("services",), "[checkout, payments-api]", True),
        (("services",), "[checkout, checkout]", False),
        (("services",), "[search-api]", False),
        (("services",), "[]", False),
        (("services",), "~", False),
        (("teams",), "[payments]", True),
        (("teams",), "[sre]", False),
        (("teams",), "[]", True),
        (("contributing_factors",), "[config]", False),  # an alias, not a key
        (("contributing_factors",), "[capacity, retry-storm]", True),
        (("severity",), "P0", True),
        (("severity",), "p1", False),
        (("severity",), "Major", False),
        (("severity",), "~", False),
        (("authors",), "[ana, ana]", False),
        (("authors",), "[]", False),
        (("authors",), "[1, 2]", True),
        (("tags",), "[a, a]", False),
        (("hotfix", "testing"), "[unit, unit]", True),
        (("hotfix", "testing"), "[unit tests]", False),
        (("impact",), "{}", True),
        (("impact",), "~", True),
        (("impact", "user_affected"), "1", False),
        (("status",), "done", False),
        (("title",), "~", False),
        (("summary",), "~", True),
        (("links",), "{}", True),
        (("links",), "[https://example.com]", False),
        (("hotfix", "waivers", 0, "gates"), "~", False),
        (("action_items", 0, "priority"), "High", False),
        (("action_items", 0, "owner"), "~", True),  # the item is done
    ],
)
def test_vocabularies_lists_and_required_fields_agree(
    path: Path_, value: str, valid: bool, schema_validator: jsonschema.protocols.Validator
) -> None:
    result = verdicts(document(path, Raw(value)), schema_validator)
    assert result is not None
    agree(result)
    assert result.validator_accepts is valid, [str(d) for d in result.validator]


@pytest.mark.parametrize(
    ("changes", "valid"),
    [
        ({("status",): "draft", ("resolved_at",): _DROP, ("contributing_factors",): _DROP}, True),
        ({("status",): "draft", ("resolved_at",): "~"}, True),
        ({("resolved_at",): _DROP}, False),
        ({("resolved_at",): "~"}, False),
        ({("contributing_factors",): "[]"}, False),
        ({("title",): _DROP}, False),
        ({("status",): _DROP, ("resolved_at",): _DROP}, False),
        ({("action_items", 0, "status"): "open", ("action_items", 0, "closed_on"): _DROP}, True),
        (
            {
                ("action_items", 0, "status"): "in-progress",
                ("action_items", 0, "closed_on"): _DROP,
                ("action_items", 0, "owner"): "~",
            },
            False,
        ),
        (
            {
                ("action_items", 0, "status"): "open",
                ("action_items", 0, "closed_on"): _DROP,
                ("action_items", 0, "due"): _DROP,
            },
            False,
        ),
    ],
)
def test_what_the_taxonomy_requires_agrees(
    changes: dict[Path_, Any], valid: bool, schema_validator: jsonschema.protocols.Validator
) -> None:
    tree: Any = BASE
    for path, value in changes.items():
        tree = changed(tree, path, Raw(value) if isinstance(value, str) else value)
    result = verdicts(front(tree), schema_validator)
    assert result is not None
    agree(result)
    assert result.validator_accepts is valid, [str(d) for d in result.validator]


# --- the property: values near every bound, in every field
LEAVES: list[tuple[Path_, str]] = [
    *[((name,), "text") for name in ("summary", "trigger")],
    *[((name,), "one_line") for name in ("title",)],
    (("impact", "data_impact"), "text"),
    (("hotfix", "tag"), "one_line"),
    (("approvals", 0, "role"), "one_line"),
    (("review", "attendees", 0), "text"),
    (("tags", 0), "slug"),
    (("id",), "id"),
    (("started_at",), "timestamp"),
    (("timeline", 0, "at"), "timestamp"),
    (("date",), "date"),
    (("review", "held_on"), "date"),
    (("action_items", 0, "closed_on"), "date"),
    (("links", "ticket"), "url"),
    (("impact", "data_loss"), "boolean"),
    (("impact", "revenue_usd"), "amount"),
    (("impact", "users_affected"), "count"),
    (("action_items", 0, "status"), "word"),
    (("hotfix", "testing", 0), "word"),
]

_PLAIN_SAFE = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,12}", fullmatch=True)
_TEXT_CHARS = st.characters(
    blacklist_categories=["Cs"],
    whitelist_characters="\t\n\r\x00\x01\x0b\x1f\x7f\x85\xa0\u2028\u2029\u202e\u2066\ufeff\u3000",
)
_NUMBERISH = st.from_regex(
    r"[-+]?(?:[0-9][0-9_,]{0,14}|\.[0-9]{1,3}|[0-9]{1,13}\.[0-9]{0,4})(?:[eE][-+]?[0-9]{1,3})?",
    fullmatch=True,
)
_DIGITS_NEAR_MAX = st.integers(0, 10**16).map(str)


def _timestamp_text(moment: dt.datetime, offset_minutes: int, sep: str, frac: str) -> str:
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{moment:%Y-%m-%d}{sep}{moment:%H:%M:%S}{frac}{sign}{hours:02}:{minutes:02}"


_TIMESTAMPS = st.builds(
    _timestamp_text,
    st.one_of(
        st.datetimes(dt.datetime(1000, 1, 1), dt.datetime(1000, 1, 2)),
        st.datetimes(dt.datetime(9999, 12, 31), dt.datetime(9999, 12, 31, 23, 59, 59)),
        st.datetimes(dt.datetime(1000, 1, 1), dt.datetime(9999, 12, 31)),
    ),
    st.integers(-(23 * 60 + 59), 23 * 60 + 59),
    st.sampled_from(["T", "t", " "]),
    st.sampled_from(["", ".5", ".123456789"]),
)
_DATES = st.from_regex(r"[0-9]{4}-[01][0-9]-[0-3][0-9]", fullmatch=True)
_URLS = st.builds(
    lambda scheme, host, port, rest: f"{scheme}://{host}{port}{rest}",
    st.sampled_from(["https", "HTTPS", "http", "hTTps"]),
    st.sampled_from(
        ["example.com", "a.b-c.d", "-x.com", "x..com", "10.0.0.1", "[::1]", "u@h.com", ""]
    ),
    st.one_of(st.just(""), st.integers(-1, 70000).map(lambda p: f":{p}"), st.just(":")),
    st.sampled_from(["", "/", "/a?b#c", "/a b", "/\u00e9", "\\x"]),
)
KIND: dict[str, st.SearchStrategy[str]] = {
    "text": st.text(_TEXT_CHARS, max_size=8),
    "one_line": st.text(_TEXT_CHARS, max_size=8),
    "slug": st.from_regex(r"[a-z0-9+.-][a-z0-9_.-]{0,6}", fullmatch=True),
    "id": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,8}", fullmatch=True),
    "timestamp": _TIMESTAMPS,
    "date": _DATES,
    "url": _URLS,
    "boolean": st.sampled_from(["true", "True", "TRUE", "tRue", "yes", "on", "1", "false"]),
    "amount": st.one_of(_NUMBERISH, _DIGITS_NEAR_MAX),
    "count": st.one_of(_NUMBERISH, _DIGITS_NEAR_MAX),
    "word": st.sampled_from(["open", "done", "Done", "unit", "canary", "in progress"]),
}


@st.composite
def _cases_drawn(draw: st.DrawFn) -> tuple[Path_, Raw]:
    path, kind = draw(st.sampled_from(LEAVES))
    text = draw(st.one_of(KIND[kind], KIND[draw(st.sampled_from(sorted(KIND)))]))
    plain_ok = bool(re.fullmatch(r"[A-Za-z0-9.+][A-Za-z0-9._+,:/@?=\[\]-]*", text)) and not (
        re.search(r"[,\[\]]", text) or ": " in text
    )
    quoted = draw(st.booleans()) or not plain_ok
    return path, q(text) if quoted else Raw(text)


ACROSS_FIELDS = (
    "expected a time at or after",
    "expected a day on or after the incident started",
    "expected a day on or before the as-of day",
    "expected no closing date while",
)
"""How the validator words its checks across fields (EXCEPTIONS["across fields"])."""


def _number_spelling(result: Verdicts, path: Path_) -> bool:
    """The editor holds a number (or NaN) there: its spelling is not the schema's to see."""
    node = result.editor
    for part in path:
        node = node[part]
    return isinstance(node, int | float) and not isinstance(node, bool)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases_drawn())
def test_property_every_field_near_every_bound(case: tuple[Path_, Raw]) -> None:
    path, value = case
    checker = _CHECKER
    result = verdicts(document(path, value), checker)
    if result is None or result.validator_accepts == result.schema_accepts:
        return
    described = (
        f"{path}={value.text}\nvalidator: {[str(d) for d in result.validator]}\n"
        f"schema: {result.schema}"
    )
    assert result.schema_accepts, "the schema refuses what the validator takes:\n" + described
    errors = [d.message for d in result.validator if d.level == "error"]
    if all(message.startswith(ACROSS_FIELDS) for message in errors):
        return
    assert _number_spelling(result, path), "not a documented exception:\n" + described


_SCHEMA = json_schema(TAXONOMY)
_CHECKER = jsonschema.validators.validator_for(_SCHEMA)(
    _SCHEMA, format_checker=jsonschema.validators.validator_for(_SCHEMA).FORMAT_CHECKER
)


# --- editors run the patterns with ECMA-262 regular expressions, not Python's
NODE = shutil.which("node")


def _patterns(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return found.union(*(_patterns(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_patterns(value) for value in node))
    return set()


def _samples() -> list[str]:
    texts: set[str] = set()
    for _, values in TABLE:
        for value, _ in values:
            raw = value.text if isinstance(value, Raw) else value
            texts.add(raw)
            read = editor_view(f"v: {raw}\n")["v"]
            if isinstance(read, str):
                texts.update({read, read + "\n", "\n" + read})
    for day in ("1000-01-01", "9999-12-31"):
        for time_of_day in ("00:00:00", "00:30:00", "00:59:59.9", "01:00:00", "23:30:00"):
            for offset in ("Z", "+00:00", "+00:31", "+01:00", "-00:31", "-01:00", "+23:59"):
                texts.add(f"{day}T{time_of_day}{offset}")
    texts.update(["\U0001f600", "a\U0001f600b", "\u180e", "TODO", "PM-1\n", "12\n"])
    return sorted(texts)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_editors_read_every_pattern_as_the_validator_does() -> None:
    """Each pattern of the published schema compiles as an ECMA-262 regular expression with
    the `u` flag (as editors compile them) and matches exactly what Python's `re` matches."""
    assert NODE is not None
    patterns = sorted(_patterns(json_schema(TAXONOMY)))
    samples = _samples()
    script = (
        "const {patterns, samples} = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(patterns.map(p => {"
        "  const r = new RegExp(p, 'u'); return samples.map(s => r.test(s)); })));"
    )
    result = subprocess.run(
        [NODE, "-e", script],
        input=json.dumps({"patterns": patterns, "samples": samples}),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    in_js = json.loads(result.stdout)
    for pattern, js_matches in zip(patterns, in_js, strict=True):
        compiled = re.compile(pattern)
        differ = [
            s for s, js in zip(samples, js_matches, strict=True) if js != bool(compiled.search(s))
        ]
        assert differ == [], f"{pattern[:80]}: JavaScript and Python differ on {differ[:5]}"


# --- the as-of day, from the command line, the environment and the plugin
def _knowledge_base(tmp_path: Path, **changes: str) -> Path:
    folder = tmp_path / "postmortems"
    folder.mkdir(parents=True)
    shutil.copy(REPO / "postmortems" / "taxonomy.yml", folder)
    tree: Any = BASE
    for dotted, value in changes.items():
        path = tuple(int(p) if p.isdigit() else p for p in dotted.split("__"))
        tree = changed(tree, path, Raw(value))
    (folder / "pm.md").write_text(f"---\n{front(tree)}---\n\nWhat happened.\n", encoding="utf-8")
    return folder


def _validate(folder: Path, *options: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", str(folder), *options])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out + out.err


CLOSED_ON_LINE = front(BASE).splitlines().index("    closed_on: 2026-03-20") + 2  # + the ---


@pytest.mark.parametrize(
    ("options", "environ", "valid"),
    [
        (["--as-of", "2026-03-20"], {}, True),
        (["--as-of", "2026-03-19"], {}, False),
        ([], {"POSTMORTEMS_AS_OF": "2026-03-19"}, False),
        ([], {"POSTMORTEMS_AS_OF": "2026-03-20"}, True),
        (["--as-of", "2026-03-20"], {"POSTMORTEMS_AS_OF": "2026-03-19"}, True),
        ([], {}, True),  # today
    ],
)
def test_closed_on_is_checked_against_the_as_of_day(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    environ: dict[str, str],
    valid: bool,
) -> None:
    monkeypatch.delenv("POSTMORTEMS_AS_OF", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    code, output = _validate(_knowledge_base(tmp_path), *options, capsys=capsys)
    assert code == (0 if valid else 1), output
    if not valid:
        assert (
            f"pm.md:{CLOSED_ON_LINE}:16: action_items[0].closed_on: expected a day on or before "
            "the as-of day (2026-03-19;"
        ) in output


def test_a_bad_as_of_day_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _validate(_knowledge_base(tmp_path), "--as-of", "2026-13-01", capsys=capsys)
    assert code == 1
    assert "postmortems validate: --as-of: expected a date YYYY-MM-DD, got '2026-13-01'" in output


@pytest.mark.parametrize(
    ("started_at", "closed_on", "valid"),
    [
        ("2026-03-14T09:12:00+01:00", "2026-03-14", True),
        ("2026-03-14T09:12:00+01:00", "2026-03-13", False),
        ("2026-03-15T01:00:00+09:00", "2026-03-14", True),  # 14 March in UTC
        ("2026-03-14T20:00:00-05:00", "2026-03-14", True),  # 15 March in UTC, 14 as written
        ("2026-03-14T20:00:00-05:00", "2026-03-13", False),
    ],
)
def test_closed_on_is_not_before_the_incident_started(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    started_at: str,
    closed_on: str,
    valid: bool,
) -> None:
    folder = _knowledge_base(
        tmp_path,
        started_at=started_at,
        detected_at="2026-03-15T02:00:00+00:00",
        mitigated_at="2026-03-15T02:00:00+00:00",
        resolved_at="2026-03-15T02:00:00+00:00",
        action_items__0__closed_on=closed_on,
    )
    code, output = _validate(folder, "--as-of", "2026-06-30", capsys=capsys)
    assert code == (0 if valid else 1), output
    if not valid:
        assert (
            "action_items[0].closed_on: expected a day on or after the incident started" in output
        )


def test_the_plugin_judges_closed_on_by_its_as_of_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, build_site: Any
) -> None:
    from mkdocs.exceptions import Abort

    monkeypatch.delenv("POSTMORTEMS_AS_OF", raising=False)
    project = tmp_path / "kb"
    _knowledge_base(project)
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# KB\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: KB\ntheme: {name: material, font: false}\nplugins:\n  - postmortems\n",
        encoding="utf-8",
    )
    site = build_site(project / "mkdocs.yml", tmp_path / "site", as_of="2026-03-20")
    assert (site / "postmortems" / "pm" / "index.html").is_file()
    with pytest.raises(Abort):
        build_site(project / "mkdocs.yml", tmp_path / "site2", as_of="2026-03-19")
