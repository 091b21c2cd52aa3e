"""relative_url agrees with posixpath.relpath on every pair of site paths."""

from __future__ import annotations

import posixpath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from divebook.writers.html.nodes import relative_url

segment = st.sampled_from(["a", "b", "ch", "index.html", "p.html", "img", "x.svg", ".", "..", ""])
path = st.lists(segment, min_size=1, max_size=5).map("/".join)


def expected(from_output: str, to_output: str) -> str:
    if from_output == to_output:
        return ""
    return posixpath.relpath(to_output, posixpath.dirname(from_output) or ".")


@settings(max_examples=1000)
@given(path, path)
def test_relative_url_is_relpath_from_the_page_s_folder(from_output, to_output):
    try:
        want = expected(from_output, to_output)
    except ValueError:  # relpath of an empty path
        with pytest.raises(ValueError):
            relative_url(from_output, to_output)
        return
    assert relative_url(from_output, to_output) == want


def test_common_site_links():
    assert relative_url("ch/a.html", "ch/b.html") == "b.html"
    assert relative_url("ch/a.html", "index.html") == "../index.html"
    assert relative_url("index.html", "img/x.svg") == "img/x.svg"
    assert relative_url("ko/ch/a.html", "ko/img/x.svg") == "../img/x.svg"
    assert relative_url("ch/a.html", "ch/a.html") == ""
    assert relative_url("x", "a/") == "a" and relative_url("a/b", "a/") == "."
