"""Text from a filled-in template -> typed values, or None when the text is not a value.

Each reader accepts only what it can read without guessing: `$18,500` is a number, `about
$2k` is not; `03/04/2026` could be March or April, so it is not a date. What a reader
refuses stays text for the caller to keep in the body or pass on for validation to name.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from mkdocs_postmortems.cli.importers import slugs
from mkdocs_postmortems.core.schema import ID_PATTERN

PLACEHOLDER = re.compile(r"\{[^{}\n]*\}")
_EMPTY_WORDS = frozenset({"", "-", "--", "\u2013", "\u2014", "n/a", "na", "tbd", "tbc", "?", "..."})
_EMPHASIS = re.compile(r"^(\*\*|__|\*|_|`)(.+)\1$")
_ID = re.compile(ID_PATTERN)

PRIORITIES = {
    "high": "high",
    "h": "high",
    "medium": "medium",
    "med": "medium",
    "m": "medium",
    "low": "low",
    "l": "low",
}
"""Only the words that can mean one level: `P1`, `Urgent` or `Critical` could be high or
above it, so they are passed on for validation to name."""
STATUSES = {
    "not started": "open",
    "to do": "open",
    "todo": "open",
    "open": "open",
    "backlog": "open",
    "planned": "open",
    "in progress": "in-progress",
    "in-progress": "in-progress",
    "started": "in-progress",
    "wip": "in-progress",
    "doing": "in-progress",
    "ongoing": "in-progress",
    "done": "done",
    "complete": "done",
    "completed": "done",
    "finished": "done",
    "fixed": "done",
    "resolved": "done",
    "won't do": "wont-do",
    "wont do": "wont-do",
    "wont-do": "wont-do",
    "won't fix": "wont-do",
    "wont fix": "wont-do",
    "not doing": "wont-do",
    "cancelled": "wont-do",
    "canceled": "wont-do",
}
"""`Blocked` (not started, or stuck half way?) and `Closed` (done, or dropped?) are not here:
they are passed on for validation to name."""


def has_placeholder(text: str) -> bool:
    return PLACEHOLDER.search(text) is not None


def clean(text: str | None) -> str | None:
    """The value an author wrote, or None for a placeholder, a blank or `N/A`/`TBD`."""
    if text is None:
        return None
    value = text.strip()
    while True:
        match = _EMPHASIS.match(value)
        if not match:
            break
        value = match.group(2).strip()
    leftover = PLACEHOLDER.sub("", value).strip(" \t.,;:()[]/-")
    if not leftover and value != leftover:
        return None
    if value.casefold() in _EMPTY_WORDS:
        return None
    return value


def one_line(text: str) -> str:
    return " ".join(text.split())


_MONTH_FORMATS = (
    "%B %d, %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%d %b, %Y",
)
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)


def ambiguous_day(text: str) -> bool:
    """`03/04/2026` or `3.4.26`: day and month in an order the text does not say."""
    return re.fullmatch(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}", text.strip()) is not None


def day_problem(text: str) -> str:
    """Why `text` is not read as a date, in words for a note."""
    if ambiguous_day(text):
        return f"{text.strip()!r} could be day/month or month/day"
    return f"could not read {text.strip()!r} as a date"


def parse_day(text: str) -> dt.date | None:
    """`2026-03-14`, `2026/03/14`, `March 14, 2026`, `14 Mar 2026`; never `03/04/2026`."""
    value = _WEEKDAY.sub("", text.strip().rstrip("."))
    value = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", value)
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", value)
    try:
        if match:
            return dt.date(*(int(part) for part in match.groups()))
        for form in _MONTH_FORMATS:
            try:
                return dt.datetime.strptime(value, form).date()
            except ValueError:
                continue
    except ValueError:
        return None
    return None


_CLOCK = re.compile(
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    r"\s*(?:(?P<ampm>[ap])\.?\s*m\.?)?",
    re.IGNORECASE,
)
_UTC_SUFFIX = re.compile(r"\s*(?:\(?\s*(?:utc|gmt)\s*\)?|z)$", re.IGNORECASE)


def parse_clock(text: str) -> dt.time | None:
    """`14:05`, `14:05:30`, `2:05 PM`, `2 pm`; an hour alone only with am/pm."""
    match = _CLOCK.fullmatch(_UTC_SUFFIX.sub("", text.strip()))
    if not match or (match.group("minute") is None and match.group("ampm") is None):
        return None
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    second = int(match.group("second") or 0)
    ampm = (match.group("ampm") or "").casefold()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "p" else 0)
    try:
        return dt.time(hour, minute, second)
    except ValueError:
        return None


def parse_moment(text: str) -> tuple[dt.date | None, dt.time | dt.datetime] | None:
    """A cell of a `Time (UTC)` column: a time, a date and time, or a full timestamp.

    A full timestamp with an offset comes back as an aware datetime; otherwise the date
    (None when not given) and the UTC time of day.
    """
    value = text.strip().strip("`*_ ")
    iso = re.fullmatch(
        r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*([Zz]|[+-]\d{2}:?\d{2})?",
        value,
    )
    if iso:
        day, clock, offset = iso.groups()
        try:
            moment = dt.datetime.fromisoformat(f"{day}T{clock}")
        except ValueError:
            return None
        if offset and offset.upper() != "Z":
            hours, minutes = int(offset[1:3]), int(offset[-2:])
            sign = 1 if offset[0] == "+" else -1
            zone = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
            return None, moment.replace(tzinfo=zone)
        return moment.date(), moment.time().replace(microsecond=0)
    clock = parse_clock(value)
    if clock is not None:
        return None, clock
    split = re.fullmatch(r"(?P<day>.+?)[,\s]+(?P<clock>\d{1,2}(?::\d{2}){1,2}\s*\S*)", value)
    if split:
        day, clock = parse_day(split.group("day")), parse_clock(split.group("clock"))
        if day is not None and clock is not None:
            return day, clock
    return None


def utc(moment: dt.datetime) -> str:
    """RFC 3339 with the +00:00 offset the `Time (UTC)` columns promise."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)", re.IGNORECASE)
_DURATION_UNITS = {"h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60}
_DURATION_UNITS |= dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 1)


def parse_minutes(text: str) -> int | None:
    """`45 minutes`, `2 hours`, `1h 20m`, `1 hour and 5 minutes`; `~45 min` or `45-60 min`
    is not a number of minutes."""
    value = text.strip().rstrip(".")
    rest = re.sub(r",|\band\b|\s", "", _DURATION_PART.sub("", value))
    parts = _DURATION_PART.findall(value)
    if rest or not parts or any(unit.casefold() not in _DURATION_UNITS for _, unit in parts):
        return None
    total = sum(float(amount) * _DURATION_UNITS[unit.casefold()] for amount, unit in parts)
    return int(total) if total == int(total) else None


_USD = re.compile(
    r"(?:US\s*)?\$\s*(?P<a>\d{1,3}(?:,\d{3})+|\d+)(?P<ac>\.\d{1,2})?(?:\s*USD)?"
    r"|(?:USD\s*)?(?P<b>\d{1,3}(?:,\d{3})+|\d+)(?P<bc>\.\d{1,2})?\s*USD",
    re.IGNORECASE,
)


def parse_usd(text: str) -> int | float | None:
    """`$18,500`, `$18,500.50`, `18500 USD`; `about $2k` or `€500` is not a number."""
    match = _USD.fullmatch(text.strip().rstrip("."))
    if not match:
        return None
    whole = (match.group("a") or match.group("b")).replace(",", "")
    cents = match.group("ac") or match.group("bc")
    return float(whole + cents) if cents else int(whole)


_NO_AMOUNT = frozenset({"none", "nil", "zero", "no impact", "no revenue impact"})


def parse_revenue(text: str) -> int | float | None:
    """A dollar amount (`parse_usd`), or 0 for `none`; None for anything else."""
    if " ".join(text.strip().rstrip(".").casefold().split()) in _NO_AMOUNT:
        return 0
    return parse_usd(text)


def parse_count(text: str) -> int | str:
    """`12,000` -> 12000; anything else (`about 4% of EU users`) stays text."""
    value = text.strip()
    if re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", value):
        return int(value.replace(",", ""))
    return value


def _word(text: str) -> str:
    """A cell's word without the decoration around it (`✅ Done`, `🔴 High`, `**WIP**`)."""
    value = text.casefold().replace("\u2019", "'")
    value = re.sub(r"^[^\w']+|[^\w']+$", "", value)
    return " ".join(value.split())


def priority(text: str) -> str:
    """High/Medium/Low (or H/M/L) -> high/medium/low; other words pass through for
    validation to name."""
    return PRIORITIES.get(_word(text), text.strip())


def status(text: str) -> str:
    """`Not Started`, `WIP`, `✅ Done`, `Won't fix` ... -> open/in-progress/done/wont-do;
    other words pass through for validation to name."""
    return STATUSES.get(_word(text), text.strip())


def names(text: str) -> list[str]:
    """`Ana Silva, Li Wei and Bo Chen` -> three names."""
    parts = re.split(r"\s*[,;]\s*|\s+&\s+|\s+and\s+", text.strip())
    return [part.strip() for part in parts if clean(part)]


_MARKDOWN_LINK = re.compile(r"^\[[^\]]*\]\((?P<url>[^)\s]+)\)$|^<(?P<angle>[^>\s]+)>$")


def https_url(text: str) -> str | None:
    """The https URL a cell or list item holds (bare, `<...>` or `[text](...)`), else None."""
    value = text.strip()
    match = _MARKDOWN_LINK.match(value)
    if match:
        value = match.group("url") or match.group("angle")
    if re.search(r"\s", value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme != "https" or not parts.hostname or "@" in parts.netloc:
        return None
    return value


def is_id(text: str) -> bool:
    return _ID.fullmatch(text) is not None


def slug(text: str, limit: int = 60) -> str:
    """A file-name slug of at most `limit` characters, ending on a whole word."""
    return slugs.shorten(slugs.slug(text), limit)
