"""Smart punctuation in the PDF: dashes and curly quotes, set in the text font even in Korean."""

from __future__ import annotations

import subprocess

from divebook.cli import main
from tests.conftest import require_tool

def test_dashes_quotes_and_apostrophes_print_as_in_the_site(make_book) -> None:  # type: ignore[no-untyped-def]
    require_tool("xelatex")
    pdftotext = require_tool("pdftotext")
    book = make_book({
        "config.ini": "[project]\nname = p\ntitle = P\nlang = ko\n",
        "index.md": """
            # 제목

            인코더--디코더 구조.

            The encoder--decoder --- "attention" is what's new... and 한국어 "x"와 'y'는 끝.
            The students' "best" run, `a--b` in code.
            """,
    })
    assert main(["build", "pdf", "-C", str(book), "-q"]) == 0
    text = subprocess.run([pdftotext, str(book / "_build" / "pdf" / "p.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    text = " ".join(text.split())
    assert "인코더–디코더" in text
    # kotex would set ’ and ” as full-width closing marks: "what’ s" with a gap
    assert "The encoder–decoder — “attention” is what’s new… and 한국어 “x”와 ‘y’는 끝." in text
    assert "The students’ “best” run, a--b in code." in text
