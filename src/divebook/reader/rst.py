"""The small part of reStructuredText that d2lbook books put in ``eval_rst`` fences.

Books use these fences for a few Sphinx directives: ``raw`` (HTML to paste),
``only`` (content for one output), ``currentmodule``/``autoclass``/
``autofunction`` (the library's API page) and section titles.  Those are
turned into tree nodes; any other directive is reported and shown as code.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..confine import book_file, outside_message
from ..diagnostics import Diagnostics
from ..tree import Block, CodeCell, Directive, Heading, Paragraph, Pos, Raw, Text

SUPPORTED = {"raw", "only", "currentmodule", "autoclass", "autofunction", "automodule",
             "automethod", "autoattribute", "autodata", "toctree"}
_DIRECTIVE = re.compile(r"^\.\.\s+([\w\-:]+)::\s*(.*)$")
_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+<>])\1{2,}\s*$")
_TITLE_LEVELS = "=-~^\"'"


def read_rst(text: str, pos: Pos, book_root: Path, page_dir: str, diags: Diagnostics) -> list[Block]:
    """Blocks for the content of one ``eval_rst`` fence starting at ``pos``."""
    lines = text.split("\n")
    return _read_lines(lines, pos.file, pos.line, book_root, page_dir, diags)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _read_lines(lines: list[str], file: str, first_line: int, book_root: Path, page_dir: str,
                diags: Diagnostics) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        here = Pos(file, first_line + i)
        if not line.strip():
            i += 1
            continue
        m = _DIRECTIVE.match(line.strip()) if _indent(line) == 0 else None
        if m:
            name, argument = m.group(1), m.group(2).strip()
            j = i + 1
            body: list[str] = []
            while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > 0):
                body.append(lines[j])
                j += 1
            while body and not body[-1].strip():
                body.pop()
            indent = min((_indent(b) for b in body if b.strip()), default=0)
            body = [b[indent:] for b in body]
            options: dict[str, str] = {}
            k = 0
            while k < len(body) and re.match(r"^:[\w\-]+:", body[k]):
                key, _, value = body[k][1:].partition(":")
                options[key] = value.strip()
                k += 1
            content = body[k:]
            blocks.extend(_directive(name, argument, options, content, here, first_line + i + 1 + k,
                                     book_root, page_dir, diags))
            i = j
            continue
        if i + 1 < len(lines) and _UNDERLINE.match(lines[i + 1]) and line.strip():
            char = lines[i + 1].strip()[0]
            level = _TITLE_LEVELS.index(char) + 1 if char in _TITLE_LEVELS else 1
            blocks.append(Heading(level, [Text(line.strip())], here))
            i += 2
            continue
        para = []
        while i < len(lines) and lines[i].strip() and not _DIRECTIVE.match(lines[i].strip()):
            para.append(lines[i].strip())
            i += 1
        blocks.append(Paragraph([Text(" ".join(para))], here))
    return blocks


def _directive(name: str, argument: str, options: dict[str, str], content: list[str], pos: Pos,
               content_line: int, book_root: Path, page_dir: str, diags: Diagnostics) -> list[Block]:
    if name == "raw":
        text = "\n".join(content)
        if "file" in options:
            path = book_file(book_root, Path(page_dir) / options["file"])
            if path is None:  # `/etc/passwd`, `../../x` or a symlink out of the book: never read
                diags.warning(pos, outside_message(f"`.. raw:: {argument}` :file:", options["file"]),
                              "file-outside")
                return []
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
            else:
                diags.warning(pos, f"`.. raw:: {argument}` includes `{options['file']}`, which does not "
                              "exist; nothing is included (add the file or remove the directive)",
                              "missing-file")
                return []
        return [Raw(argument.strip().lower(), text, pos)]
    if name == "only":
        children = _read_lines(content, pos.file, content_line, book_root, page_dir, diags)
        return [Directive("only", argument, options, children, pos)]
    if name in SUPPORTED:
        return [Directive(name, argument, options, [], pos)]
    diags.warning(pos, f"reStructuredText directive `{name}` is not supported in eval_rst; "
                  "it is shown as code (write it in Markdown instead)", "rst-directive")
    return [CodeCell(f".. {name}:: {argument}\n" + "\n".join("   " + c for c in content), pos,
                     language="rst")]
