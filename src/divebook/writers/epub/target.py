"""``divebook build epub``: one EPUB 3 per language and tab, into ``OUT/epub``.

Each page is rendered from the tree the website renders, as its tab sees it
(``select_tab``), and cached by a key over what shows on it: a rebuild after
an edit renders the edited page only, and a page without code is rendered
once for all tabs (its key does not depend on the tab).  The package around
the pages (navigation, metadata, images) is cheap and made each time; the
file is written only when its bytes change.
"""

from __future__ import annotations

import os
import pickle
import posixpath
import time
import uuid
from collections import ChainMap
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ...cache import Store, digest, write_if_changed
from ...config import Config
from ...diagnostics import Diagnostic, Diagnostics
from ...fingerprint import code_digest
from ...languages.i18n import strings as ui_strings
from ...parallel import fork_map
from ...transforms.tabs import select_tab
from ...tree import Book, TocNode, plain_text
from ..code.highlight import html_style_css
from ..html.site import _existing_files, page_title
from ..html.nodes import Site
from ..latex.book import pdf_name
from . import package, xhtml
from .render import CORE_IMAGES, STYLESHEET, RenderedPage, render_page

if TYPE_CHECKING:
    from ...context import BuildContext
    from ...languages.views import LanguageView

CSS_FILE = Path(__file__).resolve().parent / "theme" / "epub.css"
#: code colours: Pygments' light default (bold keywords, italic comments) stays readable in grey
CODE_STYLE = "default"
#: "Contents" per language, for the navigation document's heading
_CONTENTS = {"zh": "目录", "ja": "目次", "ko": "목차", "en": "Contents"}


@dataclass
class EpubResult:
    name: str
    path: Path | None = None
    written: bool = False
    rendered: int = 0
    pages: int = 0
    seconds: float = 0.0
    diags: list[Diagnostic] = field(default_factory=list)


@dataclass
class _Rendering:
    """What rendering any page needs; shared read-only with forked workers."""

    book: Book
    site: Site
    tab: str
    math_cache: dict[tuple[str, bool], str]


@dataclass
class _Job:
    source: str
    key: str
    blocks: list


def _render(r: _Rendering, job: _Job) -> tuple[RenderedPage, dict[tuple[str, bool], str]]:
    """One page, and the formulas it converted that the shared cache lacked."""
    page = r.book.pages[job.source]
    new_math: dict[tuple[str, bool], str] = {}
    done = render_page(page, job.blocks, r.site, r.tab, r.site.titles[job.source][1],
                       ChainMap(new_math, r.math_cache))  # type: ignore[arg-type]
    return done, new_math


def epub_tabs(config: Config, option: str | None) -> list[str]:
    """Every tab (an EPUB is cheap), or the one ``--tab`` names."""
    return list(config.tab_names) if option in (None, "all") else [option]


def write_epub(book: Book, config: Config, tab: str, out: Path, store: Store | None,
               diags: Diagnostics, jobs: int = 1, lang_suffix: str = "", title: str | None = None,
               view: "LanguageView | None" = None,
               math_cache: dict[tuple[str, bool], str] | None = None) -> EpubResult:
    """One EPUB: ``book`` as ``tab`` shows it, into ``out/<name>.epub``.

    ``math_cache``: LaTeX -> MathML, shared with the website; formulas converted here
    are added to it (the caller saves it)."""
    start = time.perf_counter()
    name = pdf_name(config, tab, lang_suffix)
    result = EpubResult(name)
    lang = book.lang or config.lang or "en"
    sources = _sources(book)
    site = _site(book, config, view)
    outputs, titles = site.outputs, site.titles
    base = digest("epub-page", code_digest(), lang, repr(sorted(titles.items())), repr(outputs),
                  str(book.bibliography_page), site.origin_lang, repr(config.tab_names))
    math_cache = {} if math_cache is None else math_cache

    pages: dict[str, RenderedPage] = {}
    todo: list[_Job] = []
    for source in sources:
        page = book.pages[source]
        blocks = select_tab(page.blocks, tab)
        key = digest(base, source, str(page.depth),
                     pickle.dumps((blocks, page.number, page.title), protocol=pickle.HIGHEST_PROTOCOL))
        cached = store.get_object("epub", key) if store else None
        if isinstance(cached, RenderedPage):
            pages[source] = cached
        else:
            todo.append(_Job(source, key, blocks))
    rendering = _Rendering(book, site, tab, math_cache)
    heavy_first = sorted(todo, key=lambda job: -len(book.pages[job.source].text))
    for job, (done, new_math) in zip(heavy_first, fork_map(_render, rendering, heavy_first, jobs,
                                                            chunksize=2)):
        math_cache.update(new_math)
        pages[job.source] = done
        if store:
            store.put_object("epub", job.key, done)
    result.rendered, result.pages = len(todo), len(sources)
    for source in sources:
        result.diags.extend(pages[source].diags)

    meta = _metadata(book, config, lang, tab, lang_suffix, title, sources)
    items = _items(book, config, meta, [pages[s] for s in sources], sources, outputs)
    data = package.zip_epub(meta, items)
    path = out / f"{name}.epub"
    result.path = path
    result.written = write_if_changed(path, data)
    result.seconds = time.perf_counter() - start
    return result


def _sources(book: Book) -> list[str]:
    """The pages in reading order, then those in no toc."""
    return [s for s in book.order if s in book.pages] + [s for s in book.orphans if s in book.pages]


def _site(book: Book, config: Config, view: "LanguageView | None") -> Site:
    """What rendering a page needs from the whole book, with the package's page paths."""
    lang = book.lang or config.lang or "en"
    sources = _sources(book)
    return Site(lang=lang, strings=ui_strings(lang),
                outputs={s: posixpath.splitext(book.pages[s].output)[0] + ".xhtml" for s in sources},
                titles={s: (book.pages[s].number, page_title(book.pages[s])) for s in sources},
                toc=book.toc, bibliography_page=book.bibliography_page, tab_names=config.tab_names,
                book_root=str(config.root), existing_files=_existing_files(config.root),
                origin_lang=view.langs.origin if view is not None else "")


def _metadata(book: Book, config: Config, lang: str, tab: str, lang_suffix: str,
              title: str | None, sources: list[str]) -> package.Metadata:
    """Title, authors, language, a stable identifier and dates (SOURCE_DATE_EPOCH, else the
    newest page's time, so an unchanged book gives an unchanged EPUB)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        stamp = int(epoch)
    else:
        times = []
        for source in sources:
            try:
                times.append(int((config.root / source).stat().st_mtime))
            except OSError:
                pass
        stamp = max(times, default=0)
    when = datetime.fromtimestamp(stamp, tz=timezone.utc)
    identity = f"divebook:{config.name or config.title}:{lang_suffix or lang}:{tab}"
    full_title = title or config.title
    if len(config.tab_names) > 1:
        from ..html.nodes import tab_title

        full_title = f"{full_title} ({tab_title(tab)})"
    return package.Metadata(
        identifier=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, identity)}", title=full_title,
        authors=package.split_authors(config.author), lang=lang, date=when.strftime("%Y-%m-%d"),
        modified=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        contents_title=_CONTENTS.get(lang.split("-")[0], _CONTENTS["en"]))


def _nav_entries(book: Book, outputs: dict[str, str], titles_of: dict[str, tuple[str | None, str]],
                 sources: list[str]) -> list[package.NavEntry]:
    def entry(node: TocNode) -> package.NavEntry:
        number, title = titles_of[node.page]
        return package.NavEntry(outputs[node.page], number, title,
                                [entry(c) for c in node.children if c.page in outputs])

    entries = []
    if book.root in outputs:
        entries.append(package.NavEntry(outputs[book.root], None, titles_of[book.root][1]))
    entries += [entry(n) for n in book.toc if n.page in outputs]
    entries += [package.NavEntry(outputs[s], titles_of[s][0], titles_of[s][1]) for s in book.orphans
                if s in outputs]
    return entries


def _items(book: Book, config: Config, meta: package.Metadata, pages: list[RenderedPage],
           sources: list[str], outputs: dict[str, str]) -> list[package.Item]:
    """Every file of the package, in the reading order where it is read."""
    titles_of = {s: (book.pages[s].number, page_title(book.pages[s])) for s in sources}
    css = CSS_FILE.read_bytes() + b"\n" + html_style_css(CODE_STYLE, ".highlight").encode("utf-8")
    items = [package.Item(STYLESHEET, css, "text/css")]
    logo = config.html_logo
    cover_image = None
    if logo and posixpath.splitext(logo)[1].lower() in CORE_IMAGES and (config.root / logo).is_file():
        cover_image = "cover" + posixpath.splitext(logo)[1].lower()
        items.append(package.Item(cover_image, (config.root / logo).read_bytes(),
                                  CORE_IMAGES[posixpath.splitext(logo)[1].lower()], ["cover-image"]))
    items.append(package.Item("cover.xhtml", package.cover_document(meta, STYLESHEET, cover_image),
                              "application/xhtml+xml", spine=True))
    entries = _nav_entries(book, outputs, titles_of, sources)
    items.append(package.Item("nav.xhtml", package.nav_document(meta, entries, STYLESHEET),
                              "application/xhtml+xml", ["nav"], spine=True))
    items.append(package.Item("toc.ncx", package.ncx_document(meta, entries), "application/x-dtbncx+xml"))
    fixed = _fix_links(pages, {i.path for i in items})
    images: set[str] = set()
    media: dict[str, bytes] = {}
    for source, page in zip(sources, pages):
        items.append(package.Item(page.path, fixed.get(page.path, page.data), "application/xhtml+xml",
                                  page.properties, spine=True, linear=source not in book.orphans))
        images |= page.images
        media.update(page.media)
    for image in sorted(images):
        items.append(package.Item(image, (config.root / image).read_bytes(),
                                  CORE_IMAGES[posixpath.splitext(image)[1].lower()]))
    for path in sorted(media):
        items.append(package.Item(path, media[path], CORE_IMAGES[posixpath.splitext(path)[1].lower()]))
    return items


def _fix_links(pages: list[RenderedPage], others: set[str]) -> dict[str, bytes]:
    """Pages whose links point at nothing in the package, rewritten with those links as text
    (a link to a file the book does not ship, or to a place that does not exist)."""
    ids = {p.path: p.ids for p in pages}
    files = set(ids) | others
    for page in pages:
        files |= page.images | set(page.media)
    fixed: dict[str, bytes] = {}
    for page in pages:
        broken = [(path, frag) for path, frag in page.links
                  if path not in files or (frag and path in ids and frag not in ids[path])]
        if not broken:
            continue
        from lxml import etree

        from .render import resolve_href

        root = etree.fromstring(page.data)
        folder = posixpath.dirname(page.path)
        for a in list(root.iter("{%s}a" % xhtml.XHTML)):
            href = a.get("href")
            target = resolve_href(folder, page.path, href) if href is not None else None
            if target is None:
                continue
            path, frag = target
            if path not in files:
                del a.attrib["href"]
            elif frag and path in ids and frag not in ids[path]:
                a.set("href", href.partition("#")[0] or "#")
                if a.get("href") == "#":
                    del a.attrib["href"]
        fixed[page.path] = xhtml.serialise(root)
    return fixed


def write_epub_target(ctx: "BuildContext") -> None:
    """``divebook build epub [--tab T]``: EPUBs into ``OUT/epub`` (every tab unless one is named).

    A translated book has an EPUB per language, named as its PDFs are:
    ``<name>[-<tab>].epub`` in the book's language, ``<name>-<lang>[-<tab>].epub`` for
    the original.
    """
    from ...languages.views import language_books

    assert ctx.book is not None
    out = ctx.out / "epub"
    out.mkdir(parents=True, exist_ok=True)
    views = [(view.book, "" if view.default else view.lang, view) for view in language_books(ctx)]
    written, kept, summary = [], set(), {}
    math_key = digest("html-math", code_digest())  # the website's: formulas are the same
    math_cache = (ctx.store.get_object("math", math_key) if ctx.store else None) or {}
    math_before = len(math_cache)
    for book, lang, view in views or [(ctx.book, "", None)]:
        root = book.pages.get(book.root)
        title = plain_text(root.title).strip() if views and root else None
        for tab in epub_tabs(ctx.config, ctx.options.tab):
            result = write_epub(book, ctx.config, tab, out, ctx.store, ctx.diags, ctx.jobs, lang,
                                title, view, math_cache)
            if view is not None:
                view.report(ctx, result.diags)
            else:
                ctx.diags.extend(result.diags)
            assert result.path is not None
            kept.add(result.path.name)
            if result.written:
                written.append(f"epub/{result.path.name}")
            summary["-".join(k for k in (lang, tab) if k)] = {
                "epub": result.path.name, "lang": book.lang or ctx.config.lang, "tab": tab,
                "pages": result.pages, "rendered": result.rendered, "seconds": round(result.seconds, 3)}
    if ctx.store and len(math_cache) != math_before:
        ctx.store.put_object("math", math_key, math_cache)
    ctx.outputs["epub"] = written
    ctx.extra["epub"] = summary
    where = ctx.extra.setdefault("where", {})
    if isinstance(where, dict):
        where["epub"] = ", ".join(str(out / f) for f in sorted(kept))
