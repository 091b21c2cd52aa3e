# divebook: `make demo` builds the starter book, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.divebook-installed

.PHONY: demo test test-unit bench clean-demo

# The project environment: divebook (editable) and the test tools.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/divebook build html -C starter
	@echo
	@echo "The starter book's website: starter/_build/html/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

bench: $(STAMP)
	$(BIN)/python bench/build_times.py

clean-demo:
	rm -rf starter/_build starter/.divebook
