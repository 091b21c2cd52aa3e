"""Smart punctuation: dashes, ellipses and curly quotes in prose, never in code, math or URLs."""

from __future__ import annotations

import re

from divebook.cli import main
from divebook.transforms.typography import quotes_for, smart_text

EN = quotes_for("en")


def test_dashes_and_ellipses() -> None:
    assert smart_text("encoder--decoder", EN) == "encoder\u2013decoder"
    assert smart_text("pages 3--5 --- or more...", EN) == "pages 3\u20135 \u2014 or more\u2026"
    assert smart_text("a - b", EN) == "a - b"  # a single hyphen stays


def test_quotes_open_and_close_by_their_neighbours() -> None:
    assert smart_text('He said "stop" (and "go").', EN) == "He said \u201cstop\u201d (and \u201cgo\u201d)."
    assert smart_text("it's the students' 'best' run", EN) == \
        "it\u2019s the students\u2019 \u2018best\u2019 run"
    assert smart_text('"quoted"', EN, before="x") == "\u201dquoted\u201d"  # after a word: closes


def test_quotes_per_language() -> None:
    assert smart_text('Er sagte "ja".', quotes_for("de")) == "Er sagte \u201eja\u201c."
    assert smart_text('"はい"', quotes_for("ja")) == "\u300cはい\u300d"
    assert smart_text('"네"', quotes_for("ko-KR")) == "\u201c네\u201d"


def test_urls_in_text_stay_as_written() -> None:
    assert smart_text('see https://a--b.org/x--y "q"', EN) == 'see https://a--b.org/x--y \u201cq\u201d'


def test_rendered_page_smartens_prose_only(make_book) -> None:  # type: ignore[no-untyped-def]
    book = make_book({
        "config.ini": "[project]\nname = t\ntitle = T\n",
        "index.md": """
            # Encoder--Decoder "Models"

            The encoder--decoder design --- "attention" is what's new... See
            [the "guide"](https://example.org/a--b) or https://example.org/c--d, and
            "*emphasised*" text.

            Inline `x--y "z"` code and math $a--b$ keep their characters.

            ```python
            print("a--b", 'c')
            ```

            $$x--y$$
            """,
    })
    assert main(["build", "html", "--no-eval", "-C", str(book), "-q"]) == 0
    html = (book / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    assert "Encoder\u2013Decoder \u201cModels\u201d" in article
    assert '<h1 id="encoder-decoder-models">' in article  # the anchor is made from the source's text
    assert "encoder\u2013decoder design \u2014 \u201cattention\u201d is what\u2019s new\u2026" in article
    assert "the \u201cguide\u201d</a>" in article
    assert 'href="https://example.org/a--b"' in article and "https://example.org/c--d" in article
    assert "\u201c<em>emphasised</em>\u201d" in article
    assert "<code>x--y &quot;z&quot;</code>" in article  # inline code as written
    assert article.count("a--b") == 2  # the link's address and the code cell
    math = re.findall(r"<math.*?</math>", article, re.S)
    # one display formula; the inline one may be cut into pieces at its operators (math/mathml_break.py)
    assert sum('display="block"' in m for m in math) == 1 and len(math) >= 2
    assert not any("\u2013" in m or "\u2014" in m for m in math)
    assert "".join(math).count("&#x02212;") == 4  # a--b and x--y: two minus signs each
    assert "\u201ca\u2013b" not in article
    assert "<title>Encoder\u2013Decoder \u201cModels\u201d" in html
