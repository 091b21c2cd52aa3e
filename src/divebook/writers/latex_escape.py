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

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

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
    """``text`` without control characters other than tab and newline."""
    return _CONTROL.sub("", text)


def escape_text(text: str) -> str:
    """Prose: every special character printed as itself; newlines become spaces."""
    return _PROSE_RE.sub(lambda m: _PROSE[m.group(0)], strip_controls(text))


def escape_code(text: str) -> str:
    """Inline code for ``\\texttt``: escaped, with break points after ``._/,(=``."""
    escaped = escape_text(text)
    # A break point is an empty discretionary; it never changes what is printed.
    return _CODE_BREAK.sub(r"\1\\dbbreak{}", escaped) if len(text) > 12 else escaped


_URL_PERCENT = {"\\": "%5C", "{": "%7B", "}": "%7D", "^": "%5E", "`": "%60", " ": "%20",
                "\n": "%0A", "\t": "%09", '"': "%22", "<": "%3C", ">": "%3E", "|": "%7C"}
_URL_RE = re.compile(r"[\\{}^`\s\"<>|%#~]")


def escape_url(url: str) -> str:
    """A URL for ``\\href``/``\\url``: the same address, with nothing LaTeX reads as markup.

    Characters that LaTeX cannot take literally are percent-encoded (which
    leaves the address unchanged); ``%``, ``#`` and ``~`` are written as
    hyperref's escapes, which it turns back into the characters.
    """
    def sub(m: re.Match[str]) -> str:
        c = m.group(0)
        if c == "%":
            return r"\%"
        if c == "#":
            return r"\#"
        if c == "~":
            return r"\~"
        return _URL_PERCENT.get(c, "%{:02X}".format(ord(c)) if ord(c) < 128 else c)

    return _URL_RE.sub(sub, strip_controls(url))


_LABEL_SAFE = re.compile(r"[^A-Za-z0-9.:/-]")


def label_key(*parts: str) -> str:
    """A LaTeX label for a place in the book, e.g. ``label_key(page, anchor)``.

    Letters, digits and ``.:/-`` are kept; every other character becomes
    ``+XX+`` (its code point in hex), so the encoding is one to one.
    """
    joined = "|".join(parts)
    return "db:" + _LABEL_SAFE.sub(lambda m: f"+{ord(m.group(0)):x}+", joined)


def escape_verbatim_line(text: str) -> str:
    """A line for an ``alltt``-free verbatim context: tabs expanded, controls dropped."""
    return strip_controls(text.expandtabs(4))
