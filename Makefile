# Two commands set everything up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
HOST   ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test lint typecheck unit e2e chromium properdocs zensical bench bench-validate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps re-run the install whenever pyproject.toml changes.
$(VENV)/.site-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $@ $(VENV)/.site-installed

serve: $(VENV)/.site-installed
	$(BIN)/mkdocs serve --dev-addr $(HOST)

# A strict build into a folder beside site/, swapped in only when it succeeds: a failed or
# interrupted build leaves the last good site/ as it was.
# The sitemap's dates come from the last commit (SOURCE_DATE_EPOCH); overdue is judged today.
build: $(VENV)/.site-installed
	SOURCE_DATE_EPOCH="$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null || date +%s)}" \
	POSTMORTEMS_AS_OF="$${POSTMORTEMS_AS_OF:-$$(date -u +%F)}" \
	$(BIN)/python -m mkdocs_postmortems.adapters.staged_build --site-dir site --strict

lint: $(VENV)/.test-installed
	$(BIN)/ruff check plugins tests scripts
	$(BIN)/ruff format --check plugins tests scripts

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

unit: $(VENV)/.test-installed
	$(BIN)/pytest -m "not browser"

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`).
# Without Chromium they are skipped, except in CI (CI set), where they fail.
chromium:
	@command -v chromium >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium \
	  || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) \
	  || echo "chromium: not installed; the browser tests will be skipped (outside CI)"

e2e: $(VENV)/.test-installed chromium
	$(BIN)/pytest -m browser tests/e2e

# ProperDocs, the maintained fork of MkDocs 1.6, must build the same site strictly, in a venv
# of its own; its `mkdocs.*` imports resolve to ProperDocs, which the generator tag shows.
PD_VENV := .venv-properdocs

$(PD_VENV)/.installed: pyproject.toml
	test -x $(PD_VENV)/bin/python || $(PYTHON) -m venv $(PD_VENV)
	$(PD_VENV)/bin/python -m pip --disable-pip-version-check -q install 'properdocs>=1.6.7,<2' mkdocs-material -e .
	touch $@

properdocs: $(PD_VENV)/.installed
	@site=$$(mktemp -d) && trap 'rm -rf "$$site"' EXIT \
	  && $(PD_VENV)/bin/properdocs build --strict -f mkdocs.yml --site-dir "$$site" \
	  && if grep -q '<meta name="generator" content="mkdocs-ProperDocs ' "$$site/index.html"; \
	  then echo "properdocs: the site builds strictly under ProperDocs"; \
	  else echo "properdocs: expected ProperDocs in the generator tag of index.html" >&2; exit 1; fi

# Zensical, the Material team's successor, drops plugins it does not know without a word.
# In a venv of its own, pinned to the release these tests know (later ones also need
# zensical-ui), it builds `postmortems generate` output, as ProperDocs and plain MkDocs do, and
# shows on this repository's home page that the plugin did not run (tests/test_generators.py).
ZS_VENV := .venv-zensical

$(ZS_VENV)/.installed:
	test -x $(ZS_VENV)/bin/python || $(PYTHON) -m venv $(ZS_VENV)
	$(ZS_VENV)/bin/python -m pip --disable-pip-version-check -q install 'zensical==0.0.73'
	touch $@

zensical: $(ZS_VENV)/.installed $(PD_VENV)/.installed $(VENV)/.test-installed
	POSTMORTEMS_GENERATORS=1 $(BIN)/pytest tests/test_generators.py -q

test: lint typecheck unit e2e properdocs zensical

# The whole-site benchmark against plain Material (about half an hour on 2 cores): long
# postmortems at 1,000-10,000 and short ones at 2,000, builds and edits under serve; its
# results replace the figures in docs/performance.md. Exits 1 when a goal is not met.
# Five rounds at 2,000 and below, where the goals are judged and a round is quick.
bench: $(VENV)/.site-installed
	$(BIN)/python scripts/bench.py --small-repeat 5 --write docs/performance.md

bench-validate: $(VENV)/.site-installed
	$(BIN)/python scripts/bench_validate.py --n 5000 --repeat 3

# The JSON Schema for editors, published with the site; tests/test_repo_files.py fails when stale.
.PHONY: schema
# Where the site publishes the schema (its site_url): the schema's $id.
SCHEMA_URL := https://postmortems.example.com/postmortem.schema
schema: $(VENV)/.site-installed
	$(BIN)/postmortems schema --taxonomy postmortems/taxonomy.yml --id $(SCHEMA_URL).json > docs/postmortem.schema.json.tmp
	mv docs/postmortem.schema.json.tmp docs/postmortem.schema.json
	$(BIN)/postmortems schema --taxonomy postmortems/taxonomy.yml --id $(SCHEMA_URL).json --draft 07 > docs/postmortem.schema.draft-07.json.tmp
	mv docs/postmortem.schema.draft-07.json.tmp docs/postmortem.schema.draft-07.json

clean:
	rm -rf $(VENV) $(PD_VENV) $(ZS_VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis

# The pinned versions, with hashes, that the Pages workflow installs (requirements/pages.lock).
.PHONY: lock
lock:
	test -x .venv-lock/bin/pip-compile || ($(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip -q install pip-tools)
	.venv-lock/bin/pip-compile -q --generate-hashes --no-emit-index-url --no-emit-find-links \
	  --strip-extras --allow-unsafe -o requirements/pages.lock pyproject.toml
