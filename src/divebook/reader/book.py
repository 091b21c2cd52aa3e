"""Read a whole book: find its pages, parse them (cached, in parallel), follow the tocs."""

from __future__ import annotations

import pickle
import posixpath
from dataclasses import dataclass
from pathlib import Path

from ..cache import Store, digest
from ..config import Config
from ..confine import book_file, outside_message
from ..diagnostics import Diagnostic, Diagnostics
from ..fingerprint import code_digest
from ..globs import matches
from ..parallel import parallel_map
from ..tree import Book, Page, Pos, Toc, TocNode, walk_blocks
from ..languages import (
    LanguagePair, PAIRING_CODES, as_written, book_languages, companion_bytes, is_companion,
    pair_page, read_origin_page, written_in_one_language,
)
from .page import read_page

#: folders never searched for pages
_SKIP_DIRS = {"_build", ".git", ".divebook", ".ipynb_checkpoints", "node_modules", "__pycache__"}


def find_markdown(config: Config, diags: Diagnostics | None = None) -> list[str]:
    """The book's pages, book-relative and sorted: its ``.md`` files, as d2lbook chooses them.

    A page matches ``[build] notebooks`` or ``non-notebooks`` and not ``exclusions``
    (wildcards as in ``globs``: ``*`` stays in a folder, ``**`` crosses folders), so
    d2l-en's ``*.md */*.md`` leaves out ``contrib/chapter_x/y.md``.  An empty
    ``notebooks`` list means every file.  The root page is always a page.
    """
    root_source = config.index if config.index.endswith(".md") else config.index + ".md"
    wanted = config.notebooks + config.non_notebooks if config.notebooks else ["**/*.md"]
    found = []
    for path in config.root.rglob("*.md"):
        rel = path.relative_to(config.root)
        if any(part in _SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        rel_s = rel.as_posix()
        if rel_s != root_source and (not matches(rel_s, wanted) or matches(rel_s, config.exclusions)):
            continue
        if not path.is_file():  # a folder named x.md is no page (a toc entry naming it says so)
            continue
        if book_file(config.root, rel) is None:  # a link to a file out of the book: never read
            if diags is not None:
                diags.warning(Pos(rel_s, 0), outside_message("page", rel_s) + " (or remove the link)",
                              "file-outside")
            continue
        found.append(rel_s)
    return sorted(found)


@dataclass(slots=True)
class _ReadJob:
    root: str
    source: str
    data: bytes
    tab_names: list[str]
    key: str  # the cache entry this page's reading goes into
    store: Store | None
    langs: LanguagePair | None = None  # a translated book: pair originals and translations


def _read_one(job: _ReadJob) -> bytes:
    """The pickled ``(page, diagnostics)`` of one page, also put into the cache.

    Pickled here, once, in the worker: the same bytes become the cache entry and
    travel back to the parent, which would otherwise pickle the page a second time.
    """
    diags = Diagnostics()
    page = read_page(Path(job.root), job.source, job.data, job.tab_names, diags)
    if job.langs is not None:
        origin = read_origin_page(Path(job.root), job.source, job.tab_names)
        page = pair_page(page, job.langs, diags, origin)  # x_origin.md's problems stay in page.origin
    body = pickle.dumps((page, diags.items), protocol=pickle.HIGHEST_PROTOCOL)
    if job.store is not None:
        job.store.put("read", job.key, body)
    return body


def read_pages(config: Config, sources: list[str], store: Store | None, jobs: int,
               diags: Diagnostics) -> dict[str, Page]:
    """Parse ``sources``, taking unchanged pages from the cache."""
    pages: dict[str, Page] = {}
    todo: list[_ReadJob] = []
    tabs = ",".join(config.tab_names)
    langs = book_languages(config)
    for source in sources:
        data = (config.root / source).read_bytes()
        key = digest("read", code_digest(), tabs, source, data)
        if langs is not None:  # the page's original (paired layout) is part of the page
            key = digest(key, repr(langs), companion_bytes(config.root, source))
        cached = store.get_object("read", key) if store else None
        if cached is not None:
            page, items = cached
            pages[source] = page
            diags.extend(items)
        else:
            todo.append(_ReadJob(str(config.root), source, data, config.tab_names, key, store, langs))
    todo.sort(key=lambda job: len(job.data), reverse=True)  # the longest first: workers finish together
    for job, body in zip(todo, parallel_map(_read_one, todo, jobs, chunksize=2)):
        page, items = pickle.loads(body)
        pages[job.source] = page
        diags.extend(items)
    return {s: pages[s] for s in sources}


def read_book(config: Config, store: Store | None, jobs: int, diags: Diagnostics) -> Book:
    """Read every page and arrange them by the tocs, starting at the index page."""
    root_source = config.index if config.index.endswith(".md") else config.index + ".md"
    sources = find_markdown(config, diags)
    if book_languages(config) is not None:  # x_origin.md is read with x.md, not as a page
        names = set(sources)
        sources = [s for s in sources if not is_companion(s, names)]
    if root_source not in sources:
        diags.error(Pos(config.source or root_source, config.lines.get("build.index", 0)),
                    f"the book's root page `{root_source}` does not exist; create it or set "
                    "[build] index", "no-index")
        return Book(root=root_source, pages={}, order=[], toc=[])
    langs = book_languages(config)
    held = Diagnostics()
    pages = read_pages(config, sources, store, jobs, held)
    if langs is not None and written_in_one_language(list(pages.values()), langs):
        # [translation] names where the book was translated from, but its pages hold the
        # translation alone (d2l-zh, d2l-ja): one language, as written, nothing to report.
        for page in pages.values():
            page.blocks = as_written(page.blocks)
        held.items = [d for d in held.items if d.code not in PAIRING_CODES]
    diags.extend(held.items)
    book = Book(root=root_source, pages=pages, order=[root_source], toc=[])
    seen = {root_source}
    book.toc = _follow_toc(book, root_source, seen, diags, numbered=False)
    book.order = [root_source] + _flatten(book.toc)
    for source in sources:
        if source not in seen:
            book.orphans.append(source)
            if not pages[source].front_matter.get("orphan"):  # Sphinx's `:orphan:`, as MyST writes it
                diags.warning(Pos(source, 1), "this page is in no `toc`; it is built but not linked "
                              "from the book (add it to a toc, to [build] exclusions, or put "
                              "`orphan: true` in its front matter)", "orphan")
    return book


def _flatten(nodes: list[TocNode]) -> list[str]:
    out = []
    for node in nodes:
        out.append(node.page)
        out.extend(_flatten(node.children))
    return out


def _follow_toc(book: Book, source: str, seen: set[str], diags: Diagnostics,
                numbered: bool) -> list[TocNode]:
    """The toc entries of ``source``, depth first, each page once."""
    nodes: list[TocNode] = []
    page = book.pages[source]
    base = posixpath.dirname(source)
    for block in walk_blocks(page.blocks):
        if not isinstance(block, Toc):
            continue
        for entry in block.entries:
            target = entry.text
            if target.endswith(">") and "<" in target:  # "Title <path>"
                target = target[target.rindex("<") + 1:-1].strip()
            if target.startswith(("http://", "https://")):
                continue
            path = posixpath.normpath(posixpath.join(base, target))
            if not path.endswith(".md"):
                path += ".md"
            if path not in book.pages:
                diags.warning(Pos(source, entry.line), f"toc entry `{entry.text}` names no page: "
                              f"`{path}` does not exist or is not a page (see [build] notebooks, "
                              "non-notebooks and exclusions); fix the name or create the file",
                              "toc")
                continue
            if path in seen:
                diags.warning(Pos(source, entry.line), f"`{path}` is listed in more than one toc; "
                              "a page can have only one place in the book", "toc")
                continue
            seen.add(path)
            entry.page = path
            node = TocNode(path, numbered=block.numbered or numbered, maxdepth=block.maxdepth)
            node.children = _follow_toc(book, path, seen, diags, node.numbered)
            nodes.append(node)
    return nodes
