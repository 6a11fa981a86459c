"""Analytics: pure functions of (corpus, as_of) on pandas, shared by the CLI and the site.

`frames.build` turns the valid, non-draft postmortems into tables once; every figure is
computed from those tables, so `postmortems stats` and the published pages cannot disagree.
"""
