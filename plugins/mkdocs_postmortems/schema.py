"""The postmortem front matter schema: the single source of truth.

Field names are a public contract (extend, never rename). Models accept what the strict YAML
reader yields, where every plain scalar is a string, and turn it into what the field says:
`users_affected: 1200` is a number, `title: NO` stays the text "NO". Whether a field is
required is the taxonomy's call, so nearly every top-level field is optional here and
`validation` enforces the taxonomy's rules.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

ID_PATTERN = r"^[A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9-]*$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
LINK_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
EARLIEST_YEAR = 1000
"""Historic incidents (the Vasa sank in 1628) are postmortems too; a year like 0026 is a typo."""
MAX_COUNT = 10**15

_ID = re.compile(ID_PATTERN)
_SLUG = re.compile(SLUG_PATTERN)
_LINK_NAME = re.compile(LINK_NAME_PATTERN)
_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)
_DATE = re.compile(DATE_PATTERN)
_INTEGER = re.compile(r"^[+-]?[0-9]+$|^[0-9]{1,3}(,[0-9]{3})+$")
# Characters no text field may hold: controls other than tab and line feed, and the bidi
# overrides and isolates that can make text display differently from what it says.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\n\r\x85\u2028\u2029]")
_BOOLEANS = {"true": True, "false": False}
_BOOLEAN_LOOKALIKES = {
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
        if not value.strip():
            raise ValueError("expected text, got an empty string")
    return value


def _one_line(value: Any) -> Any:
    if isinstance(value, str):
        _non_empty(value)
        if _LINE_BREAKS.search(value.strip()):
            raise ValueError("expected one line of text, got several lines")
        return value.strip()
    return value


def _boolean(value: Any) -> Any:
    """Only `true` and `false` (any case), as YAML 1.2 and JSON Schema editors read them."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _BOOLEANS:
            return _BOOLEANS[word]
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
    text = _text(value, "a slug (lowercase letters, digits, hyphens)")
    if not _SLUG.fullmatch(text):
        raise ValueError(f"expected a slug (lowercase letters, digits, hyphens), got {got(text)}")
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
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("expected a timestamp with a UTC offset, got one without")
        return value
    expected = "an RFC 3339 timestamp with offset like 2026-03-14T09:12:00+00:00"
    text = _text(value, expected)
    if not _TIMESTAMP.fullmatch(text):
        raise ValueError(f"expected {expected}, got {got(text)}{_timestamp_hint(text)}")
    try:
        moment = dt.datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
        moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"expected a real date and time, got {got(text)}") from None
    if moment.year < EARLIEST_YEAR:
        raise ValueError(f"expected a year from {EARLIEST_YEAR} on, got {got(text)}")
    return moment


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = _text(value, "a date YYYY-MM-DD")
    if not _DATE.fullmatch(text):
        raise ValueError(f"expected a date YYYY-MM-DD, got {got(text)}")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a real date YYYY-MM-DD, got {got(text)}") from None
    if day.year < EARLIEST_YEAR:
        raise ValueError(f"expected a year from {EARLIEST_YEAR} on, got {got(text)}")
    return day


def _check_url(value: Any) -> str:
    text = _text(value, "an https:// or mailto: link")
    try:
        parts = urlsplit(text) if not re.search(r"[\s\x00-\x1f]", text) else None
    except ValueError:  # e.g. an unclosed IPv6 bracket
        parts = None
    ok = parts is not None and (
        (parts.scheme.lower() == "https" and bool(parts.hostname) and "@" not in parts.netloc)
        or (parts.scheme.lower() == "mailto" and re.match(r"^[^\s@/]+@[^\s@/]+$", parts.path))
    )
    if not ok:
        hint = ""
        if parts is not None and parts.scheme.lower() == "https" and "@" in parts.netloc:
            hint = " (a user name before @ hides the real host)"
        raise ValueError(f"expected an https:// or mailto: link, got {got(text)}{hint}")
    return text


def _count_or_text(value: Any) -> Any:
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        digits = value.strip().replace(",", "")
        if len(digits.lstrip("+-")) > len(str(MAX_COUNT)):
            size = len(digits.lstrip("+-"))
            raise ValueError(f"expected a count below {MAX_COUNT:,}, got a {size}-digit number")
        value = int(digits)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"expected a number or a short text, got {got(value)}")
    if isinstance(value, int) and value < 0:
        raise ValueError(f"expected a count of at least 0, got {value}")
    if isinstance(value, int) and value >= MAX_COUNT:
        raise ValueError(f"expected a count below {MAX_COUNT:,}, got {value}")
    if isinstance(value, str):
        _non_empty(value)
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    return value


def _as_list(value: Any) -> Any:
    """A lone value where a list is expected becomes a one-item list (`gates: soak-test`)."""
    if isinstance(value, str):
        return [value]
    return value


Id = Annotated[
    str, BeforeValidator(_check_id), WithJsonSchema({"type": "string", "pattern": ID_PATTERN})
]
Slug = Annotated[
    str, BeforeValidator(_check_slug), WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN})
]
Text = Annotated[str, AfterValidator(_non_empty)]
OneLine = Annotated[str, AfterValidator(_one_line)]
Timestamp = Annotated[
    dt.datetime,
    BeforeValidator(parse_timestamp),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN}),
]
Date = Annotated[
    dt.date,
    BeforeValidator(parse_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
Url = Annotated[
    str,
    BeforeValidator(_check_url),
    WithJsonSchema({"type": "string", "pattern": "^(https://|mailto:)"}),
]
Money = Annotated[float, Field(ge=0), AfterValidator(_finite)]
Boolean = Annotated[bool, BeforeValidator(_boolean), WithJsonSchema({"type": "boolean"})]
CountOrText = Annotated[
    int | str,
    BeforeValidator(_count_or_text),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}]}),
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
    gates: Annotated[list[Text], BeforeValidator(_as_list)] = Field(default_factory=list)
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
        None, examples=[["ana.silva"]]
    )
    services: list[Slug] = Field(default_factory=list, examples=[["checkout"]])
    teams: list[Slug] = Field(default_factory=list, examples=[["payments"]])
    tags: list[Slug] = Field(default_factory=list)
    summary: Text | None = None
    started_at: Timestamp | None = Field(None, examples=["2026-03-14T09:12:00+00:00"])
    detected_at: Timestamp | None = None
    mitigated_at: Timestamp | None = None
    resolved_at: Timestamp | None = None
    impact: Impact | None = None
    trigger: Text | None = None
    contributing_factors: list[Slug] = Field(default_factory=list, examples=[["config-change"]])
    gaps: Gaps | None = None
    timeline: list[TimelineEntry] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    hotfix: Hotfix | None = None
    approvals: list[Approval] = Field(default_factory=list)
    communication: Communication | None = None
    review: Review | None = None
    links: dict[Annotated[str, BeforeValidator(_check_link_name)], Url] = Field(
        default_factory=dict, examples=[{"ticket": "https://tracker.example.com/INC-1"}]
    )

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


TIMESTAMP_ORDER = ("started_at", "detected_at", "mitigated_at", "resolved_at")
