"""A rebuild with nothing changed skips the pipeline and replays the last build's problems,
whether the book is clean or has warnings and errors in its text (buildstate.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from divebook.context import BuildOptions
from divebook.build import build, exit_status
from divebook.buildstate import BuildState, replayable
from divebook.diagnostics import Diagnostic

PROBLEMS = {
    "config.ini": "[project]\ntitle = Problems\n",
    "index.md": """
        # Problems

        ```toc
        ch/a
        ch/b
        ```
    """,
    "ch/a.md": """
        # A
        :label:`sec_a`

        See :numref:`no_such_label` and :cite:`Missing.2020`.

        ![Gone.](../img/gone.png)
    """,
    "ch/b.md": """
        # B
        :label:`sec_a`

        An :odd:`role`.
    """,
    "ch/orphan.md": "# In no toc\n",
    "refs.bib": "@book{Real.2000, author = {Real, A.}, title = {T}, publisher = {P}, year = {2000}}\n",
    "back.md": "# Back\n\n:bibliography:`refs.bib`\n",
}


def _files(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root``: (inode, mtime) tells a rewritten file from one left alone."""
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


def _problems(out: Path) -> tuple[list, list]:
    data = json.loads((out / "report.json").read_text())
    return data["errors"], data["warnings"]


@pytest.mark.parametrize("strict", [False, True])
def test_noop_build_of_a_book_with_problems_rewrites_nothing_and_reports_them_again(
        make_book, tmp_path, strict):
    book = make_book(PROBLEMS)
    options = BuildOptions(book=book, out=tmp_path / "out", evaluate=False, quiet=True, strict=strict)
    first = build(options)
    codes = {d.code for d in first.diags.items}
    assert {"unresolved-ref", "missing-citation", "duplicate-label", "missing-image", "orphan"} <= codes
    status = 1 if strict else 0  # warnings, as in Sphinx; errors under --strict
    assert exit_status(first) == status
    errors, warnings = _problems(options.out_dir())
    before = _files(options.out_dir())

    again = build(options)
    assert again.extra.get("unchanged") is True  # nothing read, run or rendered
    assert again.book is None and again.outputs == {}
    assert again.diags.sorted() == first.diags.sorted()
    assert exit_status(again) == status
    assert _problems(options.out_dir()) == (errors, warnings)
    after = _files(options.out_dir())
    del before["report.json"], after["report.json"]  # the report says this build changed nothing
    del before[".divebook.lock"], after[".divebook.lock"]  # names the build that holds the folder
    assert after == before


def test_an_edit_still_rebuilds_a_book_with_problems(make_book, tmp_path):
    book = make_book(PROBLEMS)
    options = BuildOptions(book=book, out=tmp_path / "out", evaluate=False, quiet=True)
    build(options)
    page = book / "ch" / "a.md"
    page.write_text(page.read_text().replace("no_such_label", "sec_a"))
    ctx = build(options)
    assert not ctx.extra.get("unchanged")
    assert "unresolved-ref" not in {d.code for d in ctx.diags.items}
    assert build(options).extra.get("unchanged") is True


def test_errors_from_outside_the_book_are_never_replayed():
    def error(code: str) -> Diagnostic:
        return Diagnostic("error", "ch/a.md", 3, "problem", code)

    assert replayable(BuildState(diagnostics=[error("unresolved-ref"), Diagnostic("warning", "x.md", 1, "w", "x")]))
    for code in ("cell-error", "kernel-failed", "no-kernel", "tab-env", "latex", "tex-missing",
                 "bib-missing", "library-write", ""):
        assert not replayable(BuildState(diagnostics=[error("toc"), error(code)])), code
    # serve's runs still in the background: the next build must show their outputs
    assert not replayable(BuildState(report={"execution": {"runs": 3, "pending": 2}}))
