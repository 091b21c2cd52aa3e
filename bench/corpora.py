"""Where the benchmarks find d2l-en: the tests' one setting, $DIVEBOOK_CORPUS (tools/fetch_corpus.py)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tools.fetch_corpus import corpus_root  # noqa: E402

D2L_EN = corpus_root() / "d2l-en"
