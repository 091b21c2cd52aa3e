"""The ``notebooks`` target: one Jupyter notebook per page and tab, and a zip per tab.

Files (paths stay stable; the website links to them):

* ``OUT/notebooks/<tab>/<page path>.ipynb`` - with the outputs of this
  build when the tab's code ran;
* ``OUT/notebooks/<project name>-<tab>.zip`` - those notebooks under a
  ``<project name>-<tab>/`` folder, with the images they show, the book's
  ``[build] resources`` and the tab's companion library when it is built.

The notebooks are made by ``execute.notebook.page_notebook`` (the same code
that the executor runs), from the resolved tree; nothing is parsed or run
here.  Files are written only when their bytes change.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path

import nbformat

from ...bookpaths import book_path, is_local
from ...confine import book_file
from ...cache import write_if_changed
from ...execute.attach import outputs_to_notebook
from ...execute.notebook import page_notebook
from ...library import apply_reverse_alias, library_root
from ..html.downloads import zip_stem
from .languages import NotebookLanguage, notebook_languages

#: ``![alt](address "title")``; the address may hold spaces (``a b.png``) or be in ``<>``
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*(<[^>\n]*>|[^)\n]*?)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"']", re.I)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def notebook_tabs(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    """``--tab T`` -> that tab; otherwise every tab, as the website offers each tab's notebook."""
    tab = ctx.options.tab
    if tab is None or tab == "all":
        return list(ctx.config.tab_names)
    return [tab]


def tab_notebook_json(ctx, source: str, tab: str,  # type: ignore[no-untyped-def]
                      language: NotebookLanguage | None = None) -> str | None:
    """The notebook of ``source`` for ``tab`` as JSON text, or None if it has no code for it.

    ``language``: one language of a translated book (its text only)."""
    config = ctx.config
    page = ctx.book.pages[source] if language is None else language.page(source)
    rules = config.tab(tab).library
    rewrite = None
    if tab != config.default_tab and rules is not None and rules.reverse_alias.strip():
        rewrite = lambda code: apply_reverse_alias(code, rules)  # noqa: E731
    if language is None:
        made = page_notebook(page, tab, config.tab_names, "python3", rewrite)
    else:
        made = page_notebook(page, tab, config.tab_names, "python3", rewrite,
                             drop=language.drop.get(source, set()), prose=language.prose(source))
    if made is None:
        return None
    ran = ctx.execution.get(source, {}).get(tab, {}).get("status") in ("executed", "cached", "failed")
    for nb_cell, cell in zip(made.code_cells, made.cells):
        if ran and cell.outputs:
            nb_cell.outputs = outputs_to_notebook(cell.outputs)
    nb = made.notebook
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["divebook"] = {"source": source, "tab": tab}
    return nbformat.writes(nb) + "\n"


def write_notebooks_target(ctx) -> None:  # type: ignore[no-untyped-def]
    """``divebook build notebooks``: the notebooks and zips into ``OUT/notebooks``."""
    assert ctx.book is not None
    book, config = ctx.book, ctx.config
    root = ctx.out / "notebooks"
    sources = [s for s in book.order + book.orphans if s in book.pages]
    files: list[str] = []
    written: list[str] = []
    languages: list[NotebookLanguage | None] = list(notebook_languages(ctx) or [None])
    for tab, language in ((t, lang) for lang in languages for t in notebook_tabs(ctx)):
        members: dict[str, bytes] = {}
        notebook_pages: dict[str, str] = {}  # notebook -> its page, for the link check
        images: set[str] = set()
        prefix = language.prefix if language is not None else ""
        for source in sources:
            text = tab_notebook_json(ctx, source, tab, language)
            if text is None:
                continue
            rel = source[:-3] + ".ipynb" if source.endswith(".md") else source + ".ipynb"
            data = text.encode("utf-8")
            path = root / tab / (prefix + rel)
            if write_if_changed(path, data):
                written.append(path.relative_to(ctx.out).as_posix())
            files.append(path.relative_to(ctx.out).as_posix())
            members[rel] = data
            notebook_pages[rel] = source
            images |= _referenced_files(text, source, config.root)
        if not members:
            continue
        for rel in sorted(images | _resources(config)):
            members.setdefault(rel, (config.root / rel).read_bytes())
        members.update(_library_files(ctx, tab))
        from ...linkcheck.notebooks import check_notebook_links  # every link has its file

        ctx.diags.extend(check_notebook_links(members, notebook_pages,
                                              {s: book.pages[s].text for s in notebook_pages.values()},
                                              config.root))
        folder = zip_stem(config, tab, prefix.strip("/"))
        zip_path = root / f"{folder}.zip"
        if write_if_changed(zip_path, _zip(folder, members)):
            written.append(zip_path.relative_to(ctx.out).as_posix())
        files.append(zip_path.relative_to(ctx.out).as_posix())
    ctx.outputs["notebooks"] = files
    ctx.extra["notebooks"] = {"files": len(files), "written": len(written)}


def _referenced_files(text: str, source: str, book_root: Path) -> set[str]:
    """Book-relative paths of the local images the notebook's Markdown shows."""
    nb = nbformat.reads(text, as_version=4)
    found: set[str] = set()
    base = posixpath.dirname(source)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for src in _MD_IMAGE.findall(cell.source) + _HTML_IMAGE.findall(cell.source):
            src = src.strip().removeprefix("<").removesuffix(">")
            if not is_local(src):
                continue
            # as written (符号.png, a b.png), else decoded (a%20b.png names `a b.png`)
            for path in dict.fromkeys((posixpath.normpath(posixpath.join(base, src)),
                                       book_path(source, src))):
                if not path.startswith("../") and (book_root / path).is_file() \
                        and book_file(book_root, path) is not None:  # never a file out of the book
                    found.add(path)
                    break
    return found


def _resources(config) -> set[str]:  # type: ignore[no-untyped-def]
    """Files under ``[build] resources`` (folders or files), book-relative."""
    found: set[str] = set()
    root = config.root
    for item in config.resources:
        path = root / item
        if book_file(root, item) is None:  # outside the book: config.confine_config warned
            continue
        if path.is_file():
            found.add(posixpath.normpath(item))
        elif path.is_dir():
            for f in path.rglob("*"):  # rglob does not enter linked folders; linked files are checked
                if f.is_file() and "__pycache__" not in f.parts and book_file(root, f) is not None:
                    found.add(f.relative_to(root).as_posix())
    return found


def _library_files(ctx, tab: str) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """The tab's built companion library package (e.g. ``d2l/``), when there is one."""
    rules = ctx.config.tab(tab).library
    if rules is None:
        return {}
    lib = library_root(ctx.out)
    top = rules.lib_file.strip("/").split("/")[0]
    package = lib / top
    if package.is_file():
        return {top: package.read_bytes()}
    if not package.is_dir():
        return {}
    return {f.relative_to(lib).as_posix(): f.read_bytes()
            for f in sorted(package.rglob("*")) if f.is_file() and "__pycache__" not in f.parts}


def _zip(folder: str, members: dict[str, bytes]) -> bytes:
    """A zip with fixed time stamps, so the same notebooks give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, members[name])
    return buffer.getvalue()
