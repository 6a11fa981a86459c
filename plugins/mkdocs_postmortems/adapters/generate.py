"""`postmortems generate`: the generated site written into a docs folder, for a generator
that runs no plugin (Zensical, plain MkDocs, ProperDocs).

The pages are the plugin's (`site.build`); only their form differs. A page becomes a
Markdown file with front matter whose trusted HTML (slots, sections) sits in raw HTML
blocks, which every Python-Markdown generator passes through untouched. An author's body
cannot wait for the generator, where nothing would sanitise it: it is rendered and
sanitised here, as the plugin does, and written as HTML too. Section headings stay
Markdown, so that the generator's table of contents lists them.

The docs folder keeps its hand-written files: a manifest (`MANIFEST`) lists what the last
run wrote, so that the next run removes what it no longer makes (if nobody changed it since),
and refuses to write over any file it did not make, or at the URL of one. `index.md` is the
one hand-written file it edits: the region between the home markers (`home_marker`) becomes
the home block.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_module
import json
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import markdown
import yaml

from mkdocs_postmortems.adapters import analytics_build, destinations
from mkdocs_postmortems.analytics import rows as analytics_rows
from mkdocs_postmortems.core import body_check
from mkdocs_postmortems.core.corpus import Entry
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.html_rules import tooltip_html
from mkdocs_postmortems.core.taxonomy import Taxonomy
from mkdocs_postmortems.site import build as site_module
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import feeds, home_marker, sanitize, urls
from mkdocs_postmortems.site import headings as headings_module
from mkdocs_postmortems.site.common import SLOT, Page
from mkdocs_postmortems.site.home import home_block, home_catalog
from mkdocs_postmortems.site.html import esc
from mkdocs_postmortems.site.postmortem import SECTIONS

MANIFEST = ".postmortems-generated"
"""In the docs folder: the paths the last run wrote, one a line after the SHA-256 of what it
wrote there. Generators skip dotfiles."""
HOME = "index.md"
BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")
"""MkDocs adds these to every site's `markdown_extensions`; so do its forks."""
GENERATORS = ("mkdocs", "properdocs", "zensical")
SOURCE_RELATIVE = frozenset({"zensical"})
"""Generators that read every relative link of a page, raw HTML's too, as relative to its
source file, and rewrite it for the page's URL: Zensical (0.0.73) does. MkDocs and its fork
leave raw HTML as written, where a link is relative to the page's URL."""


class GenerateError(Exception):
    """Nothing was written: the messages say why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class SiteConfig:
    """What `generate` needs of the site's configuration (a mkdocs.yml, read by `read_config`)."""

    site_name: str = "Postmortems"
    site_url: str | None = None
    use_directory_urls: bool = True
    extensions: tuple[Any, ...] = BUILTIN_EXTENSIONS
    extension_configs: Mapping[str, Any] = field(default_factory=dict)
    custom_dir: Path | None = None
    """The theme's overrides folder: its `postmortems/` templates replace the package's."""
    root: Path | None = None
    """The repository root: edit links and sources are relative to it."""
    generator: str = "mkdocs"
    """The generator that builds the docs folder (`GENERATORS`): how it reads links."""
    plugin: bool = False
    """Whether the configuration lists the postmortems plugin, which would meet the
    generated files in the docs folder."""


class _Loader(yaml.SafeLoader):
    """mkdocs.yml may hold `!!python/name:` and `!ENV` tags: read as nothing, not run."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(path: Path) -> SiteConfig:
    """The parts of a mkdocs.yml (or a fork's) that shape the generated pages."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise GenerateError([f"{path}: expected a readable YAML configuration: {error}"]) from None
    if not isinstance(data, dict):
        raise GenerateError([f"{path}: expected a mapping of settings, got {type(data).__name__}"])
    extensions: list[Any] = list(BUILTIN_EXTENSIONS)
    configs: dict[str, Any] = {}
    listed = data.get("markdown_extensions") or []
    pairs = list(listed.items()) if isinstance(listed, dict) else listed
    for item in pairs if isinstance(pairs, list) else []:
        name, options = _extension(item)
        if name is None:
            continue
        if name not in extensions:
            extensions.append(name)
        if isinstance(options, dict):
            configs[name] = options
    theme = data.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    root = path.resolve().parent
    name, url = data.get("site_name"), data.get("site_url")
    plugins = data.get("plugins") or []
    plugin = any(
        p == "postmortems" or (isinstance(p, dict) and "postmortems" in p) for p in plugins
    )
    return SiteConfig(
        site_name=name if isinstance(name, str) else "Postmortems",
        site_url=url if isinstance(url, str) and url else None,
        use_directory_urls=data.get("use_directory_urls", True) is not False,
        extensions=tuple(extensions),
        extension_configs=configs,
        custom_dir=root / custom_dir if isinstance(custom_dir, str) else None,
        root=root,
        plugin=plugin,
    )


def _extension(item: object) -> tuple[str | None, object]:
    """One `markdown_extensions` entry: a name, {name: options}, or (name, options)."""
    if isinstance(item, dict) and len(item) == 1:
        item = next(iter(item.items()))
    if isinstance(item, tuple) and isinstance(item[0], str):
        return item[0], item[1]
    return (item, None) if isinstance(item, str) else (None, None)


@dataclass
class Generated:
    """The generated part of a site as files of a docs folder, and the home block."""

    files: dict[str, bytes]
    home: str
    """The home block's Markdown region, markers included (`home_marker`)."""
    problems: list[Diagnostic]
    """What the sanitiser removed from bodies, and the catalog's problems."""
    pages: list[str] = field(default_factory=list)
    """The src_uri of every page written."""


def generate(
    entries: list[Entry],
    taxonomy: Taxonomy,
    as_of: dt.date,
    config: SiteConfig,
    *,
    include_drafts: bool = False,
) -> Generated:
    """Every page and file the plugin adds to a site, as a docs folder's files."""
    catalog = catalog_module.build(
        entries,
        taxonomy,
        as_of,
        include_drafts=include_drafts,
        root=config.root or Path.cwd(),
        use_directory_urls=config.use_directory_urls,
    )
    if config.custom_dir is not None:
        catalog.templates = (str(config.custom_dir),)
    if config.generator in SOURCE_RELATIVE and config.use_directory_urls:
        catalog.links = SourceRelativeUrls(config.use_directory_urls)
    # The analytics part as the plugin makes it: in a worker, its charts drawn in others.
    rows = analytics_rows.rows(entries, taxonomy, as_of)
    analytics = analytics_build.Pending(site_module.AnalyticsJob(site_module.thin(catalog), rows))
    about = feeds.About(config.site_name, config.site_url)
    site = site_module.lists(catalog, about=about)
    site_module.add_assets(site)
    writer = _Writer(config, catalog.links)
    files = dict(site.files)
    made = analytics.made()
    problems = list(site.problems)
    pages = [*site.pages, *made.pages]
    for page in pages:
        text, removed = writer.page(page)
        files[page.src_uri] = text.encode()
        problems.extend(removed)
    files.update(analytics.data_files())
    files.update(analytics.chart_files())
    block = home_block(home_catalog(catalog), made.figures, HOME)
    home = f"{home_marker.START}\n\n{_raw(block)}\n\n{home_marker.END}"
    return Generated(files, home, problems, [page.src_uri for page in pages])


class SourceRelativeUrls(urls.Urls):
    """Links as a generator that rewrites them (`SOURCE_RELATIVE`) wants them written:
    from the folder of the page's source file to the target's URL. `a/b.md`, published at
    `a/b/`, links to `c/` as `../c/`, which the generator makes `../../c/`."""

    def rel(self, from_src: str, to_src: str) -> str:
        target = self.url(to_src)
        here = urls.href(from_src)
        relative = urls.relpath(target, here.rsplit("/", 1)[0] if "/" in here else "")
        if target.endswith("/"):
            relative = "./" if relative == "." else relative + "/"
        return relative


class _Writer:
    """Pages as Markdown files, author bodies rendered and sanitised on the way."""

    def __init__(self, config: SiteConfig, links: urls.Urls) -> None:
        self.links = links
        extensions = list(config.extensions)
        configs = dict(config.extension_configs)
        self.markdown = markdown.Markdown(extensions=extensions, extension_configs=configs)
        self.headings = headings_module.render(SECTIONS, extensions, configs, sanitize.clean)

    def page(self, page: Page) -> tuple[str, list[Diagnostic]]:
        problems: list[Diagnostic] = []
        front: dict[str, Any] = {"title": tooltip_html(esc(page.title))}  # as the plugin's
        if page.hide:
            front["hide"] = list(page.hide)
        if not page.search:
            front["search"] = {"exclude": True}
        lines = [f"{key}: {json.dumps(value)}" for key, value in front.items()]  # YAML, too
        parts = ["\n".join(["---", *lines, "---"])]
        parts.extend(self._section(*section) for section in page.before)
        if page.sanitize:
            html, problems = self._body(page)
            if html.strip():
                parts.append(_raw(html))
        elif page.markdown.strip():
            parts.append(_slots(page.markdown, page.slots))
        parts.extend(self._section(*section) for section in page.after)
        return "\n\n".join(parts) + "\n", problems

    def _section(self, heading: str | None, html: str) -> str:
        block = _raw(html)
        if heading is None:
            return block
        return f"## {_markdown_text(heading)}\n\n{block}"

    def _body(self, page: Page) -> tuple[str, list[Diagnostic]]:
        """The author's Markdown as the plugin shows it: rendered with the site's extensions,
        its ids placed beside the page's (`headings.body_ids`), sanitised."""
        self.markdown.reset()
        html = self.markdown.convert(page.markdown)
        toc = _toc_ids(getattr(self.markdown, "toc_tokens", []))
        ids = headings_module.body_ids(toc, self.headings.reserved)
        cleaned = sanitize.clean_body(html, ids)
        problems: list[Diagnostic] = []
        if page.origin is not None and cleaned.removed:
            path, line = page.origin
            problems = body_check.removed(path, line, page.markdown, cleaned.removed)
        body = md_links(cleaned.html, page.src_uri, self.links)
        for name, slot in page.slots.items():
            body = body.replace(f"<p>{SLOT.format(name)}</p>", slot, 1)
        return body, problems


def _toc_ids(tokens: Iterable[Mapping[str, Any]]) -> list[str]:
    return [i for token in tokens for i in (token["id"], *_toc_ids(token.get("children", [])))]


_MD_HREF = re.compile(r'href="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"#?]*\.md)(#[^"]*)?"')
"""A relative link to a Markdown file, as the sanitiser writes attributes."""


def md_links(body: str, src_uri: str, links: urls.Urls) -> str:
    """A body's links to other `.md` files as the plugin's generator writes them: to the page
    those files become. MkDocs rewrites only Markdown's own links, not those of HTML."""

    def url(found: re.Match[str]) -> str:
        path = unquote(html_module.unescape(found.group(1)))
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path))
        if target.startswith("../") or target == "..":
            return found.group(0)
        return f'href="{esc(links.rel(src_uri, target))}{found.group(2) or ""}"'

    return _MD_HREF.sub(url, body)


_SEARCH_MARKERS = re.compile(r"<!--/?(?:nosearch|pm-text)-->")
"""The plugin's notes to its own search view (`html.search_view`): no other generator reads
them."""
_FIRST_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
_BLOCK_TAGS = frozenset(markdown.Markdown().block_level_elements)


def _raw(html: str) -> str:
    """Trusted HTML as a raw block of a Markdown file: Python-Markdown passes a block through
    as written when it starts a line with a block-level tag; anything else is put in a <div>."""
    html = _SEARCH_MARKERS.sub("", html).strip()
    first = _FIRST_TAG.match(html)
    if first is None or first.group(1).lower() not in _BLOCK_TAGS:
        html = f"<div>\n{html}\n</div>"
    return html


def _slots(text: str, slots: Mapping[str, str]) -> str:
    """A generated page's own Markdown with each slot's placeholder paragraph as raw HTML."""
    for name, html in slots.items():
        text = text.replace(SLOT.format(name), f"\n{_raw(html)}\n", 1)
    return text.strip("\n")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


def _markdown_text(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


# --- the docs folder


@dataclass
class Written:
    """What a run did to the docs folder."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Files the last run wrote and this one does not, left in place because their content
    is not what that run wrote (someone edited them, or listed a file of theirs)."""
    home: str = ""
    """How the home block got in: 'edited', 'generated', or 'no marker'."""


_HASHED = re.compile(r"([0-9a-f]{64})  (.+)")


def read_manifest(out: Path) -> set[str]:
    """The paths the last run wrote."""
    return set(read_hashes(out))


def read_hashes(out: Path) -> dict[str, str | None]:
    """The paths the last run wrote, each with the SHA-256 of what it wrote (None from a
    manifest line without one: such a file is never removed)."""
    try:
        lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    found: dict[str, str | None] = {}
    for line in lines:
        if not line or line.startswith("#"):
            continue
        hashed = _HASHED.fullmatch(line)
        path, digest = (hashed.group(2), hashed.group(1)) if hashed else (line, None)
        if _safe(path):
            found[path] = digest
    return found


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _safe(path: str) -> bool:
    """A relative path inside the docs folder: a manifest is a file anyone could edit."""
    parts = path.split("/")
    return not path.startswith("/") and all(part not in ("", ".", "..") for part in parts)


def write(
    out: Path, generated: Generated, site_name: str, *, use_directory_urls: bool = True
) -> Written:
    """Write `generated` into the docs folder `out`: only the paths it makes (and the home
    region of `index.md`), never over a file an earlier run did not write, nor at the URL
    of one."""
    if os.path.lexists(out) and not out.is_dir():
        raise GenerateError([f"{out}: expected a docs folder, got a file"])
    out.mkdir(parents=True, exist_ok=True)
    hashes = read_hashes(out)
    before = set(hashes)
    files = dict(generated.files)
    home_path = out / HOME
    home_text: str | None = None
    result = Written()
    if HOME not in before and home_path.is_file() and not home_path.is_symlink():
        current = home_path.read_text(encoding="utf-8")
        if home_marker.find(current) is not None:
            home_text = home_marker.replace(current, generated.home)
            result.home = "edited"
        else:
            result.home = "no marker"
    elif HOME in before or not os.path.lexists(home_path):
        title = esc(site_name)
        files[HOME] = f"# {title}\n\n{generated.home}\n".encode()
        result.home = "generated"
    conflicts = [
        path
        for path in sorted(files)
        if os.path.lexists(out / path) and (path not in before or (out / path).is_symlink())
    ]
    conflicts += [
        path for path in sorted(files) if any((out / parent).is_file() for parent in _parents(path))
    ]
    messages = [
        f"{out / path}: expected a file written by postmortems generate (listed in "
        f"{out / MANIFEST}), got a file of the docs folder there; move it or remove it"
        for path in conflicts
    ]
    messages += _same_url(out, files, before, use_directory_urls)
    if messages:
        raise GenerateError(messages)
    for path in sorted(files):
        target = out / path
        content = files[path]
        if target.is_file() and target.read_bytes() == content:
            result.unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        result.written.append(path)
    if home_text is not None:
        if home_path.read_text(encoding="utf-8") != home_text:
            home_path.write_text(home_text, encoding="utf-8")
            result.written.append(HOME)
        else:
            result.unchanged += 1
    for path in sorted(before - files.keys()):
        target = out / path
        if not target.is_file() or target.is_symlink():
            continue
        if hashes[path] is None or _sha256(target.read_bytes()) != hashes[path]:
            result.kept.append(path)
            continue
        target.unlink()
        result.removed.append(path)
        _prune(target.parent, out)
    manifest = "".join(f"{_sha256(files[path])}  {path}\n" for path in sorted(files))
    header = (
        "# Written by `postmortems generate`: the next run replaces these, and removes those\n"
        "# it no longer makes if their content is still the SHA-256 given here.\n"
    )
    (out / MANIFEST).write_text(header + manifest, encoding="utf-8")
    return result


def _same_url(
    out: Path, files: Mapping[str, bytes], skipped: set[str], use_directory_urls: bool
) -> list[str]:
    """A hand-written file at the URL of a generated one under another name
    (`severity.md` and `severity/index.md`, `README.md` and `index.md`): the generator would
    publish one of them without a word. The same rule as the plugin's (`collisions`)."""
    generated_at = {destinations.dest_uri(path, use_directory_urls): path for path in files}
    found: list[str] = []
    for folder, dirs, names in os.walk(out):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        relative = Path(folder).relative_to(out).as_posix()
        for name in sorted(names):
            path = name if relative == "." else f"{relative}/{name}"
            if name.startswith(".") or path in files or path in skipped:
                continue
            dest = destinations.dest_uri(path, use_directory_urls)
            mine = generated_at.get(dest)
            if mine is not None:
                found.append(
                    f"{out / path}: expected a URL of its own, got "
                    f"{destinations.url(dest, use_directory_urls)} which postmortems generate "
                    f"writes ({out / mine}); rename or move {out / path}"
                )
    return found


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _prune(folder: Path, out: Path) -> None:
    """Remove the folders a removed file leaves empty, up to the docs folder."""
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def config_lines() -> str:
    """What a generator's configuration needs for the pages' styles and scripts: the plugin
    adds them itself."""
    paths = [f"{site_module.ASSET_DIR}/{name}" for name in site_module.ASSETS]
    css = [f"  - {path}" for path in paths if path.endswith(".css")]
    js = [f"  - {path}" for path in paths if path.endswith(".js")]
    return "\n".join(["extra_css:", *css, "extra_javascript:", *js]) + "\n"
