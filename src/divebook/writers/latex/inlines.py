"""Inline content -> LaTeX: text, emphasis, code, math, links, references, citations, notes.

The inline half of the page renderer (``nodes.py``'s ``LatexRenderer`` takes
these methods from ``InlineLatex``), in one of three modes: ``body``,
``moving`` (captions and table cells) and ``toc`` (see ``nodes.py``).
"""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from ...languages import reference_text
from ...tree import (
    Cite, Code, CodeCell, Emph, FootnoteDef, FootnoteRef, HardBreak, Image, Inline, Link, Math,
    Paragraph, RawInline, Ref, Role, SoftBreak, Strike, Strong, Text, plain_text,
)
from .escape import escape_code, escape_text, escape_url, label_key
from .linemap import strip_marks
from .math import prepare_math


def page_key(page: str, anchor: str = "") -> str:
    """The label of a page (``anchor`` "") or of a place on it."""
    return label_key(page, anchor)


def cite_key(key: str) -> str:
    return label_key("cite", key)


class InlineLatex:
    """Inline renderers; the block side (``LatexRenderer``) provides ``site``, ``pos``,
    ``footnotes``, ``pending_notes``, ``diags``, ``block`` and ``image``."""

    def inlines(self, nodes: list[Inline], mode: str = "body") -> str:
        return "".join(self.inline(n, mode) for n in nodes)

    def inline(self, node: Inline, mode: str = "body") -> str:
        handler = _INLINES.get(type(node))
        return handler(self, node, mode) if handler else ""

    def math(self, m: Math, mode: str) -> str:
        prepared = prepare_math(m.latex, display=False)
        if prepared.problem:
            self._math_problem(m.latex, prepared.problem, self.pos)
            return f"\\dbmatherror{{{escape_code(m.latex)}}}"
        if m.display and mode == "body":
            return f"\\[{prepared.tex}\\]"
        if m.display:
            return f"${{\\displaystyle {prepared.tex}}}$"
        return f"${prepared.tex}$"

    def ref(self, r: Ref, mode: str) -> str:
        if not r.resolved:
            return escape_text(r.text or r.target)
        text = reference_text(r, self.site.lang)
        key = page_key(r.page or "", r.anchor or "")
        if mode == "toc" or key not in self.site.keys:
            return escape_text(text)
        if r.kind == "eqref" and r.label_kind == "equation" and r.number:
            return f"\\eqref{{{key}}}"  # "(3.1.2)": the \\tag the equation carries
        return f"\\hyperref[{key}]{{{escape_text(text)}}}"

    def cite(self, c: Cite, mode: str) -> str:
        def link(key: str, text: str) -> str:
            if mode == "toc" or key not in self.site.bib_keys:
                return escape_text(text)
            return f"\\hyperlink{{{cite_key(key)}}}{{{escape_text(text)}}}"

        if c.kind == "citet":
            parts = [f"{escape_text(e.authors)} ({link(e.key, e.year)})" if e.found
                     else escape_text(e.key) for e in c.entries]
            return ", ".join(parts)
        parts = [link(e.key, f"{e.authors}, {e.year}") if e.found else escape_text(e.key)
                 for e in c.entries]
        return f"({'; '.join(parts)})"

    def link(self, link: Link, mode: str) -> str:
        content = self.inlines(link.children, "toc" if mode == "toc" else mode)
        if mode == "toc":
            return content
        if link.target_page:
            key = page_key(link.target_page, link.target_anchor or "")
            if key not in self.site.keys:
                key = page_key(link.target_page)
            return f"\\hyperref[{key}]{{{content}}}" if key in self.site.keys else content
        parts = urlsplit(link.url)
        if not parts.scheme and not parts.netloc and parts.fragment and not parts.path:
            key = page_key(self.source, parts.fragment)
            return f"\\hyperref[{key}]{{{content}}}" if key in self.site.keys else content
        if not parts.scheme:
            return content  # a file next to the page: nothing to open from paper
        shown = plain_text(link.children).strip()
        if shown in (link.url.strip(), unquote(link.url).strip()):  # an autolink: <https://...>
            content = f"\\dburl{{{escape_code(shown)}}}"
        return f"\\href{{{escape_url(link.url)}}}{{{content}}}"

    def footnote_ref(self, f: FootnoteRef, mode: str) -> str:
        if mode == "toc":
            return ""
        definition = self.footnotes.get(f.label)
        text = self._footnote_text(definition) if definition else escape_text(f"[{f.label}]")
        if mode == "moving":
            self.pending_notes.append(text)
            return f"\\dbnotemark{{{len(self.pending_notes)}}}"
        return f"\\footnote{{{text}}}"

    def _footnote_text(self, f: FootnoteDef) -> str:
        parts = []
        for block in f.children:
            if isinstance(block, Paragraph):
                parts.append(self.inlines(block.children, "moving"))
            elif isinstance(block, CodeCell):
                parts.append(f"\\texttt{{{escape_code(block.source)}}}")
            else:
                parts.append(strip_marks(self.block(block)).replace("\n", " "))
        return " \\par ".join(p.strip() for p in parts if p.strip())

    def inline_image(self, node: Image, mode: str) -> str:
        tex = self.image(node.src, self.pos)
        if tex.startswith("\\dbimage"):
            return "\\protect" + tex if mode != "body" else tex
        return tex


_INLINES: dict[type, Callable[[Any, Inline, str], str]] = {
    Text: lambda r, n, mode: escape_text(n.text),
    Emph: lambda r, n, mode: f"\\emph{{{r.inlines(n.children, mode)}}}",
    Strong: lambda r, n, mode: f"\\textbf{{{r.inlines(n.children, mode)}}}",
    Strike: lambda r, n, mode: f"\\dbstrike{{{r.inlines(n.children, mode)}}}",
    Code: lambda r, n, mode: f"\\texttt{{{escape_code(n.text)}}}",
    Math: InlineLatex.math,
    Link: InlineLatex.link,
    Image: InlineLatex.inline_image,
    SoftBreak: lambda r, n, mode: "\n" if mode == "body" else " ",
    HardBreak: lambda r, n, mode: "\\newline{}\n" if mode == "body" else " ",
    RawInline: lambda r, n, mode: n.text if n.format in ("latex", "tex") else "",
    Ref: InlineLatex.ref,
    Cite: InlineLatex.cite,
    FootnoteRef: InlineLatex.footnote_ref,
    Role: lambda r, n, mode: f"\\texttt{{:{escape_code(n.name)}:`{escape_code(n.content)}`}}",
}
