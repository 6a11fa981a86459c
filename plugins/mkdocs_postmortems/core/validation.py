"""Checks of one postmortem: the schema, the taxonomy's vocabularies and rules, and what the
body's HTML may do on the page (`body_check`).

Every check runs even when an earlier one failed, so an author sees all problems of a
file in one run rather than one per push.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from pydantic import TypeAdapter, ValidationError

from mkdocs_postmortems.core import body_check, bounds, metrics
from mkdocs_postmortems.core.diagnostics import Diagnostic, has_errors
from mkdocs_postmortems.core.loader import Document
from mkdocs_postmortems.core.messages import field_name, from_validation_error, suggest
from mkdocs_postmortems.core.schema import (
    ACTIVE_ACTION_STATUSES,
    FINAL_STATUSES,
    TIMESTAMP_ORDER,
    Boolean,
    Postmortem,
    got,
    parse_date,
    parse_timestamp,
    unique_lists,
)
from mkdocs_postmortems.core.strict_yaml import Path
from mkdocs_postmortems.core.taxonomy import Taxonomy


def validate(
    document: Document, taxonomy: Taxonomy, as_of: dt.date | None = None
) -> tuple[Postmortem | None, list[Diagnostic]]:
    """Document -> the validated model (None when invalid) and every diagnostic.

    `as_of` is the day nothing may yet have happened after (an action item closed later is
    a typo); by default `metrics.as_of_date`'s: POSTMORTEMS_AS_OF, else today.
    """
    data = document.data
    diagnostics: list[Diagnostic] = list(document.problems)
    model: Postmortem | None = None
    try:
        model = Postmortem.model_validate(data)
    except ValidationError as error:
        diagnostics.extend(
            from_validation_error(error, document.path, data, document.marks, Postmortem)
        )
    checks = _Checks(document, diagnostics)
    checks.required(taxonomy)
    checks.before_publishing(taxonomy)
    checks.vocabularies(taxonomy)
    checks.time_order()
    checks.no_repeats()
    checks.closing_dates(as_of if as_of is not None else metrics.as_of_date(None))
    diagnostics.extend(body_check.check(document.path, document.body, document.body_line))
    diagnostics = _placeholders_first(document, diagnostics)
    if has_errors(diagnostics):
        model = None
    return model, _one_per_place(diagnostics)


PLACEHOLDER = bounds.PLACEHOLDER
_BOOLEAN: TypeAdapter[bool] = TypeAdapter(Boolean)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


_UNIQUE = unique_lists(Postmortem)


def placeholders(data: dict[str, Any]) -> list[Path]:
    """Paths of the values of a document's data that are exactly the placeholder, as
    `postmortems new` writes them for what the author must still fill in."""
    found: list[Path] = []
    _collect(data, (), found)
    return found


def _collect(data: dict[Any, Any] | list[Any], path: Path, found: list[Path]) -> None:
    """Every file is walked: scalars are tested in the loop, not in a call each."""
    for key, value in data.items() if isinstance(data, dict) else enumerate(data):
        if isinstance(value, dict | list):
            _collect(value, (*path, key), found)
        elif isinstance(value, str) and PLACEHOLDER in value and value.strip() == PLACEHOLDER:
            found.append((*path, key))


def _placeholders_first(document: Document, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A placeholder is reported as what it is, not as the wrong type or word it also is
    (`due: TODO` is "still to fill in", not "expected a date")."""
    unknown = {d.field for d in diagnostics if d.message.startswith("unknown field")}
    places: set[tuple[int, int, str]] = set()
    for path in placeholders(document.data):
        line, column = document.marks.value(path)
        if field_name(path) not in unknown:  # the fix is the field's name, not its value
            places.add((line, column, field_name(path)))
    if not places:
        return diagnostics
    kept = [d for d in diagnostics if (d.line, d.column, d.field) not in places]
    message = f"still to fill in ({PLACEHOLDER})"
    kept.extend(Diagnostic(document.path, *place, message) for place in sorted(places))
    return kept


def _one_per_place(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per place: `authors: []` is one problem, not "too short" and
    "missing" both. The first (schema) one is kept, unless a later one names the fix."""
    kept: dict[tuple[int, int, str], Diagnostic] = {}
    for diagnostic in diagnostics:
        place = (diagnostic.line, diagnostic.column, diagnostic.field)
        first = kept.get(place)
        if first is None:
            kept[place] = diagnostic
        elif "(did you mean" in diagnostic.message and "(did you mean" not in first.message:
            kept[place] = diagnostic  # the taxonomy's word for it, with the fix
    return sorted(kept.values())


class _Checks:
    """Taxonomy and cross-field checks over the raw data, tolerant of wrong types."""

    def __init__(self, document: Document, out: list[Diagnostic]) -> None:
        self.document = document
        self.data = document.data
        self.out = out

    def error(self, path: Path, message: str, *, at_key: bool = False) -> None:
        marks = self.document.marks
        line, column = marks.key(path) if at_key else marks.value(path)
        self.out.append(Diagnostic(self.document.path, line, column, field_name(path), message))

    def required(self, taxonomy: Taxonomy) -> None:
        rules = taxonomy.required
        status = self.data.get("status")
        for name in rules.always:
            self._require((name,), "")
        # Without a valid status, whether the draft exemptions apply is unknown: the
        # status error alone is reported.
        if isinstance(status, str) and status in FINAL_STATUSES:
            for name in rules.unless_draft:
                self._require((name,), " (required unless status is draft)")
        items = self.data.get("action_items")
        if isinstance(items, list):
            for index, item in enumerate(items):
                status = item.get("status") if isinstance(item, dict) else None
                if isinstance(status, str) and status in ACTIVE_ACTION_STATUSES:
                    for name in rules.open_action_items:
                        self._require(
                            ("action_items", index, name),
                            f" (required while the action item is {status})",
                        )

    def _require(self, path: Path, why: str) -> None:
        parent: Any = self.data
        for part in path[:-1]:
            parent = parent[part]
        name = path[-1]
        if name not in parent:
            self.error(path, f"missing required field{why}")
        elif parent[name] == []:
            self.error(path, f"expected at least one item, got none{why}")
        elif parent[name] is None or parent[name] == {}:
            self.error(path, f"expected a value, got nothing{why}")

    def before_publishing(self, taxonomy: Taxonomy) -> None:
        """The review gates (`required.before_publishing`), at the `status` that claims to
        have passed them: a review on record, and enough approvals given."""
        gates = taxonomy.required.before_publishing
        if self.data.get("status") != "published" or not (gates.review_held or gates.approvals):
            return
        review = self.data.get("review")
        held = isinstance(review, dict) and review.get("held_on") not in (None, "", [], {})
        given = self._approvals_given()
        review_missing = gates.review_held and not held
        approvals_missing = given < gates.approvals
        wanted = f"{_count(gates.approvals, 'approval')} (approved: true)"
        if review_missing and approvals_missing:
            found = f"no review and {_count(given, 'approval') if given else 'no approval'}"
            message = f"expected a review (review.held_on) and {wanted}"
        elif review_missing:
            found, message = "none", "expected a review (review.held_on)"
        elif approvals_missing:
            found, message = str(given) if given else "none", f"expected {wanted}"
        else:
            return
        self.error(("status",), f"{message} before publishing, got {found}")

    def _approvals_given(self) -> int:
        """Approvals with `approved: true`; a value that is no boolean is the schema's to
        report, and counts as none here."""
        approvals = self.data.get("approvals")
        if not isinstance(approvals, list):
            return 0
        given = 0
        for approval in approvals:
            if isinstance(approval, dict):
                with contextlib.suppress(ValidationError):
                    given += _BOOLEAN.validate_python(approval.get("approved", False))
        return given

    def vocabularies(self, taxonomy: Taxonomy) -> None:
        severity = self.data.get("severity")
        if isinstance(severity, str) and severity not in taxonomy.severities:
            levels = list(taxonomy.severities)
            level = taxonomy.severity_for(severity)
            hint = f" (did you mean {level!r}?)" if level else suggest(severity, levels)
            self.error(
                ("severity",),
                f"expected one of {', '.join(levels)}; got {got(severity)}{hint}",
            )
        for field, allowed in (("services", taxonomy.services), ("teams", taxonomy.teams)):
            if allowed is not None:
                self._members(field, allowed, f"a {field[:-1]} listed in the taxonomy")
        factors = taxonomy.contributing_factors
        if factors is not None:
            values = self.data.get("contributing_factors")
            if isinstance(values, list):
                for index, value in enumerate(values):
                    if isinstance(value, str) and value not in factors:
                        key = taxonomy.factor_for(value)
                        hint = f" (did you mean {key!r}?)" if key else suggest(value, factors)
                        self.error(
                            ("contributing_factors", index),
                            f"expected a contributing factor key from the taxonomy, "
                            f"got {got(value)}{hint}",
                        )

    def _members(self, field: str, allowed: list[str], what: str) -> None:
        values = self.data.get(field)
        if not isinstance(values, list):
            return
        for index, value in enumerate(values):
            if isinstance(value, str) and value not in allowed:
                self.error(
                    (field, index), f"expected {what}, got {got(value)}{suggest(value, allowed)}"
                )

    def no_repeats(self) -> None:
        """A value listed twice would be counted twice by analytics."""
        for name in _UNIQUE:
            values = self.data.get(name)
            if not isinstance(values, list):
                continue
            seen: set[str] = set()
            for index, value in enumerate(values):
                if isinstance(value, str):
                    if value in seen:
                        self.error(
                            (name, index), f"expected each value once, got {got(value)} again"
                        )
                    seen.add(value)

    def closing_dates(self, as_of: dt.date) -> None:
        """An item is closed after the incident started and by the as-of day: an open item
        with a closing date would count as both open and closed, and one closed before the
        incident or in the future is a typo that reports would count as fact."""
        items = self.data.get("action_items")
        if not isinstance(items, list):
            return
        started = self._start_day()
        for index, item in enumerate(items):
            if not isinstance(item, dict) or item.get("closed_on") is None:
                continue
            path = ("action_items", index, "closed_on")
            status = item.get("status")
            if isinstance(status, str) and status in ACTIVE_ACTION_STATUSES:
                self.error(
                    path,
                    f"expected no closing date while the action item is {status} (set status "
                    f"to done or wont-do), got {got(item['closed_on'])}",
                )
                continue
            try:
                closed = parse_date(item["closed_on"])
            except ValueError:
                continue  # the schema names it
            if started is not None and closed < started:
                self.error(
                    path,
                    f"expected a day on or after the incident started ({started.isoformat()}, "
                    f"the day of started_at), got {closed.isoformat()}",
                )
            elif closed > as_of:
                self.error(
                    path,
                    f"expected a day on or before the as-of day ({as_of.isoformat()}; set by "
                    f"--as-of or POSTMORTEMS_AS_OF, else today), got {closed.isoformat()}",
                )

    def _start_day(self) -> dt.date | None:
        """The first day the incident touched: of started_at as written or in UTC, the
        earlier (an item may be closed on the same day in either)."""
        value = self.data.get("started_at")
        try:
            moment = parse_timestamp(value) if value is not None else None
        except ValueError:
            return None
        if moment is None:
            return None
        return min(moment.date(), moment.astimezone(dt.UTC).date())

    def time_order(self) -> None:
        previous: tuple[str, Any] | None = None
        for name in TIMESTAMP_ORDER:
            value = self.data.get(name)
            try:
                moment = parse_timestamp(value) if value is not None else None
            except ValueError:
                continue
            if moment is None:
                continue
            if previous is not None and moment < previous[1]:
                self.error(
                    (name,),
                    f"expected a time at or after {previous[0]} "
                    f"({previous[1].isoformat()}), got {value}",
                )
            previous = (name, moment)
