"""The companion library's interface to the rest of divebook.

The library writer (``writers/library.py``) gathers ``#@save`` code into one
module per tab under ``OUT/lib``.  Execution needs three things from it,
kept here so both sides agree: where the package lives, which library files
a page's code imports (for the cache key), and the ``reverse_alias`` rules
applied to a non-default tab's code before it runs.
"""

from __future__ import annotations

import re
from pathlib import Path

from .config import Config, LibraryRules


def library_root(out: Path) -> Path:
    """The folder put first on ``sys.path`` when a page runs (holds e.g. ``d2l/torch.py``)."""
    return out / "lib"


def module_name(rules: LibraryRules) -> str:
    """``d2l/torch.py`` -> ``d2l.torch``."""
    path = rules.lib_file[:-3] if rules.lib_file.endswith(".py") else rules.lib_file
    return path.strip("/").replace("/", ".")


def imported_library_files(sources: list[str], config: Config, tab: str) -> list[str]:
    """The library files (relative to ``library_root``) that this tab's code imports.

    A page imports the module of tab ``tab`` when its code names the package
    (``from d2l import torch as d2l``, ``import d2l.torch``, ``import d2l``).
    Importing the package may load any tab's module, so the package name
    alone counts as importing them all.
    """
    code = "\n".join(sources)
    files: list[str] = []
    for t in config.tabs:
        if t.library is None:
            continue
        name = module_name(t.library)
        package, _, leaf = name.rpartition(".")
        patterns = [rf"^\s*import\s+{re.escape(name)}\b", rf"^\s*from\s+{re.escape(name)}\s+import\b"]
        if package:
            patterns.append(rf"^\s*from\s+{re.escape(package)}\s+import\s+.*\b{re.escape(leaf)}\b")
            patterns.append(rf"^\s*import\s+{re.escape(package)}\s*$")
        if any(re.search(p, code, re.M) for p in patterns):
            files.append(t.library.lib_file)
    return sorted(set(files))


def parse_reverse_alias(text: str) -> list[tuple[re.Pattern[str], str, int]]:
    """``pattern -> replacement`` lines (regular expressions, ``\\1`` back-references).

    Returns (compiled pattern, replacement, line offset within the setting);
    raises ValueError naming the offset of a line that does not parse.
    """
    rules = []
    for offset, line in enumerate(text.split("\n")):
        line = line.strip()
        if not line:
            continue
        if "->" not in line:
            raise ValueError(f"{offset}: `{line}` needs the form `pattern -> replacement`")
        pattern, _, replacement = line.partition("->")
        try:
            rules.append((re.compile(pattern.strip()), replacement.strip(), offset))
        except re.error as exc:
            raise ValueError(f"{offset}: `{pattern.strip()}` is not a valid regular expression: {exc}") from None
    return rules


def apply_reverse_alias(code: str, rules: LibraryRules) -> str:
    """Rewrite ``code`` with the tab's ``reverse_alias`` rules (d2l.x -> framework calls)."""
    if not rules.reverse_alias.strip():
        return code
    for pattern, replacement, _ in parse_reverse_alias(rules.reverse_alias):
        code = pattern.sub(replacement, code)
    return code
