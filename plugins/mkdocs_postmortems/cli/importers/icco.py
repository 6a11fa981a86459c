"""The public corpus format of icco/postmortems -> postmortems (docs/importing-icco.md).

A source file is Markdown with YAML front matter (uuid, url, title, start_time, end_time,
categories, keywords, company, product, summary, source_published_at, source_fetched_at,
sometimes archive_url); the body is the description.

- Nothing is made up. A value the source lacks stays out and is named in `missing`. A value
  with no exact home in the schema (an http:// link, a date without a time, a time the schema
  refuses, an unknown key) is kept verbatim in a "Source" list at the end of the body and
  named in `notes`.
- Times are kept as written. One without an offset is UTC, as the source's own reader (Go's
  `time.Parse`) takes it; Go's zero time (year 1) means "unknown".
- Unreadable input (not UTF-8, no front matter, broken YAML, a repeated key, an anchor or a
  tag) raises `loader.LoadError` at its place. A field of the wrong shape (a list as the
  title) is left out with a note, so one odd field does not cost the rest of the file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from pydantic import TypeAdapter, ValidationError

from mkdocs_postmortems.cli.importers import icco_taxonomy, source_section
from mkdocs_postmortems.cli.importers.base import Imported
from mkdocs_postmortems.cli.importers.slugs import shorten, slug
from mkdocs_postmortems.core import loader
from mkdocs_postmortems.core.messages import field_name
from mkdocs_postmortems.core.schema import Postmortem, Url, got, parse_date, parse_timestamp
from mkdocs_postmortems.core.strict_yaml import Path
from mkdocs_postmortems.core.taxonomy import Taxonomy

NAME = "icco"
ID_PREFIX = "ICCO"
NOT_RATED = icco_taxonomy.NOT_RATED
STATUS = "published"
STEM_WORDS_LIMIT = 60
STEM_UUID_CHARS = 8

KNOWN_KEYS = (
    "uuid",
    "url",
    "archive_url",
    "title",
    "start_time",
    "end_time",
    "categories",
    "keywords",
    "company",
    "product",
    "summary",
    "source_published_at",
    "source_fetched_at",
)
_TYPICAL_KEYS = frozenset(KNOWN_KEYS) - {"uuid", "url", "title", "summary"}
_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:", re.MULTILINE)
_UUID_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_UUID_FILE = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_NAIVE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?")
_DAY_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAY_PREFIX = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?![0-9])")
_MIDNIGHT_UTC = re.compile(r".{10}[Tt ]00:00:00(\.0+)?([Zz]|[+-]00:00)")
_GO_ZERO_DAY = "0001-01-01"
# The characters the schema refuses in text: controls other than tab and line feed, and the
# bidi overrides and isolates.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"\s*[\n\u2028\u2029]\s*")
_LINK = TypeAdapter(Url)

_WHY_ABSENT = {
    "id": "the source has no uuid",
    "title": "the source has no title",
    "authors": "the source names no author",
    "services": "the source names no product",
    "teams": "the source names no team",
    "summary": "the source has no summary",
    "started_at": "the source has no start_time",
    "detected_at": "the source has no detection time",
    "mitigated_at": "the source has no mitigation time",
    "resolved_at": "the source has no end_time",
    "contributing_factors": "the source lists no categories",
}


def detect(text: str) -> bool:
    """Front matter with the source's keys (uuid and url, and one of its others) and not ours
    (`id`). Read line by line, not parsed, so that broken YAML is still recognised and
    `convert` reports where it breaks."""
    text = text[:65536].removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return False
    end = text.find("\n---", 3)
    keys = set(_TOP_LEVEL_KEY.findall(text[4 : end + 1] if end >= 0 else text[4:]))
    return {"uuid", "url"} <= keys and bool(keys & _TYPICAL_KEYS) and "id" not in keys


def convert(name: str, text: str, taxonomy: Taxonomy) -> Imported:
    """One source file -> front matter and body; `missing` is judged against `taxonomy`."""
    document = loader.parse(name, text.encode("utf-8", "surrogatepass"))
    if document.problems:
        raise loader.LoadError(document.problems[0])
    draft = _Draft(document)
    uuid = _identity(draft, name)
    draft.data["severity"] = NOT_RATED
    draft.data["status"] = STATUS
    company = draft.keep("company")
    _services(draft)
    _tags_and_factors(draft, company)
    summary = draft.text("summary")
    if summary:
        draft.data["summary"] = summary
    _times(draft)
    _links(draft)
    draft.keep("source_fetched_at")
    _unknown_keys(draft)
    data = {key: draft.data[key] for key in Postmortem.model_fields if key in draft.data}
    return Imported(
        data=data,
        body=source_section.body(document.body, draft.kept),
        missing=_missing(draft, taxonomy),
        notes=draft.notes + _not_in(taxonomy, data),
        stem=_stem(draft, uuid, company),
    )


def corpus_taxonomy(imported: list[Imported]) -> str:
    """The YAML text of the taxonomy the imported files validate against (icco_taxonomy)."""
    return icco_taxonomy.corpus_taxonomy(imported)


@dataclass
class _Draft:
    """The postmortem being built from one document, and what the author should hear."""

    document: loader.Document
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    """(source key, value) pairs for the body's Source list."""
    why_absent: dict[str, str] = field(default_factory=dict)

    def raw(self, key: str) -> str | None:
        """The source's text at `key`, stripped; None when absent, empty or not text."""
        value = self.document.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.wrong((key,), "text", value)
            return None
        return value.strip() or None

    def text(self, key: str, *, one_line: bool = False) -> str | None:
        """Like `raw`, without the characters the schema refuses (and, for one line, joined)."""
        value = self.raw(key)
        if value is None:
            return None
        cleaned = _FORBIDDEN.sub("", value)
        if cleaned != value:
            self.notes.append(
                f"{key}: left out {len(value) - len(cleaned)} control or "
                "bidi-override characters that the schema refuses"
            )
        if one_line and _LINE_BREAK.search(cleaned):
            cleaned = _LINE_BREAK.sub(" ", cleaned)
            self.notes.append(f"{key}: had several lines; joined into one")
        return cleaned.strip() or None

    def keep(self, key: str) -> str | None:
        """`raw`, also kept as written in the Source list (for what has no field, or whose
        field, a slug, loses its spelling)."""
        value = self.raw(key)
        if value is not None:
            self.kept.append((key, value))
        return value

    def items(self, key: str) -> list[str]:
        """The texts of a list (a lone text counts as a list of one)."""
        value = self.document.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.wrong((key,), "a list", value)
            return []
        out = []
        for index, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                out.append(item.strip())
            elif item is not None:
                self.wrong((key, index), "text", item)
        return out

    def wrong(self, path: Path, expected: str, value: Any) -> None:
        line, _ = self.document.marks.value(path)
        self.notes.append(
            f"{field_name(path)} (line {line}): expected {expected}, got {got(value)}; left out"
        )


def _identity(draft: _Draft, name: str) -> str | None:
    """id from the uuid (or, failing that, from a file named by its uuid, as the source
    names its files); title as one line."""
    uuid = draft.raw("uuid")
    if uuid is None:
        stem = PurePath(name).stem
        if _UUID_FILE.fullmatch(stem):
            uuid = stem
            draft.notes.append(f"uuid: absent; taken from the file name {stem}")
    if uuid is not None and _UUID_PART.fullmatch(uuid):
        draft.data["id"] = f"{ID_PREFIX}-{uuid}"
    elif uuid is not None:
        draft.why_absent["id"] = f"the source's uuid {uuid!r} cannot be part of an id"
    title = draft.text("title", one_line=True)
    if title:
        draft.data["title"] = title
    return uuid


def _services(draft: _Draft) -> None:
    """The product names the affected services; a list of products (`EC2, EBS`) is several."""
    product = draft.keep("product")
    if not product:
        return
    services = _unique(slug(name) for name in _split_names(product) if slug(name))
    if services:
        draft.data["services"] = services
    else:
        draft.why_absent["services"] = f"the product {product!r} has no letters to slug"
    if len(services) > 1:
        draft.notes.append(f"services: product {product!r} read as {len(services)} services")


def _tags_and_factors(draft: _Draft, company: str | None) -> None:
    """company and keywords -> tags; categories -> factors, except those naming no cause."""
    tags = [slug(company)] if company and slug(company) else []
    keywords = draft.items("keywords")
    tags.extend(slug(word) for word in keywords if slug(word))
    no_tag = [word for word in keywords if not slug(word)]
    if no_tag:
        draft.kept.append(("keywords", ", ".join(no_tag)))
        draft.notes.append(f"keywords: no tag can be made of {no_tag!r}; kept in the body")
    factors: list[str] = []
    for word in draft.items("categories"):
        key = slug(word)
        if key in icco_taxonomy.NOT_FACTORS:
            tags.append(key)
            draft.notes.append(f"categories: {word!r} names no cause; kept as a tag")
        elif not key:
            draft.kept.append(("categories", word))
            draft.notes.append(f"categories: no factor key can be made of {word!r}; kept in body")
        elif key in factors:
            draft.notes.append(f"categories: {word!r} is listed twice; kept once")
        else:
            factors.append(key)
            if key != word:
                draft.notes.append(f"categories: {word!r} is the factor {key}")
    if tags:
        draft.data["tags"] = _unique(tags)
    if factors:
        draft.data["contributing_factors"] = factors


def _split_names(text: str) -> list[str]:
    """`EC2, EBS, RDS (MySQL, Aurora)` -> the three names, commas in brackets kept."""
    names, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth <= 0:
            names.append(current)
            current = ""
        else:
            current += char
    return [n.strip() for n in [*names, current] if n.strip()]


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(values))


def _times(draft: _Draft) -> None:
    """start_time/end_time kept exactly; the document's date is the day of publication."""
    _time(draft, "start_time", "started_at")
    _time(draft, "end_time", "resolved_at")
    start, end = draft.data.get("started_at"), draft.data.get("resolved_at")
    if start and end and parse_timestamp(end) < parse_timestamp(start):
        draft.notes.append(f"end_time {end} is before start_time {start} in the source")
    published = draft.keep("source_published_at")
    if published is None or published.startswith(_GO_ZERO_DAY):
        return
    day = _day_of(published)
    try:
        parse_date(day or published)
    except ValueError as error:
        draft.notes.append(f"source_published_at: no document date from {published!r}: {error}")
    else:
        draft.data["date"] = day


def _time(draft: _Draft, key: str, target: str) -> None:
    text = draft.raw(key)
    if text is None:
        return
    if text.startswith(_GO_ZERO_DAY):
        draft.notes.append(f"{key}: {text} is the source's zero time, meaning unknown; left out")
        return
    if _NAIVE_TIME.fullmatch(text):
        candidate, naive = text + "Z", True
    else:
        candidate, naive = text, False
    try:
        parse_timestamp(candidate)
    except ValueError as error:
        if _DAY_ONLY.fullmatch(text):
            reason = f"the source gives only the date {text}, and a time is not invented"
        else:
            reason = f"the schema refuses the source's {key}: {error}"
        draft.kept.append((key, text))
        draft.why_absent[target] = reason
        draft.notes.append(f"{key}: kept in the body, not as {target}; {reason}")
        return
    draft.data[target] = candidate
    if naive:
        draft.notes.append(f"{key}: {text} has no offset; read as UTC, as the source's tools do")
    elif _MIDNIGHT_UTC.fullmatch(text):
        draft.notes.append(
            f"{key}: {text} is midnight UTC exactly, which the source's tools also write for a "
            "bare date; check the time"
        )


def _day_of(text: str | None) -> str:
    """The real calendar day a time or date starts with, or ""."""
    match = _DAY_PREFIX.match(text or "")
    try:
        return dt.date.fromisoformat(match.group(1)).isoformat() if match else ""
    except ValueError:
        return ""


def _links(draft: _Draft) -> None:
    """https links under links; others (http://) kept in the body as written."""
    links = {}
    for key, name in (("url", "source"), ("archive_url", "archive")):
        value = draft.raw(key)
        if value is None:
            continue
        try:
            links[name] = _LINK.validate_python(value)
        except ValidationError:
            draft.kept.append((key, value))
            draft.notes.append(
                f"{key}: {value} is not an https link, which links require; kept in the body"
            )
    if links:
        draft.data["links"] = links


def _unknown_keys(draft: _Draft) -> None:
    for key, value in draft.document.data.items():
        if key in KNOWN_KEYS or value is None:
            continue
        items = value if isinstance(value, list) else [value]
        if not items or items == [""]:
            continue
        if all(isinstance(item, str) for item in items):
            draft.kept.append((key, ", ".join(items)))
            draft.notes.append(f"{key}: not a field of the source format; kept in the body")
        else:
            draft.wrong((key,), "text or a list of text", value)


def _stem(draft: _Draft, uuid: str | None, company: str | None) -> str | None:
    """`YYYY-MM-DD-<title words>-<uuid start>`: the day the incident started (else the day
    of publication), and the uuid's start so that two incidents of one title never clash."""
    source = draft.document.data
    start, product = source.get("start_time"), source.get("product")
    day = _day_of(start if isinstance(start, str) else None) or draft.data.get("date", "")
    if day.startswith(_GO_ZERO_DAY):
        day = ""
    product = product if isinstance(product, str) else None
    words = draft.data.get("title") or " ".join(filter(None, [company, product]))
    tail = slug(uuid)[:STEM_UUID_CHARS].strip("-") if uuid else ""
    parts = [day, shorten(slug(words), STEM_WORDS_LIMIT), tail]
    return "-".join(part for part in parts if part) or None


def _missing(draft: _Draft, taxonomy: Taxonomy) -> list[str]:
    """Required fields (status is published, so `unless_draft` applies) still absent."""
    rules = taxonomy.required
    names = _unique([*rules.always, *rules.unless_draft])
    return [
        f"{name} ({draft.why_absent.get(name) or _WHY_ABSENT.get(name, 'not in the source')})"
        for name in names
        if name not in draft.data
    ]


def _not_in(taxonomy: Taxonomy, data: dict[str, Any]) -> list[str]:
    """Values the taxonomy in use does not list (the corpus taxonomy lists them all)."""
    unknown = [] if NOT_RATED in taxonomy.severities else [f"severity {NOT_RATED}"]
    factors = taxonomy.contributing_factors
    for key, known in (("services", taxonomy.services), ("contributing_factors", factors)):
        if known is not None:
            unknown.extend(f"{key} {value}" for value in data.get(key, []) if value not in known)
    if not unknown:
        return []
    return [
        f"not in the taxonomy in use: {', '.join(unknown)} (the taxonomy generated for the "
        "imported corpus lists them)"
    ]
