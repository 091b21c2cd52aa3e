"""``BOOK/divebook.lock``: the exact packages of each tab's environment, and what a tab needs.

``divebook env`` writes one section per tab: the requirements it was
resolved from, the Python and installer, and the packages as a pip
requirements file (``name==version`` with ``--hash`` lines when the installer
gives them).  The file is meant to be committed with the book, like
``uv.lock``: on another machine the same versions come back.  A section is
reused while the tab's requirements are the same; ``divebook env --upgrade``
resolves again.

A tab needs its own ``requirements``, the book's library needs (its
``setup.py`` ``install_requires`` or ``requirements.txt``: d2l's library
imports pandas and requests whatever the framework) and ipykernel.  A tab's
own requirement wins over the book's for the same package, so a tab can pin
what an old book's ``setup.py`` names.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..cache import digest, write_atomic

LOCK_NAME = "divebook.lock"
LOCK_FORMAT = 1
#: what every managed environment gets besides the tab's requirements
KERNEL_REQUIREMENTS = ["ipykernel"]

_HEADER = """\
# divebook.lock: the exact packages of each tab's environment, written by `divebook env`.
# Commit it with the book so that every machine gets the same versions;
# `divebook env --upgrade` resolves again.  Do not edit by hand.
"""


@dataclass(frozen=True)
class LockSection:
    tab: str
    requirements: tuple[str, ...]
    python: str
    installer: str
    packages: str  # a pip requirements file

    def pins(self) -> dict[str, str]:
        """package -> version, from the ``name==version`` lines."""
        found = {}
        for line in self.packages.splitlines():
            m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^]]*\])?==([^\s;\\]+)", line.strip())
            if m:
                found[canonical(m.group(1))] = m.group(2)
        return found


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return canonical(m.group(1)) if m else requirement.strip().lower()


def lock_path(book: Path) -> Path:
    return book / LOCK_NAME


def read_lock(book: Path) -> tuple[dict[str, LockSection], str]:
    """The sections of the book's lock file, and what is wrong with it ("" when fine or absent)."""
    path = lock_path(book)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, ""
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, f"{path}: cannot be read ({exc}); delete it and run `divebook env --upgrade`"
    sections: dict[str, LockSection] = {}
    for tab, body in (data.get("tabs") or {}).items():
        if not isinstance(body, dict) or not isinstance(body.get("packages"), str):
            return {}, f"{path}: the section [tabs.{tab}] has no `packages`; run `divebook env --upgrade`"
        sections[tab] = LockSection(tab, tuple(str(r) for r in body.get("requirements", [])),
                                    str(body.get("python", "")), str(body.get("installer", "")),
                                    body["packages"])
    return sections, ""


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def render_lock(sections: dict[str, LockSection]) -> str:
    out = [_HEADER, f"version = {LOCK_FORMAT}\n"]
    for tab in sorted(sections):
        s = sections[tab]
        packages = s.packages if s.packages.endswith("\n") else s.packages + "\n"
        if "'''" in packages:  # cannot be a literal string: fall back to an escaped one
            body = _toml_str(packages)
        else:
            body = "'''\n" + packages + "'''"
        out.append(f"\n[tabs.{tab}]\n"
                   f"requirements = [{', '.join(_toml_str(r) for r in s.requirements)}]\n"
                   f"python = {_toml_str(s.python)}\n"
                   f"installer = {_toml_str(s.installer)}\n"
                   f"packages = {body}\n")
    return "".join(out)


def write_section(book: Path, section: LockSection) -> None:
    """Put one tab's section into the lock file, keeping the others."""
    sections, _ = read_lock(book)
    sections[section.tab] = section
    text = render_lock(sections)
    path = lock_path(book)
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    write_atomic(path, text.encode("utf-8"))


def section_digest(section: LockSection | None) -> str:
    """Changes when the locked packages change (the environment is then made again)."""
    return digest(section.packages) if section is not None else ""


# --------------------------------------------------------------------------
# What a tab needs


def book_library_needs(book: Path) -> tuple[list[str], str]:
    """The library's requirements from ``setup.py`` (read, never run) or ``requirements.txt``."""
    setup = book / "setup.py"
    if setup.is_file():
        found = _install_requires(setup)
        if found is not None:
            return found, "setup.py"
    req = book / "requirements.txt"
    if req.is_file():
        try:
            lines = req.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return [], ""
        return [line.split("#", 1)[0].strip() for line in lines
                if line.split("#", 1)[0].strip() and not line.lstrip().startswith("-")], "requirements.txt"
    return [], ""


def _install_requires(setup: Path) -> list[str] | None:
    """``install_requires`` of the ``setup()`` call, when it is a literal list (or a name of one)."""
    try:
        tree = ast.parse(setup.read_text(encoding="utf-8"), str(setup))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    lists: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            lists[node.targets[0].id] = node.value
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            if kw.arg != "install_requires":
                continue
            value = lists.get(kw.value.id) if isinstance(kw.value, ast.Name) else kw.value
            if isinstance(value, (ast.List, ast.Tuple)):
                return [e.value for e in value.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return None


def tab_needs(requirements: list[str], library: list[str]) -> list[str]:
    """The tab's requirements, then the library's and the kernel's that the tab does not name."""
    named = {requirement_name(r) for r in requirements}
    extra = [r for r in [*library, *KERNEL_REQUIREMENTS] if requirement_name(r) not in named]
    seen: set[str] = set()
    unique = []
    for r in extra:
        if requirement_name(r) not in seen:
            seen.add(requirement_name(r))
            unique.append(r)
    return [*requirements, *unique]
