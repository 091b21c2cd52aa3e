"""The ``#@`` marks in a cell's code, as readers of the book see the code.

Shared by every writer that shows code (website, PDF), so it lives outside
the reader: writers never import the reader.
"""

from __future__ import annotations

import re


def strip_hide_marks(source: str) -> str:
    """The code as readers see it: lines that are only a hide mark removed."""
    kept = []
    for line in source.split("\n"):
        stripped = line.strip()
        if re.fullmatch(r"#\s*@(hide_code|hide_output|hide|expect_error)", stripped):
            continue
        kept.append(re.sub(r"\s*#\s*@(hide_code|hide_output|hide|expect_error)\s*$", "", line))
    return "\n".join(kept)
