"""The website: one HTML page per book page, the theme's assets and the images.

Pages are rendered only when something that shows on them changed: each
page's render key hashes its resolved tree, the navigation it shows and the
theme.  Files are written only when their bytes differ, so a rebuild that
changes nothing touches nothing.
"""

from __future__ import annotations

import json
import os
import pickle
import posixpath
from collections import ChainMap
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from ... import __version__
from ...cache import Store, copy_if_changed, digest, write_if_changed
from ...config import Config
from ...bookpaths import url_of
from ...confine import book_file
from ...diagnostics import Diagnostic, Diagnostics
from ...fingerprint import code_digest
from ...languages import ORIGINAL, ui_strings
from ...languages.script import ORIGIN, TRANSLATION as TRANSLATED
from ...parallel import fork_map
from ...transforms.tabs import group_tabs
from ...tree import Book, Page, TocNode, plain_text
from .colab import colab_links
from .discussion import qr_svg, split_discussion
from .downloads import DOWNLOADS, MANIFEST
from ..code.highlight import SITE_STYLES, html_style_css
from .nodes import PageRenderer, Site, esc, relative_url, tab_title, tabs_on_page
from .text import href_or_self, href_to
from .toc import TOC_JS, fallback_sidebar, toc_script
from .icons import icon, icon_for
from .search import mark_removed

if TYPE_CHECKING:
    from ...languages import LanguageView

#: the list of pages, beside each language's index.html
PAGES_JS = "_pages.js"

THEME_DIR = Path(__file__).resolve().parent / "theme"


@dataclass
class HtmlResult:
    written: list[str] = field(default_factory=list)  # output paths whose bytes changed
    rendered: list[str] = field(default_factory=list)  # pages rendered (not taken from cache)
    removed: list[str] = field(default_factory=list)  # pages deleted because they left the book
    pages: dict[str, str] = field(default_factory=dict)  # source -> output path


#: UI strings the theme's script needs (it reads them from ``<body data-strings>``)
JS_STRINGS = ("copy", "copied", "show_more", "show_less", "search_no_results", "search_titles_only",
              "search_loading", "download_notebook", "download_all_notebooks", "download_pdf",
              "download_slides", "search_total", "search_more", "keys_title", "key_search", "key_pages",
              "key_escape", "key_help", "close", "download_epub")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The theme's templates, compiled once per process (Jinja reloads a template that changed)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(THEME_DIR)),
                             autoescape=jinja2.select_autoescape(["html"]),
                             trim_blocks=False, lstrip_blocks=False)
    env.globals["icon"] = icon
    return env


def page_title(page: Page) -> str:
    return plain_text(page.title).strip() or posixpath.splitext(posixpath.basename(page.source))[0]


def _site_config(config: Config, book: Book, titles: dict[str, tuple[object, str]],
                 view: "LanguageView | None") -> Config:
    """A translated book's sites each name the book in their own language.

    ``[project] title`` is written in one language: the site of that language (d2l-zh's
    Chinese one, d2l-ko's Korean one) keeps it; the other language's site takes the title
    its own home page shows (the starter's Korean site showed its English title) when
    that is written in the site's language (d2l-zh's English home page is headed in Chinese).
    """
    if view is None or not titles.get(book.root, (None, ""))[1]:
        return config
    home = titles[book.root][1]
    written = view.langs.classify(config.title).side
    own = ORIGIN if view.kind == ORIGINAL else TRANSLATED
    if written not in (ORIGIN, TRANSLATED) or written == own or view.langs.classify(home).side != own:
        return config
    return replace(config, title=home)


def _existing_files(root: Path) -> frozenset[str]:
    """Book-relative paths of the files that pages may show (images and such)."""
    skip = {"_build", ".git", ".divebook", "node_modules", "__pycache__"}
    suffixes = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".pdf", ".ico"}
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".")]
        rel = Path(folder).relative_to(root)
        found += [(rel / f).as_posix() for f in files if os.path.splitext(f)[1].lower() in suffixes]
    return frozenset(found)


def _parents(nodes: list[TocNode], trail: list[str] | None = None) -> dict[str, list[str]]:
    trail = trail or []
    out: dict[str, list[str]] = {}
    for node in nodes:
        out[node.page] = trail
        out.update(_parents(node.children, trail + [node.page]))
    return out


@dataclass
class _PageJob:
    """One page to render: what it shows besides its own tree."""

    source: str
    output: str
    prev: str | None
    next: str | None
    languages: dict


@dataclass
class _Rendering:
    """What rendering any page needs; read-only, shared with forked workers."""

    book: Book
    config: Config
    site: Site
    template: jinja2.Template
    strings: dict[str, str]
    chrome: dict[str, object]
    js_strings: dict[str, str]
    parents: dict[str, list[str]]
    out: Path
    dry_run: bool
    math_cache: dict[tuple[str, bool], str]
    pages_js: str  # site-relative path of the list of pages (title search from file://)
    nav_base: str  # the part of every page's render key that all pages share
    #: the last build's pages: source -> (render key, diagnostics, images)
    manifest: dict[str, tuple[str, list[Diagnostic], set[str]]]
    skip_unchanged: bool  # keep a page whose key is in the manifest and whose file exists


@dataclass
class _PageDone:
    source: str
    key: str
    written: bool
    diags: list[Diagnostic]
    images: set[str]
    new_math: dict[tuple[str, bool], str]
    rendered: bool = True
    copied: list[str] = field(default_factory=list)  # images copied into the site


def _render_page(r: _Rendering, job: _PageJob) -> _PageDone:
    """Render one page and write it (when its bytes changed), unless its render key
    says the last build's page is still right (the key is computed here, in the
    worker: it pickles the whole resolved page)."""
    page = r.book.pages[job.source]
    config, site = r.config, r.site
    content, discussion = split_discussion(page.blocks)
    blocks = group_tabs(content, config.tab_names)
    key = digest(r.nav_base, job.source, str(job.prev), str(job.next), repr(job.languages),
                 repr(sorted(discussion.items())),
                 pickle.dumps((blocks, page.number, page.title), protocol=pickle.HIGHEST_PROTOCOL))
    old = r.manifest.get(job.source)
    if r.skip_unchanged and old and old[0] == key and (r.out / job.output).exists():
        return _PageDone(job.source, key, False, old[1], old[2], {}, rendered=False,
                         copied=_copy_images(r, old[2]))
    page_diags = Diagnostics()
    new_math: dict[tuple[str, bool], str] = {}
    page_tabs = tabs_on_page(blocks, config.tab_names)
    renderer = PageRenderer(site, job.source, page_diags, ChainMap(new_math, r.math_cache),
                            page_tabs=page_tabs)
    rendered = renderer.render(blocks)
    output = job.output
    root = relative_url(output, "index.html")
    root = root[: -len("index.html")] if root.endswith("index.html") else root
    home = href_or_self(output, site.outputs.get(r.book.root, "index.html"))
    html = r.template.render(
        lang=site.lang, version=__version__, book=config, s=r.strings, root=root, output=output,
        source=job.source, page_title=site.titles[job.source][1], page_number=page.number,
        default_tab=config.default_tab,
        sidebar=fallback_sidebar(r.book, site, output, job.source, r.parents.get(job.source, [])),
        body=_after_title(rendered.body, _tab_note(r.strings, page_tabs, config.tab_names),
                          _pending_note(r.strings, rendered.body)),
        local_toc=rendered.local_toc,
        prev=_nav(site, output, job.prev), next=_nav(site, output, job.next),
        page_tabs=page_tabs,
        discussion=_discussion(discussion, config.tab_names),
        colab=[(t, url) for t, url in colab_links(config, output) if not page_tabs or t in page_tabs],
        edit_url=_edit_url(config, job.source), js_strings=r.js_strings, home=home,
        pages_js=r.pages_js, toc_js=posixpath.join(posixpath.dirname(r.pages_js), TOC_JS),
        **r.chrome, **job.languages)
    written = not r.dry_run and write_if_changed(r.out / output, html.encode("utf-8"))
    return _PageDone(job.source, key, written, page_diags.items, rendered.images, new_math,
                     copied=_copy_images(r, rendered.images))


def _copy_images(r: _Rendering, images: set[str]) -> list[str]:
    """Copy a page's images into the site (those that changed), here in the worker."""
    if r.dry_run:
        return []
    return [image for image in sorted(images) if copy_if_changed(r.config.root / image, r.out / image)]


def write_html(book: Book, config: Config, out: Path, store: Store | None,
               diags: Diagnostics, dry_run: bool = False, view: "LanguageView | None" = None,
               jobs: int = 1, only: set[str] | None = None) -> HtmlResult:
    """Write the website for ``book`` into ``out`` (created if needed).

    With ``dry_run`` every page is rendered in memory and nothing is written:
    ``divebook check`` uses it to find what only rendering finds.  ``view``:
    one language (or the side-by-side pages) of a translated book, written
    under its prefix with a language switcher (see writers/html/languages.py).
    Pages whose render key changed are rendered on ``jobs`` processes.

    ``only``: render just these pages, whatever their keys, and forget their
    keys, so the next full build renders them again (the live preview's
    first answer to an edit, see preview.py).
    """
    result = HtmlResult()
    lang = book.lang or config.lang or "en"
    strings = ui_strings(lang)
    sources = [s for s in book.order if s in book.pages] + list(book.orphans)
    prefix = view.prefix if view is not None else ""
    outputs = {s: prefix + book.pages[s].output for s in sources}
    result.pages = outputs
    titles = {s: (book.pages[s].number, page_title(book.pages[s])) for s in sources}
    config = _site_config(config, book, titles, view)
    site = Site(lang=lang, strings=strings, outputs=outputs, titles=titles, toc=book.toc,
                bibliography_page=book.bibliography_page, tab_names=config.tab_names,
                book_root=str(config.root), existing_files=_existing_files(config.root),
                origin_lang=view.langs.origin if view is not None else "",
                side_by_side=view is not None and view.kind == "side-by-side")
    if not dry_run and only is None:
        _write_assets(out, config, result)

    manifest_key = digest("html-manifest", str(out.resolve()), prefix)
    manifest: dict[str, tuple[str, list[Diagnostic], set[str]]] = \
        (store.get_object("html", manifest_key) if store else None) or {}
    new_manifest: dict[str, tuple[str, list[Diagnostic], set[str]]] = {}
    math_key = digest("html-math", code_digest())
    math_cache: dict[tuple[str, bool], str] = (store.get_object("math", math_key) if store else None) or {}
    math_before = len(math_cache)

    chrome = _page_chrome(config)
    nav_base = digest(code_digest(), repr(sorted(titles.items())), repr(config.tab_names),
                      lang, config.title, repr(config.header_links), repr(book.toc), str(book.orphans),
                      config.favicon, config.html_logo, repr(config.include_css), repr(config.include_js),
                      repr(chrome), repr([(t.name, t.colab_repo) for t in config.tabs]),
                      repr(config.colab_exclusions), config.repository, config.repository_branch)
    todo: list[_PageJob] = []
    for i, source in enumerate(sources):
        if only is not None and source not in only:
            if source in manifest:
                new_manifest[source] = manifest[source]
            continue
        page = book.pages[source]
        output = outputs[source]
        in_order = source in book.order
        prev_src = sources[i - 1] if in_order and i > 0 else None
        next_src = sources[i + 1] if in_order and i + 1 < len(book.order) else None
        languages = _page_languages(view, page.output, output, source) if view is not None else {}
        todo.append(_PageJob(source, output, prev_src, next_src, languages))

    pages_js = prefix + PAGES_JS
    rendering = _Rendering(book, config, site, _environment().get_template("page.html"), strings,
                           chrome, {key: strings[key] for key in JS_STRINGS if key in strings},
                           _parents(book.toc), out, dry_run, math_cache, pages_js, nav_base, manifest,
                           skip_unchanged=only is None and not dry_run)
    if not dry_run and only is None:
        listing = [[outputs[s], f"{titles[s][0]} {titles[s][1]}" if titles[s][0] else titles[s][1]]
                   for s in sources]
        script = ("/* The pages of this site, for searching titles where Pagefind cannot run "
                  "(file://). */\nwindow.divebookPages = "
                  + json.dumps(listing, ensure_ascii=False, separators=(",", ":")) + ";\n")
        if write_if_changed(out / pages_js, script.encode("utf-8")):
            result.written.append(pages_js)
        toc_js = posixpath.join(posixpath.dirname(pages_js), TOC_JS)
        if write_if_changed(out / toc_js, toc_script(book, site).encode("utf-8")):
            result.written.append(toc_js)
    # The heaviest pages first, a few at a time, so both workers finish together; the
    # results are then taken in book order, which keeps the report's order stable.
    heavy_first = sorted(todo, key=lambda job: -len(book.pages[job.source].text))
    rendered = fork_map(_render_page, rendering, heavy_first, jobs, chunksize=2)
    by_source = {done.source: done for done in rendered}
    copied: set[str] = set()
    for done in (by_source[job.source] for job in todo):
        if done.written:
            result.written.append(outputs[done.source])
        copied.update(done.copied)
        if done.rendered:
            result.rendered.append(done.source)
        diags.extend(done.diags)
        math_cache.update(done.new_math)
        if only is None:
            new_manifest[done.source] = (done.key, done.diags, done.images)

    if dry_run:
        return result
    result.written.extend(sorted(copied))
    for source, (_, _, _) in manifest.items():
        if only is not None:
            break  # a partial render removes nothing
        if source not in new_manifest and (out / (prefix + source[:-3] + ".html")).is_file():
            mark_removed(out)  # the search index must be made anew, even if this build dies
            (out / (prefix + source[:-3] + ".html")).unlink()  # the page left the book
            result.removed.append(prefix + source[:-3] + ".html")
    if store:
        if new_manifest != manifest:
            store.put_object("html", manifest_key, new_manifest)
        if len(math_cache) != math_before:
            store.put_object("math", math_key, math_cache)
    return result


def _page_languages(view: "LanguageView", page_output: str, output: str, source: str) -> dict:
    from .languages import page_languages  # translated books only

    return page_languages(view, page_output, output, source)


def _page_chrome(config: Config) -> dict[str, object]:
    """What every page shows from the configuration: links, logo, favicon (files that exist)."""
    def exists(name: str) -> str:
        return name if name and (config.root / name).is_file() and book_file(config.root, name) else ""

    return {
        "header_links": [{"name": link.name, "url": link.url, "icon": icon_for(link.icon)}
                         for link in config.header_links],
        "logo": exists(config.html_logo),
        "favicon": exists(config.favicon),
        "extra_css": [name for name in config.include_css if exists(name)],
        "extra_js": [name for name in config.include_js if exists(name)],
        "book_tabs": [(t, tab_title(t)) for t in config.tab_names],
        "tab_names": {t: tab_title(t) for t in config.tab_names},
    }


def _tab_note(strings: dict[str, str], page_tabs: list[str], book_tabs: list[str]) -> str:
    """"This section has code for PyTorch only." when a page lacks some of the book's tabs."""
    if not page_tabs or len(book_tabs) < 2 or set(page_tabs) >= set(book_tabs):
        return ""
    return strings["only_tab"].format(tabs=", ".join(tab_title(t) for t in page_tabs))


def _pending_note(strings: dict[str, str], body: str) -> str:
    """While ``serve`` runs a page's code in the background: say that outputs will come."""
    return strings["outputs_pending"] if 'data-status="pending"' in body else ""


def _after_title(body: str, note: str, pending: str = "") -> str:
    """The page's body with ``note`` (a tab note) and ``pending`` right under its title."""
    html = f'<p class="tab-note" data-pagefind-ignore>{esc(note)}</p>\n' if note else ""
    if pending:
        html += f'<p class="tab-note outputs-pending" role="status" data-pagefind-ignore>{esc(pending)}</p>\n'
    if not html:
        return body
    at = body.find("</h1>")
    return body[:at + 6] + html + body[at + 6:] if at >= 0 else html + body


def _discussion(links: dict[str, str], tabs: list[str]) -> list[dict[str, str]]:
    """One entry per distinct discussion link, with the tabs it is for ("" = every tab)."""
    if not links:
        return []
    if set(links) == {""}:
        return [{"tabs": "", "url": links[""], "qr": qr_svg(links[""])}]
    entries: list[dict[str, str]] = []
    for tab in tabs:
        url = links.get(tab) or links.get("")
        if not url:
            continue
        for entry in entries:
            if entry["url"] == url:
                entry["tabs"] += " " + tab
                break
        else:
            entries.append({"tabs": tab, "url": url, "qr": qr_svg(url)})
    return entries


def _edit_url(config: Config, source: str) -> str:
    """"Edit this page" on GitHub, when ``[repository] github`` names the book's repository."""
    repo = config.repository.strip().rstrip("/")
    if not repo:
        return ""
    if not repo.startswith(("http://", "https://")):
        repo = "https://github.com/" + repo.removesuffix(".git")
    return f"{repo}/edit/{config.repository_branch}/{url_of(source)}"


def _nav(site: Site, output: str, source: str | None) -> dict[str, str] | None:
    if source is None:
        return None
    number, title = site.titles[source]
    return {"url": href_to(output, site.outputs[source]) or "#",
            "title": f"{number} {title}" if number else title}


def _write_assets(out: Path, config: Config, result: HtmlResult) -> None:
    static = out / "_static"
    for path in sorted((THEME_DIR / "static").rglob("*")):
        if path.is_file():
            rel = path.relative_to(THEME_DIR / "static").as_posix()
            if copy_if_changed(path, static / rel):
                result.written.append(f"_static/{rel}")
    # Dark code on screens only: paper gets the light colours whatever the screen showed.
    light, dark = SITE_STYLES
    css = (html_style_css(light, ".highlight") + "\n@media screen and (prefers-color-scheme: dark) {\n"
           + html_style_css(dark, ':root:not([data-theme="light"]) .highlight') + "\n}\n"
           + "@media screen {\n" + html_style_css(dark, ':root[data-theme="dark"] .highlight')
           + "\n}\n")
    if write_if_changed(static / "pygments.css", css.encode()):
        result.written.append("_static/pygments.css")
    manifest = out / DOWNLOADS / MANIFEST
    if not manifest.exists():  # no downloads yet; the build's last step fills it in
        write_if_changed(manifest, b"window.divebookDownloads = {\"tabs\": {}, \"pdf\": null};\n")
        result.written.append(f"{DOWNLOADS}/{MANIFEST}")
    for extra in [config.favicon, config.html_logo, *config.include_css, *config.include_js]:
        if extra and (config.root / extra).is_file() and book_file(config.root, extra):
            if write_if_changed(out / extra, (config.root / extra).read_bytes()):
                result.written.append(extra)
