"""The checks across files: no two postmortems share an id or a page.

They live in the core, run by `corpus` for the CLI and the plugin alike, so `postmortems
validate` and the build reject the same knowledge bases. A page's URL comes from the file's
stem (`2025/x.md` and `2026/x.md` both publish at `/postmortems/x/`), and stems are
compared ignoring case: sites are often served from case-insensitive file systems.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import PurePosixPath

from mkdocs_postmortems.core.diagnostics import Diagnostic


@dataclass(frozen=True)
class Claim:
    """What one file claims: its name (hence its page) and its id as written."""

    name: str
    id: str | None = None
    id_position: tuple[int, int] = (1, 1)
    checked: bool = True
    """False for a file only read to check the others against (see `corpus.discover`)."""

    @property
    def stem(self) -> str:
        return PurePosixPath(self.name).stem


Describe = Callable[[Claim, Claim, str], Diagnostic]


def conflicts(claims: list[Claim]) -> dict[int, list[Diagnostic]]:
    """Problems by index in `claims` (in the order of discovery).

    A later file that repeats an earlier one's id or page gets the error, naming the first.
    The first gets one too when it is checked and the others sharing it are not: validating
    a few files reports their clash with a file of the folder that was not named.
    """
    found: dict[int, list[Diagnostic]] = {}
    checks: list[tuple[Callable[[Claim], Hashable], Describe]] = [
        (_id_key, _id_problem),
        (_stem_key, _stem_problem),
    ]
    for key, describe in checks:
        groups: dict[Hashable, list[int]] = {}
        for index, claim in enumerate(claims):
            value = key(claim)
            if value is not None:
                groups.setdefault(value, []).append(index)
        for members in groups.values():
            if len(members) < 2:
                continue
            first, *later = members
            for index in later:
                if claims[index].checked:
                    found.setdefault(index, []).append(
                        describe(claims[index], claims[first], "already used by")
                    )
            unchecked = [index for index in later if not claims[index].checked]
            if claims[first].checked and len(unchecked) == len(later):
                found.setdefault(first, []).append(
                    describe(claims[first], claims[unchecked[0]], "also used by")
                )
    return found


def _id_key(claim: Claim) -> Hashable:
    return claim.id


def _stem_key(claim: Claim) -> Hashable:
    return claim.stem.casefold()


def _id_problem(claim: Claim, other: Claim, relation: str) -> Diagnostic:
    line, column = claim.id_position
    return Diagnostic(
        claim.name,
        line,
        column,
        "id",
        f"expected a unique id, got {claim.id!r}, {relation} {other.name}",
    )


def _stem_problem(claim: Claim, other: Claim, relation: str) -> Diagnostic:
    stem = claim.stem
    case = ""
    if stem != other.stem:
        case = " (ignoring case: a site may be served from a case-insensitive file system)"
    return Diagnostic(
        claim.name,
        1,
        1,
        "",
        f"expected a file name unique in the knowledge base{case}, got {stem!r}, "
        f"{relation} {other.name}; both would publish at /postmortems/{stem}/",
    )
