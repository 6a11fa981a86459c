"""`postmortems generate DIR --out DOCS_DIR`: the site's generated part, for generators
that run no plugin (see `adapters.generate` and docs/generators.md)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from mkdocs_postmortems.adapters.generate import SiteConfig
    from mkdocs_postmortems.core.corpus import Corpus
    from mkdocs_postmortems.core.taxonomy import Taxonomy

    ReadFolder = Callable[[argparse.Namespace, str, int], "tuple[dt.date, Taxonomy, Corpus] | int"]

EXIT_OK, EXIT_INVALID, EXIT_CRASH = 0, 1, 2


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    folder_arguments: Callable[[argparse.ArgumentParser, str], None],
) -> None:
    generate = commands.add_parser(
        "generate",
        help="write the generated pages and files into a docs folder, for Zensical, "
        "ProperDocs or MkDocs without the plugin",
        description="Write every postmortem page, index, analytics page, report, chart, data "
        "file, feed, calendar and asset the plugin would add, into DOCS_DIR, as Markdown and "
        "other files any generator reading a docs folder builds. Hand-written files are never "
        "overwritten, nor given a generated page's URL; files an earlier run wrote and this "
        "one does not are removed, unless changed since. Exit 1 when a file has errors "
        "(nothing is written), 2 on a usage or internal error.",
    )
    folder_arguments(generate, "overdue is judged on")
    generate.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DOCS_DIR",
        help="the generator's docs folder (its index.md gets the home block at its marker)",
    )
    generate.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the site's mkdocs.yml: Markdown extensions for bodies, site_name, site_url, "
        "use_directory_urls, theme.custom_dir (default: mkdocs.yml here, if any)",
    )
    generate.add_argument(
        "--for",
        dest="generator",
        choices=["mkdocs", "properdocs", "zensical"],
        default="mkdocs",
        help="the generator that builds DOCS_DIR: Zensical reads links differently "
        "(default: mkdocs, which suits ProperDocs too)",
    )
    generate.add_argument("--site-url", metavar="URL", help="for feeds and calendars")
    generate.add_argument("--site-name", metavar="NAME", help="for feeds and calendars")
    generate.add_argument(
        "--include-drafts", action="store_true", help="publish drafts too, as the plugin's option"
    )


def run(args: argparse.Namespace, read_folder: ReadFolder) -> int:
    from dataclasses import replace

    from mkdocs_postmortems.adapters import generate
    from mkdocs_postmortems.core import diagnostics as diag
    from mkdocs_postmortems.site import home_marker

    try:
        config = _config(args.config)
    except generate.GenerateError as error:
        return _refused(error, EXIT_CRASH)
    config = replace(config, generator=args.generator)
    if args.site_url is not None:
        config = replace(config, site_url=args.site_url or None)
    if args.site_name is not None:
        config = replace(config, site_name=args.site_name)
    in_the_way = _not_a_folder(args.out)
    if in_the_way is not None:
        print(
            f"postmortems generate: --out {args.out}: expected a docs folder, got a file "
            f"({in_the_way}); name the folder the generator reads (docs, say)",
            file=sys.stderr,
        )
        return EXIT_CRASH
    read = read_folder(args, "generate", EXIT_CRASH)
    if isinstance(read, int):
        return read
    as_of, taxonomy, corpus = read
    if not corpus.ok:
        print("postmortems generate: files have errors; nothing written", file=sys.stderr)
        return EXIT_INVALID
    from mkdocs_postmortems.site import templates

    try:
        made = generate.generate(
            corpus.entries, taxonomy, as_of, config, include_drafts=args.include_drafts
        )
    except Exception as error:  # a site's template override: its line, not a traceback
        said = templates.problem(error)
        if said is None:
            raise
        print(f"postmortems generate: {said}", file=sys.stderr)
        return EXIT_INVALID
    sys.stderr.write(diag.format_text(made.problems))
    if any(problem.level == "error" for problem in made.problems):
        print("postmortems generate: nothing written", file=sys.stderr)
        return EXIT_INVALID
    try:
        written = generate.write(
            args.out, made, config.site_name, use_directory_urls=config.use_directory_urls
        )
    except generate.GenerateError as error:
        return _refused(error, EXIT_INVALID)
    print(
        f"postmortems generate: {len(made.pages)} pages and {len(made.files) - len(made.pages)} "
        f"other files in {args.out}: {len(written.written)} written, {written.unchanged} "
        f"unchanged, {len(written.removed)} removed",
        file=sys.stderr,
    )
    if config.plugin and config.generator != "zensical":
        print(
            f"postmortems generate: {args.config or 'mkdocs.yml'} lists the postmortems plugin, "
            "which would find the generated files in its way: build this docs folder without it",
            file=sys.stderr,
        )
    for path in written.kept:
        print(
            f"postmortems generate: {args.out / path}: kept, though no longer generated: "
            f"it is not what an earlier run wrote there (listed in "
            f"{args.out / generate.MANIFEST}); remove it if it is not yours",
            file=sys.stderr,
        )
    if written.home == "no marker":
        print(
            f"postmortems generate: {args.out / generate.HOME} has no "
            f"'{home_marker.START}' marker: the home page has no home block",
            file=sys.stderr,
        )
    print(
        "postmortems generate: the generator's configuration needs these lines (the plugin "
        "adds them itself):",
        file=sys.stderr,
    )
    sys.stdout.write(generate.config_lines())
    return EXIT_OK


def _config(path: Path | None) -> SiteConfig:
    from mkdocs_postmortems.adapters import generate

    if path is None:
        here = Path("mkdocs.yml")
        return generate.read_config(here) if here.is_file() else generate.SiteConfig()
    if not path.is_file():
        raise generate.GenerateError([f"{path}: expected a mkdocs.yml, got no such file"])
    return generate.read_config(path)


def _not_a_folder(out: Path) -> Path | None:
    """The file at `out`, or at one of the folders it would be made in."""
    for place in (out, *out.parents):
        if os.path.lexists(place):
            return None if place.is_dir() else place
    return None


def _refused(error: Exception, code: int) -> int:
    for message in getattr(error, "messages", [str(error)]):
        print(f"postmortems generate: {message}", file=sys.stderr)
    return code
