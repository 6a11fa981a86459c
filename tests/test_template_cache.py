"""Compiled templates kept across builds (`site.template_cache`): a build that finds them
makes the same site, byte for byte, as one that compiles every template and one with the
cache off; an edited template is compiled again; a folder others could write to is not used.

The builds are real MkDocs builds of a copy of tests/fixtures/analytics-kb, with a theme
override folder, so the theme's, the package's and a site's own templates all pass through.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest

from mkdocs_postmortems.site import template_cache, templates

SiteBuilder = Callable[..., Path]
REPO = Path(__file__).resolve().parents[1]
KB = REPO / "tests" / "fixtures" / "analytics-kb"
PACKAGE_TEMPLATES = REPO / "plugins" / "mkdocs_postmortems" / "site" / "templates"
AS_OF = "2026-06-15"


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "kb"
    shutil.copytree(KB, project)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    themed = text.replace(
        "theme: {name: material, font: false}",
        "theme: {name: material, font: false, custom_dir: overrides}",
    )
    assert themed != text
    config.write_text(themed, encoding="utf-8")
    _override(project, "Override one")
    return project


def _override(project: Path, last_line: str) -> None:
    """The package's browse page template with a line of the site's own at its end."""
    source = PACKAGE_TEMPLATES / "listings" / "browse.html"
    path = project / "overrides" / templates.OVERRIDES / "listings" / "browse.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source.read_text(encoding="utf-8") + f"<p>{last_line}</p>\n", "utf-8")


def _files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def _entries(folder: Path) -> dict[str, tuple[int, int]]:
    """Each cached template: its inode and modification time, which a rewrite changes."""
    return {
        path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in (folder / "templates").iterdir()
    }


def test_a_warm_build_compiles_nothing_and_makes_the_same_site(
    build_site: SiteBuilder, tmp_path: Path
) -> None:
    project = _project(tmp_path)
    config = project / "mkdocs.yml"
    cache = tmp_path / "cache"
    off = build_site(config, tmp_path / "off", as_of=AS_OF, cache=False)
    assert not cache.exists()
    cold = build_site(config, tmp_path / "cold", as_of=AS_OF, cache_dir=str(cache))
    written = _entries(cache)
    # The theme's templates, the package's (lists and analytics are made in workers, which
    # write theirs too) and the postmortem page's, written in from its parts.
    assert len(written) > 40
    warm = build_site(config, tmp_path / "warm", as_of=AS_OF, cache_dir=str(cache))
    assert _entries(cache) == written  # every template found, none compiled and written again
    assert _files(cold) == _files(off)
    assert _files(warm) == _files(off)
    assert b"Override one" in (warm / "postmortems" / "index.html").read_bytes()


def test_an_edited_template_is_compiled_again(build_site: SiteBuilder, tmp_path: Path) -> None:
    project = _project(tmp_path)
    config = project / "mkdocs.yml"
    cache = tmp_path / "cache"
    build_site(config, tmp_path / "one", as_of=AS_OF, cache_dir=str(cache))
    _override(project, "Override two")
    two = build_site(config, tmp_path / "two", as_of=AS_OF, cache_dir=str(cache))
    page = (two / "postmortems" / "index.html").read_bytes()
    assert b"Override two" in page
    assert b"Override one" not in page


def test_the_cache_is_keyed_by_what_changes_the_compiled_code(tmp_path: Path) -> None:
    """The same template compiled under other whitespace rules is another entry: sites with
    differently set up theme environments share the folder, not each other's code."""
    cache = template_cache.TemplateCache(str(tmp_path))
    source = "{% if x %}\n  {{ x }}\n{% endif %}\n"
    keys = set()
    outputs = set()
    for trim in (False, True):
        env = jinja2.Environment(
            loader=jinja2.DictLoader({"t.html": source}),
            trim_blocks=trim,
            lstrip_blocks=trim,
            bytecode_cache=cache,
        )
        keys.add(cache.get_bucket(env, "t.html", None, source).key)
        outputs.add(env.get_template("t.html").render(x="y"))
    assert len(keys) == 2
    assert outputs == {"\n  y\n", "  y\n"}
    # Read back from the cache, each environment gets its own code.
    for trim, expected in ((False, "\n  y\n"), (True, "  y\n")):
        env = jinja2.Environment(
            loader=jinja2.DictLoader({"t.html": source}),
            trim_blocks=trim,
            lstrip_blocks=trim,
            bytecode_cache=cache,
        )
        assert cache.get_bucket(env, "t.html", None, source).code is not None
        assert env.get_template("t.html").render(x="y") == expected


def _shout(value: str) -> str:
    return value.upper()


def _whisper(value: str) -> str:
    return value.lower()


@jinja2.pass_context
def _shout_in_context(context: object, value: str) -> str:
    return value.upper()


def test_the_cache_is_keyed_by_the_filters_the_code_calls(tmp_path: Path) -> None:
    """Compiled code passes a filter what it asks for (the context, say), and Jinja runs a
    filter on a constant as it compiles: a filter of another kind or with other code under
    the same name is another entry, the same filter the same one."""
    cache = template_cache.TemplateCache(str(tmp_path))
    source = '{{ "Quiet" | loud }} {{ name | loud }}'
    rendered = {}
    keys = {}
    for label, function in (
        ("shout", _shout),
        ("again", _shout),
        ("whisper", _whisper),
        ("context", _shout_in_context),
    ):
        env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": source}), bytecode_cache=cache)
        env.filters["loud"] = function
        keys[label] = cache.get_bucket(env, "t.html", None, source).key
        rendered[label] = env.get_template("t.html").render(name="Ann")
    assert keys["shout"] == keys["again"]
    assert len({keys["shout"], keys["whisper"], keys["context"]}) == 3
    assert rendered == {
        "shout": "QUIET ANN",
        "again": "QUIET ANN",
        "whisper": "quiet ann",
        "context": "QUIET ANN",
    }


def test_the_key_is_the_same_in_every_process() -> None:
    """A key that changed with the hash seed would miss the cache in every build."""
    program = (
        "import hashlib\n"
        "from mkdocs_postmortems.site import template_cache, templates\n"
        "env = templates.environment(())\n"
        "text = template_cache._fingerprint(env, 'page.html')\n"
        "print(hashlib.sha256(text.encode()).hexdigest())\n"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="folder ownership is a POSIX notion")
def test_a_folder_others_can_write_to_is_not_used(tmp_path: Path) -> None:
    open_folder = tmp_path / "open"
    (open_folder / "templates").mkdir(parents=True)
    os.chmod(open_folder / "templates", 0o777)
    template_cache.use(open_folder)
    try:
        assert template_cache.current() is None
        not_a_folder = tmp_path / "file"
        not_a_folder.write_text("", encoding="utf-8")
        template_cache.use(not_a_folder)
        assert template_cache.current() is None
        template_cache.use(None)
        assert template_cache.current() is None
        closed = tmp_path / "closed"
        template_cache.use(closed)
        made = template_cache.current()
        assert made is not None
        assert stat.S_IMODE(os.stat(closed / "templates").st_mode) == 0o700
    finally:
        template_cache.use(template_cache.default_folder())


def test_the_default_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    monkeypatch.delenv(template_cache.ENV_DIR, raising=False)
    assert template_cache.default_folder() == Path("/somewhere/mkdocs-postmortems")
    monkeypatch.setenv(template_cache.ENV_DIR, "/elsewhere")
    assert template_cache.default_folder() == Path("/elsewhere")
    monkeypatch.setenv(template_cache.ENV_DIR, template_cache.OFF)
    assert template_cache.default_folder() is None


def test_a_damaged_or_unwritable_entry_is_compiled_again(tmp_path: Path) -> None:
    cache = template_cache.TemplateCache(str(tmp_path / "entries"))
    (tmp_path / "entries").mkdir()
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": "{{ x }}!"}), bytecode_cache=cache)
    assert env.get_template("t.html").render(x=1) == "1!"
    (entry,) = (tmp_path / "entries").iterdir()
    entry.write_bytes(entry.read_bytes()[:40])  # cut short
    env.cache.clear()  # type: ignore[union-attr]
    assert env.get_template("t.html").render(x=2) == "2!"
    shutil.rmtree(tmp_path / "entries")  # nowhere to write
    env.cache.clear()  # type: ignore[union-attr]
    assert env.get_template("t.html").render(x=3) == "3!"
