"""`python -m mkdocs_postmortems` works like `postmortems`."""

from mkdocs_postmortems.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
