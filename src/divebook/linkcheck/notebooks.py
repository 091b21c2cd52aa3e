"""The links of the notebooks' Markdown lead to files the notebooks' zip holds.

A notebook keeps its page's Markdown as written, so a relative link or image
must name a file that travels with the notebooks (the images they show, the
``[build] resources``, the other notebooks).  A link to another page's
``.md`` file does not: Jupyter opens the ``.ipynb``.  A file that is not in
the book at all is the website's problem to report (a missing image, a broken
link), once.  Anchors are not checked
here: Jupyter makes its own from the heading text.  Each problem is a warning
at the first line of the page that writes the address.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..diagnostics import Diagnostic, Diagnostics
from ..tree import Pos

_MD_DEST = re.compile(r"\]\(\s*(<[^>\n]*>|[^)\s]+)")
_HTML_DEST = re.compile(r"""<(?:img|a)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)


def notebook_destinations(markdown: str) -> list[str]:
    """Link and image addresses of a Markdown cell, as Jupyter reads them."""
    found = [d.strip().removeprefix("<").removesuffix(">") for d in _MD_DEST.findall(markdown)]
    return found + _HTML_DEST.findall(markdown)


def check_notebook_links(members: dict[str, bytes], sources: dict[str, str],
                         texts: dict[str, str], book_root: Path) -> list[Diagnostic]:
    """``members``: a tab's zip (path -> bytes); ``sources``: notebook path -> its page;
    ``texts``: page -> its Markdown (for the line of each address)."""
    problems = Diagnostics()
    names = set(members)
    for rel, source in sources.items():
        cells = json.loads(members[rel]).get("cells", [])
        seen: set[str] = set()
        for cell in cells:
            if cell.get("cell_type") != "markdown":
                continue
            text = cell.get("source", "")
            text = "".join(text) if isinstance(text, list) else text
            for dest in notebook_destinations(text):
                if dest in seen:
                    continue
                seen.add(dest)
                message = _problem(dest, rel, names, book_root)
                if message:
                    problems.warning(Pos(source, _line_of(texts.get(source, ""), dest)), message,
                                     "broken-notebook-link")
    return problems.items


def _problem(dest: str, rel: str, names: set[str], book_root: Path) -> str:
    try:
        parts = urlsplit(dest)
    except ValueError:
        return ""  # not an address: the website's check reports it
    if parts.scheme or dest.startswith("//") or not parts.path:
        return ""
    path = unquote(parts.path)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
    if target in names or any(n.startswith(target + "/") for n in names):  # a file, or a folder
        return ""
    if path.endswith(".md") and target[:-3] + ".ipynb" in names:
        return (f"link to `{unquote(dest)}`: in the notebooks the page is `{posixpath.basename(target)[:-3]}"
                ".ipynb`; link with `:ref:` to a label there, which each output writes in its own way")
    if target.startswith("../") or not (book_root / target).exists():
        return ""  # not in the book: the website's check reports it
    return (f"link to `{unquote(dest)}`: the notebooks do not carry `{target}`; add it to "
            "[build] resources, or link to where it is published")


def _line_of(text: str, dest: str) -> int:
    """The first line of ``text`` that writes ``dest`` (0 when it cannot be found)."""
    at = text.find(dest)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0
