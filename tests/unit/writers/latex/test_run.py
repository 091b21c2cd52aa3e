"""From a line of the .tex back to Markdown, and from a LaTeX log to diagnostics."""

from __future__ import annotations

from divebook.diagnostics import Diagnostics
from divebook.tree import Pos
from divebook.writers.latex.book import LatexDocument, report_problems
from divebook.writers.latex.linemap import LineMap, Marks, resolve_marks, strip_marks
from divebook.writers.latex.run import needs_rerun, parse_log

LOG = r"""This is XeTeX, Version 3.141592653-2.6-0.999994 (TeX Live 2022/Debian) (preloaded format=xelatex)
/usr/share/texlive/texmf-dist/tex/latex/hyperref/hyperref.sty:4872: Font \XeTeXLink@font=pzdr at 0.00002pt not loadable: Metric (TFM) file or installed font not found.
<to be read again>
                   \relax
l.4872   \font\XeTeXLink@font=pzdr at 1sp\relax

./book.tex:12: Undefined control sequence.
l.12 and $\foo
               x$ on line four.
The control sequence at the end of the top line
of your error message was never \def'ed.

./book.tex:15: Missing character: There is no ☃ (U+2603) in font DejaVu Serif/OT:script=latn;language=dflt;!
./book.tex:16: Missing character: There is no α ("3B1) in font cmmi10.
./book.tex:20: LaTeX Error: Environment dbfoo undefined.

See the LaTeX manual or LaTeX Companion for explanation.
Type  H <return>  for immediate help.
 ...

l.20 \begin{dbfoo}

LaTeX Warning: Hyper reference `db:a.md+7c+x' on page 1 undefined on input line 14.

LaTeX Warning: Label(s) may have changed. Rerun to get cross-references right.
"""


def test_log_problems_are_read_with_their_lines_and_culprits():
    problems = parse_log(LOG)
    kinds = [(p.kind, p.line) for p in problems]
    assert kinds == [("error", 12), ("missing-char", 15), ("missing-char", 16), ("error", 20),
                     ("undefined-ref", 14)]
    undefined = problems[0]
    assert undefined.message == "Undefined control sequence" and undefined.culprit == r"\foo"
    assert problems[1].culprit == "☃" and "U+2603" in problems[1].message
    assert "U+03B1" in problems[2].message and "cmmi10" in problems[2].message
    assert problems[3].message == "LaTeX Error: Environment dbfoo undefined"
    assert needs_rerun(LOG)
    assert not needs_rerun("Output written on book.xdv (3 pages).")


def test_marks_map_tex_lines_to_source_lines():
    marks = Marks()
    text = ("\\documentclass{book}\n"
            + marks.mark(Pos("a.md", 3), faithful=True) + "first line\nsecond\nthird\n\n"
            + marks.mark(Pos("a.md", 10)) + "\\begin{equation}\nx\n\\end{equation}\n"
            + marks.mark(Pos("", 0)) + "\\end{document}\n")
    tex, segments = resolve_marks(text, marks)
    assert tex == strip_marks(text) and "\x00" not in tex
    lines = LineMap(segments)
    assert lines.lookup(1) is None  # the preamble: the template's
    assert lines.lookup(2) == Pos("a.md", 3)
    assert lines.lookup(4) == Pos("a.md", 5)  # paragraphs keep the source's lines
    assert lines.lookup(7) == Pos("a.md", 10)  # an equation is reported at its start
    assert lines.lookup(8) == Pos("a.md", 10)
    assert lines.lookup(9) is None


def test_problems_become_diagnostics_at_the_markdown():
    marks = Marks()
    text = ("pre\n" * 10 + marks.mark(Pos("a.md", 3), faithful=True)
            + "Prose line one\nand $\\foo x$\n\n" + "\n" * 5 + marks.mark(Pos("a.md", 9)) + "x\n")
    tex, segments = resolve_marks(text, marks)
    doc = LatexDocument(tex, LineMap(segments))
    diags = Diagnostics()
    report_problems(parse_log(LOG), doc, "_build/pdf/b.tex", "_build/pdf/b.log", diags)
    errors = [(d.file, d.line, d.code) for d in diags.errors]
    assert ("a.md", 4, "latex") in errors  # line 12 of the .tex: the paragraph's 2nd line
    message = next(d.message for d in diags.errors if d.line == 4)
    assert "`\\foo`" in message and "_build/pdf/b.log" in message
    assert ("a.md", 9, "latex") in errors  # the environment error, inside the later block
    assert not any("pzdr" in d.message for d in diags.items)  # hyperref's harmless font
    glyphs = [d for d in diags.warnings if d.code == "missing-glyph"]
    assert {d.message.split(" for ")[1][:1] for d in glyphs} == {"☃", "α"}
    assert any(d.code == "pdf-undefined-ref" for d in diags.warnings)


def test_tex_runs_paranoid_about_files(monkeypatch) -> None:
    """No absolute path and no `..` for TeX to read or write, TEXMFOUTPUT included."""
    from divebook.writers.latex.run import tex_environment

    monkeypatch.setenv("TEXMFOUTPUT", "/")
    monkeypatch.setenv("openin_any", "a")
    env = tex_environment()
    assert (env["openin_any"], env["openout_any"]) == ("p", "p")
    assert "TEXMFOUTPUT" not in env
