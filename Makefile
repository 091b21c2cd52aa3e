# divebook: `make demo` builds the starter book, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.divebook-installed

.PHONY: demo test test-unit corpus bench clean-demo

# The project environment: divebook (editable) and the test tools.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The starter book, every page run in both tabs: system packages for the PDF
# (apt-get when root), the tabs' environments, then every target divebook can
# write (tools/demo.sh).  A second run reuses everything.
demo: $(STAMP)
	@bash tools/demo.sh $(BIN) starter

test: $(STAMP)
	$(BIN)/python -m pytest -q --durations=25

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

# The real books the corpus tests read, fetched with git at the pins of
# tools/corpus.toml into $$DIVEBOOK_CORPUS (default ../shared/corpus).
corpus:
	$(PYTHON) tools/fetch_corpus.py

# Benchmarks side by side with d2lbook, Jupyter Book and mystmd (installed by the
# harness into bench/.peers); tables printed and kept in bench/README.md.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

clean-demo:
	rm -rf starter/_build starter/.divebook
