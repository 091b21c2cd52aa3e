"""The fast ``ulatex`` codecs give what latexcodec gives, for any text, both ways."""

from __future__ import annotations

import codecs

from hypothesis import given, settings
from hypothesis import strategies as st
from latexcodec.codec import find_latex

from divebook.transforms.citations import use_fast_latex_codec


def latexcodec_decodes(text: str) -> str | None:
    try:
        return find_latex("ulatex").decode(text)[0]
    except UnicodeDecodeError:
        return None


def fast_decodes(text: str) -> str | None:
    use_fast_latex_codec()
    try:
        return codecs.decode(text, "ulatex")
    except UnicodeDecodeError:
        return None


def test_plain_and_latex_fields_decode_as_latexcodec_decodes_them():
    for text in ["Deep learning", "Tensor{F}low: a system", "M{\\'e}moire", "Sch\\\"olkopf",
                 "pages 1--10", "a~b", "``quoted''", " leading", "trailing ", "two  spaces",
                 "line\nbreak", "tab\there", "100\\%", "x^2 + y_1", "$\\alpha$", "$-$", "a $x-y$ b", "!`Hola!", "",
                 "Ng, Andrew Y.", "{IEEE} Trans.", "R{\\'e}jean", "\\emph{Nature}"]:
        assert fast_decodes(text) == latexcodec_decodes(text), text


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=" \t\n\\{}~%$-`'!?,.^_&#aéZ0", max_size=12))
def test_any_text_decodes_as_latexcodec_decodes_it(text):
    assert fast_decodes(text) == latexcodec_decodes(text)


ENCODINGS = ["ulatex", "ulatex+utf8", "ulatex+ascii", "ulatex+latin1"]


def latexcodec_encodes(text: str, name: str) -> object:
    try:
        return find_latex(name).encode(text)[0]
    except UnicodeEncodeError:
        return None


def fast_encodes(text: str, name: str) -> object:
    use_fast_latex_codec()
    try:
        return codecs.encode(text, name)
    except UnicodeEncodeError:
        return None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \t\n\\{}~%$#&_^-`'!?,.aéZ0ß\u2013", max_size=12), st.sampled_from(ENCODINGS))
def test_any_text_encodes_as_latexcodec_encodes_it(text, name):
    assert fast_encodes(text, name) == latexcodec_encodes(text, name)
