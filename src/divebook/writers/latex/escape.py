"""Text made safe for LaTeX: prose, inline code, URLs and label names.

Every character that LaTeX would read as markup (``\\ { } $ & # ^ _ ~ %``,
and ``[ ]`` right after commands with optional arguments) is written as
the command that prints it, so what the author typed is what the PDF
shows.  Control characters (which TeX reads as commands, or which end a
line early) are dropped.  Labels are encoded, not escaped: any label the
book uses becomes a name LaTeX accepts, and two labels never collide.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_PROSE = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    # Braced so that a bracket after \item, \\ or a sectioning command is
    # never read as that command's optional argument.
    "[": "{[}",
    "]": "{]}",
    "\t": " ",
    "\n": " ",
    "\r": " ",
}
_PROSE_RE = re.compile("|".join(re.escape(c) for c in _PROSE))

#: Where long inline code may break across lines (after these characters).
_CODE_BREAK = re.compile(r"([._/,(=])")


def strip_controls(text: str) -> str:
    """``text`` without control characters (C0, DEL and C1) other than tab and newline."""
    return _CONTROL.sub("", text)


def escape_text(text: str) -> str:
    """Prose: every special character printed as itself; newlines become spaces."""
    return _PROSE_RE.sub(lambda m: _PROSE[m.group(0)], strip_controls(text.replace("\r", " ")))


def escape_code(text: str) -> str:
    """Inline code for ``\\texttt``: escaped, with break points after ``._/,(=``."""
    escaped = escape_text(text)
    # A break point is an empty discretionary; it never changes what is printed.
    return _CODE_BREAK.sub(r"\1\\dbbreak{}", escaped) if len(text) > 12 else escaped


#: Written as hyperref's escapes, which it turns back into the characters.
_URL_ESCAPES = {"%": r"\%", "#": r"\#", "~": r"\~", "&": r"\&"}
#: URL characters that are safe as they are inside ``\href`` (RFC 3986's, less the above).
_URL_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:/?[]@!'()*+,;=")


def escape_url(url: str) -> str:
    """A URL for ``\\href``/``\\url``: the same address, with nothing LaTeX reads as markup.

    ``% # ~ &`` are written as hyperref's escapes; every other character that
    LaTeX could read as markup (``\\ { } $ ^``, spaces, non-ASCII...) is
    percent-encoded, which names the same address.  This works in running
    text and inside captions and footnotes alike.
    """
    out = []
    for c in strip_controls(url).strip():
        if c in _URL_SAFE:
            out.append(c)
        elif c in _URL_ESCAPES:
            out.append(_URL_ESCAPES[c])
        else:
            out.append("".join(f"\\%{b:02X}" for b in c.encode("utf-8")))
    return "".join(out)


_LABEL_SAFE = re.compile(r"[^A-Za-z0-9.:/-]")


def label_key(*parts: str) -> str:
    """A LaTeX label for a place in the book, e.g. ``label_key(page, anchor)``.

    Letters, digits and ``.:/-`` are kept; every other character becomes
    ``+XX+`` (its code point in hex), so the encoding is one to one.
    """
    joined = "|".join(parts)
    return "db:" + _LABEL_SAFE.sub(lambda m: f"+{ord(m.group(0)):x}+", joined)

