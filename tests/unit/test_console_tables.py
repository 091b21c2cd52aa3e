"""Tables the console draws (translation status, execution rows) print page names literally.

Rich reads ``[bold]`` as markup and, with emoji on, ``:label:`` as an emoji
code; a page may be named either way, so both must come out as written.
"""

from __future__ import annotations

import io

import pytest

from divebook.console import make_console
from divebook.execute.progress import ExecutionDisplay, print_summary
from divebook.execute.runner import Progress
from divebook.languages.report import print_translation_status

NAMES = ["[bold]x.md", "a:label:.md", "[red]b[/red].md", "c:smile:.md"]


def _console() -> tuple:
    buffer = io.StringIO()
    return make_console(buffer, width=200, color_system=None), buffer


def _status(names: list[str]) -> dict:
    pages = [{"source": n, "translated": 1, "missing": 1, "stale": 0, "percent": 50,
              "items": [{"file": n, "line": 3, "status": "missing", "text": "[i]t[/i] :label:`x`"}]}
             for n in names]
    return {"origin_lang": "en", "lang": "[zh]", "pages": pages, "git": True, "problems": [],
            "book": {"translated": 2, "missing": 2, "stale": 0, "percent": 50}}


def test_translation_status_prints_page_names_literally() -> None:
    console, buffer = _console()
    print_translation_status(console, _status(NAMES))
    text = buffer.getvalue()
    for name in NAMES:
        assert text.count(name) == 2, name  # its table row and its item's place
    assert "(en → [zh])" in text and "[i]t[/i] :label:`x`" in text
    assert "whole book" in text and "[bold]whole" not in text


def test_stale_items_name_the_translation_literally() -> None:
    status = _status(["p.md"])
    status["pages"][0]["items"] = [{"file": "p.md", "line": 2, "status": "stale", "text": "t",
                                    "translation_file": "[b]p_zh:label:.md", "translation_line": 4}]
    console, buffer = _console()
    print_translation_status(console, status)
    assert "stale: the original changed after its translation ([b]p_zh:label:.md:4) — t" in buffer.getvalue()


def test_translation_status_more_items_line_is_literal() -> None:
    status = _status(["[bold]y.md"])
    status["pages"][0]["items"] *= 20
    console, buffer = _console()
    print_translation_status(console, status)
    assert "more on [bold]y.md (see report.json)" in buffer.getvalue()


def test_execution_summary_prints_page_and_tab_literally() -> None:
    console, buffer = _console()
    rows = [(name, "[py]", "ok" if i else "error", float(i)) for i, name in enumerate(NAMES)]
    print_summary(console, rows, executed=4, cached=0, failed=1, seconds=6.0)
    text = buffer.getvalue()
    for name in NAMES:
        assert name in text
    assert text.count("[py]") == len(NAMES)


@pytest.mark.parametrize("tab", ["python", "a:label:"])
def test_execution_rows_print_page_and_tab_literally(tab: str) -> None:
    console, buffer = _console()
    display = ExecutionDisplay(total=2, console=console, enabled=False)
    display.start("w1", "[bold]x.md", tab, Progress(cell=1, cells=3), where="a:smile:")
    console.print(display._render())
    text = buffer.getvalue()
    assert "[bold]x.md" in text and f"[{tab}]" in text and "a:smile:" in text and "cell 1/3" in text
