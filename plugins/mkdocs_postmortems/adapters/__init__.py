"""Adapters: the generated site (`mkdocs_postmortems.site`) handed to a generator. The MkDocs
plugin is one; `postmortems generate` writes the same pages into a docs folder for any other."""
