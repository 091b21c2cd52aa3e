#!/usr/bin/env bash
# `make demo`: build the starter book with everything divebook can build.
#
#   tools/demo.sh BIN [BOOK]
#
# BIN is the project venv's bin folder (divebook is installed there).  Steps:
# system packages for the PDF (apt-get when root on Debian/Ubuntu, else the
# command to run is printed), the book's per-tab environments, then
# `divebook build` for every target whose writer is part of this checkout,
# running every page in every tab.  A second run reuses everything.
set -euo pipefail
BIN=${1:?usage: tools/demo.sh BIN [BOOK]}
BOOK=${2:-starter}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SYSTEM_PACKAGES="texlive-xetex latexmk texlive-latex-extra texlive-lang-korean texlive-lang-cjk fonts-noto-cjk librsvg2-bin poppler-utils"
start=$(date +%s)
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# 1. TeX, fonts and rsvg-convert, for the PDF.
have_pdf_tools() {
  command -v xelatex >/dev/null && command -v latexmk >/dev/null && command -v rsvg-convert >/dev/null \
    && { fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; }  # not -q: pipefail
}
if have_pdf_tools; then
  :
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "Installing TeX, CJK fonts and rsvg-convert for the PDF (a few minutes, once)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $SYSTEM_PACKAGES >/dev/null
else
  say "The PDF needs system packages; install them with:"
  echo "    sudo apt-get install -y $SYSTEM_PACKAGES"
  echo "    (everything else is built now; run make demo again afterwards for the PDF)"
fi

# 2. One virtual environment and Jupyter kernel per tab (reused while unchanged).
say "Environments of the book's tabs (.divebook/envs)"
"$BIN/divebook" env -C "$BOOK"

# 3. Everything: website (Korean, English, side by side), PDFs, notebooks, slides, library,
#    every page run in both tabs.  Without TeX the PDF is left out (and said so).
targets=(html notebooks slides lib epub)
skipped=()
if have_pdf_tools; then targets+=(pdf); else skipped+=("pdf (TeX and fonts are not installed)"); fi

say "Building ${targets[*]} for every tab"
status=0
"$BIN/divebook" build "${targets[@]}" -C "$BOOK" --tab all || status=$?

out="$BOOK/_build"
echo
say "The starter book is built ($(( $(date +%s) - start )) s)"
echo "  website (Korean):   $out/html/index.html"
echo "  website (English):  $out/html/en/index.html"
echo "  side by side:       $out/html/bilingual/index.html"
for t in "${targets[@]}"; do
  case $t in
    pdf) for f in "$out"/pdf/*.pdf; do [ -e "$f" ] && echo "  PDF:                $f"; done ;;
    epub) for f in "$out"/epub/*.epub; do [ -e "$f" ] && echo "  EPUB:               $f"; done ;;
    notebooks) for f in "$out"/notebooks/*.zip; do [ -e "$f" ] && echo "  notebooks:          $f"; done ;;
    slides) n=$(find "$out/slides" -name '*.html' -not -path '*/_reveal/*' 2>/dev/null | wc -l)
            echo "  slides:             $out/slides/ ($n decks, e.g. $out/slides/pytorch/chapter_linear/linear-regression-scratch.html)" ;;
    lib) echo "  library:            $out/lib/ (import with PYTHONPATH=$out/lib)" ;;
  esac
done
echo "  report:             $out/report.json"
for s in "${skipped[@]}"; do echo "  skipped:            $s"; done
exit $status
