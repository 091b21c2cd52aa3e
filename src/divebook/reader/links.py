"""Link and image destinations with spaces, as pandoc (and so d2lbook) reads them.

CommonMark ends a destination at the first space, so ``![](../img/a b.png)``
is not an image there; pandoc, which d2lbook's books were written against,
takes the spaces into the address as long as what follows a run of them
does not start a title (``"``, ``'``, or ``(`` as CommonMark also allows) or
close the link.  Only files get this reading: a space in a web address is
a typo (a full-width ``）`` that does not close the link), and CommonMark's
rule keeps the text after it.  markdown-it then percent-encodes the address
as usual (``a%20b.png``); ``bookpaths.book_path`` decodes it to find the file.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkLabel, parseLinkTitle

#: what may not follow a run of spaces inside a destination: it ends there
_ENDS = frozenset("\"')(\n")
#: a web address (``https:``, ``//host``): a space in one is a typo, CommonMark's rule stays
_REMOTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//")


def _inline(string: str, pos: int) -> bool:
    """Whether the destination at ``pos`` is an inline one: ``(`` before it, spaces aside.

    Reference definitions (``[x]: url``) keep CommonMark's rule.
    """
    i = pos - 1
    while i >= 0 and string[i] in " \t\n":
        i -= 1
    return i >= 0 and string[i] == "("


def parse_destination(string: str, pos: int, maximum: int):  # type: ignore[no-untyped-def]
    """markdown-it's destination parser, continued over spaces inside an inline link's address."""
    result = parseLinkDestination(string, pos, maximum)
    if not result.ok or string[pos] == "<" or _REMOTE.match(result.str) or not _inline(string, pos):
        return result
    chunks, end = [result.str], result.pos
    while True:
        gap = end
        while gap < maximum and string[gap] in " \t":
            gap += 1
        if gap == end or gap >= maximum or string[gap] in _ENDS:
            break
        more = parseLinkDestination(string, gap, maximum)
        if not more.ok:
            break
        chunks.append(more.str)
        end = more.pos
    if len(chunks) > 1:
        result.str = " ".join(chunks)  # pandoc keeps one space for a run of them
        result.pos = end
    return result


def spaced_destinations_plugin(md: MarkdownIt) -> None:
    """Use ``parse_destination`` in this parser's link, image and reference rules."""
    md.helpers = SimpleNamespace(parseLinkLabel=parseLinkLabel, parseLinkDestination=parse_destination,
                                 parseLinkTitle=parseLinkTitle)
