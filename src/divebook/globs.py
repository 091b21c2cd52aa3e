"""The book's wildcards (``[build] notebooks``, ``exclusions``, ``[colab] exclusions``...).

They mean what they mean to d2lbook, which hands each one to Python's
``glob.glob(pattern, recursive=True)`` on the book's root:

* ``*`` and ``?`` stay within one folder (``*/*.md`` is one level down only);
* ``**`` as a whole path part crosses any number of folders, none included
  (``**/*.md`` is every Markdown file, ``index.md`` too); glued to other
  characters (``a**b``) it is a plain ``*``;
* ``[abc]`` / ``[!abc]`` match one character of (or not of) the set;
* wildcards do not match names that start with a dot (hidden files and folders);
* a pattern without wildcards that names a folder (``contrib`` or
  ``contrib/``) stands for every file under it;
* a leading ``./`` is ignored.

Paths are book-relative with ``/`` separators.  Matching is done on the
path's text, without listing folders, so it costs the same for every file.
"""

from __future__ import annotations

import re
from functools import lru_cache

_MAGIC = re.compile(r"[*?\[]")
#: one path part that is not hidden
_PART = r"(?!\.)[^/]+"


def _part_regex(part: str) -> str:
    """The regex of one path part that is not ``**``."""
    out = [] if part.startswith(".") else [r"(?!\.)"]  # as glob: hidden names only if asked
    i = 0
    while i < len(part):
        ch = part[i]
        if ch == "*":
            while i + 1 < len(part) and part[i + 1] == "*":
                i += 1
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            start = i + 2 if part[i + 1:i + 2] == "!" else i + 1
            end = part.find("]", start + 1 if part[start:start + 1] == "]" else start)
            if end < 0:  # no closing bracket: a literal "[", as glob reads it
                out.append(re.escape(ch))
            else:
                body = part[i + 1:end]
                negate = body.startswith("!")
                body = body[1:] if negate else body
                body = body.replace("\\", "\\\\").replace("^", "\\^").replace("[", "\\[")
                out.append(f"[{'^/' if negate else ''}{body}]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """The compiled regex that ``pattern`` stands for (see the module's rules)."""
    while pattern.startswith("./"):
        pattern = pattern[2:]
    if not _MAGIC.search(pattern):  # a file, or a folder and everything under it
        return re.compile(re.escape(pattern.rstrip("/")) + "(?:/.*)?")
    if pattern.endswith("/"):
        pattern += "**"
    parts = pattern.split("/")
    out: list[str] = []
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if part == "**":
            # any number of folders (none included); at the end, anything below
            out.append(f"(?:{_PART}(?:/{_PART})*)?" if last else f"(?:{_PART}/)*")
        else:
            out.append(_part_regex(part) + ("" if last else "/"))
    return re.compile("".join(out))


def matches(path: str, patterns: list[str]) -> bool:
    """Whether ``path`` matches one of ``patterns``."""
    return any(glob_regex(p).fullmatch(path) for p in patterns)
