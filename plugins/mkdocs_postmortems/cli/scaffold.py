"""`postmortems new`: a postmortem file to fill in, with its id, name and sections worked out.

Authors start from the same skeleton, so no field or section of the two templates the
knowledge base grew from is forgotten. What the author still has to write is the placeholder
`TODO`, which `postmortems validate` reports as "still to fill in" rather than as a wrong
value; everything given up front is checked here first, so the new file is valid but for
its placeholders.

The file is named after the day the incident started on the clock of the offset it was
given in (`2025-12-31T21:30:00-05:00` is filed under 2025-12-31 and gets a 2025 id), as
the people who were there remember it and as the example knowledge base is filed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import yaml
from pydantic import TypeAdapter, ValidationError

from mkdocs_postmortems.core.messages import suggest
from mkdocs_postmortems.core.schema import OneLine, Slug, Text, got, parse_timestamp
from mkdocs_postmortems.core.taxonomy import Taxonomy
from mkdocs_postmortems.core.validation import PLACEHOLDER

SLUG_LENGTH = 60
_PM_ID = re.compile(r"^id:[ \t]*[\"']?PM-([0-9]{4})-([0-9]+)[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)
_TITLE: TypeAdapter[str] = TypeAdapter(OneLine)
_SLUG: TypeAdapter[str] = TypeAdapter(Slug)
_TEXT: TypeAdapter[str] = TypeAdapter(Text)

Ask = Callable[[str], str]
Say = Callable[[str], None]


class NewError(Exception):
    """Input `new` cannot use; `usage` when a value is missing and nobody can be asked."""

    def __init__(self, messages: list[str], *, usage: bool = False) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages
        self.usage = usage


@dataclass(frozen=True)
class Answers:
    """What only the author knows, checked: the rest of the file is worked out or TODO."""

    title: str
    severity: str
    services: tuple[str, ...]
    started_at: str
    authors: tuple[str, ...]

    @property
    def day(self) -> dt.date:
        """The day the incident started, in the offset it was written in."""
        return parse_timestamp(self.started_at).date()


def _adapted(adapter: TypeAdapter[str], value: str) -> str:
    try:
        return adapter.validate_python(value)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise ValueError(str((first.get("ctx") or {}).get("error", first["msg"]))) from None


def _items(values: Sequence[str]) -> list[str]:
    """`--service a,b --service c` and `a, b, c` alike: each item once, in order."""
    items = [item.strip() for value in values for item in value.split(",")]
    return list(dict.fromkeys(item for item in items if item))


def _title(values: Sequence[str], taxonomy: Taxonomy) -> str:
    return _adapted(_TITLE, values[-1])


def _severity(values: Sequence[str], taxonomy: Taxonomy) -> str:
    value = values[-1].strip()
    if value in taxonomy.severities:
        return value
    level = taxonomy.severity_for(value)
    hint = f" (did you mean {level!r}?)" if level else suggest(value, taxonomy.severities)
    raise ValueError(f"expected one of {', '.join(taxonomy.severities)}; got {got(value)}{hint}")


def _services(values: Sequence[str], taxonomy: Taxonomy) -> tuple[str, ...]:
    services = _items(values)
    if not services:
        raise ValueError("expected at least one service, got none")
    for service in services:
        _adapted(_SLUG, service)
        if taxonomy.services is not None and service not in taxonomy.services:
            raise ValueError(
                f"expected a service listed in the taxonomy, got {got(service)}"
                f"{suggest(service, taxonomy.services)}"
            )
    return tuple(services)


def _started_at(values: Sequence[str], taxonomy: Taxonomy) -> str:
    value = values[-1].strip()
    parse_timestamp(value)
    return value


def _authors(values: Sequence[str], taxonomy: Taxonomy) -> tuple[str, ...]:
    authors = _items(values)
    if not authors:
        raise ValueError("expected at least one author, got none")
    return tuple(_adapted(_TEXT, author) for author in authors)


# (answer, its option, the question asked in a terminal, its check)
QUESTIONS: tuple[tuple[str, str, str, Callable[[Sequence[str], Taxonomy], object]], ...] = (
    ("title", "--title", "Title (one line)", _title),
    ("severity", "--severity", "Severity ({levels})", _severity),
    ("services", "--service", "Services affected (comma-separated)", _services),
    (
        "started_at",
        "--started-at",
        "Impact started at (with its offset, e.g. 2026-03-14T09:12:00+01:00)",
        _started_at,
    ),
    ("authors", "--author", "Authors (comma-separated)", _authors),
)


def collect(
    given: dict[str, Sequence[str]],
    taxonomy: Taxonomy,
    ask: Ask | None = None,
    say: Say | None = None,
) -> Answers:
    """Check the values given; ask for missing ones when `ask` can (until an answer is
    valid), else NewError listing every problem at once."""
    answers: dict[str, object] = {}
    problems: list[str] = []
    missing: list[str] = []
    for name, option, question, check in QUESTIONS:
        values = [v for v in given.get(name) or [] if v.strip()]
        if values:
            try:
                answers[name] = check(values, taxonomy)
            except ValueError as error:
                problems.append(f"{option}: {error}")
        elif ask is None:
            missing.append(option)
        else:
            prompt = question.format(levels=", ".join(taxonomy.severities))
            answers[name] = _ask_until_valid(prompt, check, taxonomy, ask, say)
    if missing:
        problems.append(
            f"missing {', '.join(missing)} (give them as options, or run in a terminal to be asked)"
        )
    if problems:
        raise NewError(problems, usage=bool(missing) and len(problems) == 1)
    return Answers(
        title=cast(str, answers["title"]),
        severity=cast(str, answers["severity"]),
        services=cast(tuple[str, ...], answers["services"]),
        started_at=cast(str, answers["started_at"]),
        authors=cast(tuple[str, ...], answers["authors"]),
    )


def ask_in_terminal(prompt: str) -> str:
    """A question on standard error, so standard output stays the path of the new file."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise NewError(["no answer (end of input); nothing written"])
    return line.rstrip("\r\n")


def say_in_terminal(message: str) -> None:
    print(message, file=sys.stderr)


def _ask_until_valid(
    prompt: str,
    check: Callable[[Sequence[str], Taxonomy], object],
    taxonomy: Taxonomy,
    ask: Ask,
    say: Say | None,
) -> object:
    while True:
        answer = ask(f"{prompt}: ")
        try:
            if answer.strip():
                return check([answer], taxonomy)
        except ValueError as error:
            if say is not None:
                say(f"  {error}")


def next_id(folder: Path, year: int) -> str:
    """One more than the highest `PM-<year>-NNN` in the front matter of any file below
    `folder` (drafts and templates included: an id once used is not handed out again)."""
    highest = 0
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
        except OSError:
            continue
        end = text.find("\n---", 3) if text.startswith("---") else 0
        for found_year, number in _PM_ID.findall(text[: max(end, 0)]):
            if int(found_year) == year:
                highest = max(highest, int(number))
    return f"PM-{year}-{highest + 1:03d}"


def slugify(title: str, fallback: str) -> str:
    """Lowercase ASCII words of the title joined by hyphens, cut at a word; `fallback`
    (lowercased) when the title has no ASCII letters or digits, e.g. when written in CJK."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = ""
    for word in re.findall(r"[a-z0-9]+", plain.lower()):
        longer = f"{slug}-{word}" if slug else word[:SLUG_LENGTH]
        if len(longer) > SLUG_LENGTH:
            break
        slug = longer
    return slug or fallback.lower()


def target(folder: Path, answers: Answers) -> tuple[Path, str]:
    """Where the new postmortem goes and its id: `<folder>/YYYY/YYYY-MM-DD-<slug>.md`."""
    day = answers.day
    pm_id = next_id(folder, day.year)
    name = f"{day.isoformat()}-{slugify(answers.title, pm_id)}.md"
    return folder / f"{day.year:04d}" / name, pm_id


def _scalar(text: str, *, flow: bool = False) -> str:
    """`text` plain when every YAML reader (even a YAML 1.1 one) reads it back as the same
    string, else double-quoted (JSON's escapes are YAML's)."""
    source = f"k: [{text}]" if flow else f"k: {text}"
    try:
        plain = yaml.safe_load(source) == {"k": [text] if flow else text}
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def _flow(items: Sequence[str]) -> str:
    return "[" + ", ".join(_scalar(item, flow=True) for item in items) + "]"


FRONT_MATTER = """\
---
# Replace every {todo} (postmortems validate lists those left); delete a line that does not apply.
id: {id}
title: {title}
severity: {severity}
status: draft                 # draft | in-review | published
date: {today}              # the date of this document
authors: {authors}
services: {services}
teams: [{todo}]
summary: {todo}                 # one or two sentences for indexes
started_at: {started_at}
detected_at: {todo}             # RFC 3339 with offset, like started_at
mitigated_at: {todo}
resolved_at: {todo}
impact:
  users_affected: {todo}        # a count, or text such as "about 4% of EU users"
  revenue_usd: {todo}           # a number; 0 when none
  data_loss: {todo}             # true or false
  data_impact: {todo}
  reputation: {todo}
  customer_facing: {todo}       # true or false
trigger: {todo}                 # the immediate cause
contributing_factors: [{todo}]  # keys of contributing_factors in the taxonomy
gaps:
  testing: {todo}               # why tests did not catch it
  monitoring: {todo}            # why alerts did not catch it sooner
  process: {todo}
timeline:
  - at: {started_at}
    event: {todo}
action_items:
  - title: {todo}
    type: {todo}                # prevent | detect | mitigate | respond | process
    owner: {todo}
    due: {todo}                 # YYYY-MM-DD
    priority: {todo}            # high | medium | low
    status: open              # open | in-progress | done | wont-do
    # closed_on: YYYY-MM-DD   # the day it became done or wont-do
communication:
  internal: {todo}
  customer: {todo}
  public: {todo}
review:
  held_on: {todo}               # YYYY-MM-DD
  attendees: [{todo}]
  documented_by: {todo}
links:
  ticket: {todo}                # https:// links; add pr, release, dashboard ...
---
"""

BODY = """
## Executive Summary

*Two or three sentences: what broke, for whom, for how long, and how it was fixed.*

## Root Cause Analysis

### What Happened

*The technical story in order; the timeline in the front matter has the times.*

### Why It Happened

**Immediate cause:** *the trigger.*

**Contributing factors:**

1. *Ask "why?" until you reach the conditions that made it possible (the five whys),
   never a person.*

### Why It Wasn't Caught Earlier

*Gaps in testing, monitoring and process.*

## Resolution

*What fixed it, and whether it is the full fix or a workaround. For a hotfix, fill in a
`hotfix` block in the front matter (tag, parent release, files modified, testing, waivers,
proper fix).*

## What Went Well

1. *...*

## What Didn't Go Well

1. *...*

## Where We Got Lucky

*What could have made it worse.*

## Lessons Learned

### Technical Lessons

1. *...*

### Process Lessons

1. *...*

### Team Lessons

1. *...*

## Blameless Culture Note

*This was a failure of the system, not of a person: say what made the actions taken look
right at the time.*
"""


def render(answers: Answers, pm_id: str, today: dt.date) -> str:
    """The new file: front matter with the answers and TODO, then the body sections."""
    front = FRONT_MATTER.format(
        todo=PLACEHOLDER,
        id=pm_id,
        title=_scalar(answers.title),
        severity=_scalar(answers.severity),
        today=today.isoformat(),
        authors=_flow(answers.authors),
        services=_flow(answers.services),
        started_at=answers.started_at,
    )
    return front + BODY


def create(folder: Path, answers: Answers, today: dt.date) -> Path:
    """Write the new postmortem; never over an existing file."""
    path, pm_id = target(folder, answers)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(render(answers, pm_id, today))
    except FileExistsError:
        raise NewError([f"{path.as_posix()} already exists; not overwriting it"]) from None
    return path
