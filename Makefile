# Two commands set everything up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
HOST   ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test lint typecheck unit bench clean

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

build: $(VENV)/.site-installed
	$(BIN)/mkdocs build --strict --site-dir site

lint: $(VENV)/.test-installed
	$(BIN)/ruff check plugins tests scripts
	$(BIN)/ruff format --check plugins tests scripts

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

unit: $(VENV)/.test-installed
	$(BIN)/pytest

test: lint typecheck unit

bench: $(VENV)/.test-installed
	$(BIN)/python scripts/bench_validate.py --n 5000 --repeat 3

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis
