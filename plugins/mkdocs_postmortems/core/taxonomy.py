"""The taxonomy: severities, services, teams, contributing factors and required fields.

It lives beside the postmortems (`taxonomy.yml`) so each knowledge base sets its own
vocabulary; without one, the built-in default below applies.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from mkdocs_postmortems.core import discovery, loader, reading, strict_yaml
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.messages import field_name, suggest
from mkdocs_postmortems.core.schema import Boolean, Slug, Text, got

FILENAME = "taxonomy.yml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Severity(_Model):
    label: Text
    description: Text
    action_item_sla_days: Annotated[int, Field(gt=0)] | None = None
    publish_within_days: Annotated[int, Field(ge=0)] | None = None
    """Days from `resolved_at` by which a postmortem of this severity should be published;
    none: no deadline (see `deadlines`)."""


class Factor(_Model):
    label: Text
    description: Text
    aliases: list[Text] = Field(default_factory=list)


class BeforePublishing(_Model):
    """The review gates: what a postmortem needs before `status: published`. Off unless a
    taxonomy turns them on, so knowledge bases written without them keep validating."""

    review_held: Boolean = False
    """A review meeting on record (`review.held_on`)."""
    approvals: Annotated[int, Field(ge=0)] = 0
    """At least this many `approvals` with `approved: true`."""


class Required(_Model):
    """Which fields a postmortem must have; field names of the schema."""

    always: list[str] = Field(
        default_factory=lambda: [
            "id",
            "title",
            "severity",
            "status",
            "authors",
            "services",
            "started_at",
            "detected_at",
        ]
    )
    unless_draft: list[str] = Field(default_factory=lambda: ["resolved_at", "contributing_factors"])
    open_action_items: list[str] = Field(default_factory=lambda: ["owner", "due"])
    before_publishing: BeforePublishing = Field(default_factory=BeforePublishing)


def _check_level(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", value):
        raise ValueError(f"expected a level name of letters, digits, '-' or '_', got {value!r}")
    return value


_GITHUB_LOGIN = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
_GITHUB_HANDLE = re.compile(rf"{_GITHUB_LOGIN}(?:/[A-Za-z0-9][A-Za-z0-9_.-]{{0,99}})?")


def _check_handle(value: Any) -> str:
    """A GitHub user name (`ana-silva`), or a team as `org/team` (mentioned, never assigned):
    written without `@`, so one spelling reaches both assignment and mention."""
    if not isinstance(value, str) or not _GITHUB_HANDLE.fullmatch(value):
        raise ValueError(
            "expected a GitHub user name (letters, digits and single hyphens, at most 39, "
            f"no @) or a team as org/team, got {got(value)}"
        )
    return value


GitHubHandle = Annotated[str, BeforeValidator(_check_handle)]


TICKET = "{ticket}"
_URL_SPOILERS = re.compile(r"[\s\x00-\x1f\x7f\\\"'<>`]")


def _check_ticket_url(value: Any) -> str:
    """An http(s) URL with `{ticket}` once, after the host, and no other placeholder: every
    ticket id of the site becomes a link by it, so a typo would break every one of them."""
    if not isinstance(value, str):
        raise ValueError(f"expected an https:// URL with {TICKET} in it, got {got(value)}")
    try:
        parts = urlsplit(value.replace(TICKET, "TICKET"))
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("https", "http") or not parts.hostname:
        raise ValueError(f"expected an https:// (or http://) URL with a host, got {got(value)}")
    if _URL_SPOILERS.search(value):
        raise ValueError(
            "expected a URL without spaces, quotes, angle brackets, backslashes or control "
            f"characters (encode them as %XX), got {got(value)}"
        )
    count = value.count(TICKET)
    if count != 1:
        raise ValueError(
            f"expected {TICKET} exactly once, where the ticket id goes, got "
            f"{'none' if count == 0 else f'{count} of them'} in {got(value)}"
        )
    rest = value.replace(TICKET, "")
    if "{" in rest or "}" in rest:
        found = re.search(r"\{[^}]*\}?|\}", rest)
        raise ValueError(
            f"expected no placeholder but {TICKET}, got {found.group(0) if found else rest!r}"
            f" in {got(value)}"
        )
    if TICKET in urlsplit(value).netloc:
        raise ValueError(
            f"expected {TICKET} after the host (in the path, query or fragment), so a ticket "
            f"id cannot choose the site it leads to, got {got(value)}"
        )
    return value


class Tickets(_Model):
    url: Annotated[str, BeforeValidator(_check_ticket_url)]
    """A URL with `{ticket}` where the ticket id goes, percent-encoded
    (`https://tracker.example.com/browse/{ticket}`)."""


class Taxonomy(_Model):
    severities: dict[Annotated[str, BeforeValidator(_check_level)], Severity] = Field(min_length=1)
    services: list[Slug] | None = None
    teams: list[Slug] | None = None
    contributing_factors: dict[Slug, Factor] | None = None
    required: Required = Field(default_factory=Required)
    owners: dict[Text, GitHubHandle] | None = None
    """Action item owners (as written in `owner:`) -> GitHub handles, for follow-up issues."""
    tickets: Tickets | None = None
    """Where ticket ids lead: `url` with `{ticket}` in it, for every ticket on the site."""

    def handle(self, owner: str | None) -> str | None:
        """The GitHub handle of an action item's owner, when `owners:` maps it."""
        return (self.owners or {}).get(owner) if owner is not None else None

    def rank(self, level: str | None) -> int:
        """Position of a severity, most severe first; unknown levels after every known one,
        so sorting, badges and chart colours agree on the order."""
        levels = list(self.severities)
        return levels.index(level) if level in levels else len(levels)

    def factor_for(self, name: str) -> str | None:
        """The factor key that `name` spells as a key, label or alias, ignoring case and
        the difference between spaces, underscores and hyphens."""
        wanted = _normal(name)
        for key, factor in (self.contributing_factors or {}).items():
            if any(wanted == _normal(s) for s in [key, factor.label, *factor.aliases]):
                return key
        return None

    def severity_for(self, name: str) -> str | None:
        """The level that `name` spells as a key or label (`Major`, `p1`), or as `SEV1`."""
        wanted = _normal(name)
        for key, level in self.severities.items():
            if wanted in (_normal(key), _normal(level.label)):
                return key
        number = re.fullmatch(r"(?:sev|p)?-?([0-9])", wanted)
        if number and f"P{number.group(1)}" in self.severities:
            return f"P{number.group(1)}"
        return None


def _normal(text: str) -> str:
    return re.sub(r"[\s_-]+", "-", text.strip().casefold())


DEFAULT = Taxonomy(
    severities={
        "P0": Severity(
            label="Critical",
            description="Total outage or data loss for many users.",
            action_item_sla_days=15,
        ),
        "P1": Severity(
            label="Major",
            description="A core feature unavailable or badly degraded.",
            action_item_sla_days=30,
        ),
        "P2": Severity(
            label="Moderate",
            description="Partial degradation with a workaround.",
            action_item_sla_days=60,
        ),
        "P3": Severity(
            label="Minor", description="Small or internal impact.", action_item_sla_days=90
        ),
    }
)


class TaxonomyError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics


def load(path: Path, display: str | None = None) -> Taxonomy:
    """Read and check a taxonomy file; TaxonomyError lists every problem in it.

    A contributor may replace the file with a link, a FIFO or a huge file: a link must lead
    into the file's own folder, and only a regular file is read, up to the size limit."""
    from mkdocs_postmortems.core.messages import from_validation_error

    name = display or path.as_posix()
    try:
        real = str(path)
        if os.path.islink(path):
            real = discovery.resolve(os.path.abspath(path), os.path.realpath(path.parent))
        raw = reading.read_regular(real, loader.MAX_FILE_BYTES)
    except (discovery.Unfollowable, reading.Unreadable) as error:
        raise TaxonomyError([Diagnostic(name, 1, 1, "taxonomy", error.message)]) from None
    try:
        text = loader.decode(name, raw)
        parsed = strict_yaml.read(text, 1)
    except loader.LoadError as error:
        raise TaxonomyError([error.diagnostic]) from None
    except strict_yaml.YamlError as error:
        problem = loader.yaml_diagnostic(name, error, "taxonomy")
        raise TaxonomyError(_screened(name, raw, [problem])) from None
    data, marks = parsed.data, parsed.marks
    if not isinstance(data, dict):
        problem = Diagnostic(
            name,
            1,
            1,
            "taxonomy",
            "expected a mapping with severities, services, teams, contributing_factors,"
            f" got {got(data)}",
        )
        raise TaxonomyError(_screened(name, raw, [problem]))
    problems = [loader.yaml_diagnostic(name, p, "taxonomy") for p in parsed.problems]
    problems.extend(_unknown_required_names(data, name, marks))
    problems.extend(_ambiguous_spellings(data, name, marks))
    problems.extend(_colliding_pages(data, name, marks))
    try:
        taxonomy = Taxonomy.model_validate(data)
    except ValidationError as error:
        problems.extend(from_validation_error(error, name, data, marks, Taxonomy))
    document = loader.Document(name, data, marks, "", text.count("\n") + 2)  # all of it
    problems = _screened(name, raw, problems, document)
    if problems:
        raise TaxonomyError(problems)
    return taxonomy


def _screened(
    name: str, raw: bytes, problems: list[Diagnostic], document: loader.Document | None = None
) -> list[Diagnostic]:
    """The problems, with the credentials the file holds among them (a taxonomy's words are
    published and suggested in messages) and none of them quoted (see `secret_scan`)."""
    from mkdocs_postmortems.core import secret_scan

    screened = secret_scan.screen(name, raw, problems, document, whole="taxonomy")
    return sorted(screened.diagnostics)


def _unknown_required_names(
    data: dict[str, Any], name: str, marks: strict_yaml.Marks
) -> list[Diagnostic]:
    """Names under `required` that are not fields of the schema (a typo would make the
    rule silently check nothing)."""
    from mkdocs_postmortems.core.schema import ActionItem, Postmortem

    required = data.get("required")
    if not isinstance(required, dict):
        return []
    allowed = {
        "always": set(Postmortem.model_fields),
        "unless_draft": set(Postmortem.model_fields),
        "open_action_items": set(ActionItem.model_fields),
    }
    problems = []
    for group, fields in required.items():
        if group not in allowed or not isinstance(fields, list):
            continue
        for index, field in enumerate(fields):
            if isinstance(field, str) and field not in allowed[group]:
                line, column = marks.value(("required", group, index))
                problems.append(
                    Diagnostic(
                        name,
                        line,
                        column,
                        f"required.{group}[{index}]",
                        f"expected a field name of the schema, got {field!r}"
                        f"{suggest(field, sorted(allowed[group]))}",
                    )
                )
    return problems


def _ambiguous_spellings(
    data: dict[str, Any], name: str, marks: strict_yaml.Marks
) -> list[Diagnostic]:
    """A label or alias that spells another factor too would make suggestions a guess."""
    factors = data.get("contributing_factors")
    if not isinstance(factors, dict):
        return []
    owner: dict[str, str] = {_normal(key): key for key in factors}
    problems = []
    for key, factor in factors.items():
        if not isinstance(factor, dict):
            continue
        aliases = factor.get("aliases")
        spellings: list[tuple[tuple[str | int, ...], Any]] = [
            (("contributing_factors", key, "label"), factor.get("label")),
            *(
                (("contributing_factors", key, "aliases", i), alias)
                for i, alias in enumerate(aliases if isinstance(aliases, list) else [])
            ),
        ]
        for path, spelling in spellings:
            if not isinstance(spelling, str):
                continue
            other = owner.setdefault(_normal(spelling), key)
            if other != key:
                line, column = marks.value(path)
                problems.append(
                    Diagnostic(
                        name,
                        line,
                        column,
                        field_name(path),
                        f"expected a spelling of this factor only, got {spelling!r}, "
                        f"which also spells {other!r}",
                    )
                )
    return problems


PAGE_KINDS = {
    "severities": "severity",
    "services": "services",
    "teams": "teams",
    "contributing_factors": "factors",
}
"""Vocabularies whose keys get a page each (`severity/P1/`), and the folder of those pages."""
FOLDER_PAGE_STEMS = ("index", "README")
"""Names a page generator publishes as its folder's own page; a key spelt so moves aside
(`index_`), as `site.urls.term` moves it (a test holds the two to the same rule)."""


def page_name(key: str) -> str:
    """A key's page as a case-insensitive file system compares names (sites are often
    served from one): `P1` and `p1` are one page, and so are `index` and `index_`."""
    return (f"{key}_" if key in FOLDER_PAGE_STEMS else key).casefold()


def _colliding_pages(data: dict[str, Any], name: str, marks: strict_yaml.Marks) -> list[Diagnostic]:
    """Two keys of one vocabulary whose pages would be one page, or a key whose page would
    be its vocabulary's index: one would overwrite the other on the site."""
    problems = []
    for group, kind in PAGE_KINDS.items():
        value = data.get(group)
        keyed: list[tuple[tuple[str | int, ...], Any, bool]]
        if isinstance(value, dict):
            keyed = [((group, key), key, True) for key in value]
        elif isinstance(value, list):
            keyed = [((group, index), key, False) for index, key in enumerate(value)]
        else:
            continue
        owner: dict[str, tuple[str, str | None]] = {"index": (f"the {kind} index page", None)}
        seen: set[str] = set()
        for path, key, is_key in keyed:
            if not isinstance(key, str) or key in seen:  # a key listed twice is one page
                continue
            seen.add(key)
            page = page_name(key)
            if page not in owner:
                owner[page] = (f"the page of {key!r}", key)
                continue
            first, first_key = owner[page]
            if first_key is not None and first_key.casefold() != key.casefold():
                why = "a key named index or README moves aside, to index_ or README_"
            else:
                why = "pages are told apart ignoring case, as case-insensitive file systems do"
            line, column = marks.key(path) if is_key else marks.value(path)
            problems.append(
                Diagnostic(
                    name,
                    line,
                    column,
                    field_name(path),
                    f"expected a key with a page of its own, got {key!r}, whose page would "
                    f"overwrite {first} ({why})",
                )
            )
    return problems


def find(paths: list[Path]) -> Path | None:
    """The taxonomy governing `paths`: a `taxonomy.yml` in the first folder given or in a
    folder above the first file, else `postmortems/taxonomy.yml` under the working folder."""
    for path in paths[:1]:
        start = path if path.is_dir() else path.parent
        for folder in [start, *start.resolve().parents]:
            candidate = folder / FILENAME
            if os.path.lexists(candidate):  # whatever it is: `load` says what is wrong with it
                return candidate
            if (folder / ".git").exists():
                break
    fallback = Path("postmortems") / FILENAME
    return fallback if os.path.lexists(fallback) else None
