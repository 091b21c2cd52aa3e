"""Images that raw HTML in a page shows (``<img src="img/x.png">``): found, so they are copied.

A Markdown image becomes a node that the writer checks and copies; an image
in raw HTML is text the writer passes through.  As MyST's ``html_image``
does, such an ``<img>`` is treated as an image of the book: its local
``src`` is checked and copied by the same rules (confine.py), and rewritten
to the copy's address, which is where the file is relative to the written
page (a translated site's pages sit under a prefix).  Comments are left
alone; only ``src`` of ``<img>`` is read (not ``srcset``, ``<video>``...).
"""

from __future__ import annotations

import html
import re
from typing import Callable

from .text import esc

#: a comment (skipped) or an ``<img>`` start tag
_TAG = re.compile(r"<!--.*?-->|<img\b[^>]*>", re.S | re.I)
#: the ``src`` attribute of a tag: double-quoted, single-quoted or bare
_SRC = re.compile(r"""(\ssrc\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)


def rewrite_image_sources(text: str, replace: Callable[[str, int], str]) -> str:
    """``text`` with each ``<img>``'s ``src`` replaced by ``replace(src, line)``.

    ``src`` is given decoded from HTML (``&amp;`` is ``&``) and ``line`` is
    its line within ``text``, counted from 0; the result is written back
    double-quoted and escaped.
    """
    if "<img" not in text.lower():  # most raw HTML shows no image: no work
        return text

    def tag(m: re.Match[str]) -> str:
        if m.group(0).startswith("<!--"):
            return m.group(0)
        src = _SRC.search(m.group(0))
        if src is None:
            return m.group(0)
        value = html.unescape(next(g for g in src.group(2, 3, 4) if g is not None))
        line = text.count("\n", 0, m.start() + src.start())
        new = replace(value, line)
        whole = m.group(0)
        return f'{whole[:src.start()]}{src.group(1)}"{esc(new)}"{whole[src.end():]}'

    return _TAG.sub(tag, text)
