"""HTML for the outputs of executed code cells.

Streams and tracebacks keep their ANSI colours (as inline styles, so no
style sheet is needed) and lose the noise of progress bars: text that a
carriage return overwrote, backspaces, cursor movements.  Rich outputs show
the richest form Jupyter gave: HTML (pandas tables), SVG and PNG figures,
LaTeX as MathML, Markdown rendered.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

from ...tree import Output
from ..math.mathml import MathError, to_mathml

_ANSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")
_OTHER_ESCAPES = re.compile(r"\x1b[()][A-Za-z0-9]|\x1b[=>]")

#: Richest first: the first type an output has is the one shown.
MIME_ORDER = ["text/html", "image/svg+xml", "image/png", "image/jpeg", "image/gif",
              "text/latex", "text/markdown", "text/plain"]

#: The 16 basic terminal colours (normal, then bright), readable on light and dark pages.
_PALETTE = ["#3e424d", "#c0392b", "#1e8449", "#b7950b", "#2e6db4", "#8e44ad", "#138d90", "#7f8c8d",
            "#5d6d7e", "#e74c3c", "#27ae60", "#d4ac0d", "#5dade2", "#af7ac5", "#48c9b0", "#a6acaf"]


def strip_ansi(text: str) -> str:
    return _OTHER_ESCAPES.sub("", _ANSI.sub("", text))


def clean_stream(text: str) -> str:
    """What a terminal would finally show: carriage returns and backspaces applied.

    ANSI colour codes are kept (``ansi_to_html`` turns them into styles);
    other escape sequences (cursor movement, erasing) are dropped.
    """
    text = _ANSI.sub(lambda m: m.group(0) if m.group(2) == "m" else "", text)
    text = _OTHER_ESCAPES.sub("", text).replace("\r\n", "\n")
    lines = []
    for line in text.split("\n"):
        if "\r" in line:
            parts = [p for p in line.split("\r") if p]
            line = parts[-1] if parts else ""
        while "\b" in line:
            i = line.index("\b")
            line = line[:max(0, i - 1)] + line[i + 1:]
        lines.append(line)
    return "\n".join(lines)


def _colour(code: int, codes: list[int], i: int) -> tuple[str | None, int]:
    """The CSS colour of an extended (38/48) SGR code starting at ``codes[i]``, and the next index."""
    if i + 1 < len(codes) and codes[i + 1] == 5 and i + 2 < len(codes):
        n = codes[i + 2]
        if n < 16:
            return _PALETTE[n], i + 3
        if n < 232:
            n -= 16
            r, g, b = (n // 36) % 6, (n // 6) % 6, n % 6
            scale = [0, 95, 135, 175, 215, 255]
            return f"#{scale[r]:02x}{scale[g]:02x}{scale[b]:02x}", i + 3
        level = 8 + (n - 232) * 10
        return f"#{level:02x}{level:02x}{level:02x}", i + 3
    if i + 1 < len(codes) and codes[i + 1] == 2 and i + 4 < len(codes):
        r, g, b = codes[i + 2:i + 5]
        return f"#{r:02x}{g:02x}{b:02x}", i + 5
    return None, i + 1


def ansi_to_html(text: str) -> str:
    """Escape ``text`` for HTML, turning ANSI SGR colour codes into styled spans."""
    out: list[str] = []
    fg: str | None = None
    bg: str | None = None
    bold = False
    underline = False
    pos = 0
    open_span = False

    def style() -> str:
        parts = []
        if fg:
            parts.append(f"color:{fg}")
        if bg:
            parts.append(f"background-color:{bg}")
        if bold:
            parts.append("font-weight:bold")
        if underline:
            parts.append("text-decoration:underline")
        return ";".join(parts)

    for m in _ANSI.finditer(text):
        chunk = text[pos:m.start()]
        if chunk:
            out.append(html.escape(chunk))
        pos = m.end()
        if m.group(2) != "m":
            continue
        codes = [int(c) for c in m.group(1).split(";") if c.isdigit()] or [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                fg = bg = None
                bold = underline = False
            elif c == 1:
                bold = True
            elif c == 22:
                bold = False
            elif c == 4:
                underline = True
            elif c == 24:
                underline = False
            elif 30 <= c <= 37:
                fg = _PALETTE[c - 30]
            elif 90 <= c <= 97:
                fg = _PALETTE[c - 90 + 8]
            elif c == 39:
                fg = None
            elif 40 <= c <= 47:
                bg = _PALETTE[c - 40]
            elif 100 <= c <= 107:
                bg = _PALETTE[c - 100 + 8]
            elif c == 49:
                bg = None
            elif c in (38, 48):
                colour, i = _colour(c, codes, i)
                if c == 38:
                    fg = colour
                else:
                    bg = colour
                continue
            i += 1
        if open_span:
            out.append("</span>")
            open_span = False
        css = style()
        if css:
            out.append(f'<span style="{css}">')
            open_span = True
    rest = text[pos:]
    if rest:
        out.append(html.escape(rest))
    if open_span:
        out.append("</span>")
    return "".join(out)


#: Control characters HTML forbids (all of C0 but tab, newline, form feed and carriage return,
#: and DEL), and lone surrogates, which no UTF-8 file can hold.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]|[\ud800-\udfff]")


def _writable(text: str) -> str:
    """Drop control characters left after ANSI colours were read, as Jupyter does when it
    displays outputs; a lone surrogate (a cell printed half a character) becomes U+FFFD."""
    return _UNWRITABLE.sub(lambda m: "\ufffd" if m.group(0) >= "\ud800" else "", text)


def render_outputs(outputs: list[Output], strings: dict[str, str]) -> str:
    parts = [render_output(o, strings) for o in outputs]
    return _writable("".join(p for p in parts if p))


def render_output(output: Output, strings: dict[str, str]) -> str:
    if output.kind == "stream":
        text = clean_stream(output.text)
        if not strip_ansi(text).strip():
            return ""
        cls = "stderr" if output.name == "stderr" else "stdout"
        return f'<pre class="output {cls}">{ansi_to_html(text.rstrip())}</pre>'
    if output.kind == "error":
        trace = clean_stream("\n".join(output.traceback)) or f"{output.ename}: {output.evalue}"
        return f'<pre class="output error" role="alert">{ansi_to_html(trace)}</pre>'
    data = output.data
    for mime in MIME_ORDER:
        if mime not in data:
            continue
        value = data[mime]
        value = "".join(value) if isinstance(value, list) else str(value)
        if mime == "text/html":
            return f'<div class="output html">{value}</div>'
        if mime == "image/svg+xml":
            return f'<div class="output image svg">{_strip_xml_prolog(value)}</div>'
        if mime.startswith("image/"):
            src = f"data:{mime};base64,{''.join(value.split())}"
            return f'<div class="output image"><img src="{src}" alt="{html.escape(strings.get("output", "output"))}"></div>'
        if mime == "text/latex":
            return f'<div class="output latex">{_latex(value)}</div>'
        if mime == "text/markdown":
            return f'<div class="output markdown">{_markdown(value)}</div>'
        return f'<pre class="output text">{ansi_to_html(clean_stream(value).rstrip())}</pre>'
    return ""


def _strip_xml_prolog(svg: str) -> str:
    """Inline SVG must not carry an XML declaration or a DOCTYPE."""
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    return re.sub(r"^\s*<!DOCTYPE[^>]*>\s*", "", svg)


def _latex(value: str) -> str:
    """LaTeX output (sympy, IPython.display.Math) as MathML; the source if it will not convert."""
    latex = value.strip()
    for left, right in (("$$", "$$"), ("\\[", "\\]"), ("$", "$")):
        if latex.startswith(left) and latex.endswith(right) and len(latex) > len(left) + len(right):
            latex = latex[len(left):-len(right)].strip()
            break
    latex = latex.replace("\\displaystyle", "").strip()
    try:
        return to_mathml(latex, True)
    except MathError:
        return f"<pre>{html.escape(value)}</pre>"


def _markdown(value: str) -> str:
    """Markdown output (IPython.display.Markdown) rendered, raw HTML in it escaped."""
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(value)
