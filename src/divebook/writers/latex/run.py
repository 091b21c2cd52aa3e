"""Running xelatex through latexmk, and reading what went wrong from its log.

latexmk runs xelatex as many times as the table of contents and the
references need, in ``nonstopmode`` (so one error does not stop the
book) and ``-f`` (so later passes still run and the PDF has its
numbers).  Shell escape is off: nothing in a book runs programs while
the PDF is typeset.  The log is read for errors, missing glyphs and
undefined references; ``\\tracinglostchars=3`` in the template makes a
missing glyph an error with a line number, which the writer reports as a
warning.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

#: Packages Debian needs for the PDF (the README and error messages name them).
APT_PACKAGES = ("texlive-xetex latexmk texlive-latex-extra texlive-lang-korean texlive-lang-cjk "
                "fonts-noto-cjk fonts-dejavu-core librsvg2-bin")
INSTALL_HINT = f"sudo apt-get install {APT_PACKAGES}"

_PROBLEM = re.compile(r"^(?P<file>[^\s:][^:]*?\.[A-Za-z]+):(?P<line>\d+): (?P<msg>.*)$")
_CONTEXT = re.compile(r"^l\.(?P<line>\d+) (?P<text>.*)$")
_MISSING_CHAR = re.compile(r"Missing character: There is no (?P<char>.+?) \((?:U\+|\")(?P<code>[0-9A-Fa-f]+)\)"
                           r" in font (?P<font>[^/!:;]+)")
_UNDEFINED_REF = re.compile(r"LaTeX Warning: (?:Hyper )?[Rr]eference `(?P<key>[^']*)' on page \d+ "
                            r"undefined on input line (?P<line>\d+)")
_CONTROL_SEQUENCE = re.compile(r"\\[A-Za-z@]+\*?|\\.")

#: Errors from packages that do not affect the PDF (hyperref's XeTeX driver asks
#: for a font from texlive-fonts-recommended only to size link borders).
_HARMLESS = (re.compile(r"Font \\XeTeXLink@font=pzdr"),)


@dataclass(slots=True)
class TexProblem:
    kind: str  # "error" | "missing-char" | "undefined-ref"
    file: str  # the file TeX was reading ("./book.tex", a package, the .toc)
    line: int  # line in that file (0 when unknown)
    message: str
    context: str = ""  # the LaTeX around the error, as TeX shows it
    culprit: str = ""  # the control sequence or character at fault, when known


def parse_log(text: str) -> list[TexProblem]:
    """Every error, missing glyph and undefined reference of one xelatex log."""
    problems: list[TexProblem] = []
    lines = text.splitlines()
    for i, raw in enumerate(lines):
        m = _PROBLEM.match(raw)
        if m:
            message = m.group("msg").strip()
            if any(h.search(message) for h in _HARMLESS):
                continue
            file, line = m.group("file"), int(m.group("line"))
            missing = _MISSING_CHAR.search(message)
            if missing:
                char = missing.group("char")
                problems.append(TexProblem("missing-char", file, line,
                                           f"the font {missing.group('font').strip()} has no glyph "
                                           f"for {char} (U+{int(missing.group('code'), 16):04X})",
                                           culprit=char))
                continue
            context, culprit = _context(lines, i + 1)
            if message.startswith("Undefined control sequence"):
                found = _CONTROL_SEQUENCE.findall(context.split("\n")[0])
                culprit = found[-1] if found else ""
            problems.append(TexProblem("error", file, line, message.rstrip("."), context, culprit))
            continue
        r = _UNDEFINED_REF.search(raw)
        if r:
            problems.append(TexProblem("undefined-ref", "", int(r.group("line")),
                                       f"reference `{r.group('key')}` is undefined"))
    return problems


def _context(lines: list[str], start: int) -> tuple[str, str]:
    """The ``l.NNN ...`` lines that follow an error: what TeX had read, and what came next."""
    for j in range(start, min(start + 15, len(lines))):
        m = _CONTEXT.match(lines[j])
        if m:
            after = lines[j + 1].strip() if j + 1 < len(lines) else ""
            return m.group("text") + ("\n" + after if after else ""), ""
        if _PROBLEM.match(lines[j]):
            break
    return "", ""


@dataclass(slots=True)
class RunResult:
    returncode: int
    seconds: float
    log: str  # the last xelatex log ("" when none was written)
    output: str  # what latexmk printed (for when the log says nothing)
    pdf: Path | None
    timed_out: bool = False


def tex_available() -> str | None:
    """None when xelatex and latexmk are installed, else what is missing."""
    missing = [tool for tool in ("xelatex", "latexmk") if shutil.which(tool) is None]
    return " and ".join(missing) if missing else None


_RERUN = re.compile(r"Rerun to get|Label\(s\) may have changed|There were undefined references|"
                    r"^No file \S+\.(toc|aux)", re.M)
#: latexmk runs at most this many times: after a pass with an error it stops, and
#: thinks the PDF up to date, so a book with one mistake is run again with ``-g``
#: (one more pass each) until its table of contents and references are resolved.
MAX_LATEXMK_RUNS = 4


def needs_rerun(log: str) -> bool:
    """Whether the last pass says the references or the contents are not final yet."""
    return bool(_RERUN.search(log))


def ensure_link_font(work: Path) -> None:
    """Give hyperref the font ``pzdr`` it loads (and never uses) under XeTeX.

    Without texlive-fonts-recommended the font is missing; xelatex then ends
    every pass with an error status, and latexmk stops before the references
    are resolved.  A metrics file in the work folder is enough.
    """
    if shutil.which("kpsewhich") is None or shutil.which("pltotf") is None:
        return
    found = subprocess.run(["kpsewhich", "pzdr.tfm"], capture_output=True, text=True).stdout.strip()
    if found:
        return
    (work / "pzdr.pl").write_text("(FAMILY PZDR)\n(DESIGNSIZE R 10.0)\n(CHARACTER O 40 (CHARWD R 0.278))\n")
    subprocess.run(["pltotf", "pzdr.pl", "pzdr.tfm"], cwd=work, capture_output=True)


def tex_environment() -> dict[str, str]:
    """The environment of a TeX run: long log lines, and no file outside the work folder.

    Raw LaTeX in a page can ``\\input`` or ``\\openin`` any file the user can read,
    and ``\\openout`` can write one.  kpathsea's paranoid mode (``p``) refuses, for
    reading and writing alike, names that are absolute (unless under
    ``TEXMFOUTPUT``, which is therefore unset), that start with ``..`` or contain
    ``/../``, and hidden files.  TeX's own files (classes, packages, fonts) are
    still found through kpathsea's search path, and the book's images are copied
    into the work folder first, so nothing the book needs is out of reach.
    """
    env = dict(os.environ, max_print_line="10000", error_line="254", half_error_line="238",
               openin_any="p", openout_any="p")
    env.pop("TEXMFOUTPUT", None)  # paranoid mode lets absolute paths under it through
    return env


def run_latexmk(work: Path, tex_name: str, timeout: float) -> RunResult:
    """Typeset ``work/tex_name`` into a PDF beside it."""
    stem = tex_name[:-4] if tex_name.endswith(".tex") else tex_name
    env = tex_environment()
    cmd = ["latexmk", "-norc", "-xelatex", "-f", "-interaction=nonstopmode", "-file-line-error",
           "-no-shell-escape", tex_name]
    ensure_link_font(work)
    start = time.perf_counter()
    log_path = work / f"{stem}.log"
    outputs: list[str] = []
    timed_out = False
    returncode = 0
    for attempt in range(MAX_LATEXMK_RUNS):
        again = ["-g"] if attempt else []
        proc = subprocess.Popen(cmd[:1] + again + cmd[1:], cwd=work, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=max(1.0, timeout - (time.perf_counter() - start)))
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
        outputs.append(out.decode("utf-8", "replace"))
        returncode = proc.returncode
        if timed_out or returncode == 0:
            break
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
        if not needs_rerun(log):
            break
    seconds = time.perf_counter() - start
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    pdf = work / f"{stem}.pdf"
    return RunResult(returncode, seconds, log, "\n".join(outputs),
                     pdf if pdf.exists() and not timed_out else None, timed_out)
