# Quick start: `make run` (install + serve with the bundled corpus) and `make test` (install
# everything the tests need + lint + the whole suite). Both work on a fresh Linux machine with
# Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install install-test system-deps lint test bench screenshots clean export-digest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip >/dev/null

# The explorer page's libraries come from npm; without npm the API still serves (the page says
# what is missing), so `make run` warns instead of stopping. The tests need them: no fallback there.
install: $(BIN)/python
	$(BIN)/pip install -e .
	./scripts/build-frontend.sh || echo "warning: the explorer page's libraries were not installed (see above); the API works without them"

run: install
	$(BIN)/policygraph serve --host $(HOST) --port $(PORT)

# Debian packages the tests need (Chromium and a CJK font for the browser tests, docker-compose for
# the compose file check); needs root or sudo.
system-deps:
	./scripts/system-deps.sh

install-test: $(BIN)/python system-deps
	$(BIN)/pip install -e '.[test]'
	./scripts/build-frontend.sh

lint:
	$(BIN)/ruff check app core graph loaders queries tests benchmarks
	$(BIN)/mypy

test: install-test lint
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/pip install -e '.[test,bench]'
	$(BIN)/python benchmarks/run_all.py

# The README's screenshots (docs/screenshots/): the browser tests write them there only when asked;
# an ordinary test run writes them to tests/.artifacts/screenshots/ (ignored by git).
screenshots: install-test
	POLICYGRAPH_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -m browser tests/test_explorer_browser.py tests/test_explorer_integrity.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Rewrite the committed digest of the JSON export (tests/test_export_digest.py); only when a change of
# the export is intended, committed together with that change.
export-digest:
	$(BIN)/python -m tests.test_export_digest --update
