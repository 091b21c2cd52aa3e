"""Slide marks: ``[**text**]`` and ``(**text**)`` keep their text, ``[~~text~~]`` and
``(~~text~~)`` (slide-only text) go, as in d2lbook.

d2lbook uses these marks to cut slides out of a section (``writers/slides``).
The book shows the marked text as ordinary prose, so the marks are removed
before Markdown parsing.  Removal keeps every line break, so line numbers stay true, and
never touches fenced code or inline code spans (``f(**kwargs)`` is code).
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
#: any text up to the closing mark, across paragraphs as in d2lbook (whose marks pair within a
#: notebook cell: d2l-en's anchor.md marks a paragraph and the equation after it); never across
#: code, which ``strip_slide_marks`` keeps out of each piece of prose
_INSIDE = r"(.+?)"
_KEEP = re.compile(rf"\[\*\*{_INSIDE}\*\*\]|\(\*\*{_INSIDE}\*\*\)", re.S)
_DROP = re.compile(rf"\[~~{_INSIDE}~~\]|\(~~{_INSIDE}~~\)", re.S)
_MASKED = re.compile(r"\x00(\d+)\x00")


def strip_slide_marks(text: str) -> str:
    """Remove slide marks outside code, keeping the number of lines."""
    if "**" not in text and "~~" not in text:
        return text
    out: list[str] = []
    prose: list[str] = []
    fence = ""
    for line in text.splitlines(keepends=True):
        m = _FENCE.match(line)
        if fence:
            out.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not line.strip()[len(m.group(1)):].strip():
                fence = ""
            continue
        if m:
            out.append(_strip_prose("".join(prose)))
            prose = []
            fence = m.group(1)
            out.append(line)
            continue
        prose.append(line)
    out.append(_strip_prose("".join(prose)))
    return "".join(out)


def _strip_prose(text: str) -> str:
    if "[**" not in text and "(**" not in text and "~~" not in text and "\x00" not in text:
        return text  # no mark: masking code and putting it back would give the same text
    # Mask inline code so marks inside it are left alone.
    spans: list[str] = []

    def mask(m: re.Match[str]) -> str:
        spans.append(m.group(0))
        return f"\x00{len(spans) - 1}\x00"

    masked = _CODE_SPAN.sub(mask, text) if "`" in text else text
    if "~~" in masked:
        masked = _DROP.sub(lambda m: "\n" * m.group(0).count("\n"), masked)
    if "**" in masked:
        masked = _KEEP.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), masked)
    return _MASKED.sub(lambda m: spans[int(m.group(1))], masked) if spans or "\x00" in masked else masked
