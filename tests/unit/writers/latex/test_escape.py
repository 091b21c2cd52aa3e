"""Text made safe for LaTeX: prose, inline code, URLs and labels (no TeX needed)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st

from divebook.writers.latex.escape import (
    escape_code, escape_text, escape_url, label_key, strip_controls,
)

SPECIALS = "\\{}$&#^_~%[]"

#: What each special character must become in prose.
EXPECTED = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "[": "{[}", "]": "{]}",
}
#: The escapes escape_text may write; removing them must leave no markup at all.
_ESCAPES = re.compile(r"\\textbackslash\{\}|\\textasciicircum\{\}|\\textasciitilde\{\}|"
                      r"\\dbbreak\{\}|\\[{}$&#%_]|\{\[\}|\{\]\}")


def _unescaped(tex: str) -> str:
    return _ESCAPES.sub("", tex)


def test_every_special_character_in_prose_is_escaped():
    for char, expected in EXPECTED.items():
        assert escape_text(f"a{char}b") == f"a{expected}b"


def test_prose_keeps_ordinary_text_and_unicode():
    assert escape_text("Hello, world. 불과 몇 년 전 α→β <x> | \"q\" 'a' -- `b`") == \
        "Hello, world. 불과 몇 년 전 α→β <x> | \"q\" 'a' -- `b`"


def test_newlines_and_control_characters_cannot_end_a_line_or_run_a_command():
    assert escape_text("a\nb\tc\rd") == "a b c d"
    assert escape_text("a\x00b\x1bc\x0cd\x7f\x85\x9f") == "abcd"
    assert strip_controls("x\ty\nz\x08") == "x\ty\nz"


def test_bracket_after_a_command_is_not_an_optional_argument():
    assert escape_text("[x]") == "{[}x{]}"


@given(st.text())
@settings(max_examples=300)
def test_escaped_prose_has_no_markup_left(text):
    tex = escape_text(text)
    rest = _unescaped(tex)
    assert not any(c in rest for c in SPECIALS), (text, tex)
    assert "\n" not in tex and "\x00" not in tex


def test_inline_code_is_escaped_and_may_break_after_punctuation():
    tex = escape_code("d2l.train_ch3(net, {'a': 1}) % 100 # ~x ^y \\z")
    rest = _unescaped(tex)
    assert not any(c in rest for c in SPECIALS)
    assert r"d2l.\dbbreak{}train\_\dbbreak{}ch3(" in tex
    assert escape_code("x_y") == r"x\_y"  # short code: no break points


@given(st.text())
@settings(max_examples=200)
def test_escaped_code_has_no_markup_left(text):
    assert not any(c in _unescaped(escape_code(text)) for c in SPECIALS)


def test_url_escaping_keeps_the_address():
    url = "https://example.com/a_b%20c?x=1&y=2#frag~z"
    assert escape_url(url) == r"https://example.com/a_b\%20c?x=1\&y=2\#frag\~z"
    assert escape_url("http://x/a b{c}$^\\é") == \
        r"http://x/a\%20b\%7Bc\%7D\%24\%5E\%5C\%C3\%A9"


def _unescape_url(tex: str) -> str:
    return re.sub(r"\\([%#~&])", r"\1", tex)


@given(st.text(min_size=1))
@settings(max_examples=300)
def test_escaped_urls_name_the_same_address_and_carry_no_markup(url):
    tex = escape_url(url)
    # Only hyperref's four escapes use a backslash; no brace, dollar or caret is left.
    assert not re.search(r"\\(?![%#~&])", tex)
    assert not any(c in tex for c in "{}$^ \n\t")
    assert not re.search(r"(?<!\\)[%#~&]", tex)
    assert unquote(_unescape_url(tex)) == unquote(strip_controls(url).strip())


def test_labels_are_safe_names():
    key = label_key("chapter_x/y.md", "fig_a b#c%d{e}\\f~")
    assert re.fullmatch(r"db:[A-Za-z0-9.:/+-]+", key)


@given(st.lists(st.text(), min_size=2, max_size=2, unique=True))
def test_labels_never_collide(pair):
    a, b = pair
    assert label_key("page.md", a) != label_key("page.md", b)
    assert re.fullmatch(r"db:[A-Za-z0-9.:/+-]+", label_key("page.md", a))
