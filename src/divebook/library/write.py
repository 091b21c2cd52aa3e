"""``divebook build lib``: each tab's ``#@save`` code as an importable package.

The modules go under ``OUT/lib`` (``library_root``), which execution puts
first on ``sys.path``; with ``[library] write_to_source = true`` they are
also written into the book's own tree, as d2lbook does.  Files are written
only when their bytes change, so a rebuild that saves the same code leaves
them (and the execution cache keys that hash them) alone.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..cache import write_if_changed
from ..config import Config
from ..confine import book_file, outside_message
from ..library import library_root, module_name
from .extract import TabLibrary, build_libraries
from ..tree import Pos

if TYPE_CHECKING:
    from ..context import BuildContext

_VERSION_LINE = re.compile(r"^(\s*)__version__\s*=.*$", re.M)


def version_text(config: Config) -> str:
    """The version file with ``__version__ = "<release>"``: the book's copy updated, or a new one."""
    release = config.release.replace("\\", "\\\\").replace('"', '\\"')
    line = f'__version__ = "{release}"'
    path = book_file(config.root, config.version_file)
    try:
        if path is None:  # a link out of the book: written anew, the outside file never read
            raise FileNotFoundError(config.version_file)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return line + "\n"
    if _VERSION_LINE.search(text):
        return _VERSION_LINE.sub(lambda m: m.group(1) + line, text)
    return text.rstrip("\n") + ("\n\n" if text.strip() else "") + line + "\n"


def package_files(libraries: list[TabLibrary], config: Config) -> dict[str, str]:
    """Every file of the library folder (path relative to it -> text)."""
    files: dict[str, str] = {}
    for lib in libraries:
        files[lib.lib_file] = lib.text
    if config.version_file:
        files[PurePosixPath(config.version_file).as_posix()] = version_text(config)
    for lib in libraries:
        for parent in PurePosixPath(lib.lib_file).parents:
            if str(parent) == ".":
                continue
            init = (parent / "__init__.py").as_posix()
            if init not in files:
                files[init] = _init_text(config, parent.as_posix())
    return files


def _init_text(config: Config, package: str) -> str:
    """The package's ``__init__.py``: the book's own if it has one, else a short note."""
    own = book_file(config.root, f"{package}/__init__.py")
    try:
        if own is None:  # a link out of the book is not the book's own
            raise FileNotFoundError(package)
        return own.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return f'"""The companion library of {config.title}, written by `divebook build lib`."""\n'


def write_library_target(ctx: "BuildContext") -> None:
    """Write every tab's module into ``OUT/lib`` (and the book's tree when asked)."""
    assert ctx.book is not None
    config = ctx.config
    libraries = build_libraries(ctx.book, config, ctx.diags)
    files = package_files(libraries, config)
    root = library_root(ctx.out)
    written: list[str] = []
    for rel, text in files.items():
        if write_if_changed(root / rel, text.encode("utf-8")):
            written.append(rel)
    if config.write_library_to_source:
        _write_to_source(config, libraries, ctx)
    ctx.outputs["lib"] = written
    ctx.extra["library"] = {
        lib.tab: {"file": lib.lib_file, "module": module_name(lib.rules), "blocks": lib.blocks,
                  "names": sorted({d.name for d in lib.definitions})}
        for lib in libraries}


def _write_to_source(config: Config, libraries: list[TabLibrary], ctx: "BuildContext") -> None:
    """d2lbook's behaviour: the modules and the version file in the book's own tree."""
    targets = {lib.lib_file: lib.text for lib in libraries}
    if config.version_file:
        targets[config.version_file] = version_text(config)
    for rel, text in targets.items():
        path = Path(config.root) / rel
        if book_file(config.root, rel) is None:  # through a link out of the book: never written
            ctx.diags.warning(config.pos("library.write_to_source"),
                              outside_message("library file", rel), "file-outside")
            continue
        try:
            write_if_changed(path, text.encode("utf-8"))
        except OSError as exc:
            ctx.diags.error(config.pos("library.write_to_source"),
                            f"cannot write the library into the book at {rel}: {exc.strerror}",
                            "library-write")
