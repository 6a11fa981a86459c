"""Importers: documents in other formats -> postmortem front matter and body.

Each format is a module here exposing the same three names, so the `import` command can
detect and convert any file without knowing the formats:

- `NAME: str`: the format's name, shown to users (`hotfix-template`).
- `detect(text: str) -> bool`: whether `text` (the whole file, decoded) is in this format.
- `convert(name: str, text: str, taxonomy: Taxonomy) -> Imported`: the conversion; `name`
  is the display path for messages.

A format may also expose `corpus_taxonomy(imported: list[Imported]) -> str`, the YAML text
of a taxonomy that the imported files validate against (written next to them).
"""
