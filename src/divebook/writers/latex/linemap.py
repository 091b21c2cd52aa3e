"""Which Markdown file and line produced each line of the ``.tex``.

While rendering, the writer puts an invisible mark (``\\x00<n>\\x01``, which
no escaped text can contain) at the start of every block's LaTeX, and a
mark back to the enclosing block after it.  ``resolve_marks`` removes the
marks and records on which ``.tex`` line each one stood.  A LaTeX error on
line *n* is then reported at the source position of the last mark at or
before *n*; for paragraphs and code, whose lines follow the source line
for line, at the exact line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ...tree import Pos

_MARK = re.compile("\x00(\\d+)\x01")


class Marks:
    """Hands out marks for positions; one per rendering of a document."""

    def __init__(self) -> None:
        self.places: list[tuple[Pos, bool]] = []

    def mark(self, pos: Pos, faithful: bool = False) -> str:
        """A mark for ``pos``; ``faithful`` when the LaTeX that follows keeps the source's lines."""
        self.places.append((pos, faithful))
        return f"\x00{len(self.places) - 1}\x01"


def strip_marks(text: str) -> str:
    return _MARK.sub("", text)


@dataclass(frozen=True, slots=True)
class Segment:
    line: int  # first .tex line (1-based) the segment covers
    file: str
    source_line: int
    faithful: bool


class LineMap:
    """.tex line -> source position."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = sorted(segments, key=lambda s: s.line)
        self._starts = [s.line for s in self.segments]

    def lookup(self, line: int) -> Pos | None:
        i = bisect.bisect_right(self._starts, line) - 1
        if i < 0:
            return None
        seg = self.segments[i]
        if not seg.file:
            return None
        offset = line - seg.line if seg.faithful else 0
        return Pos(seg.file, seg.source_line + offset if seg.source_line else 0)

    def to_json(self) -> list[list]:
        return [[s.line, s.file, s.source_line, int(s.faithful)] for s in self.segments]


def resolve_marks(text: str, marks: Marks, first_line: int = 1) -> tuple[str, list[Segment]]:
    """``text`` without marks, and a segment for each mark (lines counted from ``first_line``)."""
    out: list[str] = []
    segments: list[Segment] = []
    line = first_line
    last = 0
    for m in _MARK.finditer(text):
        chunk = text[last:m.start()]
        out.append(chunk)
        line += chunk.count("\n")
        pos, faithful = marks.places[int(m.group(1))]
        segment = Segment(line, pos.file, pos.line, faithful)
        if segments and segments[-1].line == line:
            segments[-1] = segment  # the later mark on a line describes what follows it
        else:
            segments.append(segment)
        last = m.end()
    out.append(text[last:])
    return "".join(out), segments
