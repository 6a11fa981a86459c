"""The follow-up workflow's logic: one GitHub issue per owner with overdue work, opened,
updated, reopened and closed through the `gh` command.

`python -m mkdocs_postmortems.cli.follow_up_issues [DIR]` (what `.github/workflows/follow-up.yml`
runs, in this repository or any that installs the package). Each issue carries the label
`postmortems-follow-up` (how the run finds its issues: a label listing is exact and
immediate, where search lags) and a marker in its body naming its owner,
`<!-- postmortems-follow-up: owner=<owner, percent-encoded> -->` (how it tells them apart), so
a rerun edits the issue it opened instead of opening another. Nothing about an owner ever
reaches a shell: `gh` runs with an argument list, bodies go through its standard input, and
every name and title is escaped as Markdown text (`follow_up.markdown_text`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO
from urllib.parse import quote

from mkdocs_postmortems.core import follow_up
from mkdocs_postmortems.core.follow_up import Late, Row, markdown_table, markdown_text

LABEL = "postmortems-follow-up"
LABEL_COLOR = "d93f0b"
LABEL_DESCRIPTION = "Overdue postmortem action items of one owner (follow-up workflow)"
LIST_LIMIT = 1000
"""Issues the run reads: one per owner ever followed up, reopened rather than opened again."""
TITLE_LIMIT = 200
ROW_LIMIT = 100
"""Rows of a table in an issue or comment; the rest are counted."""
_MARKER = "<!-- postmortems-follow-up: owner={} -->"
_MARKER_RE = re.compile(r"<!-- postmortems-follow-up: owner=([A-Za-z0-9%._~-]+) -->")
_ITEMS = "<!-- postmortems-follow-up-items: {} -->"
_ITEMS_RE = re.compile(r"<!-- postmortems-follow-up-items: ([0-9a-f ]*) -->")
_TEAM = "/"
WORKFLOW = ".github/workflows/follow-up.yml"


def encode_owner(owner: str) -> str:
    """The owner as the marker spells it: percent-encoded whole, so no name can end the
    comment, break the line or look like another owner's."""
    return quote(owner, safe="")


def item_key(postmortem: str, title: str) -> str:
    """A short stable name of a piece of work, to tell which are new since the last run."""
    return hashlib.sha256(f"{postmortem}\n{title}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Wanted:
    """The issue an owner with overdue work should have."""

    owner: str
    handle: str | None
    title: str
    body: str
    keys: frozenset[str]
    overdue: list[Row]

    @property
    def marker(self) -> str:
        return encode_owner(self.owner)


@dataclass(frozen=True)
class Existing:
    """An issue the workflow opened earlier, as `gh issue list --json` gives it."""

    number: int
    open: bool
    title: str
    body: str
    assignees: tuple[str, ...]
    marker: str

    @property
    def keys(self) -> frozenset[str]:
        found = _ITEMS_RE.search(self.body)
        return frozenset(found.group(1).split()) if found else frozenset()


@dataclass(frozen=True)
class Action:
    """One step of the plan: `create`, `update` (maybe reopening), `close` or `duplicate`."""

    kind: Literal["create", "update", "close", "duplicate"]
    wanted: Wanted | None = None
    existing: Existing | None = None
    edit: bool = False
    newly: tuple[Row, ...] = ()


def links(source_url: str | None, positions: Mapping[Any, tuple[int, int]]) -> Callable[[Row], str]:
    """How a row names its postmortem: a link to the line of its `due` in the repository
    when `source_url` (the base of file URLs, `https://github.com/o/r/blob/main/`) is
    known, else the id as text."""
    from mkdocs_postmortems.site import urls

    def cell(row: Row) -> str:
        name = markdown_text(row.postmortem)
        if not source_url or os.path.isabs(row.path):
            return name
        line, _ = positions.get((row.path, ("action_items", row.item, "due")), (1, 1))
        url = urls.with_query(urls.edit_url(source_url, row.path), {"plain": "1"})
        return f"[{name}]({url}#L{line})"

    return cell


def _table(rows: Sequence[Row], link: Callable[[Row], str]) -> str:
    """The rows' table, the first `ROW_LIMIT` of them: an issue holds 65,536 characters."""
    table = markdown_table(
        follow_up.ITEM_HEADER, (follow_up.item_cells(r, link(r)) for r in rows[:ROW_LIMIT])
    )
    if len(rows) > ROW_LIMIT:
        table += (
            f"\nand {len(rows) - ROW_LIMIT} more: `postmortems overdue --owner` with this "
            "owner's name lists them all.\n"
        )
    return table


def issue_for(
    owner: str,
    handle: str | None,
    rows: Sequence[Row],
    late: Sequence[Late],
    as_of: dt.date,
    due_within: int,
    link: Callable[[Row], str],
) -> Wanted:
    """The title and body of an owner's issue: their overdue items, those due soon, the
    postmortems they wrote past the publish deadline, and what to do about them."""
    overdue = [row for row in rows if row.overdue]
    soon = [row for row in rows if not row.overdue]
    who = f"**{markdown_text(owner)}**"
    mention = f"@{handle}: " if handle else ""
    counts = []
    if overdue:
        counts.append(f"{len(overdue)} action item{'s' * (len(overdue) != 1)} overdue")
    if late:
        counts.append(f"{len(late)} postmortem{'s' * (len(late) != 1)} past the publish deadline")
    parts = [
        _MARKER.format(encode_owner(owner)),
        f"{mention}{who} has {' and '.join(counts)} as of {as_of.isoformat()}.",
        "",
    ]
    if overdue:
        parts += [
            "### Overdue action items",
            "",
            _table(overdue, link),
        ]
    if soon:
        parts += [
            f"### Due in the next {due_within} days",
            "",
            _table(soon, link),
        ]
    if late:
        parts += [
            "### Postmortems to publish",
            "",
            markdown_table(
                ("Postmortem", "Title", "Severity", "Status", "Deadline", "Late by"),
                (
                    [
                        markdown_text(p.postmortem),
                        markdown_text(p.title),
                        markdown_text(p.severity),
                        markdown_text(p.status),
                        p.deadline.isoformat(),
                        f"{p.days_late} day{'s' * (p.days_late != 1)}",
                    ]
                    for x in late
                    for p in [x.publication]
                ),
            ),
        ]
    keys = {item_key(r.postmortem, r.title) for r in overdue}
    keys |= {item_key(x.publication.postmortem, "") for x in late}
    parts += [
        "When an item is done, set its `status: done` and `closed_on:` in the postmortem; "
        "when it will take longer, agree a new `due`. A postmortem is published by setting "
        "`status: published` once it is reviewed.",
        "",
        f"This issue is written by `{WORKFLOW}`: it is updated every week while anything is "
        "overdue, closed when nothing is, and reopened if something falls overdue again. "
        "Edits to this description are overwritten; comments stay.",
        _ITEMS.format(" ".join(sorted(keys))),
        "",
    ]
    title = f"Overdue postmortem follow-up: {follow_up.owner_text(owner)}"
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1] + "\u2026"
    return Wanted(owner, handle, title, "\n".join(parts), frozenset(keys), overdue)


def plan(
    wanted: Sequence[Wanted], existing: Sequence[Existing], *, close: bool = True
) -> list[Action]:
    """What to do so each owner with overdue work has exactly one open issue saying so, and
    no other issue of the workflow stays open (unless `close` is off). Each owner's issue is
    their oldest open one, else their oldest closed one (reopened); nothing is done to an
    issue that already says what it should."""
    mine: dict[str, list[Existing]] = {}
    for issue in sorted(existing, key=lambda i: i.number):
        mine.setdefault(issue.marker, []).append(issue)
    actions: list[Action] = []
    wanted_markers = set()
    for want in wanted:
        wanted_markers.add(want.marker)
        issues = mine.get(want.marker, [])
        chosen = next((i for i in issues if i.open), issues[0] if issues else None)
        if chosen is None:
            actions.append(Action("create", wanted=want))
            continue
        edit = chosen.title != want.title or chosen.body != want.body
        if chosen.open and not edit:
            pass  # says what it should already
        else:
            known = chosen.keys if chosen.open else frozenset()
            newly = tuple(r for r in want.overdue if item_key(r.postmortem, r.title) not in known)
            actions.append(Action("update", wanted=want, existing=chosen, edit=edit, newly=newly))
        actions.extend(
            Action("duplicate", existing=other)
            for other in issues
            if other.open and other is not chosen
        )
    if close:
        for marker, issues in sorted(mine.items()):
            if marker in wanted_markers:
                continue
            actions.extend(Action("close", existing=issue) for issue in issues if issue.open)
    return actions


def _assignable(handle: str) -> str | None:
    """A user can be assigned; a team (`org/team`) is only mentioned."""
    return None if _TEAM in handle else handle


class GhError(Exception):
    pass


@dataclass
class Gh:
    """`gh` run with argument lists (never a shell); a dry run prints what it would change."""

    executable: str = "gh"
    dry_run: bool = False
    log: TextIO = field(default_factory=lambda: sys.stderr)

    def read(self, *args: str) -> str:
        return self._run(list(args), None)

    def write(self, *args: str, stdin: str | None = None) -> str:
        if self.dry_run:
            print(f"would run: gh {shlex.join(args)}", file=self.log)
            return ""
        return self._run(list(args), stdin)

    def _run(self, args: list[str], stdin: str | None) -> str:
        try:
            result = subprocess.run(
                [self.executable, *args],
                input=stdin,
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=300,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise GhError(f"gh {args[0]} {args[1]}: {error}") from None
        if result.returncode != 0:
            said = result.stderr.strip().splitlines()[-1:] or ["no message"]
            raise GhError(f"gh {' '.join(args[:2])}: exit {result.returncode}: {said[0]}")
        return result.stdout


def existing_issues(gh: Gh) -> list[Existing]:
    import json

    text = gh.read(
        "issue",
        "list",
        "--state",
        "all",
        "--label",
        LABEL,
        "--limit",
        str(LIST_LIMIT),
        "--json",
        "number,state,title,body,assignees",
    )
    out = []
    for issue in json.loads(text or "[]"):
        found = _MARKER_RE.search(issue.get("body") or "")
        if not found:
            continue  # labelled by hand: not one of ours
        out.append(
            Existing(
                number=int(issue["number"]),
                open=str(issue.get("state", "")).upper() == "OPEN",
                title=str(issue.get("title") or ""),
                body=str(issue.get("body") or ""),
                assignees=tuple(str(a.get("login")) for a in issue.get("assignees") or []),
                marker=found.group(1),
            )
        )
    if len(out) >= LIST_LIMIT:
        print(f"warning: {LIST_LIMIT} issues listed, some may be missed", file=gh.log)
    return out


def apply(gh: Gh, actions: Sequence[Action], as_of: dt.date) -> int:
    """Carry out the plan; a step that fails is reported and the others still run.
    Returns the number of failures."""
    failures = 0
    for action in actions:
        try:
            _apply(gh, action, as_of)
        except GhError as error:
            failures += 1
            print(f"error: {error}", file=gh.log)
    return failures


def _apply(gh: Gh, action: Action, as_of: dt.date) -> None:
    want, issue = action.wanted, action.existing
    if action.kind == "create" and want is not None:
        url = gh.write(
            "issue",
            "create",
            "--title",
            want.title,
            "--body-file",
            "-",
            "--label",
            LABEL,
            stdin=want.body,
        )
        print(f"opened: {follow_up.owner_text(want.owner)} {url.strip()}", file=gh.log)
        found = re.search(r"/issues/([0-9]+)\s*$", url)
        if found and want.handle:
            _assign(gh, int(found.group(1)), want.handle)
        return
    assert issue is not None
    number = str(issue.number)
    if action.kind == "update" and want is not None:
        if not issue.open:
            gh.write("issue", "reopen", number)
        if action.edit:
            gh.write(
                "issue", "edit", number, "--title", want.title, "--body-file", "-", stdin=want.body
            )
        if want.handle and want.handle not in issue.assignees:
            _assign(gh, issue.number, want.handle)
        if action.newly:
            news = _news(want, action.newly, as_of, reopened=not issue.open)
            gh.write("issue", "comment", number, "--body-file", "-", stdin=news)
        print(f"{'reopened' if not issue.open else 'updated'}: #{number}", file=gh.log)
    elif action.kind == "close":
        gh.write(
            "issue",
            "close",
            number,
            "--reason",
            "completed",
            "--comment",
            f"Nothing of this owner is overdue as of {as_of.isoformat()}: closing. The "
            "follow-up workflow reopens this issue if something falls overdue again.",
        )
        print(f"closed: #{number}", file=gh.log)
    elif action.kind == "duplicate":
        gh.write(
            "issue",
            "close",
            number,
            "--reason",
            "not planned",
            "--comment",
            "A duplicate: the follow-up workflow keeps one issue per owner.",
        )
        print(f"closed as a duplicate: #{number}", file=gh.log)


def _assign(gh: Gh, number: int, handle: str) -> None:
    """Assign the owner's handle; one that cannot be assigned (not a collaborator, a typo)
    is reported, and the mention in the body still reaches whoever it names."""
    if _assignable(handle) is None:
        return
    try:
        gh.write("issue", "edit", str(number), "--add-assignee", handle)
    except GhError as error:
        print(f"warning: #{number}: could not assign {handle}: {error}", file=gh.log)


def _news(want: Wanted, newly: Sequence[Row], as_of: dt.date, *, reopened: bool) -> str:
    mention = f"@{want.handle}: " if want.handle else ""
    lead = "overdue again" if reopened else "newly overdue"
    lines = [
        f"{mention}{len(newly)} action item{'s' * (len(newly) != 1)} {lead} "
        f"as of {as_of.isoformat()}:",
        "",
    ]
    lines += [
        f"- {markdown_text(r.postmortem)}: {markdown_text(r.title)} (due {r.due.isoformat()})"
        for r in newly[:ROW_LIMIT]
    ]
    if len(newly) > ROW_LIMIT:
        lines.append(f"- and {len(newly) - ROW_LIMIT} more (see the description)")
    return "\n".join(lines) + "\n"


def default_source_url(environ: Mapping[str, str]) -> str | None:
    """`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_REF_NAME/` inside Actions."""
    server, repository = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    if not server or not repository:
        return None
    return f"{server.rstrip('/')}/{repository}/blob/{environ.get('GITHUB_REF_NAME') or 'HEAD'}/"


def _parser() -> argparse.ArgumentParser:
    from mkdocs_postmortems.cli.main import _days

    parser = argparse.ArgumentParser(
        prog="python -m mkdocs_postmortems.cli.follow_up_issues",
        description="Open, update or close one GitHub issue per owner with overdue postmortem "
        "work, through gh (GH_TOKEN and GH_REPO in the environment, as in Actions).",
    )
    parser.add_argument("dir", nargs="?", type=Path, default=Path("postmortems"), metavar="DIR")
    parser.add_argument("--taxonomy", type=Path, metavar="FILE")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD")
    parser.add_argument(
        "--due-within",
        type=_days,
        default=0,
        metavar="DAYS",
        help="also list, in an owner's issue, the items due in the next DAYS days",
    )
    parser.add_argument(
        "--source-url",
        metavar="URL",
        help="base of links to the files (default in Actions: the repository's blob/<ref>/)",
    )
    parser.add_argument("--gh", default="gh", metavar="PATH", help="the gh command")
    parser.add_argument("--dry-run", action="store_true", help="list, but change nothing")
    return parser


def run(argv: Sequence[str] | None = None, environ: Mapping[str, str] = os.environ) -> int:
    """0 when every owner's issue says what it should; 1 when the knowledge base has errors
    (issues are opened and updated, none closed: an invalid file's items are unknown) or a
    `gh` step failed."""
    from mkdocs_postmortems.cli.main import _load_taxonomy
    from mkdocs_postmortems.core import diagnostics as diag
    from mkdocs_postmortems.core import metrics
    from mkdocs_postmortems.core.corpus import load_corpus
    from mkdocs_postmortems.core.taxonomy import TaxonomyError

    args = _parser().parse_args(argv)
    try:
        as_of = metrics.as_of_date(args.as_of, environ, option="--as-of")
    except metrics.AsOfError as error:
        print(f"follow-up: {error}", file=sys.stderr)
        return 2
    try:
        taxonomy = _load_taxonomy(args.taxonomy, [args.dir])
    except TaxonomyError as error:
        sys.stderr.write(diag.format_text(error.diagnostics))
        return 1
    corpus = load_corpus([args.dir], taxonomy, as_of=as_of)
    sys.stderr.write(diag.format_text(corpus.diagnostics))
    report = follow_up.Report(
        as_of,
        args.due_within,
        follow_up.rows(corpus.entries, taxonomy, as_of, args.due_within),
        follow_up.late_publications(corpus.entries, taxonomy, as_of),
    )
    summary = environ.get("GITHUB_STEP_SUMMARY")
    if summary:  # the run's page shows the digest, whatever happens to the issues
        with open(summary, "a", encoding="utf-8") as out:
            out.write(follow_up.to_markdown(report))
    source_url = args.source_url or default_source_url(environ)
    link = links(source_url, follow_up.positions(report, corpus.entries) if source_url else {})
    wanted = wanted_issues(report, taxonomy.handle, link)
    unowned = sum(1 for row in report.rows if row.owner is None and row.overdue)
    if unowned:
        print(
            f"warning: {unowned} overdue action item{'s' * (unowned != 1)} without an owner "
            "get no issue",
            file=sys.stderr,
        )
    gh = Gh(args.gh, dry_run=args.dry_run)
    try:
        existing = existing_issues(gh)
        if not args.dry_run:
            gh.write(
                "label",
                "create",
                LABEL,
                "--color",
                LABEL_COLOR,
                "--description",
                LABEL_DESCRIPTION,
                "--force",
            )
    except GhError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not corpus.ok:
        print(
            "follow-up: the knowledge base has errors: no issue is closed this run", file=sys.stderr
        )
    failures = apply(gh, plan(wanted, existing, close=corpus.ok), as_of)
    return 1 if failures or not corpus.ok else 0


def wanted_issues(
    report: follow_up.Report, handle: Callable[[str | None], str | None], link: Callable[[Row], str]
) -> list[Wanted]:
    """An issue for each owner with an overdue item or a late postmortem they wrote (its
    authors own its publishing), with their items due soon beside; owners in `owner_key`
    order."""
    rows: dict[str, list[Row]] = {}
    for row in report.rows:
        if row.owner is not None:
            rows.setdefault(row.owner, []).append(row)
    late: dict[str, list[Late]] = {}
    for item in report.late:
        for author in dict.fromkeys(item.authors):
            late.setdefault(author, []).append(item)
    owners = sorted(set(rows) | set(late), key=follow_up.owner_key)
    out = []
    for owner in owners:
        mine = rows.get(owner, [])
        if not any(r.overdue for r in mine) and not late.get(owner):
            continue  # only due soon: no issue yet
        out.append(
            issue_for(
                owner,
                handle(owner),
                mine,
                late.get(owner, []),
                report.as_of,
                report.due_within,
                link,
            )
        )
    return out


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
