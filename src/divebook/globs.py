"""The book's wildcards (``[build] notebooks``, ``exclusions``, ``[colab] exclusions``...).

They follow Python's ``glob``, as d2lbook reads them: ``*`` and ``?`` stay
within a folder, ``**/`` crosses any number of folders; a leading ``./`` is
ignored.  Paths are book-relative with ``/`` separators.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def matches(path: str, patterns: list[str]) -> bool:
    """Whether ``path`` matches one of ``patterns``."""
    return any(glob_regex(p.removeprefix("./")).fullmatch(path) for p in patterns)
