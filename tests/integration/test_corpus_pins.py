"""The corpus the tests read is the one tools/corpus.toml pins (and tools/fetch_corpus.py fetches)."""

from __future__ import annotations

import pytest

from tests.conftest import require_corpus
from tools.fetch_corpus import check, load_pins

pytestmark = pytest.mark.corpus


@pytest.mark.parametrize("name", sorted(load_pins()))
def test_each_corpus_book_is_the_pinned_one(name: str) -> None:
    corpus = require_corpus(name)
    assert check(load_pins()[name], corpus / name) == ""
