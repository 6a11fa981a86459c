"""mkdocs-postmortems: a knowledge base of incident postmortems, validated and analysed.

The public surface is small on purpose: load and validate a corpus, read its diagnostics.
Everything else is an implementation detail of the CLI and the MkDocs plugin.
"""

# The version's one source: setuptools reads this line without importing the package
# (pyproject.toml, [tool.setuptools.dynamic]); `postmortems --version` prints it.
__version__ = "0.1.0"

from mkdocs_postmortems.core.corpus import Corpus, load_corpus
from mkdocs_postmortems.core.diagnostics import Diagnostic

__all__ = ["Corpus", "Diagnostic", "load_corpus"]
