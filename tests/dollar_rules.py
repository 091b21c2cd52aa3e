"""Pandoc's ``tex_math_dollars`` rules, stated on their own for the tests.

A direct transcription of pandoc's Markdown math parsers (pandoc 2.x,
``mathDisplayWith``/``mathInlineWith``, with its ``many1Till``, which
refuses a closing delimiter as the first item): one item at a time, as the
parser combinators consume them.  It shares nothing with
``divebook.reader.dollarmath`` (which scans with a regular expression), so
the two can be compared on generated text.
"""

from __future__ import annotations

_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _text_group(s: str, i: int) -> int | None:
    """After ``\\text``: pandoc's ``inBalancedBraces`` from ``s[i]``."""
    if i >= len(s) or s[i] != "{":
        return None
    depth, acc = 1, "{"
    i += 1
    while depth:
        if i >= len(s):
            return None
        char = s[i]
        if acc[-1] != "\\":
            depth += {"{": 1, "}": -1}.get(char, 0)
        acc += char
        i += 1
    return i


def _space_item(s: str, i: int) -> int | None:
    """``(blankline <* notFollowedBy' blankline) <|> (spaceChar <* skipMany spaceChar)``, then
    ``notFollowedBy (char '$')``; the end of the item or None."""
    j = i
    while j < len(s) and s[j] in " \t":
        j += 1
    if j < len(s) and s[j] == "\n":  # blankline: spaces, then a newline
        k = j + 1
        m = k
        while m < len(s) and s[m] in " \t":
            m += 1
        if m < len(s) and s[m] == "\n":  # followed by a blank line
            return None
        end = k
    elif j > i:
        end = j
    else:
        return None
    return None if s.startswith("$", end) else end


def inline_math(s: str, i: int) -> int | None:
    """End of ``$...$`` opened at ``s[i]``, as pandoc parses it, or None."""
    j = i + 1
    if j < len(s) and s[j].isspace():  # notFollowedBy space
        return None
    if s.startswith("$", j):  # many1Till: the end may not come first
        return None
    first = True
    while True:
        if not first and s.startswith("$", j):
            j += 1
            if j < len(s) and s[j] in "0123456789":  # notFollowedBy digit
                return None
            return j
        first = False
        if j >= len(s):
            return None
        char = s[j]
        if char not in " \t\n\\":
            j += 1
        elif char == "\\":
            end = _text_group(s, j + 5) if s.startswith("text", j + 1) else None
            if end is not None:
                j = end
            elif j + 1 < len(s):
                j += 2
            else:
                return None
        else:
            end = _space_item(s, j)
            if end is None:
                return None
            j = end


def display_math(s: str, i: int) -> int | None:
    """End of ``$$...$$`` opened at ``s[i]``, or None."""
    j = i + 2
    if s.startswith("$$", j):
        return None
    first = True
    while True:
        if not first and s.startswith("$$", j):
            return j + 2
        first = False
        if j >= len(s):
            return None
        if s[j] == "\n":
            k = j + 1
            while k < len(s) and s[k] in " \t":
                k += 1
            if k < len(s) and s[k] == "\n":
                return None
        j += 1


def math_at(s: str, i: int) -> tuple[int, bool] | None:
    """``(end, display)`` of the math a ``$`` at ``i`` opens: display first, then inline."""
    if s.startswith("$$", i):
        end = display_math(s, i)
        if end is not None:
            return end, True
    end = inline_math(s, i)
    return None if end is None else (end, False)


def math_spans(s: str) -> list[tuple[str, bool]]:
    """The math in a paragraph's text: ``(source between the delimiters, display)``.

    Outside math, ``\\`` escapes a punctuation character and backtick runs
    open code spans (closed by a run of the same length), as in pandoc and
    CommonMark; a ``$`` that opens nothing is text.
    """
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(s):
        char = s[i]
        if char == "\\" and i + 1 < len(s) and s[i + 1] in _PUNCT:
            i += 2
        elif char == "`":
            run = i
            while run < len(s) and s[run] == "`":
                run += 1
            ticks = s[i:run]
            close = _closing_ticks(s, run, ticks)
            i = close if close is not None else run
        elif char == "$" and (found := math_at(s, i)) is not None:
            end, display = found
            width = 2 if display else 1
            out.append((s[i + width:end - width], display))
            i = end
        else:
            i += 1
    return out


def _closing_ticks(s: str, start: int, ticks: str) -> int | None:
    i = start
    while True:
        i = s.find(ticks, i)
        if i < 0:
            return None
        end = i + len(ticks)
        if (i == 0 or s[i - 1] != "`") and not s.startswith("`", end):
            return end
        while end < len(s) and s[end] == "`":
            end += 1
        i = end
