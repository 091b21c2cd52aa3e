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

# What the PDF needs from Debian (names checked with apt-cache).
TEX_PACKAGES := texlive-xetex latexmk texlive-latex-extra texlive-lang-korean texlive-lang-cjk \
	fonts-noto-cjk fonts-dejavu-core librsvg2-bin
XELATEX ?= xelatex
LATEXMK ?= latexmk

# The website, and the PDF when TeX is installed (otherwise: how to install it).
demo: $(STAMP)
	@if command -v $(XELATEX) >/dev/null 2>&1 && command -v $(LATEXMK) >/dev/null 2>&1; then \
		$(BIN)/divebook build html pdf -C starter; \
	else \
		$(BIN)/divebook build html -C starter && echo && \
		echo "No PDF: xelatex and latexmk are not installed. To have the PDF too, run" && \
		echo "  sudo apt-get install $(TEX_PACKAGES)"; \
	fi
	@echo
	@echo "The starter book's website: starter/_build/html/index.html"
	@for pdf in starter/_build/pdf/*.pdf; do \
		if [ -f "$$pdf" ]; then echo "Its PDF: $$pdf"; fi; \
	done

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

bench: $(STAMP)
	$(BIN)/python bench/build_times.py

clean-demo:
	rm -rf starter/_build starter/.divebook
