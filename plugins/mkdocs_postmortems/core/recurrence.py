"""Recurrence alerts: a postmortem that names a contributing factor on a service that an
earlier published postmortem also named, while that one still has open action items.

The earlier one's follow-up was meant to stop this happening again; its reviewers should
hear that it has not finished. One rule for the page (`site.postmortem`) and for
`postmortems validate`, which prints the same as notices:

- *earlier* is by `started_at` (the moment, whatever the offset), then by id, then by
  path; a postmortem without `started_at` neither gets nor gives alerts;
- the earlier one is `published` (a draft or one in review is still being written), and at
  least one of its action items is `open` or `in-progress`;
- they share a factor *and* a service (both keys as written in the files);
- a postmortem of any status gets its alerts, so a draft's pull request shows them.

The work is linear in the corpus: the earlier candidates of each (factor, service) pair are
kept sorted, and only the `LIMIT` latest of each are looked at (which is enough to find the
`LIMIT` latest of them all, and to know whether there are more).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from mkdocs_postmortems.core import loader, reading, strict_yaml
from mkdocs_postmortems.core.corpus import Corpus, Entry, load_file
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.discovery import Found
from mkdocs_postmortems.core.messages import field_name
from mkdocs_postmortems.core.metrics import is_open
from mkdocs_postmortems.core.taxonomy import Taxonomy

LIMIT = 5
"""Earlier postmortems an alert names at most, the latest first."""

Order = tuple[float, str, str]


def order(entry: Entry) -> Order | None:
    """Where a postmortem stands in time: `started_at`, then id (its stem when it has
    none), then path; None without `started_at`."""
    pm = entry.postmortem
    if pm.started_at is None:
        return None
    return (pm.started_at.timestamp(), pm.id or PurePosixPath(entry.path).stem, entry.path)


@dataclass(frozen=True)
class Earlier:
    """One earlier published postmortem that named the same factor on the same service."""

    entry: Entry
    factors: tuple[str, ...]
    """The factors both named, in the order of the later postmortem."""
    services: tuple[str, ...]
    """The services both named, likewise."""
    open_items: int
    """Its action items still open or in progress."""

    @property
    def id(self) -> str:
        return self.entry.postmortem.id or PurePosixPath(self.entry.path).stem

    @property
    def title(self) -> str:
        return self.entry.postmortem.title or PurePosixPath(self.entry.path).stem


@dataclass(frozen=True)
class Alert:
    """What a postmortem is told: the latest earlier ones (at most `LIMIT`), latest first,
    and whether there are more."""

    earlier: list[Earlier]
    more: bool = False


NO_ALERT = Alert([])


def sentence(earlier: Earlier) -> str:
    """`PM-2025-004 named the same factor on checkout; 2 of its action items are still
    open`: what is said for each factor both named, at that factor."""
    return (
        f"{earlier.id} named the same factor on {services_text(earlier.services)}; "
        f"{open_text(earlier)}"
    )


def services_text(services: Iterable[str]) -> str:
    """`checkout`, `checkout and payments`, `a, b and c`."""
    names = list(services)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def open_text(earlier: Earlier) -> str:
    """`2 of its action items are still open`, `1 of its action items is still open`."""
    verb = "is" if earlier.open_items == 1 else "are"
    return f"{earlier.open_items} of its action items {verb} still open"


class Index:
    """The published postmortems with open action items, by (factor, service), in time
    order: what `alert` searches. What an alert says of each (its factors and services, its
    open items) is worked out here once, not again for every later postmortem."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        pairs: dict[tuple[str, str], list[tuple[Order, _Candidate]]] = {}
        for entry in entries:
            pm = entry.postmortem
            if pm.status != "published":
                continue
            open_items = sum(1 for a in pm.action_items if is_open(a))
            at = order(entry) if open_items else None
            if at is None:
                continue
            candidate = _Candidate(
                entry, frozenset(pm.contributing_factors), frozenset(pm.services), open_items
            )
            for factor in dict.fromkeys(pm.contributing_factors):
                for service in dict.fromkeys(pm.services):
                    pairs.setdefault((factor, service), []).append((at, candidate))
        self.orders: dict[tuple[str, str], list[Order]] = {}
        self.candidates: dict[tuple[str, str], list[_Candidate]] = {}
        for pair, found in pairs.items():
            found.sort(key=lambda x: x[0])
            self.orders[pair] = [at for at, _ in found]
            self.candidates[pair] = [candidate for _, candidate in found]

    def alert(self, entry: Entry) -> Alert:
        """The earlier published postmortems with open action items that named one of
        `entry`'s factors on one of its services."""
        at = order(entry)
        pm = entry.postmortem
        if at is None or not pm.contributing_factors or not pm.services or not self.orders:
            return NO_ALERT
        factors, services = dict.fromkeys(pm.contributing_factors), dict.fromkeys(pm.services)
        found: dict[str, tuple[Order, _Candidate]] = {}
        for factor in factors:
            for service in services:
                orders = self.orders.get((factor, service))
                if not orders:
                    continue
                end = bisect.bisect_left(orders, at)  # those strictly earlier
                candidates = self.candidates[(factor, service)]
                for index in range(max(0, end - LIMIT - 1), end):
                    candidate = candidates[index]
                    found.setdefault(candidate.entry.path, (orders[index], candidate))
        if not found:
            return NO_ALERT
        latest = sorted(found.values(), key=lambda x: x[0], reverse=True)
        return Alert(
            [
                Earlier(
                    other.entry,
                    tuple(f for f in factors if f in other.factors),
                    tuple(s for s in services if s in other.services),
                    other.open_items,
                )
                for _, other in latest[:LIMIT]
            ],
            len(latest) > LIMIT,
        )


@dataclass(frozen=True)
class _Candidate:
    """An earlier postmortem an alert may name, with what the alert says of it."""

    entry: Entry
    factors: frozenset[str]
    services: frozenset[str]
    open_items: int


# `postmortems validate` ------------------------------------------------------------------


def notices(corpus: Corpus, taxonomy: Taxonomy, as_of: dt.date) -> list[Diagnostic]:
    """The alerts of the files checked, as notices at each shared factor's line (never an
    error: they change no exit code). Earlier postmortems come from the files checked and,
    when only some files of a folder are named (a pull request's), from the rest of it
    (`corpus.context`), of which only files that can be one are read."""
    named = [entry for entry in corpus.entries if _may_alert(entry)]
    if not named:
        return []
    factors = {f for entry in named for f in entry.postmortem.contributing_factors}
    services = {s for entry in named for s in entry.postmortem.services}
    others = [
        loaded.entry
        for found in corpus.context
        if _may_be_earlier(found, factors, services)
        and (loaded := load_file(found.path, taxonomy, found.display, found.identity, as_of))
        and loaded.entry is not None
    ]
    index = Index([*corpus.entries, *others])
    out: list[Diagnostic] = []
    for entry in named:
        alert = index.alert(entry)
        if alert.earlier:
            out.extend(_notices(entry, alert))
    return out


def _may_alert(entry: Entry) -> bool:
    pm = entry.postmortem
    return pm.started_at is not None and bool(pm.contributing_factors) and bool(pm.services)


def _may_be_earlier(found: Found, factors: set[str], services: set[str]) -> bool:
    """Whether a file of the folder can be an earlier postmortem of one of the files
    checked: its front matter says `published` and names one of their factors and one of
    their services, as written, or holds a backslash (a YAML escape could spell them)."""
    try:
        raw = reading.read_regular(found.path, loader.MAX_FILE_BYTES, found.identity)
        front, _, _ = loader.split(found.display, loader.decode(found.display, raw))
    except (reading.Unreadable, loader.LoadError):
        return False
    if "\\" in front:
        return True
    return (
        "published" in front
        and any(factor in front for factor in factors)
        and any(service in front for service in services)
    )


def _notices(entry: Entry, alert: Alert) -> list[Diagnostic]:
    """One notice per earlier postmortem and factor both named, at that factor."""
    factors = entry.postmortem.contributing_factors
    marks = _marks(entry)
    out = []
    for earlier in alert.earlier:
        for factor in earlier.factors:
            path = ("contributing_factors", factors.index(factor))
            line, column = marks.value(path) if marks is not None else (1, 1)
            message = f"{sentence(earlier)} ({earlier.entry.path})"
            out.append(Diagnostic(entry.path, line, column, field_name(path), message, "notice"))
    if alert.more:
        line, column = marks.key(("contributing_factors",)) if marks is not None else (1, 1)
        out.append(
            Diagnostic(
                entry.path,
                line,
                column,
                "contributing_factors",
                f"more earlier published postmortems named these factors on these services "
                f"and still have open action items; the {LIMIT} latest are named",
                "notice",
            )
        )
    return out


def _marks(entry: Entry) -> strict_yaml.Marks | None:
    """The positions of a valid file's values, read again: entries keep none (see
    `corpus.Entry`), and only the few files with an alert need them."""
    try:
        raw = reading.read_regular(entry.source, loader.MAX_FILE_BYTES)
        return loader.parse(entry.path, raw).marks
    except (reading.Unreadable, loader.LoadError):
        return None
