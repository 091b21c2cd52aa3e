"""The companion library's interface to the rest of divebook.

The library writer (``library/write.py``) gathers ``#@save`` code into one
module per tab under ``OUT/lib``.  Execution needs a few things from it,
kept here so both sides agree: where the package lives, which library files
a page's code imports and their digest (for the cache key), and the
``reverse_alias`` rules applied to a non-default tab's code before it runs.
docs/library.md states the rules.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..config import Config, LibraryRules


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
            patterns.append(rf"^\s*import\s+{re.escape(package)}(\s+as\s+\w+)?\s*(#.*)?$")
        if any(re.search(p, code, re.M) for p in patterns):
            files.append(t.library.lib_file)
    return sorted(set(files))


ReverseRule = tuple[re.Pattern[str], str, int]


def reverse_alias_rules(text: str) -> tuple[list[ReverseRule], list[tuple[int, str]]]:
    """The usable ``pattern -> replacement`` lines of ``text`` and the problems of the others.

    One rule per line, exactly one ``->``; the pattern is a Python regular
    expression and the replacement may use its groups (``\\1``, ``\\g<name>``).
    Problems are (line offset within the setting, what is wrong).
    """
    rules: list[ReverseRule] = []
    problems: list[tuple[int, str]] = []
    for offset, line in enumerate(text.split("\n")):
        line = line.strip()
        if not line:
            continue
        parts = line.split("->")
        if len(parts) != 2 or not parts[0].strip():
            problems.append((offset, f"reverse_alias `{line}` needs the form `pattern -> replacement` "
                                     "with exactly one `->`"))
            continue
        pattern, replacement = parts[0].strip(), parts[1].strip()
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            problems.append((offset, f"reverse_alias `{pattern}` is not a valid regular "
                                     f"expression: {exc}"))
            continue
        problem = _replacement_problem(compiled, replacement)
        if problem:
            problems.append((offset, f"reverse_alias `{line}`: the replacement {problem}"))
            continue
        rules.append((compiled, replacement, offset))
    return rules, problems


def _replacement_problem(pattern: re.Pattern[str], replacement: str) -> str | None:
    """Why ``replacement`` cannot be used with ``pattern`` (bad group, bad escape), or None."""
    try:
        # An empty alternative always matches, so the template is parsed against the same groups.
        probe = re.compile(f"(?:{pattern.pattern})|", pattern.flags)
    except re.error:
        return None  # e.g. global flags inside; the rule is still used as written
    try:
        probe.sub(replacement, "", count=1)
    except (re.error, IndexError) as exc:
        return f"cannot be used: {exc}"
    return None


def parse_reverse_alias(text: str) -> list[tuple[re.Pattern[str], str, int]]:
    """``pattern -> replacement`` lines (regular expressions, ``\\1`` back-references).

    Returns (compiled pattern, replacement, line offset within the setting);
    raises ValueError naming the offset of the first line that does not parse.
    """
    rules, problems = reverse_alias_rules(text)
    if problems:
        offset, message = problems[0]
        raise ValueError(f"{offset}: {message}")
    return rules


def apply_reverse_alias(code: str, rules: LibraryRules) -> str:
    """Rewrite ``code`` with the tab's ``reverse_alias`` rules (d2l.x -> framework calls).

    The rules run in order, each over the whole code; lines that do not
    parse are skipped here (the library build reports them).
    """
    if not rules.reverse_alias.strip():
        return code
    for pattern, replacement, _ in reverse_alias_rules(rules.reverse_alias)[0]:
        code = pattern.sub(replacement, code)
    return code


def library_digest(out: Path, files: list[str]) -> str:
    """One hash over the library files a page imports (for execution's cache key)."""
    h = hashlib.sha256()
    root = library_root(out)
    for rel in sorted(files):
        h.update(rel.encode("utf-8") + b"\0")
        try:
            h.update(hashlib.sha256((root / rel).read_bytes()).digest())
        except OSError:
            h.update(b"missing")
    return h.hexdigest()
