"""`postmortems import`: each file's format detected, converted, completed with `--set`,
written under `DIR/YYYY/` and validated, and the author told what is still missing.

Files are independent: one that cannot be read, converted or written is reported at its
place and the others go on. The report names what validation of the written file says,
so "missing" is exactly what `postmortems validate` will ask for.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from mkdocs_postmortems.cli.importers import schema_paths
from mkdocs_postmortems.cli.importers.base import Imported
from mkdocs_postmortems.cli.importers.values import slug
from mkdocs_postmortems.core import loader, names, secret_scan, taxonomy, writer
from mkdocs_postmortems.core.corpus import display_path, load_corpus
from mkdocs_postmortems.core.diagnostics import Diagnostic, has_errors
from mkdocs_postmortems.core.redaction import Redactor
from mkdocs_postmortems.core.taxonomy import Taxonomy, TaxonomyError

FORMATS = ("hotfix_template", "postmortem_template", "icco")
"""Format modules, asked in this order; the first whose `detect` says yes converts."""
SUFFIXES = (".md", ".markdown", ".txt")
EXIT_OK, EXIT_INVALID, EXIT_CRASH = 0, 1, 2
_MISSING = ("missing required field", "expected at least one item, got none", "still to fill in")
_NOTE_LINE = re.compile(r"^line (\d+): (.*)$", re.DOTALL)


def formats(names: Sequence[str] = FORMATS) -> list[ModuleType]:
    """The format modules that exist, imported only now (a format not yet written is
    skipped, not an error)."""
    found = []
    for name in names:
        module = f"{__package__}.{name}"
        try:
            found.append(importlib.import_module(module))
        except ModuleNotFoundError as error:
            if error.name != module:
                raise
    return found


@dataclass
class Outcome:
    """What became of one input file."""

    source: str
    format: ModuleType | None = None
    imported: Imported | None = None
    target: Path | None = None
    errors: list[Diagnostic] = field(default_factory=list)
    crashed: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    redactor: Redactor = field(default_factory=Redactor)
    """Hides the source's credentials in everything reported about it (see `redaction`)."""

    @property
    def written(self) -> bool:
        return self.target is not None and not self.errors


def inputs(paths: Sequence[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Files named, and files with a Markdown or text suffix below folders named (except
    README and index pages, and what is inside `.` and `_` folders)."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUFFIXES
                    and p.stem.lower() not in ("readme", "index")
                    and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
                )
            )
        elif path.is_file():
            found.append(path)
        else:
            what = "found nothing at this path" if not path.exists() else "not a regular file"
            problems.append(
                Diagnostic(display_path(path), 1, 1, "", f"expected a file or folder, {what}")
            )
    return found, problems


def find_taxonomy(explicit: Path | None, output: Path) -> Taxonomy:
    """The taxonomy `postmortems validate DIR` would use, unless one is named."""
    chosen = explicit or taxonomy.find([output])
    if chosen is None:
        return taxonomy.DEFAULT
    return taxonomy.load(chosen, display_path(chosen))


def run(
    paths: Sequence[Path],
    output: Path,
    taxonomy_file: Path | None,
    sets: Sequence[str],
    out: TextIO,
    err: TextIO,
) -> int:
    try:
        settings = [schema_paths.parse(text) for text in sets]
    except schema_paths.SettingError as error:
        err.write(f"postmortems import: {error}\n")
        return EXIT_INVALID
    files, problems = inputs(paths)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = "a file is in the way" if output.exists() else error.strerror
        err.write(f"postmortems import: --output {display_path(output)}: cannot create: {reason}\n")
        return EXIT_INVALID
    try:
        base = find_taxonomy(taxonomy_file, output)
    except TaxonomyError as error:
        out.write("".join(f"{d}\n" for d in error.diagnostics))
        return EXIT_INVALID
    available = formats()
    outcomes = [convert(path, available, base, settings) for path in files]
    checked, taxonomy_problems = _corpus_taxonomy(outcomes, output, taxonomy_file, base, out)
    for outcome in outcomes:
        if outcome.imported is not None and not outcome.errors:
            write(outcome, output)
    validate(outcomes, checked)
    out.write("".join(f"{d}\n" for d in [*problems, *taxonomy_problems]))
    for outcome in outcomes:
        out.write(report(outcome, checked))
    return _summary(outcomes, problems or taxonomy_problems, err)


def convert(
    path: Path, available: list[ModuleType], base: Taxonomy, settings: list[schema_paths.Setting]
) -> Outcome:
    outcome = Outcome(display_path(path))
    try:
        raw = path.read_bytes()
    except OSError as error:
        outcome.errors.append(
            Diagnostic(outcome.source, 1, 1, "", f"cannot read: {error.strerror}")
        )
        return outcome
    try:
        text = loader.decode(outcome.source, raw)
        screened = secret_scan.screen_source(outcome.source, raw)
        outcome.redactor = screened.redactor
        if screened.leaks:  # not made into a postmortem, where a slug could hide it
            outcome.errors.extend(screened.leaks)
            return outcome
        outcome.format = next((f for f in available if f.detect(text)), None)
        if outcome.format is None:
            outcome.errors.append(_unknown_format(outcome.source, text, available))
            return outcome
        outcome.imported = outcome.format.convert(outcome.source, text, base)
    except loader.LoadError as error:
        outcome.errors.append(error.diagnostic)
        return outcome
    except Exception as error:  # a bug in a converter: this file only, exit 2
        outcome.crashed = True
        outcome.errors.append(
            Diagnostic(outcome.source, 1, 1, "", f"internal error: {type(error).__name__}: {error}")
        )
        return outcome
    _complete(outcome.imported, settings, base)
    return outcome


def _unknown_format(source: str, text: str, available: list[ModuleType]) -> Diagnostic:
    names = ", ".join(module.NAME for module in available)
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    found = f"{first[:60]!r}" if first else "an empty file"
    hint = ""
    if text.startswith("---\n") and re.search(r"^id:", text, re.MULTILINE):
        hint = "; it looks like a postmortem already: copy it and run `postmortems validate`"
    return Diagnostic(
        source,
        1,
        1,
        "",
        f"expected a filled-in template or corpus file ({names}), got a document starting "
        f"with {found}{hint}",
    )


def _complete(imported: Imported, settings: list[schema_paths.Setting], base: Taxonomy) -> None:
    """Apply the `--set` values (a factor or severity in any spelling the taxonomy knows)."""
    for setting in settings:
        value: Any = setting.value
        if setting.path == ("contributing_factors",):
            value = [base.factor_for(v) or v for v in value]
        elif setting.path == ("severity",):
            value = base.severity_for(value) or value
        spelled = schema_paths.Setting(setting.path, value, setting.text)
        imported.notes.extend(schema_paths.apply(imported.data, spelled))
    imported.data = schema_paths.ordered(imported.data)


def _corpus_taxonomy(
    outcomes: list[Outcome], output: Path, explicit: Path | None, base: Taxonomy, out: TextIO
) -> tuple[Taxonomy, list[Diagnostic]]:
    """Write the taxonomy a corpus format derives from its files, when DIR has none and
    none was named; the written files are then validated against it."""
    target = output / taxonomy.FILENAME
    if explicit is not None or target.exists():
        return base, []
    for outcome in outcomes:
        module = outcome.format
        if outcome.imported is None or module is None or not hasattr(module, "corpus_taxonomy"):
            continue
        group = [o.imported for o in outcomes if o.format is module and o.imported is not None]
        text: str = module.corpus_taxonomy(group)
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        out.write(f"wrote {display_path(target)} (the vocabulary of the {module.NAME} files)\n")
        try:
            return find_taxonomy(None, output), []
        except TaxonomyError as error:
            return base, error.diagnostics
    return base, []


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""ASCII digits only: `\\d` would take `٢٠٢٦-٠٣-١٤` into a file name."""


def target_path(output: Path, imported: Imported, source: str) -> Path:
    """`DIR/YYYY/YYYY-MM-DD-slug.md`, named after the day the incident started (else the
    document's date); `DIR/undated/slug.md` when neither is known. The name is always one
    `postmortems validate` publishes: safe characters only (`names`), not a README or index."""
    stem = imported.stem
    if not stem:
        data = imported.data
        started, date = data.get("started_at"), data.get("date")
        day = next(
            (
                value[:10]
                for value in (started, date)
                if isinstance(value, str) and _DAY.match(value)
            ),
            "",
        )
        words = next(
            (
                slug(v)
                for v in (data.get("title"), data.get("id"))
                if isinstance(v, str) and slug(v) and not secret_scan.scan(v)
            ),
            slug(Path(source).stem) or "postmortem",
        )
        stem = f"{day}-{words}" if day else words
    if not names.is_safe_name(stem) or stem.startswith((".", "_")):  # a format's own stem
        stem = slug(stem) or "postmortem"
    if stem.lower() in ("index", "readme"):  # a folder's page: discovery passes it by
        stem += "-postmortem"
    year = stem[:4] if _DAY.match(stem) else "undated"
    return output / year / f"{stem}.md"


def write(outcome: Outcome, output: Path) -> None:
    """Write the file; never over an existing one."""
    imported = outcome.imported
    assert imported is not None
    if imported.stem and outcome.redactor.hides(imported.stem):
        imported.stem = None  # made of a credential (in the title, say): named otherwise
    target = target_path(output, imported, outcome.source)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(writer.render(imported.data, imported.body))
    except FileExistsError:
        outcome.errors.append(
            Diagnostic(
                display_path(target),
                1,
                1,
                "",
                f"expected a new file for {outcome.source}, found an existing one; not "
                "overwritten (move it or choose another --output)",
            )
        )
        return
    outcome.target = target
    if target.parent.name == "undated":
        imported.notes.append(
            "no date: filed under undated/; give date or started_at and move the file"
        )


def validate(outcomes: list[Outcome], checked: Taxonomy) -> None:
    """Validate the written files together, as `postmortems validate` would (so repeated
    ids among them are found too)."""
    written = {display_path(o.target): o for o in outcomes if o.written and o.target}
    if not written:
        return
    corpus = load_corpus([o.target for o in written.values() if o.target], checked)
    for diagnostic in corpus.diagnostics:
        outcome = written.get(diagnostic.path)
        if outcome is not None:
            outcome.diagnostics.append(diagnostic)


def missing(outcome: Outcome, checked: Taxonomy) -> list[str]:
    """Fields validation says are missing, explained by the importer where it can; with
    no status, the fields needed unless the status is draft are named too."""
    assert outcome.imported is not None
    names = [d.field for d in outcome.diagnostics if d.message.startswith(_MISSING)]
    data = outcome.imported.data
    if "status" in names:
        names += [
            f"{name} (needed unless status is draft)"
            for name in checked.required.unless_draft
            if data.get(name) in (None, [], {})
        ]
    explained = []
    for name in names:
        why = next(
            (m for m in outcome.imported.missing if m == name or m.startswith(name + " (")), None
        )
        explained.append(why or name)
    return explained


def report(outcome: Outcome, checked: Taxonomy) -> str:
    """What became of a file; nothing quoted from it shows a credential it holds (the
    written file's own diagnostics are redacted when it is read, and again here in case
    the importer changed a credential's spelling, as a slug does)."""
    hide = outcome.redactor
    if outcome.errors and not outcome.written:
        return "".join(f"{d}\n" for d in hide.diagnostics(outcome.errors))
    assert outcome.imported is not None and outcome.target is not None and outcome.format
    shown = display_path(outcome.target)
    lines = [f"{outcome.source}: imported ({outcome.format.NAME}) -> {shown}"]
    gaps = hide.texts(missing(outcome, checked))
    if gaps:
        lines.append(f"{shown}: missing: {', '.join(gaps)}")
    diagnostics = hide.diagnostics(outcome.diagnostics)
    lines += [str(d) for d in diagnostics if not d.message.startswith(_MISSING)]
    for note in hide.texts(outcome.imported.notes):
        match = _NOTE_LINE.match(note)
        if match:
            lines.append(f"{outcome.source}:{match.group(1)}: note: {match.group(2)}")
        else:
            lines.append(f"{outcome.source}: note: {note}")
    return "".join(f"{line}\n" for line in lines)


def _summary(outcomes: list[Outcome], other_problems: Sequence[Diagnostic], err: TextIO) -> int:
    written = [o for o in outcomes if o.written]
    valid = sum(1 for o in written if not has_errors(o.diagnostics))
    failed = len(outcomes) - len(written) + len(other_problems)
    files = "file" if len(written) == 1 else "files"
    verdict = f"{len(written)} {files} imported: {valid} valid"
    if len(written) - valid:
        verdict += f", {len(written) - valid} to complete"
    if failed:
        verdict += f"; {failed} not imported"
    err.write(verdict + "\n")
    if any(o.crashed for o in outcomes):
        return EXIT_CRASH
    return EXIT_OK if valid == len(written) and not failed else EXIT_INVALID
