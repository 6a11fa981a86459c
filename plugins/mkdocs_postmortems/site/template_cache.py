"""Compiled templates kept across builds, as Python keeps compiled modules.

Parsing and compiling Jinja templates was a twentieth of a build's CPU at 2,000 postmortems:
every build compiled them again, in each process that renders pages (the build and its
workers). Jinja's own bytecode cache keeps what a template compiles to on disk, checked
against a hash of the template's source before use, so an edited template (a site's
override) is compiled again. Its key, the template's name and file, is here joined with
everything of the environment that changes the code a template compiles to (its syntax,
whitespace rules, autoescape, extensions, and its filters, tests and `finalize`, which the
compiled code calls as they ask to be called and which Jinja runs on constants as it
compiles): two sites whose theme environments differ cannot share an entry, and a filter
whose code changed makes its templates compile again. Nothing of a page is cached, only
code compiled from template files, which are the theme's, the package's and the site's
own (`docs/performance.md`, "Caches").

The folder must be the user's own and closed to others (Jinja's rule for its default
folder): a cached entry is code that runs. Any other folder, or one that cannot be made,
leaves templates compiled every build, as before.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import stat
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.utils import _PassArg

ENV_DIR = "POSTMORTEMS_CACHE_DIR"
"""A folder for the cache instead of the user's cache folder; `off` for none."""
OFF = "off"


def default_folder() -> Path | None:
    chosen = os.environ.get(ENV_DIR)
    if chosen:
        return None if chosen == OFF else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mkdocs-postmortems"


def _fingerprint(env: jinja2.Environment, name: str | None) -> str:
    """What of `env` the code compiled from template `name` depends on."""
    autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    return repr(
        (
            jinja2.__version__,
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            env.is_async,
            bool(autoescape),
            sorted(env.extensions),
            env.code_generator_class.__qualname__,
            env.sandboxed,
            _callables(env.filters),
            _callables(env.tests),
            _callable(env.finalize) if env.finalize is not None else None,
        )
    )


def _callables(found: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((name, _callable(function)) for name, function in found.items())


def _callable(function: Callable[..., Any]) -> tuple[str, ...]:
    """How compiled code calls a filter (what it is passed), and what it is: its name and
    its code, whose result Jinja may have written in for a constant."""
    code = getattr(function, "__code__", None)
    return (
        str(_PassArg.from_obj(function)),
        str(getattr(function, "__module__", None)),
        str(getattr(function, "__qualname__", type(function).__qualname__)),
        _code(code) if isinstance(code, types.CodeType) else "",
    )


@functools.lru_cache(maxsize=1024)
def _code(code: types.CodeType) -> str:
    """A digest of what a function does, the same in every process (not `marshal`'s, which
    varies with reference counts, nor a set's order, which varies with the hash seed)."""
    digest = hashlib.sha256(code.co_code)
    digest.update(repr(code.co_names).encode())
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            digest.update(_code(constant).encode())
        elif isinstance(constant, frozenset):
            digest.update(repr(sorted(map(repr, constant))).encode())
        else:
            digest.update(repr(constant).encode())
    return digest.hexdigest()


class TemplateCache(FileSystemBytecodeCache):
    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        key = hashlib.sha256(
            "\0".join((_fingerprint(environment, name), name, filename or "")).encode()
        ).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        """A damaged entry (cut short, say) is compiled again, not an error."""
        try:
            super().load_bytecode(bucket)
        except Exception:  # pickle and marshal raise many kinds
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """A full disk or a folder gone costs the next build a compile, not this one."""
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _private(folder: Path) -> bool:
    """The folder exists (made if need be), is a folder, ours, and closed to others."""
    try:
        folder.mkdir(mode=stat.S_IRWXU, parents=True, exist_ok=True)
        found = os.lstat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(found.st_mode)
        and found.st_uid == os.getuid()
        and not found.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    )


_made: dict[Path, TemplateCache | None] = {}
_chosen: list[Path | None] = []
"""The folder `use` chose for this process; none chosen: `default_folder()`."""


def use(folder: Path | None) -> None:
    """Cache in `folder` (None: do not cache) from now on in this process and its workers."""
    _chosen[:] = [folder]


def current() -> TemplateCache | None:
    """The cache in the chosen folder's `templates` folder, or None where none may be used."""
    folder = _chosen[0] if _chosen else default_folder()
    if folder is None or not hasattr(os, "getuid"):
        return None
    if folder not in _made:
        templates = folder / "templates"
        safe = _private(folder) and _private(templates)
        _made[folder] = TemplateCache(str(templates), "%s.jinja") if safe else None
    return _made[folder]


def compiled(env: jinja2.Environment, name: str, source: str) -> jinja2.Template:
    """A template made from `source` (not from a file), through the environment's cache:
    what `BaseLoader.load` does for a template it finds. `name` keys the cache only: the
    template is nameless, as `from_string` makes it, and so are its errors."""
    bcc = env.bytecode_cache
    if bcc is None:
        code = env.compile(source)
    else:
        bucket = bcc.get_bucket(env, name, None, source)
        if bucket.code is None:
            bucket.code = env.compile(source)
            bcc.set_bucket(bucket)
        code = bucket.code
    return env.template_class.from_code(env, code, env.make_globals(None))
