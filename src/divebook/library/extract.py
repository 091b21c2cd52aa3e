"""The companion library: each tab's ``#@save`` blocks as one Python module.

``blocks.py`` finds what a mark saves in one cell, ``collect.py`` walks the
book for one tab, ``module.py`` folds the blocks into a module,
``imports.py`` and ``aliases.py`` write its head and tail.  The library
writer (``write.py``) writes the result; ``divebook check`` runs
the same build in memory and adds the checks in ``checks.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..config import Config, LibraryRules
from ..confine import book_file
from ..diagnostics import Diagnostics
from ..library import reverse_alias_rules
from ..tree import Book, Pos
from .aliases import alias_lines, alias_pos, names_bound, split_by_need
from .collect import collect_tab, library_pages
from .module import Definition, ModuleParts, add_blocks

#: d2lbook's marker line: what stands above it in a library file is the author's own.
HEADER_MARK = "#################   WARNING   ################"
HEADER = (HEADER_MARK + "\n"
          "# The part below is written by `divebook build lib` from the `#@save` blocks\n"
          "# of the book. Do not edit it here: edit the book and build again.\n")


@dataclass(slots=True)
class TabLibrary:
    """One tab's module: where it goes and what it says."""

    tab: str
    rules: LibraryRules
    text: str
    blocks: int = 0
    definitions: list[Definition] = field(default_factory=list)

    @property
    def lib_file(self) -> str:
        return self.rules.lib_file


def own_package(rules: LibraryRules) -> str:
    """``d2l/torch.py`` -> ``d2l`` (imports of it are grouped last)."""
    parts = PurePosixPath(rules.lib_file).parts
    return parts[0] if len(parts) > 1 else ""


def bad_lib_file(lib_file: str) -> str | None:
    """Why ``lib_file`` cannot be written inside the library folder, or None."""
    path = PurePosixPath(lib_file)
    if path.is_absolute() or ".." in path.parts or not lib_file.endswith(".py"):
        return (f"lib_file `{lib_file}` must be a relative path to a `.py` file inside the book "
                "(e.g. `d2l/torch.py`)")
    if not all(part.isidentifier() for part in (*path.parts[:-1], path.stem)):
        return f"lib_file `{lib_file}`: each folder and the file name must be a Python identifier"
    return None


def custom_header(config: Config, rules: LibraryRules) -> str:
    """What the author wrote above d2lbook's marker in the book's own copy of the module."""
    path = book_file(config.root, rules.lib_file)
    try:
        if path is None:  # a link out of the book: its text never goes into the library
            return ""
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip() == HEADER_MARK:
            return "\n".join(lines[:i]).rstrip("\n") + "\n" if any(x.strip() for x in lines[:i]) else ""
    return ""


def build_tab_library(book: Book, config: Config, tab: str, rules: LibraryRules,
                      diags: Diagnostics) -> TabLibrary:
    """The module of ``tab``; problems go to ``diags``, the module keeps what compiles."""
    saved, problems = collect_tab(library_pages(book, config), tab, config.tab_names)
    for problem in problems:
        diags.error(problem.pos, problem.message, "library-mark")
    parts = add_blocks(ModuleParts(), saved)
    for problem in parts.problems:
        diags.error(problem.pos, problem.message, "library-syntax")
    for earlier, earlier_pos, later, later_pos in parts.imports.conflicts():
        diags.warning(later_pos, f"`{later.bound}` is imported here from `{_origin(later)}` but at "
                      f"{earlier_pos} from `{_origin(earlier)}`; tab {tab}'s library keeps this "
                      "import for both (rename one with `as`)", "library-import")
    aliases, alias_problems = alias_lines(rules)
    for problem in alias_problems:
        where = alias_pos(config, rules, problem.key, problem.offset)
        message = f"[library-{tab}] {problem.message}"
        if problem.warning:
            diags.warning(where, message, "library-alias")
        else:
            diags.error(where, message, "library-alias")
    for offset, message in reverse_alias_rules(rules.reverse_alias)[1]:
        diags.error(alias_pos(config, rules, "reverse_alias", offset), f"[library-{tab}] {message}",
                    "library-alias")
    header = custom_header(config, rules)
    # what the aliases can use when they run: the header's names and the saved imports
    available = names_bound(header) | {item.bound for item in parts.imports.names}
    lib_top = rules.lib_name.strip().split(".")[0]
    if rules.simple_alias.strip() and lib_top and lib_top not in (
            available | {d.name for d in parts.definitions}):
        diags.warning(alias_pos(config, rules, "lib_name", 0),
                      f"[library-{tab}] lib_name `{lib_top}` is never imported by a saved block "
                      f"nor by the lines above the WARNING line in {rules.lib_file}, so the simple "
                      f"aliases fail when the library is imported; save an `import {lib_top}`",
                      "library-alias")
    early, late = split_by_need(aliases, available)
    alias_names = names_bound("\n".join(early + late))
    for definition in parts.definitions:
        if definition.kind != "method" and definition.name in alias_names:
            diags.warning(definition.pos, f"`{definition.name}` is also an alias in [library-{tab}]; "
                          "the saved code replaces the alias (rename one of them)", "library-alias")
    text = render_module(header, parts, early, late, own_package(rules), config, tab)
    try:
        compile(text, rules.lib_file, "exec")
    except SyntaxError as exc:  # only the author's own header can do this
        diags.error(Pos(rules.lib_file, exc.lineno or 0), f"the library module for tab {tab} does not "
                    f"compile: {exc.msg} (check the lines above the WARNING line in {rules.lib_file})",
                    "library-syntax")
    return TabLibrary(tab, rules, text, len(saved), parts.definitions)


def _origin(item) -> str:  # type: ignore[no-untyped-def]
    return item.module if item.name is None else f"{item.module}.{item.name}"


def render_module(header: str, parts: ModuleParts, early: list[str], late: list[str], package: str,
                  config: Config, tab: str) -> str:
    """Header, imports, aliases, the saved code (and aliases that need it), in that order."""
    source = f"[library-{tab}] in {config.source or 'the configuration'}"
    sections = [header + HEADER]
    imports = parts.imports.render(package)
    if imports:
        sections.append(imports)
    if early:
        sections.append(f"# Aliases from {source}\n" + "\n".join(early))
    body = parts.body()
    if body:
        sections.append(body)
    if late:
        sections.append(f"# Aliases from {source} that use the code above\n" + "\n".join(late))
    return "\n\n\n".join(s.strip("\n") for s in sections) + "\n"


def build_libraries(book: Book, config: Config, diags: Diagnostics) -> list[TabLibrary]:
    """Every tab's module, for the tabs whose configuration asks for one."""
    libraries = []
    if config.library_root:
        diags.warning(config.pos("library.root_dir"), "[library] root_dir (d2lbook's one module per "
                      "page) is not supported and is ignored; the tabs' lib_file modules are written",
                      "library-config")
    for tab in config.tabs:
        if tab.library is None:
            continue
        problem = bad_lib_file(tab.library.lib_file)
        if problem:
            diags.error(Pos(tab.library.file or config.source or ".", tab.library.lines.get("lib_file", 0)),
                        f"[library-{tab.name}] {problem}", "library-config")
            continue
        libraries.append(build_tab_library(book, config, tab.name, tab.library, diags))
    return libraries


__all__ = ["TabLibrary", "build_libraries", "build_tab_library", "HEADER_MARK", "Definition"]
