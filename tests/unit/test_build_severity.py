"""What is a warning and what is an error (as Sphinx has it), and --strict / [build] strict."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from divebook.context import BuildOptions
from divebook.build import exit_status, prepare, read_stage
from divebook.cli import main
from divebook.execute import _record, _Run
from divebook.execute.notebook import page_notebook
from divebook.execute.runner import JobResult
from divebook.execute.settings import PageSettings

INDEX = "# Book\n\n```toc\n:numbered:\n\na\n{extra}```\n"
BIB = "@book{Real.2000, author = {Real, A.}, title = {T}, publisher = {P}, year = {2000}}\n"

#: each kind of problem the ecosystem reports as a warning: (files, where, code)
KINDS = {
    "unresolved reference": ({"a.md": "# A\n\nSee :numref:`sec_nowhere`.\n"}, ("a.md", 3), "unresolved-ref"),
    "unknown citation key": ({"a.md": "# A\n\nAs :cite:`Missing.2020` says.\n\n:bibliography:`refs.bib`\n",
                              "refs.bib": BIB}, ("a.md", 3), "missing-citation"),
    "duplicate label": ({"a.md": "# A\n:label:`sec_x`\n\n## B\n:label:`sec_x`\n"}, ("a.md", 4),
                        "duplicate-label"),
    "missing image": ({"a.md": "# A\n\n![Gone.](img/gone.png)\n"}, ("a.md", 3), "missing-image"),
    "toc entry naming no page": ({"a.md": "# A\n"}, ("index.md", 7), "toc"),
}


def _book(make_book, files: dict[str, str], config: dict[str, str] | None = None) -> Path:
    extra = "nopage\n" if "toc entry" in str(files.get("_kind")) else ""
    files = {k: v for k, v in files.items() if k != "_kind"}
    return make_book({"index.md": INDEX.format(extra=extra), **files, **(config or {})})


def _build(book: Path, out: Path, *args: str) -> tuple[int, dict]:
    status = main(["build", "--no-eval", "-C", str(book), "--out", str(out), "-q", *args])
    return status, json.loads((out / "report.json").read_text())


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_is_a_warning_and_strict_makes_the_build_fail(kind, make_book, tmp_path, capsys):
    files, (file, line), code = KINDS[kind]
    book = _book(make_book, {**files, "_kind": kind})
    status, report = _build(book, tmp_path / "plain")
    assert status == 0
    assert report["errors"] == [] and (report["strict"], report["failed"]) == (False, False)
    assert [(w["file"], w["line"], w["code"]) for w in report["warnings"]] == [(file, line, code)]
    err = capsys.readouterr().err
    assert f"{file}:{line}: warning:" in err and "0 errors, 1 warnings" in err and "strict" not in err

    status, report = _build(book, tmp_path / "strict", "--strict")
    assert status == 1
    # report.json still says what kind of problem it is; "strict" says how it counted
    assert report["errors"] == [] and [w["code"] for w in report["warnings"]] == [code]
    assert (report["strict"], report["failed"]) == (True, True)
    assert "0 errors, 1 warnings (--strict: warnings are errors)" in capsys.readouterr().err
    assert main(["check", "--strict", "-C", str(book), "--out", str(tmp_path / "c")]) == 1
    assert main(["check", "-C", str(book), "--out", str(tmp_path / "c")]) == 0


def test_the_problem_stays_visible_in_the_page(make_book, tmp_path):
    book = _book(make_book, {"a.md": "# A\n\nSee :numref:`sec_nowhere` and :cite:`Nobody.1900`.\n\n"
                                     ":bibliography:`refs.bib`\n", "refs.bib": BIB})
    assert _build(book, tmp_path / "o")[0] == 0
    html = (tmp_path / "o" / "html" / "a.html").read_text()
    assert '<span class="ref unresolved">sec_nowhere</span>' in html
    assert 'unresolved">Nobody.1900</span>' in html


@pytest.mark.parametrize("name, text", [
    ("config.ini", "[project]\ntitle = B\n[build]\nstrict = true\n"),
    ("config.ini", "[project]\ntitle = B\n[build]\nwarning_is_error = True\n"),  # d2lbook's name
    ("divebook.toml", '[project]\ntitle = "B"\n[build]\nstrict = true\n'),
])
def test_strict_in_the_configuration(name, text, make_book, tmp_path):
    files, _, _ = KINDS["missing image"]
    book = _book(make_book, files, {name: text})
    status, report = _build(book, tmp_path / "o")
    assert status == 1 and report["strict"] is True and report["warnings"][0]["code"] == "missing-image"


def test_a_strict_book_without_warnings_succeeds(make_book, tmp_path):
    book = _book(make_book, {"a.md": "# A\n\nFine.\n"}, {"config.ini": "[build]\nstrict = true\n"})
    assert _build(book, tmp_path / "o")[0] == 0


def test_a_failed_cell_is_an_error_without_strict(make_book, tmp_path):
    """The executor's report of a cell that raised: an error, so the build fails."""
    book = _book(make_book, {"a.md": "# A\n\n```{.python .input}\nx = 1\nraise ValueError('no')\n```\n"})
    ctx = prepare(BuildOptions(book=book, out=tmp_path / "o", evaluate=True))
    page = read_stage(ctx).pages["a.md"]
    notebook = page_notebook(page, "python", ctx.config.tab_names)
    run = _Run(page, "python", notebook, PageSettings(timeout=60.0))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1\nraise ValueError('no')",
                                                                   execution_count=1)])
    result = JobResult("error", nbformat.writes(nb), 0.1, cell=0, ename="ValueError", evalue="no",
                       traceback="Cell In[1], line 2\n----> 2 raise ValueError('no')")
    _record(ctx, run, result, {}, None)
    [error] = ctx.diags.items
    assert (error.severity, error.file, error.line, error.code) == ("error", "a.md", 5, "cell-error")
    assert exit_status(ctx) == 1 and not ctx.options.strict
