"""The published site, as data: every generated page and file, built without MkDocs.

`build.generate` turns a validated corpus into pages (Markdown with HTML slots) and files
(JSON, CSV, assets). The MkDocs plugin only hands them to MkDocs, and another generator
could do the same.
"""
