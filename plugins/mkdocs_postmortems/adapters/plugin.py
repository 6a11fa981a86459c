"""The MkDocs adapter: reads the knowledge base once per build and adds the generated site.

Only glue lives here. Loading and validation are the core's (`corpus`), shared with the
CLI; pages and data files come from `site.build` as plain data. Every diagnostic is a
warning on the plugin logger, so `mkdocs build --strict` fails on an invalid postmortem
instead of publishing it silently.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import AnchorLink, get_toc
from mkdocs.utils import write_file
from mkdocs.utils.templates import TemplateContext

from mkdocs_postmortems.adapters import (
    analytics_build,
    background,
    collisions,
    fast_edit,
    home_page,
    lists_build,
    markdown_reuse,
    nav_cache,
    not_found,
    search_sections,
    serve,
)
from mkdocs_postmortems.analytics import rows as analytics_rows
from mkdocs_postmortems.core import body_check, metrics
from mkdocs_postmortems.core import taxonomy as taxonomy_module
from mkdocs_postmortems.core.corpus import Entry, Loading, start_loading
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.html_rules import BodyIds, tooltip_html
from mkdocs_postmortems.site import build as site_module
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import feeds as feeds_module
from mkdocs_postmortems.site import headings as headings_module
from mkdocs_postmortems.site import home_marker, sanitize, template_cache, templates
from mkdocs_postmortems.site import postmortem as postmortem_module
from mkdocs_postmortems.site import problems as problems_module
from mkdocs_postmortems.site import search as search_module
from mkdocs_postmortems.site.common import Page
from mkdocs_postmortems.site.feeds import HeadLinks
from mkdocs_postmortems.site.home import Home, home_block, home_catalog
from mkdocs_postmortems.site.html import esc, search_view
from mkdocs_postmortems.site.postmortem import SECTIONS
from mkdocs_postmortems.site.postmortem import page as postmortem_page
from mkdocs_postmortems.site.urls import edit_url

log = get_plugin_logger(__name__)
HOME_MARKER = home_marker.MARKDOWN
"""The home block's place: visible text, which a generator that skips the plugin shows."""


class PostmortemsConfig(base.Config):
    dir = opt.Type(str, default="postmortems")
    """Folder of postmortem files, relative to mkdocs.yml."""
    taxonomy = opt.Optional(opt.Type(str))
    """Taxonomy file; default `taxonomy.yml` inside `dir`, else the built-in default."""
    as_of = opt.Optional(opt.Type(str))
    """Day overdue is judged on (YYYY-MM-DD); default POSTMORTEMS_AS_OF, else the build date."""
    include_drafts = opt.Type(bool, default=False)
    """Publish drafts in `mkdocs build` too; `mkdocs serve` always shows them, marked."""
    edit_uri = opt.Optional(opt.Type(str))
    """Edit URI of the repository root (`edit/main/`); default: the site's `edit_uri`
    without its docs folder."""
    cache = opt.Type(bool, default=True)
    """Keep compiled templates across builds (`template_cache`)."""
    cache_dir = opt.Optional(opt.Type(str))
    """Folder of that cache, relative to mkdocs.yml; default POSTMORTEMS_CACHE_DIR, else
    the user's cache folder."""


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.home: Home | None = None
        self.catalog: catalog_module.Catalog | None = None
        self.unmade: dict[str, catalog_module.Published] = {}
        self.pages: dict[str, Page] = {}
        self.docs_files: collisions.DocsFiles | None = None
        """The docs folder's files, which no generated file may take the URL of."""
        self.full_content: dict[str, str] = {}
        self.held: dict[str, bytes] = {}
        """Pages' HTML from on_page_content to on_page_context, as UTF-8 (`_hold_content`)."""
        self.search_keys: dict[str, list[str]] = {}
        """Each postmortem page's id and hotfix tag, which its search entry's title leads with."""
        self.nav_cached = False
        self.headings: headings_module.Headings | None = None  # the site's, from on_files
        self.analytics: analytics_build.Pending | None = None
        self.planned: set[str] = set()
        """Analytics and report pages registered before `analytics` has made them."""
        self.lists: lists_build.Pending | None = None
        self.planned_lists: set[str] = set()
        """List pages registered before `lists` has made them."""
        self.read = 0
        """Pages read in this build (`FREEZE_EVERY`)."""
        self.loading: tuple[Loading, taxonomy_module.Taxonomy] | None = None
        self.display: serve.Display | None = None
        """Under `mkdocs serve`, this build's problems, shown on its pages."""
        self.taxonomy_problems: list[Diagnostic] = []
        self.folder_watch: serve.FolderWatch | None = None
        self.feed_links: HeadLinks | None = None
        """The feeds each page announces in its head (`site.feeds`)."""
        self.fast: fast_edit.Session | None = None
        """Under `mkdocs serve`, an edited postmortem's page made alone first."""

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        if command == "serve" and not dirty:
            self.fast = fast_edit.Session()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        template_cache.use(self._cache_folder(config))
        templates.environment.cache_clear()  # under serve, an edited override shows next build
        postmortem_module.compiled.cache_clear()
        if self.command == "serve":  # problems are shown on the pages, whatever `strict` says
            self.display = serve.Display()
        search_sections.install()  # Material's search reads pages faster: same sections
        markdown_reuse.install()  # pages share a Markdown converter where nothing changes
        try:
            self.as_of = metrics.as_of_date(self.config.as_of)
        except metrics.AsOfError as error:
            raise PluginError(f"postmortems: {error}") from None
        for name in site_module.ASSETS:
            path = f"{site_module.ASSET_DIR}/{name}"
            if name.endswith(".css") and path not in config.extra_css:
                config.extra_css.append(path)
            scripts = [str(script) for script in config.extra_javascript]
            if name.endswith(".js") and path not in scripts:
                config.extra_javascript.append(path)
        # Workers start reading the corpus now, while MkDocs cleans the site folder and
        # gathers the theme's files; this process reads its share in on_files.
        root = self._root(config)
        folder = Path(os.path.normpath(root / self.config.dir))
        if self.fast is not None:  # the files as this build reads them, hashed before it
            chosen = self.config.taxonomy and str(root / self.config.taxonomy)
            self.fast.begin(config, [str(folder), *([chosen] if chosen else [])])
        taxonomy = self._taxonomy(root, folder)
        loading = start_loading([folder], taxonomy, parallel=True, as_of=self.as_of)
        self.loading = (loading, taxonomy)
        return config

    def _cache_folder(self, config: MkDocsConfig) -> Path | None:
        if not self.config.cache:
            return None
        if self.config.cache_dir:
            return self._root(config) / self.config.cache_dir
        return template_cache.default_folder()

    def _taxonomy(self, root: Path, folder: Path) -> taxonomy_module.Taxonomy:
        chosen = Path(os.path.normpath(root / (self.config.taxonomy or folder / "taxonomy.yml")))
        if not (os.path.lexists(chosen) or self.config.taxonomy):  # a FIFO or link: load says
            return taxonomy_module.DEFAULT
        try:  # a taxonomy named must exist
            return taxonomy_module.load(chosen, _relative(chosen, root))
        except taxonomy_module.TaxonomyError as error:
            self.taxonomy_problems = list(error.diagnostics)
            for diagnostic in error.diagnostics:
                log.warning(str(diagnostic))
            return taxonomy_module.DEFAULT

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        self.held.clear()  # what a failed build left
        root = self._root(config)
        self.docs_files = collisions.DocsFiles(files, root)
        folder = Path(os.path.normpath(root / self.config.dir))
        self.headings = headings_module.render(
            SECTIONS, list(config.markdown_extensions), config.mdx_configs, sanitize.clean
        )
        if self.loading is None:  # on_config comes first in a build; a direct caller may skip it
            taxonomy = self._taxonomy(root, folder)
            self.loading = (start_loading([folder], taxonomy, as_of=self.as_of), taxonomy)
        loading, taxonomy = self.loading
        self.loading = None
        corpus = loading.finish()
        gc.freeze()  # the corpus lives until on_env: no full scan need walk it (see the end)
        for diagnostic in corpus.diagnostics:
            # Errors are warnings to MkDocs, so that --strict fails on them.
            (log.warning if diagnostic.level == "error" else log.info)(str(diagnostic))
        include_drafts = self.config.include_drafts or self.command == "serve"

        def make_catalog(entries: list[Entry]) -> catalog_module.Catalog:
            made = catalog_module.build(
                entries,
                taxonomy,
                self.as_of,
                include_drafts=include_drafts,
                root=root,
                use_directory_urls=config.use_directory_urls,
            )
            if config.theme.custom_dir:  # the site's overrides of the pages' templates
                made.templates = (config.theme.custom_dir,)
            return made

        catalog = make_catalog(corpus.entries)
        if self.fast is not None:  # kept for a page made alone after an edit
            self.fast.read(corpus.entries, taxonomy, self.as_of, make_catalog)
        # The analytics part is made elsewhere while this process reads the pages, which
        # only link to it; its pages are registered now, from the plan of its rows.
        rows = analytics_rows.rows(corpus.entries, taxonomy, self.as_of)
        self.analytics = analytics_build.Pending(
            site_module.AnalyticsJob(site_module.thin(catalog), rows)
        )
        # So are the lists (browse, term, owner pages, feeds, exports), where workers fork.
        about = feeds_module.About(config.site_name, config.site_url)
        self.lists = lists_build.Pending(catalog, about, config.site_dir)
        for diagnostic in catalog.problems:
            log.warning(str(diagnostic))
        # Postmortem pages are made one at a time as MkDocs reads them (on_page_markdown).
        self.catalog = catalog
        self.unmade = {item.src_uri: item for item in catalog.items}
        for item in catalog.items:
            self._add(files, config, item.src_uri, "", InclusionLevel.NOT_IN_NAV)
        self.pages = {}
        self.read = 0
        plan = site_module.analytics_plan(rows)
        self.planned = {src_uri for src_uri, _ in plan}
        self.planned_lists = {src_uri for src_uri, _ in self.lists.plan}
        for src_uri, in_nav in [*self.lists.plan, *plan]:
            # Postmortem and term pages stay out of the nav; indexes and search find them.
            inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
            self._add(files, config, src_uri, "", inclusion)
        for path, content in site_module.assets().items():
            self._add(files, config, path, content)
        if files.get_file_from_path("index.md") is None:  # a knowledge base needs a home page
            home = f"# {esc(config.site_name)}\n\n{HOME_MARKER}\n"
            files.append(File.generated(config, "index.md", content=home))
        if self.display is not None:
            self._show_problems(
                files, config, [*self.taxonomy_problems, *corpus.diagnostics, *catalog.problems]
            )
        log.info(
            "%d postmortems published of %d files (as of %s)",
            len(catalog.items),
            corpus.files,
            self.as_of.isoformat(),
        )
        # The catalog serves the postmortem pages until on_env; then only the home block's few
        # latest postmortems stay in memory while MkDocs renders the pages.
        self.home = home_catalog(catalog)
        # What lives now lives through the page loop: kept out of the collector's full scans,
        # which would otherwise walk the corpus again and again (unfrozen after the build).
        gc.freeze()
        return files

    def _show_problems(
        self, files: Files, config: MkDocsConfig, diagnostics: list[Diagnostic]
    ) -> None:
        """Under serve: the errors page, and a page at each unpublished postmortem's place."""
        assert self.display is not None and self.catalog is not None
        published = {item.entry.path: item.src_uri for item in self.catalog.items}
        self.display.templates = self.catalog.templates  # the site's overrides
        for page in self.display.pages(diagnostics, published, set(files.src_uris)):
            self.pages[page.src_uri] = page
            added = self._add(files, config, page.src_uri, "", InclusionLevel.NOT_IN_NAV)
            if page.src_uri == problems_module.ERRORS:
                self.display.errors = added
        if diagnostics and self.display.errors is not None:
            log.info("the problems are shown in the browser too: /%s", self.display.errors.url)

    def _add(
        self,
        files: Files,
        config: MkDocsConfig,
        src_uri: str,
        content: str | bytes,
        inclusion: InclusionLevel = InclusionLevel.UNDEFINED,
    ) -> File:
        added = File.generated(config, src_uri, content=content, inclusion=inclusion)
        self._claim(files, src_uri, added.dest_uri)
        files.append(added)
        return added

    def _claim(self, files: Files, src_uri: str, dest_uri: str | None = None) -> None:
        """Make room for a generated file: a docs file at its URL is an error naming both
        (`collisions`), and is left out, the generated one published."""
        taken = collisions.taken(self.docs_files, files, dest_uri or src_uri)
        if taken is not None:
            log.warning(collisions.message(taken, src_uri))
            files.remove(taken.file)

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        # Every page is read and converted by now, so the corpus can go before the pages are
        # rendered; MkDocs copies files next, `/data/stats.json` among them.
        self._take_lists(files, config)
        self.catalog, self.unmade = None, {}
        if self.analytics is not None:
            self._take_analytics()
            for path, content in self.analytics.data_files().items():
                self._add(files, config, path, content)
            # The charts are written after the pages (on_post_build): they may still be
            # being drawn, and nothing reads them before then.
            for path in self.analytics.chart_paths():
                self._claim(files, path)
        if env.bytecode_cache is None:  # the theme's templates too (`template_cache`)
            env.bytecode_cache = template_cache.current()
        if config.theme.name == "material":
            self.nav_cached = nav_cache.install(env, config.theme.custom_dir)
            not_found.install(env, config.theme.custom_dir, files)
        if self.fast is not None:
            self.fast.environment(env, files)
        return env

    @event_priority(-100)  # the nav the pages get, after other plugins' changes
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.fast is not None:
            self.fast.navigation(nav)
        return nav

    def on_page_markdown(
        self, markdown: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        self.read += 1
        if self.read % FREEZE_EVERY == 0:
            _freeze_what_lives()
        item = self.unmade.pop(page.file.src_uri, None)
        if item is not None and self.catalog is not None:
            self.pages[page.file.src_uri] = postmortem_page(self.catalog, item)
            self.search_keys[page.file.src_uri] = search_module.keys(item)
        if page.file.src_uri in self.planned:
            self._take_analytics()
        if page.file.src_uri in self.planned_lists:
            self._take_lists(files, config)
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return markdown
        markdown = generated.markdown
        generated.markdown = ""  # MkDocs holds it from here
        # Material prints page.meta.title unescaped, in <title> and the header, and with
        # content.tooltips shows a cut-off header title as HTML: escaped, and inert there.
        page.meta["title"] = tooltip_html(esc(generated.title))
        if generated.hide:
            page.meta["hide"] = list(generated.hide)
        if not generated.search:
            page.meta["search"] = {"exclude": True}
        elif page.file.src_uri in self.search_keys:  # a postmortem: found by its id first
            page.meta["search"] = {"boost": search_module.BOOST}
        if generated.source:
            page.edit_url = self._edit_url(config, generated.source)
        return markdown

    def _page_content(
        self, html: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            ids = BodyIds()
            if generated.sanitize:
                html, ids = self._sanitize(generated, html, page)
            if generated.before or generated.after:
                html = self._frame(generated, html, page, ids)
            html = generated.fill(html)
            generated.slots.clear()  # in the page now; thousands of them add up
            page.markdown = ""  # converted (None would lose the title); MkDocs keeps it to the end
        if self.display is not None:
            html = self.display.banner(page) + html
        return html

    # MkDocs holds every page's HTML from its conversion until the pages are rendered, all
    # at once. A page with one character past Latin-1 (a name, a dash, a checkbox) is a
    # string of two bytes a character: at 10,000 postmortems some 350 MB. A page of ours
    # waits as UTF-8 instead, about half that, and is given back first thing in
    # on_page_context (`_show_search_view`); until then other plugins see it empty.
    @event_priority(-100)
    def _hold_content(
        self, html: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        if page.file.src_uri in self.pages and html:
            self.held[page.file.src_uri] = html.encode()
            return ""
        return html

    on_page_content = CombinedEvent(_page_content, _hold_content)

    def _take_lists(self, files: Files, config: MkDocsConfig) -> None:
        """The list pages, and the files written beside them, made by now or waited for."""
        if self.lists is None:
            return
        made = self.lists.made()
        self.lists = None
        self.planned_lists = set()
        self.pages.update((page.src_uri, page) for page in made.pages)
        self.feed_links = made.head_links
        for path in made.written:  # before MkDocs copies the docs' files (after on_env)
            self._claim(files, path)
        for path, content in made.files.items():
            self._add(files, config, path, content)

    def _take_analytics(self) -> None:
        """The analytics pages, made by now or waited for."""
        if not self.planned or self.analytics is None:
            return
        made = self.analytics.made().pages
        if {page.src_uri for page in made} != self.planned:  # the plan is tested; a guard
            raise PluginError("postmortems: the analytics pages made differ from those planned")
        self.pages.update((page.src_uri, page) for page in made)
        self.planned = set()

    def _sanitize(self, generated: Page, html: str, page: MkDocsPage) -> tuple[str, BodyIds]:
        """The author's body made inert, its ids out of the page's and the theme's way;
        anything removed that the body check let through is reported at its line."""
        assert self.headings is not None  # pages are made only after on_files
        ids = headings_module.body_ids(_toc_ids(page.toc), self.headings.reserved)
        cleaned = sanitize.clean_body(html, ids)
        if generated.origin is not None and cleaned.removed:
            path, line = generated.origin
            for problem in body_check.removed(path, line, page.markdown or "", cleaned.removed):
                log.warning(str(problem))
        return cleaned.html, ids

    def _frame(self, generated: Page, body: str, page: MkDocsPage, ids: BodyIds) -> str:
        """The body between its page's sections, whose headings join the body's in the TOC."""
        headings = self.headings
        assert headings is not None  # pages are made only after on_files

        def token(link: AnchorLink) -> Any:
            return {
                "level": link.level,
                "id": ids.headings.get(link.id, link.id),
                "name": tooltip_html(link.title),  # shown as HTML when cut off
                "children": [token(child) for child in link.children],
            }

        before, after = generated.toc(headings)
        tokens: list[Any] = [*before, *(token(link) for link in page.toc), *after]
        page.toc = get_toc(tokens)
        present = {ids.anchor(a) for a in page.present_anchor_ids or ()}
        page.present_anchor_ids = present | generated.anchors(headings) | {headings_module.TITLE_ID}
        html = generated.framed(body, headings)
        generated.before, generated.after = [], []
        return html

    # Search plugins index `page.content` in on_page_context. A generated page shows them its
    # search view (slots as text) and gets its full content back before the template runs.
    @event_priority(100)
    def _show_search_view(
        self, context: TemplateContext, /, *, page: MkDocsPage, config: MkDocsConfig, nav: Any
    ) -> TemplateContext:
        held = self.held.pop(page.file.src_uri, None)
        if held is not None:
            page.content = held.decode()
        home = page.content is not None and home_marker.START in page.content
        if home:
            # Here rather than in on_page_content: the home page is read first, and its
            # figures are the analytics', which are made while the other pages are read.
            home_page.put(page, self._home_block(page))
        generated = self.pages.get(page.file.src_uri)
        if self.nav_cached and generated is not None and not generated.in_nav:
            # Out of the nav, no item is active: one folder, one nav (nav_cache.key).
            context[nav_cache.KEY] = nav_cache.key(page.url)  # type: ignore[literal-required]
        if (generated is not None or home) and page.content is not None:
            self.full_content[page.file.src_uri] = page.content
            page.content = search_view(page.content)
            keys = self.search_keys.pop(page.file.src_uri, None)
            if keys:
                page.content = search_module.with_keys(page.content, keys)
        return context

    @event_priority(-100)
    def _restore_content(
        self, context: TemplateContext, /, *, page: MkDocsPage, config: MkDocsConfig, nav: Any
    ) -> TemplateContext:
        full = self.full_content.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full
        return context

    on_page_context = CombinedEvent(_show_search_view, _restore_content)

    def _home_block(self, page: MkDocsPage) -> str:
        if self.home is None or self.analytics is None:
            return ""
        return home_block(self.home, self.analytics.made().figures, page.file.src_uri)

    @event_priority(-100)
    def on_post_page(self, output: str, /, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        # MkDocs keeps every page's HTML until the build ends; a generated page is written
        # now, and thousands of them would otherwise peak together with the search index.
        if page.file.src_uri in self.pages:
            page.content = None
        if self.feed_links is not None:  # every page announces the site's feed, a term its own
            output = self.feed_links.insert(output, page.file.src_uri, page.url)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        gc.unfreeze()
        if self.fast is not None:
            self.fast.complete(self.display)
        if self.display is not None:
            self.display.finish()
            self.display = None
        if self.analytics is not None:
            for path, svg in self.analytics.chart_files().items():
                write_file(svg, os.path.join(config.site_dir, path))
            self.analytics = None

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        if self.fast is not None:
            self.fast.fail()
        # No worker outlives a failed build: `mkdocs serve` goes on, and so would they.
        if self.analytics is not None:
            self.analytics.cancel()
        self.analytics, self.loading, self.lists = None, None, None
        background.stop_all()
        if self.display is not None:
            self.display.stop()
            self.display = None
        said = templates.problem(error)
        if said is not None:  # a site's template override: its line, not a traceback
            raise PluginError(f"postmortems: {said}") from None

    def on_shutdown(self) -> None:
        background.stop_all()  # an interrupted build (KeyboardInterrupt) skips on_build_error
        if self.fast is not None:
            self.fast.stop()
        if self.folder_watch is not None:
            self.folder_watch.stop()
        # The invocation's last event: the process exits next. Python's exit runs the
        # collector over every object still alive (the pages MkDocs holds, the templates,
        # the modules), a third of a second at 2,000 postmortems, to find cycles the system
        # takes back anyway. Frozen, they are skipped; a host that goes on only keeps
        # whatever garbage this build left in cycles (docs/performance.md, "The build's end").
        gc.freeze()

    def _edit_url(self, config: MkDocsConfig, source: str) -> str | None:
        if not config.repo_url:
            return None
        edit_uri = self.config.edit_uri
        if edit_uri is None:
            edit_uri = config.edit_uri or ""
            docs = Path(config.docs_dir).name + "/"
            if edit_uri.endswith(docs):
                edit_uri = edit_uri[: -len(docs)]
        base_url = config.repo_url.rstrip("/") + "/"
        return edit_url(base_url + edit_uri.lstrip("/"), source)

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        # Kept when the folder is moved away and back; a failed rebuild shows its error.
        watch = serve.FolderWatch(server, str(self._root(config) / self.config.dir))
        self.folder_watch = watch
        serve.guard(server, config.site_dir)
        if self.fast is not None:  # an edited postmortem's page first, then the rebuild
            self.fast.install(server, self, watch.rebuild)
        if self.config.taxonomy:
            server.watch(str(self._root(config) / self.config.taxonomy))
        return server


FREEZE_EVERY = 200
"""Pages read between two `_freeze_what_lives`."""


def _freeze_what_lives() -> None:
    """Keep what MkDocs holds of the pages read so far out of the collector's full scans.

    MkDocs keeps every page it has read (its object, table of contents, our held HTML) until
    the build ends. After `on_files` froze the corpus, the collector counts almost nothing as
    long-lived, so it scanned everything not frozen again and again while the pages were
    read: at 2,000 postmortems six full scans, 0.2 s, which found a few thousand objects to
    free. The young generations are collected first, so that their garbage is not frozen
    with them; frozen objects still go when nothing refers to them, and the build unfreezes
    all in `on_post_build`."""
    gc.collect(1)
    gc.freeze()


def _toc_ids(links: Iterable[AnchorLink]) -> list[str]:
    """The ids of a table of contents, in order."""
    return [i for link in links for i in (link.id, *_toc_ids(link.children))]


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
