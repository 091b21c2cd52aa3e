"""What a book may reach: the paths it names stay inside it, and divebook removes only its own folders.

A book is untrusted input: CI builds pull requests that anyone can open.  So
every path a book names (a page, an image, a file in ``config.ini``, a
``:file:`` option) is resolved, symlinks included, and used only when it lies
inside the book's folder; names that become file names (tabs, language codes)
must match a safe pattern; and an output folder is written into or removed
only when divebook made it (it holds ``MARKER``) and it is not the book, a
folder above it, the home folder or ``/``.  This module is the one place that
decides; readers ask it and report what it refuses.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .bookpaths import is_local
from .outlock import LOCK_NAME

if TYPE_CHECKING:
    from .config import Config
    from .diagnostics import Diagnostics

#: the file divebook writes into every output folder it makes; ``clean`` removes only such folders
MARKER = ".divebook-output"
_MARKER_TEXT = "This folder was made by divebook: `divebook clean` may remove it with all it holds.\n"

#: names that become file or folder names (tabs, language codes): a letter or digit, then
#: letters, digits, ``_ . + -``; no slash, no ``..`` alone, no leading dot or dash
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}")


class OutputRefused(Exception):
    """An output folder that divebook must not write into or remove; the message says why."""


def is_safe_name(name: str) -> bool:
    """Whether ``name`` may become a file or folder name as it is (no ``/``, ``..``, spaces)."""
    return SAFE_NAME.fullmatch(name) is not None


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``, symlinks resolved, is ``root`` or lies below it (``root`` resolved too)."""
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):  # a loop of symlinks, a NUL byte in the name
        return False
    base = Path(os.path.realpath(root))
    return real == base or base in real.parents


def book_file(root: Path, name: str | Path) -> Path | None:
    """The file ``name`` (relative to the book's folder ``root``, or absolute) names, or None
    when it lies outside the book once symlinks are resolved; whether it exists is not checked."""
    path = root / name
    return path if inside(root, path) else None


def outside_message(what: str, name: str | Path) -> str:
    """The diagnostic for a path that leaves the book: what it is, that it is left out, the mend."""
    return (f"{what} `{name}` lies outside the book's folder (after following symlinks) and is left "
            f"out: a book may only use files inside its own folder; copy the file into the book")


# ---------------------------------------------------------------------- output folders


def _made_by_divebook(out: Path) -> bool:
    """``out`` holds the marker, or is an output folder from before markers: a report.json or
    check.json that divebook wrote (a JSON object with a ``divebook`` version)."""
    if (out / MARKER).is_file():
        return True
    for name in ("report.json", "check.json"):
        try:
            data = json.loads((out / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and "divebook" in data:
            return True
    return False


def _forbidden(out: Path, book: Path) -> str | None:
    """Why ``out`` (resolved) may never be an output folder, whatever it holds; None when it may."""
    if out == Path(out.anchor):
        return "it is the root folder `/`"
    if out == Path.home().resolve():
        return "it is your home folder"
    if out == book:
        return "it is the book's own folder: the book's sources would be overwritten or deleted"
    if out in book.parents:
        return "it holds the book: the book's sources would be deleted with it"
    return None


def _fix() -> str:
    return "choose a new or empty folder, such as the default BOOK/_build"


def check_output(out: Path, book: Path) -> None:
    """Refuse (OutputRefused) an output folder that a build must not write into: a forbidden
    place, a file, or a folder with files that divebook did not make."""
    out, book = Path(os.path.realpath(out)), Path(os.path.realpath(book))
    why = _forbidden(out, book)
    if why is None and out.exists() and not out.is_dir():
        why = "a file is in the way (name a folder)"
    if (why is None and out.is_dir() and not _made_by_divebook(out)
            and any(p.name != LOCK_NAME for p in out.iterdir())):  # a build waiting on it: its lock
        why = (f"it holds files that divebook did not make (no {MARKER} file in it), "
               "which a build could overwrite")
    if why is not None:
        raise OutputRefused(f"refusing to write into --out {out}: {why}; {_fix()}")


def claim_output(out: Path, book: Path) -> None:
    """Check ``out`` (see ``check_output``), create it and mark it as divebook's."""
    check_output(out, book)
    out.mkdir(parents=True, exist_ok=True)
    marker = out / MARKER
    if not marker.is_file():
        marker.write_text(_MARKER_TEXT, encoding="utf-8")


def check_removable(out: Path, book: Path) -> None:
    """Refuse (OutputRefused) to remove ``out`` unless divebook made it and it is not the book,
    a folder above it, the home folder or ``/``."""
    real, book = Path(os.path.realpath(out)), Path(os.path.realpath(book))
    why = _forbidden(real, book)
    if why is None and not real.is_dir():
        why = "it is not a folder"
    if why is None and not _made_by_divebook(real):
        why = (f"divebook did not make it (it has no {MARKER} file and no divebook report.json); "
               "remove it yourself if you mean to")
    if why is not None:
        raise OutputRefused(f"refusing to remove {out}: {why}")


# ---------------------------------------------------------------------- the configuration


def _config_path_problem(root: Path, value: str) -> bool:
    """Whether a file named in the configuration leaves the book: absolute, ``..`` that climbs
    out (it is also written into the output under this name), or a symlink out of the book."""
    if not value or not is_local(value):
        return False  # unset, or an address (https:, data:) that no reader opens as a file
    norm = posixpath.normpath(value.replace("\\", "/"))
    return norm.startswith(("/", "../")) or norm == ".." or book_file(root, norm) is None


def confine_config(cfg: "Config", diags: "Diagnostics") -> None:
    """Drop, with a warning at the key's line, every configured file outside the book and every
    name that would become an unsafe file name (tabs, the book's name, language codes)."""
    for attr, key in (("favicon", "html.favicon"), ("html_logo", "html.html_logo"),
                      ("bibfile", "pdf.bibfile"), ("latex_template", "pdf.template"),
                      ("latex_logo", "pdf.latex_logo"), ("version_file", "library.version_file")):
        value = getattr(cfg, attr)
        if _config_path_problem(cfg.root, value):
            diags.warning(cfg.pos(key), outside_message(f"[{key.replace('.', '] ')}", value),
                          "file-outside")
            setattr(cfg, attr, "")
    for attr, key in (("include_css", "html.include_css"), ("include_js", "html.include_js"),
                      ("resources", "build.resources"), ("dependencies", "build.dependencies")):
        kept = []
        for value in getattr(cfg, attr):
            if _config_path_problem(cfg.root, value.split("*")[0].split("?")[0].split("[")[0] or "."):
                diags.warning(cfg.pos(key), outside_message(f"[{key.replace('.', '] ')}", value),
                              "file-outside")
            else:
                kept.append(value)
        setattr(cfg, attr, kept)
    # lib_file: library.extract.bad_lib_file reports it; its readers refuse links out of the book
    # tab names: config._checked (one warning per tab, at its line)
    for attr, key, fallback in (("name", "project.name", "book"), ("lang", "project.lang", "en"),
                                ("origin_lang", "translation.origin_lang", "")):
        value = getattr(cfg, attr)
        if value and not is_safe_name(value):
            diags.warning(cfg.pos(key), f"[{key.replace('.', '] ')} `{value}` becomes part of file "
                          "names, so it must be letters, digits, `_`, `.`, `+` or `-`, starting with a "
                          f"letter or digit; `{fallback or 'none'}` is used instead", "config-value")
            setattr(cfg, attr, fallback)
