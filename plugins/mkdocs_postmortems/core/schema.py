"""The postmortem front matter schema: the single source of truth.

Field names are a public contract (extend, never rename). Models accept what the strict YAML
reader yields, where every plain scalar is a string, and turn it into what the field says:
`users_affected: 1200` is a number, `title: NO` stays the text "NO". Whether a field is
required is the taxonomy's call, so nearly every top-level field is optional here and
`validation` enforces the taxonomy's rules.

Each kind of value carries its JSON Schema, built from the same bounds (`bounds`) as its
validator, so the published schema and the validator refuse the same values.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

from mkdocs_postmortems.core import bounds

ID_PATTERN = f"^{bounds.ID}$"
SLUG_PATTERN = f"^{bounds.SLUG}$"
LINK_NAME_PATTERN = f"^{bounds.LINK_NAME}$"
TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
"""The shape of a timestamp, for its message; `bounds.TIMESTAMP` is the exact bound."""
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
EARLIEST_YEAR = bounds.EARLIEST_YEAR
LATEST_YEAR = bounds.LATEST_YEAR
MAX_COUNT = bounds.MAX_COUNT
MAX_AMOUNT = bounds.MAX_AMOUNT

_ID = re.compile(ID_PATTERN)
_SLUG = re.compile(SLUG_PATTERN)
_YAML_TYPED_SLUG = re.compile(bounds.YAML_TYPED_SLUG)
_LINK_NAME = re.compile(LINK_NAME_PATTERN)
_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)
_DATE = re.compile(DATE_PATTERN)
_COUNT = re.compile(bounds.COUNT)
_AMOUNT = re.compile(bounds.AMOUNT)
_NUMBER_LIKE = re.compile(bounds.NUMBER_LIKE)
_NOT_FINITE = re.compile(r"[+-]?\.?(inf|infinity|nan)", re.IGNORECASE)
_URL = re.compile(bounds.URL)
_FORBIDDEN = re.compile(bounds.FORBIDDEN)
_NON_BLANK = re.compile(bounds.NON_BLANK)
_SEVERAL_LINES = re.compile(bounds.SEVERAL_LINES)
_BOOLEANS = {**dict.fromkeys(bounds.TRUE_WORDS, True), **dict.fromkeys(bounds.FALSE_WORDS, False)}
_BOOLEAN_LOOKALIKES = {
    "true": "true",
    "false": "false",
    "yes": "true",
    "y": "true",
    "on": "true",
    "1": "true",
    "no": "false",
    "n": "false",
    "off": "false",
    "0": "false",
}

ActionType = Literal["prevent", "detect", "mitigate", "respond", "process"]
ActionStatus = Literal["open", "in-progress", "done", "wont-do"]
Priority = Literal["high", "medium", "low"]
Horizon = Literal["immediate", "quarter", "long-term"]
Status = Literal["draft", "in-review", "published"]
TestingKind = Literal["unit", "integration", "manual", "staging", "canary"]
FixKind = Literal["full", "workaround"]

ACTIVE_ACTION_STATUSES: frozenset[str] = frozenset({"open", "in-progress"})
FINAL_STATUSES: frozenset[str] = frozenset({"in-review", "published"})
"""Statuses under which the fields a draft may leave out are required."""


def got(value: Any) -> str:
    """How a found value is named in messages: `'p1'`, `a list`, `nothing`."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    if len(text) > 60:
        text = text[:59] + "…"
    return repr(text) if isinstance(value, str) else text


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected {what}, got {got(value)}")
    return value


def _clean(value: str) -> str:
    bad = _FORBIDDEN.search(value)
    if bad:
        raise ValueError(
            f"expected text without control or bidi-override characters, "
            f"got U+{ord(bad.group()):04X} at character {bad.start() + 1}"
        )
    return value


def _non_empty(value: Any) -> Any:
    if isinstance(value, str):
        _clean(value)
        if not _NON_BLANK.search(value):
            raise ValueError("expected text, got an empty string")
    return value


def _one_line(value: Any) -> Any:
    if isinstance(value, str):
        _non_empty(value)
        if _SEVERAL_LINES.search(value):
            raise ValueError("expected one line of text, got several lines")
        return value.strip()
    return value


def _boolean(value: Any) -> Any:
    """Only the booleans of YAML 1.2 (`true`, `True`, `TRUE`, and `false` likewise), as
    editors read them with the JSON Schema."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in _BOOLEANS:
            return _BOOLEANS[value]
        word = value.strip().casefold()
        if word in _BOOLEAN_LOOKALIKES:
            raise ValueError(
                f"expected true or false, got {got(value)} "
                f"(did you mean {_BOOLEAN_LOOKALIKES[word]}?)"
            )
    raise ValueError(f"expected true or false, got {got(value)}")


def _check_id(value: Any) -> str:
    text = _text(value, "an id like PM-2026-014")
    if not _ID.fullmatch(text):
        raise ValueError(f"expected an id like PM-2026-014 or HOTFIX-231, got {got(text)}")
    return text


def _check_slug(value: Any) -> str:
    expected = "a slug (lowercase letters, digits, hyphens)"
    text = _text(value, expected)
    if not _SLUG.fullmatch(text):
        raise ValueError(f"expected {expected}, got {got(text)}")
    if _YAML_TYPED_SLUG.fullmatch(text):
        what = "a boolean" if text in _BOOLEANS else "a number"
        raise ValueError(f"expected {expected}, got {got(text)}, which YAML reads as {what}")
    return text


def _check_link_name(value: Any) -> str:
    text = _text(value, "a link name")
    if not _LINK_NAME.fullmatch(text):
        raise ValueError(
            f"expected a link name (lowercase letters, digits, '-', '_'), got {got(text)}"
        )
    return text


def _timestamp_hint(text: str) -> str:
    """The one fix a nearly right timestamp needs."""
    day_time = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}"
    offset = r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
    if re.fullmatch(rf"{day_time}(:[0-9]{{2}}(\.[0-9]+)?)?", text):
        return " (add the UTC offset, e.g. Z or +02:00)"
    if re.fullmatch(rf"{day_time}{offset}", text):
        return " (add the seconds, e.g. 09:12:00)"
    if re.fullmatch(rf"{day_time}(:[0-9]{{2}}(\.[0-9]+)?)?[+-][0-9]{{4}}", text):
        return " (write the offset with a colon, e.g. +01:00)"
    if re.fullmatch(rf"{day_time}(:[0-9]{{2}})? ?(UTC|GMT)", text):
        return " (write UTC as Z, e.g. 2026-03-14T09:12:00Z)"
    return ""


def parse_timestamp(value: Any) -> dt.datetime:
    """A moment with its offset, from year 1000 to 9999 both as written and in UTC (where
    analytics place it: its quarter, its day)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("expected a timestamp with a UTC offset, got one without")
        moment, text = value, value.isoformat()
    else:
        expected = "an RFC 3339 timestamp with offset like 2026-03-14T09:12:00+00:00"
        text = _text(value, expected)
        if not _TIMESTAMP.fullmatch(text):
            raise ValueError(f"expected {expected}, got {got(text)}{_timestamp_hint(text)}")
        try:
            moment = dt.datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
        except ValueError:
            raise ValueError(f"expected a real date and time, got {got(text)}") from None
    if moment.year < EARLIEST_YEAR:
        raise ValueError(f"expected a year from {EARLIEST_YEAR} on, got {got(text)}")
    try:
        utc = moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(
            f"expected a time up to the end of year {LATEST_YEAR} in UTC, got {got(text)}"
        ) from None
    if utc.year < EARLIEST_YEAR:
        raise ValueError(
            f"expected a time from year {EARLIEST_YEAR} on in UTC, got {got(text)}, "
            f"which is {utc.isoformat()} in UTC"
        )
    return moment


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    else:
        text = _text(value, "a date YYYY-MM-DD")
        if not _DATE.fullmatch(text):
            raise ValueError(f"expected a date YYYY-MM-DD, got {got(text)}")
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"expected a real date YYYY-MM-DD, got {got(text)}") from None
    if day.year < EARLIEST_YEAR:
        raise ValueError(f"expected a year from {EARLIEST_YEAR} on, got {got(day.isoformat())}")
    return day


def _url_hint(text: str) -> str:
    """What is wrong with a link that is nearly right."""
    scheme, _, rest = text.partition("://")
    if scheme.lower() != "https":
        return ""
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in authority:
        return " (a user name before @ hides the real host)"
    if not authority.isascii():
        return " (write the host name in ASCII, in its xn-- form)"
    port = re.fullmatch(r".*:([0-9]+)", authority)
    if port and not re.fullmatch(bounds.PORT, port.group(1)):
        return " (a port is a number from 1 to 65535)"
    if re.search(f"[{bounds.BLANK_CHARS}]", text):
        return " (encode a space as %20)"
    return ""


def _check_url(value: Any) -> str:
    """An https:// link to a host (a port from 1 to 65535), or a mailto: address; nothing a
    browser would read differently (white space, controls, a backslash, a user name)."""
    text = _text(value, "an https:// or mailto: link")
    if not _URL.fullmatch(text):
        raise ValueError(f"expected an https:// or mailto: link, got {got(text)}{_url_hint(text)}")
    return text


def _count_or_text(value: Any) -> Any:
    """A count written as digits (`1200`, `1,200`), or a description in words. Text that
    looks like another number (`1_000`, `-0`, `1e3`, `true`) is refused, not kept as words:
    an editor reads most of it as a number."""
    if isinstance(value, str) and _COUNT.fullmatch(value):
        return int(value.replace(",", ""))
    if isinstance(value, str) and _NUMBER_LIKE.fullmatch(value):
        if re.fullmatch("-[0-9]+", value) and int(value) < 0:
            raise ValueError(f"expected a count of at least 0, got {value}")
        if re.fullmatch("[0-9]+", value) and len(value.lstrip("0")) > len(str(MAX_COUNT - 1)):
            size = len(value.lstrip("0"))
            raise ValueError(f"expected a count below {MAX_COUNT:,}, got a {size}-digit number")
        raise ValueError(
            "expected a count written as digits, like 1200 or 1,200 (no sign, no other "
            f"separator), or a description in words; got {got(value)}"
        )
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"expected a number or a short text, got {got(value)}")
    if isinstance(value, int) and value < 0:
        raise ValueError(f"expected a count of at least 0, got {value}")
    if isinstance(value, int) and value >= MAX_COUNT:
        raise ValueError(f"expected a count below {MAX_COUNT:,}, got {value}")
    if isinstance(value, str):
        _non_empty(value)
    return value


def _amount(value: Any) -> float:
    """US dollars: digits with cents at most (`18500`, `18500.50`), from 0 to below
    MAX_AMOUNT. No sign, exponent or separator: `-0`, `1e3` and `1_000` are typos or
    tricks, and editors read them as another number or as text."""
    if isinstance(value, str):
        if _AMOUNT.fullmatch(value):
            return float(value)
        if _NOT_FINITE.fullmatch(value):
            raise ValueError(f"expected a finite number, got {got(value)}")
        if value[:1] in ("-", "+") and _AMOUNT.fullmatch(value[1:]):
            if value[0] == "-" and float(value[1:]) > 0:
                raise ValueError(f"expected an amount of at least 0, got {got(value)}")
            raise ValueError(f"expected an amount without a sign, got {got(value)}")
        if re.fullmatch("[0-9]+(\\.[0-9]{1,2})?", value):
            raise ValueError(f"expected an amount below {MAX_AMOUNT:,}, got {got(value)}")
        if _NUMBER_LIKE.fullmatch(value):
            raise ValueError(
                "expected an amount written as digits with cents at most, like 18500 or "
                f"18500.50 (no sign, separator or exponent); got {got(value)}"
            )
        raise ValueError(f"expected a number, got {got(value)}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {got(value)}")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    if value < 0:
        raise ValueError(f"expected an amount of at least 0, got {value}")
    if value >= MAX_AMOUNT:
        raise ValueError(f"expected an amount below {MAX_AMOUNT:,}, got {value}")
    if round(value, 2) != value:
        raise ValueError(f"expected an amount with cents at most, got {value}")
    return float(value) + 0.0  # -0.0 becomes 0.0


def _as_list(value: Any) -> Any:
    """A lone value where a list is expected becomes a one-item list (`gates: soak-test`)."""
    if isinstance(value, str):
        return [value]
    return value


# The JSON Schema of each kind of value, from the same bounds. YAML 1.2 reads a plain
# `404` or `true` as a number or a boolean where the validator sees text: text fields take
# them, as the validator does. No kind is an `anyOf` (pydantic would merge it into the `anyOf`
# of an optional field): `pattern` applies to strings only, `minimum` to numbers only.
_TEXT_TYPES = ["string", "number", "boolean"]
_NOT_TEXT = [{"pattern": bounds.FORBIDDEN}, {"pattern": bounds.PLACEHOLDER_ONLY}]
TEXT_SCHEMA: dict[str, Any] = {
    "type": _TEXT_TYPES,
    "pattern": bounds.NON_BLANK,
    "not": {"type": "string", "anyOf": _NOT_TEXT},
}
ONE_LINE_SCHEMA: dict[str, Any] = {
    "type": _TEXT_TYPES,
    "pattern": bounds.NON_BLANK,
    "not": {"type": "string", "anyOf": [*_NOT_TEXT, {"pattern": bounds.SEVERAL_LINES}]},
}
ID_SCHEMA: dict[str, Any] = {"type": "string", "pattern": bounds.anchored(bounds.ID)}
SLUG_SCHEMA: dict[str, Any] = {
    "type": ["string", "integer"],  # a slug of digits is a number to YAML
    "minimum": 0,
    "pattern": bounds.anchored(bounds.SLUG),
    "not": {"type": "string", "pattern": bounds.anchored(bounds.YAML_TYPED_SLUG)},
}
LINK_NAME_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": bounds.anchored(bounds.LINK_NAME),
}
TIMESTAMP_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "date-time",
    "pattern": bounds.anchored(bounds.TIMESTAMP),
    "not": {"anyOf": [{"pattern": bounds.BEFORE_EARLIEST}, {"pattern": bounds.AFTER_LATEST}]},
}
DATE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "date",
    "pattern": bounds.anchored(bounds.DATE),
}
URL_SCHEMA: dict[str, Any] = {"type": "string", "pattern": bounds.anchored(bounds.URL)}
BOOLEAN_SCHEMA: dict[str, Any] = {
    "enum": [True, False, *bounds.TRUE_WORDS, *bounds.FALSE_WORDS]  # quoted, still a boolean
}
AMOUNT_SCHEMA: dict[str, Any] = {
    "type": ["number", "string"],  # a quoted amount is still one
    "minimum": 0,
    "exclusiveMaximum": MAX_AMOUNT,
    "pattern": bounds.anchored(bounds.AMOUNT),
}
COUNT_OR_TEXT_SCHEMA: dict[str, Any] = {
    "type": ["integer", "string"],
    "minimum": 0,
    "exclusiveMaximum": MAX_COUNT,
    "pattern": bounds.NON_BLANK,
    "not": {
        "type": "string",
        "anyOf": [
            *_NOT_TEXT,
            {
                "pattern": bounds.anchored(bounds.NUMBER_LIKE),
                "not": {"pattern": bounds.anchored(bounds.COUNT)},
            },
        ],
    },
}
GATES_SCHEMA: dict[str, Any] = {"anyOf": [{"type": "array", "items": TEXT_SCHEMA}, TEXT_SCHEMA]}
LINKS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "propertyNames": LINK_NAME_SCHEMA,
    "additionalProperties": URL_SCHEMA,
}
JSON_SCHEMAS: dict[str, dict[str, Any]] = {
    "Text": TEXT_SCHEMA,
    "OneLine": ONE_LINE_SCHEMA,
    "Id": ID_SCHEMA,
    "Slug": SLUG_SCHEMA,
    "LinkName": LINK_NAME_SCHEMA,
    "Timestamp": TIMESTAMP_SCHEMA,
    "Date": DATE_SCHEMA,
    "Url": URL_SCHEMA,
    "Boolean": BOOLEAN_SCHEMA,
    "Amount": AMOUNT_SCHEMA,
    "CountOrText": COUNT_OR_TEXT_SCHEMA,
}
"""Every kind of value by name: the published schema defines each once and refers to it."""

Id = Annotated[str, BeforeValidator(_check_id), WithJsonSchema(ID_SCHEMA)]
Slug = Annotated[str, BeforeValidator(_check_slug), WithJsonSchema(SLUG_SCHEMA)]
Text = Annotated[str, AfterValidator(_non_empty), WithJsonSchema(TEXT_SCHEMA)]
OneLine = Annotated[str, AfterValidator(_one_line), WithJsonSchema(ONE_LINE_SCHEMA)]
Timestamp = Annotated[
    dt.datetime, BeforeValidator(parse_timestamp), WithJsonSchema(TIMESTAMP_SCHEMA)
]
Date = Annotated[dt.date, BeforeValidator(parse_date), WithJsonSchema(DATE_SCHEMA)]
Url = Annotated[str, BeforeValidator(_check_url), WithJsonSchema(URL_SCHEMA)]
Money = Annotated[float, BeforeValidator(_amount), WithJsonSchema(AMOUNT_SCHEMA)]
Boolean = Annotated[bool, BeforeValidator(_boolean), WithJsonSchema(BOOLEAN_SCHEMA)]
CountOrText = Annotated[
    int | str, BeforeValidator(_count_or_text), WithJsonSchema(COUNT_OR_TEXT_SCHEMA)
]
LinkName = Annotated[str, BeforeValidator(_check_link_name), WithJsonSchema(LINK_NAME_SCHEMA)]
Gates = Annotated[list[Text], BeforeValidator(_as_list), WithJsonSchema(GATES_SCHEMA)]
Links = Annotated[dict[LinkName, Url], WithJsonSchema(LINKS_SCHEMA)]
UNIQUE: dict[str, Any] = {"uniqueItems": True}
"""Marks a list whose values may each appear once (analytics would count a repeat twice);
`validation` names the repeat, the JSON Schema says `uniqueItems`."""


def unique_lists(model: type[BaseModel]) -> list[str]:
    """The fields of `model` marked UNIQUE."""
    return [
        name
        for name, info in model.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("uniqueItems")
    ]


class Model(BaseModel):
    """Unknown keys are errors (typos must not vanish); infinities and NaN are refused."""

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, validate_default=False, frozen=True
    )


class Impact(Model):
    users_affected: CountOrText | None = Field(None, examples=[12000, "about 4% of EU users"])
    revenue_usd: Money | None = Field(None, examples=[18500])
    data_loss: Boolean | None = None
    data_impact: Text | None = Field(None, examples=["No data lost; 212 orders retried."])
    reputation: Text | None = Field(None, examples=["37 support tickets"])
    customer_facing: Boolean | None = None


class Gaps(Model):
    """Why it was not caught earlier."""

    testing: Text | None = None
    monitoring: Text | None = None
    process: Text | None = None


class TimelineEntry(Model):
    at: Timestamp
    event: Text
    who: Text | None = None


class ActionItem(Model):
    title: OneLine
    type: ActionType
    owner: Text | None = None
    due: Date | None = None
    priority: Priority
    status: ActionStatus
    closed_on: Date | None = Field(None, examples=["2026-04-02"])
    """The day the item was done or dropped; reports use it to tell what was still open at
    a quarter's end."""
    ticket: Text | None = None
    horizon: Horizon | None = None


class Waiver(Model):
    id: Text
    type: Text | None = None
    gates: Gates = Field(default_factory=list)
    justification: Text | None = None


class ProperFix(Model):
    story: Text | None = None
    scheduled: Text | None = Field(None, examples=["2026-Q2 sprint 7"])
    description: Text | None = None


class Hotfix(Model):
    tag: OneLine | None = Field(None, examples=["v4.12.1"])
    parent_release: OneLine | None = Field(None, examples=["v4.12.0"])
    fix: FixKind | None = None
    files_modified: list[Text] = Field(default_factory=list)
    testing: list[TestingKind] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)
    proper_fix: ProperFix | None = None


class Approval(Model):
    role: OneLine = Field(examples=["Engineering Lead"])
    name: Text | None = None
    approved: Boolean = False


class Communication(Model):
    internal: Text | None = None
    customer: Text | None = None
    public: Text | None = None


class Review(Model):
    held_on: Date | None = None
    attendees: list[Text] = Field(default_factory=list)
    documented_by: Text | None = None


class Postmortem(Model):
    """Front matter of one postmortem."""

    id: Id | None = Field(None, examples=["PM-2026-014"])
    title: OneLine | None = Field(None, examples=["Checkout returned 5xx after a config push"])
    severity: OneLine | None = Field(None, examples=["P1"])
    status: Status | None = None
    date: Date | None = Field(None, examples=["2026-03-16"])
    authors: Annotated[list[Text], Field(min_length=1)] | None = Field(
        None, examples=[["ana.silva"]], json_schema_extra=UNIQUE
    )
    services: list[Slug] = Field(
        default_factory=list, examples=[["checkout"]], json_schema_extra=UNIQUE
    )
    teams: list[Slug] = Field(
        default_factory=list, examples=[["payments"]], json_schema_extra=UNIQUE
    )
    tags: list[Slug] = Field(default_factory=list, json_schema_extra=UNIQUE)
    summary: Text | None = None
    started_at: Timestamp | None = Field(None, examples=["2026-03-14T09:12:00+00:00"])
    detected_at: Timestamp | None = None
    mitigated_at: Timestamp | None = None
    resolved_at: Timestamp | None = None
    impact: Impact | None = None
    trigger: Text | None = None
    contributing_factors: list[Slug] = Field(
        default_factory=list, examples=[["config-change"]], json_schema_extra=UNIQUE
    )
    gaps: Gaps | None = None
    timeline: list[TimelineEntry] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    hotfix: Hotfix | None = None
    approvals: list[Approval] = Field(default_factory=list)
    communication: Communication | None = None
    review: Review | None = None
    links: Links = Field(
        default_factory=dict, examples=[{"ticket": "https://tracker.example.com/INC-1"}]
    )

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


TIMESTAMP_ORDER = ("started_at", "detected_at", "mitigated_at", "resolved_at")
