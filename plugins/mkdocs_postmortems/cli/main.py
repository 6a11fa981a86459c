"""The `postmortems` command.

Sub-commands import what they need when they run, so `postmortems validate` never pays for
pandas or matplotlib.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs_postmortems.cli import generate_command

if TYPE_CHECKING:
    import datetime as dt

    from mkdocs_postmortems.core.corpus import Corpus
    from mkdocs_postmortems.core.diagnostics import Diagnostic
    from mkdocs_postmortems.core.taxonomy import Taxonomy

EXIT_OK, EXIT_INVALID, EXIT_CRASH = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postmortems",
        description="Validate and publish a knowledge base of incident postmortems.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check postmortem files against the schema and taxonomy",
        description="Check postmortems; exit 0 when valid, 1 when not, 2 on an internal error.",
    )
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: postmortems/)",
    )
    validate.add_argument(
        "--taxonomy",
        type=Path,
        metavar="FILE",
        help="taxonomy file (default: taxonomy.yml in the folder given, "
        "else postmortems/taxonomy.yml)",
    )
    validate.add_argument(
        "--format",
        choices=["text", "github", "json"],
        default="text",
        help="output format; github prints pull-request annotations",
    )
    validate.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="the day no action item may be closed after (default: POSTMORTEMS_AS_OF, else "
        "the day of SOURCE_DATE_EPOCH, else today in UTC)",
    )

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of postmortem front matter",
        description="Print the JSON Schema generated from the models, for editors and CI.",
    )
    schema.add_argument(
        "--taxonomy",
        type=Path,
        metavar="FILE",
        help="restrict severities, services, teams and factors to a taxonomy",
    )
    schema.add_argument(
        "--markdown", action="store_true", help="print the schema reference page (Markdown) instead"
    )
    schema.add_argument(
        "--id",
        metavar="URL",
        help="the schema's $id: where it is published (default: a URN of this package)",
    )
    schema.add_argument(
        "--draft",
        choices=("2020-12", "07"),
        default="2020-12",
        help="JSON Schema version; 07 for yaml-language-server and VS Code (default: 2020-12)",
    )

    new = commands.add_parser(
        "new",
        help="start a postmortem: a draft with its id, file name and sections",
        description="Write postmortems/YYYY/YYYY-MM-DD-<slug>.md, a draft with the next free "
        "PM-YYYY-NNN id, the answers given and TODO for the rest; values not given as options "
        "are asked for when run in a terminal.",
    )
    new.add_argument("--title", help="one line")
    new.add_argument("--severity", help="a severity level of the taxonomy, e.g. P1")
    new.add_argument(
        "--service",
        dest="services",
        action="append",
        metavar="SERVICE",
        help="an affected service (repeat it, or separate with commas)",
    )
    new.add_argument(
        "--started-at",
        metavar="TIMESTAMP",
        help="when impact began, with its offset, e.g. 2026-03-14T09:12:00+01:00; "
        "the file is named after this day in that offset",
    )
    new.add_argument(
        "--author",
        dest="authors",
        action="append",
        metavar="AUTHOR",
        help="an author (repeat it, or separate with commas)",
    )
    new.add_argument(
        "--dir",
        type=Path,
        default=Path("postmortems"),
        metavar="FOLDER",
        help="the knowledge base folder (default: postmortems)",
    )
    new.add_argument(
        "--taxonomy",
        type=Path,
        metavar="FILE",
        help="taxonomy file (default: taxonomy.yml in --dir, else the built-in one)",
    )

    imports = commands.add_parser(
        "import",
        help="turn filled-in templates (and other formats) into postmortem files",
        description="Detect each file's format, write DIR/YYYY/YYYY-MM-DD-<slug>.md (never over "
        "an existing file) and validate it; exit 0 when every file is valid, 1 when some "
        "still need values (they are written and the missing fields named), 2 on an "
        "internal error.",
    )
    imports.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="files, or folders of them"
    )
    imports.add_argument(
        "--output", "-o", type=Path, required=True, metavar="DIR", help="folder to write to"
    )
    imports.add_argument(
        "--taxonomy",
        type=Path,
        metavar="FILE",
        help="taxonomy to match and validate with (default: the one DIR is validated with)",
    )
    imports.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a value for a field the files leave out, e.g. status=draft, hotfix.tag=v4.1.2, "
        "services=checkout,payments-api (repeat it)",
    )
    stats = commands.add_parser(
        "stats",
        help="figures of the knowledge base: severities, durations, factors, overdue items",
        description="Compute the analytics the site publishes, over the valid non-draft "
        "postmortems; errors in files are printed to stderr and make the exit code 1.",
    )
    _folder_arguments(stats, "overdue is judged on")
    stats.add_argument(
        "--json", action="store_true", help="print the figures as JSON, as /data/stats.json"
    )
    _overdue_parser(commands)
    _report_parser(commands)
    _init_parser(commands)
    generate_command.add_parser(commands, _folder_arguments)
    return parser


def _version() -> str:
    from mkdocs_postmortems import __version__

    return __version__


def _init_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = commands.add_parser(
        "init",
        help="start a new knowledge base repository: site, taxonomy, example, workflows",
        description="Write a new knowledge base into DIR (created if missing): mkdocs.yml "
        "with the plugin, a commented postmortems/taxonomy.yml, an example postmortem, "
        "docs/, the pull-request, Pages and daily-rebuild workflows, the pull-request "
        "template, a pre-commit configuration, requirements.txt and a README. Exit 0 when "
        "written, 2 when a file is already there (then nothing is written) or on an error.",
    )
    init.add_argument("dir", type=Path, metavar="DIR", help="the new repository's folder")
    init.add_argument("--force", action="store_true", help="replace files that are already there")
    init.add_argument(
        "--requirement",
        metavar="SPEC",
        help="what requirements.txt installs (default: the git commit this copy was "
        "installed from; else this version by name, which pip cannot find on PyPI: then "
        "name a commit, e.g. 'mkdocs-postmortems @ git+https://github.com/bazaarly/"
        "postmortems@main')",
    )


def _folder_arguments(command: argparse.ArgumentParser, judged: str) -> None:
    """DIR, --taxonomy and --as-of: what every command over one knowledge base folder takes."""
    command.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=Path("postmortems"),
        metavar="DIR",
        help="the knowledge base folder (default: postmortems/)",
    )
    command.add_argument(
        "--taxonomy", type=Path, metavar="FILE", help="taxonomy file (default: taxonomy.yml in DIR)"
    )
    command.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help=f"the day {judged} (default: POSTMORTEMS_AS_OF, else the day of "
        "SOURCE_DATE_EPOCH, else today in UTC)",
    )


def _quarter(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}-Q[1-4]", value):
        raise argparse.ArgumentTypeError(f"expected a quarter such as 2026-Q1, got {value!r}")
    return value


def _report_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "report",
        help="one quarter's report, as the site's report page and /data/reports/ give it",
        description="Write the quarterly report of the valid non-draft postmortems, to paste "
        "into email, chat or a wiki. Errors in files are printed to stderr and make the exit "
        "code 1, as does a quarter with no postmortems; 2 on a usage error.",
    )
    report.add_argument("quarter", type=_quarter, metavar="QUARTER", help="e.g. 2026-Q1")
    _folder_arguments(report, "the report is judged on")
    report.add_argument(
        "--format",
        choices=["markdown", "html", "json"],
        default="markdown",
        help="markdown (default), html (one standalone file), or json (as "
        "/data/reports/<YYYY-Qn>.json, byte for byte)",
    )


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError(f"expected a number of days, 0 or more, got {value!r}")
    return days


def _overdue_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    overdue = commands.add_parser(
        "overdue",
        help="action items overdue or due soon, by owner; postmortems past their deadline",
        description="List the open and in-progress action items of non-draft postmortems that "
        "are overdue (or due within --due-within days), grouped by owner, and the postmortems "
        "past their publish deadline. Exit 1 when anything is overdue or late, or a file has "
        "errors (printed to stderr); 0 when nothing is; 2 on a usage or internal error.",
    )
    _folder_arguments(overdue, "overdue is judged on")
    overdue.add_argument(
        "--due-within",
        type=_days,
        default=0,
        metavar="DAYS",
        help="also list items due in the DAYS days from the as-of day on, that day included "
        "(default: 0, overdue items only)",
    )
    overdue.add_argument(
        "--owner",
        dest="owners",
        action="append",
        metavar="NAME",
        help="only this owner's items, and the late postmortems NAME is an author of "
        "(repeat it for several)",
    )
    overdue.add_argument(
        "--publications",
        action="store_true",
        help="list only the postmortems past their publish deadline (the JSON lists them "
        "instead of the action items)",
    )
    overdue.add_argument(
        "--format",
        choices=["text", "json", "markdown", "github"],
        default="text",
        help="text (default), json (a list of action items), markdown (a digest), or github "
        "(workflow annotations at each item)",
    )


def _load_taxonomy(explicit: Path | None, paths: list[Path]) -> Taxonomy:
    from mkdocs_postmortems.core import taxonomy
    from mkdocs_postmortems.core.corpus import display_path

    chosen = explicit or taxonomy.find(paths)
    if chosen is None:
        return taxonomy.DEFAULT
    return taxonomy.load(chosen, display_path(chosen))


def _validate(args: argparse.Namespace) -> int:
    from mkdocs_postmortems.core import diagnostics as diag
    from mkdocs_postmortems.core import metrics, recurrence
    from mkdocs_postmortems.core.corpus import load_corpus
    from mkdocs_postmortems.core.taxonomy import FILENAME, TaxonomyError

    try:
        as_of = metrics.as_of_date(args.as_of, option="--as-of")
    except metrics.AsOfError as error:
        print(f"postmortems validate: {error}", file=sys.stderr)
        return EXIT_INVALID
    paths: list[Path] = args.paths or [Path("postmortems")]
    # A taxonomy named as a path (a pre-commit hook passes every changed file) stands for
    # every postmortem it governs: a changed vocabulary can invalidate any of them.
    paths = [p.parent if p.name == FILENAME and p.is_file() else p for p in paths]
    formatter = {"text": diag.format_text, "github": diag.format_github, "json": diag.format_json}[
        args.format
    ]
    try:
        taxonomy = _load_taxonomy(args.taxonomy, paths)
    except TaxonomyError as error:
        sys.stdout.write(formatter(error.diagnostics))
        return EXIT_INVALID
    # Files named are checked against the rest of their folder too (duplicate ids and
    # pages), as the build would check them; only their own problems are reported.
    corpus = load_corpus(paths, taxonomy, context=True, as_of=as_of)
    # Recurrence alerts are notices for reviewers: printed with the problems, never one.
    found = _in_file_order(corpus.diagnostics, recurrence.notices(corpus, taxonomy, as_of))
    sys.stdout.write(formatter(found))
    errors = sum(1 for d in found if d.level == "error")
    if args.format == "text":
        sys.stdout.flush()
        files = "file" if corpus.files == 1 else "files"
        verdict = "all valid" if errors == 0 else f"{errors} error{'s' * (errors != 1)}"
        for level in ("warning", "notice"):
            count = sum(1 for d in found if d.level == level)
            if count:
                verdict += f", {count} {level}{'s' * (count != 1)}"
        print(f"{corpus.files} {files} checked: {verdict}", file=sys.stderr)
    return EXIT_OK if errors == 0 else EXIT_INVALID


def _in_file_order(problems: list[Diagnostic], notices: list[Diagnostic]) -> list[Diagnostic]:
    """The notices among the problems: files in the order met, each file's by line."""
    if not notices:
        return problems
    rank: dict[str, int] = {}
    for d in [*problems, *notices]:
        rank.setdefault(d.path, len(rank))
    return sorted([*problems, *sorted(notices)], key=lambda d: (rank[d.path], d.line, d.column))


def _schema(args: argparse.Namespace) -> int:
    from mkdocs_postmortems.core.json_schema import DEFAULT_ID, draft_07, json_schema
    from mkdocs_postmortems.core.taxonomy import TaxonomyError

    try:
        taxonomy = _load_taxonomy(args.taxonomy, []) if args.taxonomy else None
    except TaxonomyError as error:
        sys.stderr.write("".join(f"{d}\n" for d in error.diagnostics))
        return EXIT_INVALID
    if args.markdown:
        from mkdocs_postmortems.site.reference import markdown

        sys.stdout.write(markdown(taxonomy) if taxonomy else markdown())
        return EXIT_OK
    schema = json_schema(taxonomy, schema_id=args.id or DEFAULT_ID)
    if args.draft == "07":
        schema = draft_07(schema)
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    import datetime as dt

    from mkdocs_postmortems.cli import scaffold
    from mkdocs_postmortems.core.corpus import display_path
    from mkdocs_postmortems.core.taxonomy import TaxonomyError

    try:
        taxonomy = _load_taxonomy(args.taxonomy, [args.dir])
    except TaxonomyError as error:
        sys.stderr.write("".join(f"{d}\n" for d in error.diagnostics))
        return EXIT_INVALID
    given = {name: getattr(args, name) or [] for name in ("services", "authors")}
    for name in ("title", "severity", "started_at"):
        given[name] = [getattr(args, name)] if getattr(args, name) else []
    terminal = sys.stdin.isatty()
    try:
        answers = scaffold.collect(
            given,
            taxonomy,
            ask=scaffold.ask_in_terminal if terminal else None,
            say=scaffold.say_in_terminal,
        )
        path = scaffold.create(args.dir, answers, dt.date.today())
    except scaffold.NewError as error:
        sys.stderr.write("".join(f"postmortems new: {m}\n" for m in error.messages))
        return EXIT_CRASH if error.usage else EXIT_INVALID
    print(display_path(path))
    print(
        f"next: replace every TODO, then run: postmortems validate {display_path(path)}",
        file=sys.stderr,
    )
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from mkdocs_postmortems.cli.importers import dispatch

    return dispatch.run(
        args.files, args.output, args.taxonomy, args.sets, out=sys.stdout, err=sys.stderr
    )


def _read_folder(
    args: argparse.Namespace, command: str, bad_as_of: int
) -> tuple[dt.date, Taxonomy, Corpus] | int:
    """The as-of day, taxonomy and corpus of a command over one knowledge base folder (stats,
    overdue, report), the files' problems printed to stderr; an exit code when it cannot
    start. `bad_as_of` is the code of a bad --as-of: a usage error where 1 means something."""
    from mkdocs_postmortems.core import diagnostics as diag
    from mkdocs_postmortems.core import metrics
    from mkdocs_postmortems.core.corpus import load_corpus
    from mkdocs_postmortems.core.taxonomy import TaxonomyError

    try:
        as_of = metrics.as_of_date(args.as_of, option="--as-of")
    except metrics.AsOfError as error:
        print(f"postmortems {command}: {error}", file=sys.stderr)
        return bad_as_of
    if not args.dir.is_dir():
        print(
            f"postmortems {command}: {args.dir}: expected a folder of postmortems", file=sys.stderr
        )
        return EXIT_INVALID
    try:
        taxonomy = _load_taxonomy(args.taxonomy, [args.dir])
    except TaxonomyError as error:
        sys.stderr.write(diag.format_text(error.diagnostics))
        return EXIT_INVALID
    corpus = load_corpus([args.dir], taxonomy, as_of=as_of)
    sys.stderr.write(diag.format_text(corpus.diagnostics))
    return as_of, taxonomy, corpus


def _left_out(command: str, corpus: Corpus, what: str) -> None:
    """Say, after the output, that the files with errors are not in it."""
    if not corpus.ok:
        errors = sum(1 for d in corpus.diagnostics if d.level == "error")
        print(
            f"postmortems {command}: {errors} error{'s' * (errors != 1)}; {what} leaves out "
            "the files with errors",
            file=sys.stderr,
        )


def _stats(args: argparse.Namespace) -> int:
    from mkdocs_postmortems.analytics import frames, stats, text

    read = _read_folder(args, "stats", EXIT_INVALID)
    if isinstance(read, int):
        return read
    as_of, taxonomy, corpus = read
    figures = stats.stats(frames.build(corpus.entries, taxonomy, as_of))
    sys.stdout.write(stats.to_json(figures) if args.json else text.summary(figures))
    _left_out("stats", corpus, "the figures")
    return EXIT_OK if corpus.ok else EXIT_INVALID


def _overdue(args: argparse.Namespace) -> int:
    from mkdocs_postmortems.core import follow_up

    # A bad --as-of is a usage error, as argparse's: 1 means overdue here.
    read = _read_folder(args, "overdue", EXIT_CRASH)
    if isinstance(read, int):
        return read
    as_of, taxonomy, corpus = read
    report = follow_up.Report(
        as_of,
        args.due_within,
        follow_up.rows(corpus.entries, taxonomy, as_of, args.due_within, args.owners),
        follow_up.late_publications(corpus.entries, taxonomy, as_of, args.owners),
    )
    parts = {"items": not args.publications, "publications": True}
    if args.format == "json":
        sys.stdout.write(follow_up.to_json(report, publications=args.publications))
        if report.late and not args.publications:
            late = len(report.late)
            print(
                f"postmortems overdue: {late} postmortem{'s' * (late != 1)} past the publish "
                "deadline, not in this list (--publications lists them)",
                file=sys.stderr,
            )
    elif args.format == "markdown":
        sys.stdout.write(follow_up.to_markdown(report, **parts))
    elif args.format == "github":
        positions = follow_up.positions(report, corpus.entries)
        sys.stdout.write(follow_up.to_github(report, positions, **parts))
        print(follow_up.summary(report), file=sys.stderr)
    else:
        sys.stdout.write(follow_up.to_text(report, **parts))
    _left_out("overdue", corpus, "the list")
    return EXIT_INVALID if report.anything_overdue or not corpus.ok else EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from mkdocs_postmortems.analytics import frames, quarters, report_data
    from mkdocs_postmortems.site import report_export

    read = _read_folder(args, "report", EXIT_CRASH)  # a bad --as-of: a usage error
    if isinstance(read, int):
        return read
    as_of, taxonomy, corpus = read
    tables = frames.build(corpus.entries, taxonomy, as_of)
    known = quarters.quarters(tables)
    if args.quarter not in known:
        print(
            f"postmortems report: no non-draft postmortem started in {args.quarter}; quarters "
            f"with postmortems: {', '.join(known) or 'none'}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    data = report_data.Book(tables).data(quarters.report(tables, args.quarter))
    writers = {
        "json": report_data.to_json,
        "html": report_export.to_html,
        "markdown": report_export.to_markdown,
    }
    sys.stdout.write(writers[args.format](data))
    _left_out("report", corpus, "the report")
    return EXIT_OK if corpus.ok else EXIT_INVALID


def _init(args: argparse.Namespace) -> int:
    from mkdocs_postmortems.cli import init

    requirement = args.requirement or init.requirement()
    files = init.starter_files(requirement)
    try:
        written = init.write(args.dir, files, force=args.force)
    except init.InitError as error:
        sys.stderr.write("".join(f"postmortems init: {m}\n" for m in error.messages))
        return EXIT_CRASH
    for path in written:
        print(path)
    if init.by_version_only(requirement):
        warning = init.version_pin_warning(requirement)
        sys.stderr.write("".join(f"postmortems init: {m}\n" for m in warning))
    print("\nnext:")
    for command in init.next_commands(args.dir, requirement):
        print(f"  {command}")
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    return generate_command.run(args, _read_folder)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {
        "validate": _validate,
        "schema": _schema,
        "new": _new,
        "import": _import,
        "stats": _stats,
        "overdue": _overdue,
        "report": _report,
        "init": _init,
        "generate": _generate,
    }
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # an internal error: exit 2, a short report
        print(f"postmortems: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        if os.environ.get("POSTMORTEMS_DEBUG"):
            traceback.print_exc()
        else:
            print(
                "set POSTMORTEMS_DEBUG=1 for the traceback, and please report it", file=sys.stderr
            )
        return EXIT_CRASH


if __name__ == "__main__":
    sys.exit(main())
