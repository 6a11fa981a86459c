"""The `postmortems` command (`cli.main`), its scaffolds and its importers."""
