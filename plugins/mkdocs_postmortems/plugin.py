"""The MkDocs adapter: reads the knowledge base once per build and reports its problems.

Only glue lives here; loading and validation are the core's (`corpus`), shared with the
CLI. Every diagnostic is a warning on the plugin logger, so `mkdocs build --strict` fails
on an invalid postmortem instead of publishing it silently.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import Files

from mkdocs_postmortems import taxonomy as taxonomy_module
from mkdocs_postmortems.corpus import Corpus, load_corpus

log = get_plugin_logger(__name__)


class PostmortemsConfig(base.Config):
    dir = opt.Type(str, default="postmortems")
    """Folder of postmortem files, relative to mkdocs.yml."""
    taxonomy = opt.Optional(opt.Type(str))
    """Taxonomy file; default `taxonomy.yml` inside `dir`, else the built-in default."""


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):
    corpus: Corpus | None = None

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        root = self._root(config)
        folder = Path(os.path.normpath(root / self.config.dir))
        chosen = Path(os.path.normpath(root / (self.config.taxonomy or folder / "taxonomy.yml")))
        taxonomy = taxonomy_module.DEFAULT
        if chosen.is_file() or self.config.taxonomy:  # a taxonomy named must exist
            try:
                taxonomy = taxonomy_module.load(chosen, _relative(chosen, root))
            except taxonomy_module.TaxonomyError as error:
                for diagnostic in error.diagnostics:
                    log.warning(str(diagnostic))
        self.corpus = load_corpus([folder], taxonomy)
        for diagnostic in self.corpus.diagnostics:
            # Errors are warnings to MkDocs, so that --strict fails on them.
            (log.warning if diagnostic.level == "error" else log.info)(str(diagnostic))
        log.info("%d postmortems valid of %d files", len(self.corpus.entries), self.corpus.files)
        return files

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        server.watch(str(self._root(config) / self.config.dir))
        return server


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
