"""Escaping and relative links: what every part of the website writer needs.

Kept apart from ``nodes.py`` so the writers of translated pages (``languages.py``)
and the node renderers can both use them without importing each other.
"""

from __future__ import annotations

import html
import posixpath

from ...bookpaths import url_of


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def relative_url(from_output: str, to_output: str) -> str:
    """URL of ``to_output`` as seen from the page ``from_output`` (both site-relative).

    Computed on the path segments: ``posixpath.relpath`` makes both paths absolute
    (asking the OS for the working folder) and a page asks this thousands of times.
    """
    if from_output == to_output:
        return ""
    start, target = from_output.split("/"), to_output.split("/")
    if any(part in ("", ".", "..") for part in start + target):  # not a plain site path
        return posixpath.relpath(to_output, posixpath.dirname(from_output) or ".")
    start.pop()  # the page's folder
    common = 0
    while common < len(start) and common < len(target) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


def href_to(from_output: str, to_output: str) -> str:
    """``relative_url`` as an ``href``: percent-encoded, as image sources are.

    Pages may be named with spaces or other scripts (``chapter 1/a b.md``,
    ``장/소개.md``); a space is not allowed in a URL, and encoding the rest
    keeps every link plain ASCII. "" when both are the same page.
    """
    return url_of(relative_url(from_output, to_output))


def href_or_self(from_output: str, to_output: str) -> str:
    """``href_to``, or the page's own file name when both are the same (a link that leads
    to the top of this page rather than nowhere)."""
    return href_to(from_output, to_output) or url_of(posixpath.basename(from_output))
