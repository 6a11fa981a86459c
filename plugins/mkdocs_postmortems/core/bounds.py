"""The bounds of front-matter values, written once for the validator and the JSON Schema.

An editor checks front matter against the JSON Schema after reading it as YAML 1.2 does:
`1200` is a number, `true` a boolean, `"1200"` and `1_000` are text. The validator reads every
scalar as text (`strict_yaml`) and cannot tell a quoted one from a plain one. So each bound is
a regular expression over the text, stated here once: the validator matches it, and the JSON
Schema uses it for strings and the typed bound it implies for numbers and booleans.

The expressions keep to what ECMA-262 (editors) and Python's `re` (the validator and the
`jsonschema` package) read alike: `[0-9]` rather than `\\d` (Python's takes any Unicode digit),
explicit classes rather than `\\s`, `\\uXXXX` escapes, and `anchored`, because Python's `$`
also matches before a final line feed.
"""

from __future__ import annotations

import re

EARLIEST_YEAR = 1000
"""Historic incidents (the Vasa sank in 1628) are postmortems too; a year like 0026 is a typo."""
LATEST_YEAR = 9999
"""The last year a date can have, in Python as in RFC 3339."""
MAX_COUNT = 10**15
"""Counts (users affected) stay below this: exact in a JavaScript number, too."""
MAX_AMOUNT = 10**12
"""Amounts in US dollars stay below this, with cents at most: every such amount's nearest
double is below it too, so text and number give the same verdict."""


def anchored(body: str) -> str:
    """The whole string and nothing else, in Python (where `$` alone lets a final `\\n` pass)
    and in ECMA-262 alike."""
    return f"^(?:{body})$(?!\\n)"


# --- characters
FORBIDDEN_CHARS = r"\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069"
"""No text may hold these: controls other than tab and line feed, and the bidi overrides and
isolates that make text display differently from what it says."""
BLANK_CHARS = r"\t\n \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""What `str.strip()` removes, less the forbidden characters: the white space of Unicode."""
LINE_BREAK_CHARS = r"\n\r\u0085\u2028\u2029"

NON_BLANK = f"[^{BLANK_CHARS}]"
"""Found in every text: one character that is not white space."""
FORBIDDEN = f"[{FORBIDDEN_CHARS}]"
SEVERAL_LINES = rf"[^{BLANK_CHARS}][{BLANK_CHARS}]*[{LINE_BREAK_CHARS}][\s\S]*[^{BLANK_CHARS}]"
"""Found in a text of several lines: a line break between two characters that are not white
space (leading and trailing white space is trimmed). Linear: no nested repetition."""

PLACEHOLDER = "TODO"
"""What `postmortems new` writes for a value still to be written: refused as a value."""
PLACEHOLDER_ONLY = anchored(f"[{BLANK_CHARS}]*{PLACEHOLDER}[{BLANK_CHARS}]*")

# --- names
ID = "[A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9-]*"
SLUG = "[a-z0-9][a-z0-9-]*"
YAML_TYPED_SLUG = "true|false|0o[0-7]+|0x[0-9a-f]+|[0-9]+e-?[0-9]+"
"""Slugs that YAML 1.2 reads as something other than text or a whole decimal number: a
boolean, an octal or hexadecimal number, or a number with an exponent. Refused as slugs, so
an editor and the validator agree on what `tags: [true]` is."""
LINK_NAME = "[a-z0-9][a-z0-9_-]*"

# --- numbers
AMOUNT = "[0-9]{1,12}(?:\\.[0-9]{1,2})?"
"""An amount of US dollars: digits, with cents at most, below MAX_AMOUNT; no sign, separator
or exponent. `012` is 12, as YAML 1.2 reads it."""
COUNT = "[0-9]{1,15}|[1-9][0-9]{0,2}(?:,[0-9]{3}){1,4}"
"""A count below MAX_COUNT: digits (`012` is 12, as YAML 1.2 reads it), or digits grouped in
threes by commas; no sign."""
NUMBER_LIKE = (
    "[-+]?[0-9._,]*[0-9][0-9._,]*(?:[eE][-+]?[0-9]+)?"
    "|0o[0-7]+|0x[0-9a-fA-F]+"
    "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"
    "|true|True|TRUE|false|False|FALSE"
)
"""Text that YAML 1.2 reads as a number or a boolean, or that a person writes as a number
(`1_000`, `1.000.000`): where a count is expected, it must be a COUNT, not a description."""
TRUE_WORDS = ("true", "True", "TRUE")
FALSE_WORDS = ("false", "False", "FALSE")
"""The booleans of YAML 1.2; `yes`, `no`, `on` and `off` are text there."""

# --- dates and times
_YEAR = "[1-9][0-9]{3}"
_LEAP_YEAR = (
    "[1-9][0-9](?:0[48]|[2468][048]|[13579][26])"  # divisible by 4, not a century
    "|(?:1[26]|[2468][048]|[3579][26])00"  # a century divisible by 400
)
DATE = (
    f"{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    f"|(?:{_LEAP_YEAR})-02-29"
)
"""A real day from year 1000 to 9999, leap years included."""
_SECONDS = ":[0-5][0-9](?:\\.[0-9]+)?"
TIME = f"(?:[01][0-9]|2[0-3]):[0-5][0-9]{_SECONDS}"
OFFSET = "[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]"
TIMESTAMP = f"(?:{DATE})[Tt ]{TIME}(?:{OFFSET})"
"""An RFC 3339 timestamp with its offset, on a real day from year 1000 to 9999 as written."""


_PLUS = "\\+"


def _digits(low: int, high: int) -> str:
    return str(low) if low == high else f"[{low}-{high}]"


def two_digits(low: int, high: int) -> str:
    """Zero-padded two-digit numbers from `low` to `high`: `two_digits(7, 23)` is
    `(?:0[7-9]|1[0-9]|2[0-3])`."""
    parts = [
        f"{tens}{_digits(max(low, tens * 10) % 10, min(high, tens * 10 + 9) % 10)}"
        for tens in range(low // 10, high // 10 + 1)
    ]
    return f"(?:{'|'.join(parts)})"


def _offset_hour(sign: str, hour: int) -> str:
    """Looks ahead from the start of a time at its offset's sign and hour."""
    return f"(?=[0-9]{{2}}:[0-9]{{2}}{_SECONDS}{sign}{hour:02}:)"


def _before_earliest() -> str:
    """Timestamps written on 1000-01-01 whose instant is still in year 999 in UTC: an offset
    east of UTC that is more than the time of day."""
    hour_below = [f"{_offset_hour(_PLUS, h)}{two_digits(0, h - 1)}" for h in range(1, 24)]
    # the same hour as the offset's (group 1), a smaller minute
    minute_below = [f"{m:02}(?={_SECONDS}{_PLUS}\\1:{two_digits(m + 1, 59)})" for m in range(59)]
    return (
        f"^{EARLIEST_YEAR}-01-01[Tt ]"
        f"(?:{'|'.join(hour_below)}|([01][0-9]|2[0-3]):(?:{'|'.join(minute_below)}))"
    )


def _after_latest() -> str:
    """Timestamps written on 9999-12-31 whose instant is in year 10000 in UTC: an offset west
    of UTC that takes the time of day to 24:00 or past it."""
    hours_over = [f"{_offset_hour('-', h)}{two_digits(24 - h, 23)}" for h in range(1, 24)]
    # the hours add up to 23: the minutes decide
    hours_at_edge = [f"{23 - h:02}(?=:[0-9]{{2}}{_SECONDS}-{h:02}:)" for h in range(24)]
    minutes_over = [
        f"{m:02}(?={_SECONDS}-[0-9]{{2}}:{two_digits(60 - m, 59)})" for m in range(1, 60)
    ]
    return (
        f"^{LATEST_YEAR}-12-31[Tt ]"
        f"(?:{'|'.join(hours_over)}|(?:{'|'.join(hours_at_edge)}):(?:{'|'.join(minutes_over)}))"
    )


BEFORE_EARLIEST = _before_earliest()
AFTER_LATEST = _after_latest()
"""Found in a TIMESTAMP whose instant in UTC is outside years 1000 to 9999."""

# --- links
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
HOST = f"{_LABEL}(?:\\.{_LABEL})*\\.?|\\[[0-9A-Fa-f:.]+\\]"
"""A host name in ASCII (a name in another script is written in its `xn--` form, so no host
can imitate another with look-alike letters), or an IP address."""
PORT = "[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]"
"""1 to 65535, without leading zeros."""
_URL_CHAR = f"[^{BLANK_CHARS}{FORBIDDEN_CHARS}\\\\]"
"""Anything but white space, controls, bidi overrides and a backslash (which browsers read
as `/`)."""
HTTPS_URL = f"[Hh][Tt][Tt][Pp][Ss]://(?:{HOST})(?::(?:{PORT}))?(?:[/?#]{_URL_CHAR}*)?"
MAILTO_URL = (
    f"[Mm][Aa][Ii][Ll][Tt][Oo]:[^@/?#{BLANK_CHARS}{FORBIDDEN_CHARS}\\\\]+"
    f"@[^@/?#{BLANK_CHARS}{FORBIDDEN_CHARS}\\\\]+(?:[?#]{_URL_CHAR}*)?"
)
URL = f"{HTTPS_URL}|{MAILTO_URL}"


# --- how YAML 1.2 (its core schema, as editors use it) types a plain scalar
_YAML_NULL = "null|Null|NULL|~|"
_YAML_INT = "[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
_YAML_FLOAT = (
    "[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"
)


def yaml12(text: str) -> str | int | float | bool | None:
    """What YAML 1.2 makes of `text` written plain: `404` is 404, `True` is true, `1_000`
    stays text. The JSON Schema lists a taxonomy's words in both forms."""
    if re.fullmatch(_YAML_NULL, text):
        return None
    if text in TRUE_WORDS or text in FALSE_WORDS:
        return text in TRUE_WORDS
    if re.fullmatch(_YAML_INT, text):
        base = {"0o": 8, "0x": 16}.get(text[:2], 10)
        return int(text[2:] if base != 10 else text, base)
    if re.fullmatch(_YAML_FLOAT, text):
        return float(text.replace(".", "", 1) if text.lower().endswith((".inf", ".nan")) else text)
    return text
