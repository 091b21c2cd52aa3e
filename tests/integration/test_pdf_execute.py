"""A PDF of a book whose code really ran: the outputs Jupyter gave are printed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tool, write_book
from tests.integration.execute_envs import divebook_env, report, run_divebook

pytestmark = [pytest.mark.kernel, pytest.mark.tex]

BOOK = {
    "divebook.toml": '[project]\nname = "ran"\n[build]\ntabs = ["py"]\n',
    "index.md": "# Ran\n\n```toc\n:numbered:\n\nplots\n```\n",
    "plots.md": r'''
        # Plots

        ```{.python .input}
        import struct, zlib
        from IPython.display import SVG, Image, display
        print("loss 0.125 after 3 epochs, {100%} done")
        display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="90" height="60">'
                    '<path d="M0 60 L90 0" stroke="black"/></svg>'))

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        rows = b"".join(b"\x00" + b"\x80" * 20 for _ in range(10))
        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20, 10, 8, 0, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
        display(Image(data=png, format="png"))
        ```

        ```{.python .input}
        {"a": 1}["b"]
        ```
    ''',
}


def test_outputs_of_code_that_ran_are_in_the_pdf(tmp_path: Path):
    for tool in ("xelatex", "latexmk", "pdftotext", "rsvg-convert"):
        require_tool(tool)
    book = write_book(tmp_path / "book", BOOK)
    done = run_divebook(["build", "pdf", "-C", str(book), "--jobs", "1"], divebook_env(), timeout=300)
    errors = report(book / "_build")["errors"]
    # the KeyError is the book's (reported at its cell), not the PDF's
    assert done.returncode == 1 and [e["code"] for e in errors if e["code"] in ("latex", "math")] == []
    pdf = book / "_build" / "pdf" / "ran.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "loss 0.125 after 3 epochs, {100%} done" in text
    assert "KeyError" in text and "\x1b" not in text
    body = (book / "_build" / "pdf" / "ran.tex").read_text().split(r"\begin{document}")[1]
    assert body.count(r"\dboutputimage{") == 2  # the SVG plot and the PNG
